package io.fabricbinder.core;

import io.fabricbinder.ipam.IpPrefix;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/** A network being planned. */
final class NetDraft {
    /** The NAD, as diagnostics name it. */
    final ObjectRef ref;

    final String name;
    final String namespace;
    final int vlan;

    @Nullable
    Integer pinnedVni;

    long vni;

    @Nullable
    IpPrefix v4;

    @Nullable
    InetAddress v4Gateway;

    @Nullable
    IpPrefix v6;

    @Nullable
    InetAddress v6Gateway;

    @Nullable
    String zone;

    NetDraft(ObjectRef ref, String name, String namespace, int vlan) {
        this.ref = ref;
        this.name = name;
        this.namespace = namespace;
        this.vlan = vlan;
    }

    VirtualNetworkSpec toSpec() {
        boolean routed = zone != null;
        return new VirtualNetworkSpec(
                name, vlan, vni, v4, v6, routed ? v4Gateway : null, routed ? v6Gateway : null, zone);
    }
}
