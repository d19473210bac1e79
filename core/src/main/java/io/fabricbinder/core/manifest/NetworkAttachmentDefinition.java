package io.fabricbinder.core.manifest;

import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.ipam.IpamBlock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@code k8s.cni.cncf.io/v1} NetworkAttachmentDefinition with FabricBinder's annotations.
 *
 * <p>Example: {@code if (nad.extendToFabric()) plan(nad.findVlan(), nad.findIpam())}. Immutable
 * and thread-safe.
 *
 * @param namespace the namespace
 * @param name the name (DNS-1123 label)
 * @param labels the NAD labels, which VirtualNetworkRouters select
 * @param resourceName the {@code k8s.v1.cni.cncf.io/resourceName} annotation, or null
 * @param extendToFabric the {@code fabricbinder.io/extend-to-fabric} annotation ({@code "true"})
 * @param vni the {@code fabricbinder.io/vni} annotation (4096..16777214), or null
 * @param cniConfig the parsed {@code spec.config}, or null when absent
 * @param vlan the {@code sriov} plugin's {@code vlan} (0..4094), or null
 * @param ipam the IPAM block of the plugins (the first that has one), or null when none has one; an
 *     empty {@code "ipam": {}} is a block of type null, no IPAM, like an absent one
 */
public record NetworkAttachmentDefinition(
        String namespace,
        String name,
        Map<String, String> labels,
        @Nullable String resourceName,
        boolean extendToFabric,
        @Nullable Integer vni,
        @Nullable CniConfig cniConfig,
        @Nullable Integer vlan,
        @Nullable IpamBlock ipam) {

    /** Kind name used in errors. */
    public static final String KIND = "NetworkAttachmentDefinition";
    /** Annotation that extends the network to the fabric. */
    public static final String EXTEND_ANNOTATION = "fabricbinder.io/extend-to-fabric";
    /** Annotation that pins the VXLAN VNI. */
    public static final String VNI_ANNOTATION = "fabricbinder.io/vni";
    /** Multus/device-plugin resource annotation. */
    public static final String RESOURCE_ANNOTATION = "k8s.v1.cni.cncf.io/resourceName";
    /** Lowest VNI accepted. */
    public static final int MIN_VNI = 4096;
    /** Highest VNI accepted. */
    public static final int MAX_VNI = 16_777_214;

    /** Validates and copies. */
    public NetworkAttachmentDefinition {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        if (vni != null && (vni < MIN_VNI || vni > MAX_VNI)) {
            throw new IllegalArgumentException("vni " + vni + " is out of range " + MIN_VNI + ".." + MAX_VNI);
        }
        if (vlan != null && (vlan < 0 || vlan > 4094)) {
            throw new IllegalArgumentException("vlan " + vlan + " is out of range 0..4094");
        }
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The reference diagnostics name this object by ({@code NetworkAttachmentDefinition namespace/name}). */
    public ObjectRef ref() {
        return ObjectRef.of(KIND, namespace, name);
    }

    /**
     * The CNI network name, what a CNI plugin sees as the config's {@code name}: the config's name,
     * or the NAD's name when the config has none (Multus then uses the NAD name). Pools are named from
     * it ({@link IpamBlock#pool}).
     */
    public String cniNetworkName() {
        String n = cniConfig == null ? null : cniConfig.name();
        return n == null || n.isEmpty() ? name : n;
    }

    /** The VLAN, if the sriov plugin sets one. */
    public Optional<Integer> findVlan() {
        return Optional.ofNullable(vlan);
    }

    /** The VNI annotation, if set. */
    public Optional<Integer> findVni() {
        return Optional.ofNullable(vni);
    }

    /** The IPAM block, if any. */
    public Optional<IpamBlock> findIpam() {
        return Optional.ofNullable(ipam);
    }

    /** The resource name annotation, if set. */
    public Optional<String> findResourceName() {
        return Optional.ofNullable(resourceName);
    }
}
