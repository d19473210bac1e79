package io.fabricbinder.sriov;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads the PCI devices of a pod from what Multus and the device plugin leave behind. This module
 * does not depend on a Kubernetes client: pass the raw annotation value or environment.
 *
 * <pre>{@code
 * String status = pod.getMetadata().getAnnotations().get("k8s.v1.cni.cncf.io/network-status");
 * List<PodDevice> devices = PodDevices.fromNetworkStatus(status);
 * List<SriovAttachment> attachments = inventory.resolveAll(devices).resolved();
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class PodDevices {
    /** The network-status annotation key (older Multus wrote {@code networks-status}; same format). */
    public static final String NETWORK_STATUS_ANNOTATION = NetworkStatus.ANNOTATION;

    private PodDevices() {}

    /**
     * The PCI devices in a {@code k8s.v1.cni.cncf.io/network-status} value: one per entry whose
     * {@code device-info} has a {@code pci-address} ({@code type} {@code pci}, or {@code vdpa}
     * with an address). Entries without device-info (the default network) are skipped.
     *
     * @throws IllegalArgumentException naming the field of the first problem {@link
     *     NetworkStatus#parseAnnotation} found (malformed JSON, a bad address, ...)
     */
    public static List<PodDevice> fromNetworkStatus(String annotationValue) {
        Objects.requireNonNull(annotationValue, "annotationValue");
        if (annotationValue.isBlank()) {
            return List.of();
        }
        NetworkStatus.Parsed parsed = NetworkStatus.parseAnnotation(annotationValue);
        if (!parsed.problems().isEmpty()) {
            NetworkStatus.Problem p = parsed.problems().get(0);
            throw new IllegalArgumentException("network-status" + p.field() + ": " + p.message());
        }
        List<PodDevice> out = new ArrayList<>();
        for (NetworkStatus s : parsed.statuses()) {
            NetworkStatus.DeviceInfo info = s.deviceInfo();
            if (info == null) {
                continue;
            }
            NetworkStatus.Pci body = "vdpa".equals(info.type()) && info.vdpa() != null ? info.vdpa() : info.pci();
            if (body == null) {
                continue; // vhost-user, memif: no PCI device
            }
            out.add(new PodDevice(
                    s.name(), s.interfaceName(), body.pciAddress(), body.pfPciAddress(), "network-status"));
        }
        return List.copyOf(out);
    }

    /** The PCI devices in a container environment's {@code PCIDEVICE_*} variables. */
    public static List<PodDevice> fromEnvironment(Map<String, String> environment) {
        List<PodDevice> out = new ArrayList<>();
        for (DevicePluginEnv.Allocation a : DevicePluginEnv.parse(environment)) {
            for (PciAddress d : a.devices()) {
                out.add(new PodDevice("", "", d, null, a.variable()));
            }
        }
        return List.copyOf(out);
    }
}
