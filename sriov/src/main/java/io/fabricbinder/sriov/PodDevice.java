package io.fabricbinder.sriov;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One PCI device a pod received, as the pod side reports it: a {@code network-status} entry with
 * {@code device-info}, or an address from a {@code PCIDEVICE_*} variable.
 *
 * @param network the attachment's network ({@code ns/name}) from network-status, or {@code ""}
 * @param interfaceName the pod interface ({@code net1}), or {@code ""}
 * @param pciAddress the VF (or whole function) given to the pod
 * @param pfPciAddress the PF address if device-info carried {@code pf-pci-address}, else null
 * @param origin where this came from: {@code network-status} or the {@code PCIDEVICE_*} variable name
 */
public record PodDevice(
        String network,
        String interfaceName,
        PciAddress pciAddress,
        @Nullable PciAddress pfPciAddress,
        String origin) {

    /** Requires the address and normalises absent strings. */
    public PodDevice(
            @Nullable String network,
            @Nullable String interfaceName,
            PciAddress pciAddress,
            @Nullable PciAddress pfPciAddress,
            @Nullable String origin) {
        this.network = Values.str(network);
        this.interfaceName = Values.str(interfaceName);
        this.pciAddress = Objects.requireNonNull(pciAddress, "pciAddress");
        this.pfPciAddress = pfPciAddress;
        this.origin = Values.str(origin);
    }

    /** The PF address device-info reported, if any. */
    public Optional<PciAddress> findPfPciAddress() {
        return Optional.ofNullable(pfPciAddress);
    }
}
