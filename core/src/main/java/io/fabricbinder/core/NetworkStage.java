package io.fabricbinder.core;

import io.fabricbinder.core.manifest.NetworkAttachmentDefinition;
import io.fabricbinder.core.manifest.VirtualNetworkRouter;
import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The first stage of planning: the desired networks and their routing zones. One {@link NetDraft} per
 * NAD extended to the fabric (VLAN and subnets validated), placed in the zone of the mesh
 * VirtualNetworkRouter of its namespace that selects it, and dropped when its subnet overlaps another
 * in that zone. Excluded NADs are recorded in the {@link Exclusions} (their networks stay as they
 * are); warnings go to the list it is given. VNIs are the next stage ({@link VniStage}).
 */
final class NetworkStage {

    private final Exclusions exclusions;
    private final List<Diagnostic> warnings;

    NetworkStage(Exclusions exclusions, List<Diagnostic> warnings) {
        this.exclusions = exclusions;
        this.warnings = warnings;
    }

    @Nullable
    NetDraft draft(NetworkAttachmentDefinition nad) {
        ObjectRef object = nad.ref();
        Integer vlan = nad.vlan();
        if (vlan == null || vlan == 0) {
            exclusions.exclude(
                    nad.key(),
                    object,
                    "spec.config.vlan",
                    "extending a network to the fabric needs a VLAN 1..4094 on the sriov plugin, got "
                            + (vlan == null ? "none" : "0"));
            return null;
        }
        NetDraft d = new NetDraft(object, nad.key(), nad.namespace(), vlan);
        d.pinnedVni = nad.vni();
        IpamBlock ipam = nad.ipam();
        if (ipam != null && ipam.isFabricBinder()) {
            for (IpRange range : ipam.ranges()) {
                Subnet r = new Subnet(range.prefix(), range.gatewayAddress());
                if (r.subnet().isIpv4()) {
                    if (d.v4 != null) {
                        exclusions.exclude(
                                nad.key(),
                                object,
                                "spec.config.ipam.ipRanges",
                                "a fabric network takes one IPv4 and one IPv6 subnet, got " + d.v4 + " and "
                                        + r.subnet());
                        return null;
                    }
                    d.v4 = r.subnet();
                    d.v4Gateway = r.gateway();
                } else {
                    if (d.v6 != null) {
                        exclusions.exclude(
                                nad.key(),
                                object,
                                "spec.config.ipam.ipRanges",
                                "a fabric network takes one IPv4 and one IPv6 subnet, got " + d.v6 + " and "
                                        + r.subnet());
                        return null;
                    }
                    d.v6 = r.subnet();
                    d.v6Gateway = r.gateway();
                }
            }
        } else {
            warnings.add(new Diagnostic(
                    object,
                    "spec.config.ipam",
                    ipam == null || ipam.type() == null
                            ? "no IPAM (" + (ipam == null ? "no ipam block" : "an empty ipam object")
                                    + "); the network is extended at layer 2 only (no subnet, no gateway)"
                            : "IPAM type '" + ipam.type() + "' is not fabricbinder-ipam; the network is extended at"
                                    + " layer 2 only (no subnet, no gateway)"));
        }
        return d;
    }

    void assignZones(
            Map<String, NetDraft> drafts,
            Map<String, NetworkAttachmentDefinition> nads,
            List<VirtualNetworkRouter> vnrs) {
        for (NetDraft d : drafts.values()) {
            // Drafts are made from these NADs, under their keys.
            NetworkAttachmentDefinition nad = Objects.requireNonNull(nads.get(d.name), "draft without its NAD");
            List<String> selecting = new ArrayList<>();
            for (VirtualNetworkRouter vnr : vnrs) {
                if (vnr.type() == VirtualNetworkRouter.Type.MESH
                        && vnr.namespace().equals(nad.namespace())
                        && vnr.virtualNetworkSelector().matches(nad.labels())) {
                    selecting.add(vnr.key());
                }
            }
            if (selecting.isEmpty()) {
                continue;
            }
            d.zone = selecting.get(0);
            if (selecting.size() > 1) {
                warnings.add(new Diagnostic(
                        d.ref,
                        "metadata.labels",
                        "selected by several VirtualNetworkRouters " + selecting + "; a network can be in one routing"
                                + " zone only, so it joins " + d.zone + " (the first by namespace/name) and is not"
                                + " routed to the networks of the others"));
            }
        }
    }

    void checkOverlaps(Map<String, NetDraft> drafts) {
        Map<String, List<NetDraft>> byZone = new TreeMap<>();
        for (NetDraft d : drafts.values()) {
            if (d.zone != null) {
                byZone.computeIfAbsent(d.zone, z -> new ArrayList<>()).add(d);
            }
        }
        Set<String> bad = new TreeSet<>();
        for (Map.Entry<String, List<NetDraft>> e : byZone.entrySet()) {
            List<NetDraft> members = e.getValue();
            for (int i = 0; i < members.size(); i++) {
                for (int j = i + 1; j < members.size(); j++) {
                    NetDraft a = members.get(i);
                    NetDraft b = members.get(j);
                    IpPrefix overlap = overlap(a.v4, b.v4);
                    boolean v4 = overlap != null;
                    if (!v4) {
                        overlap = overlap(a.v6, b.v6);
                    }
                    if (overlap != null) {
                        for (NetDraft[] pair : new NetDraft[][] {{a, b}, {b, a}}) {
                            exclusions.errors.add(new Diagnostic(
                                    pair[0].ref,
                                    "spec.config.ipam.subnet",
                                    "subnet overlaps " + pair[1].name + " ("
                                            + (v4 ? a.v4 + " / " + b.v4 : a.v6 + " / " + b.v6)
                                            + ") in routing zone " + e.getKey()));
                            bad.add(pair[0].name);
                        }
                    }
                }
            }
        }
        for (String n : bad) {
            drafts.remove(n);
            exclusions.frozen.add(n);
        }
    }

    private static @Nullable IpPrefix overlap(@Nullable IpPrefix a, @Nullable IpPrefix b) {
        if (a == null || b == null) {
            return null;
        }
        return a.contains(b) || b.contains(a) ? a : null;
    }

    /** A subnet of a fabric network with its gateway (canonical text), or none. */
    private record Subnet(IpPrefix subnet, @Nullable InetAddress gateway) {}
}
