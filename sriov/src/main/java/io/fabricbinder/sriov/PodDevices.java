package io.fabricbinder.sriov;

import com.fasterxml.jackson.databind.JsonNode;
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
    public static final String NETWORK_STATUS_ANNOTATION = "k8s.v1.cni.cncf.io/network-status";

    private PodDevices() {}

    /**
     * The PCI devices in a {@code k8s.v1.cni.cncf.io/network-status} value: one per entry whose
     * {@code device-info} has a {@code pci-address} ({@code type} {@code pci}, or {@code vdpa}
     * with an address). Entries without device-info (the default network) are skipped.
     *
     * @throws IllegalArgumentException naming the entry if the JSON or an address is malformed
     */
    public static List<PodDevice> fromNetworkStatus(String annotationValue) {
        Objects.requireNonNull(annotationValue, "annotationValue");
        if (annotationValue.isBlank()) {
            return List.of();
        }
        JsonNode root = Json.tree(annotationValue, "network-status annotation");
        if (!root.isArray()) {
            throw new IllegalArgumentException("network-status annotation must be a JSON list");
        }
        List<PodDevice> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode entry = root.get(i);
            JsonNode info = entry.path("device-info");
            if (!info.isObject()) {
                continue;
            }
            String type = Json.text(info, "type");
            JsonNode body = info.path(type.isEmpty() ? "pci" : type);
            String address = Json.text(body, "pci-address");
            String where = "network-status[" + i + "] (" + Json.text(entry, "name") + ")";
            if (address.isEmpty()) {
                continue; // vhost-user, memif: no PCI device
            }
            PciAddress vf = parse(address, where + ".device-info." + type + ".pci-address");
            String pf = Json.text(body, "pf-pci-address");
            out.add(new PodDevice(
                    Json.text(entry, "name"),
                    Json.text(entry, "interface"),
                    vf,
                    pf.isEmpty() ? null : parse(pf, where + ".device-info." + type + ".pf-pci-address"),
                    "network-status"));
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

    private static PciAddress parse(String text, String where) {
        try {
            return PciAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
