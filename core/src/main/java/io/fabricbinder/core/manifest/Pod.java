package io.fabricbinder.core.manifest;

import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.sriov.NetworkStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A v1 Pod, reduced to what FabricBinder needs: identity, node, phase, and the NPWG network
 * selection ({@code k8s.v1.cni.cncf.io/networks}) and status ({@code
 * k8s.v1.cni.cncf.io/network-status}, or the older {@code networks-status}) annotations.
 *
 * <p>Example: {@code pod.networkStatus().get(1).deviceInfo().pci().pfPciAddress()}. Immutable and
 * thread-safe.
 *
 * @param namespace the namespace
 * @param name the name
 * @param uid {@code metadata.uid}, or null
 * @param nodeName {@code spec.nodeName}, or null when not scheduled
 * @param phase {@code status.phase}, or null
 * @param deletionTimestamp {@code metadata.deletionTimestamp}, or null
 * @param labels the pod labels
 * @param networks the requested secondary networks, in order
 * @param networkStatus the attachment status written by Multus, in order
 */
public record Pod(
        String namespace,
        String name,
        @Nullable String uid,
        @Nullable String nodeName,
        @Nullable String phase,
        @Nullable Instant deletionTimestamp,
        Map<String, String> labels,
        List<NetworkSelection> networks,
        List<NetworkStatus> networkStatus) {

    /** Kind name used in errors. */
    public static final String KIND = "Pod";
    /** The selection annotation. */
    public static final String NETWORKS_ANNOTATION = "k8s.v1.cni.cncf.io/networks";
    /** The status annotation. */
    public static final String NETWORK_STATUS_ANNOTATION = NetworkStatus.ANNOTATION;
    /** The status annotation older Multus wrote. */
    public static final String OLD_NETWORK_STATUS_ANNOTATION = NetworkStatus.OLD_ANNOTATION;

    /** Validates and copies. */
    public Pod {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
        networks = List.copyOf(networks);
        networkStatus = List.copyOf(networkStatus);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** The reference diagnostics name this object by ({@code Pod namespace/name}). */
    public ObjectRef ref() {
        return ObjectRef.of(KIND, namespace, name);
    }

    /** True if {@code metadata.deletionTimestamp} is set. */
    public boolean isTerminating() {
        return deletionTimestamp != null;
    }

    /**
     * One element of {@code k8s.v1.cni.cncf.io/networks}.
     *
     * @param namespace the NAD namespace, or null for the pod's own
     * @param name the NAD name
     * @param interfaceName the requested interface name, or null
     * @param ips requested static IPs (optionally with {@code /len})
     * @param mac requested MAC, or null
     */
    public record NetworkSelection(
            @Nullable String namespace,
            String name,
            @Nullable String interfaceName,
            List<String> ips,
            @Nullable String mac) {

        /** Validates and copies. */
        public NetworkSelection {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("network name is empty");
            }
            ips = List.copyOf(ips);
        }

        /** The NAD key {@code namespace/name}, using the pod namespace when none was given. */
        public String nadKey(String podNamespace) {
            return (namespace == null ? podNamespace : namespace) + "/" + name;
        }
    }
}
