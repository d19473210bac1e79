package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@link SriovDiscovery#discover()} found on one node: every network-class PCI function that
 * is not a VF (SR-IOV PFs with their VFs, and plain NICs), plus every condition met on the way.
 *
 * <pre>{@code
 * SriovReport report = SriovDiscovery.system().discover();
 * for (PhysicalFunction pf : report.sriovPhysicalFunctions()) {
 *     System.out.println(pf.name() + " " + pf.numVfs() + "/" + pf.totalVfs());
 * }
 * report.problems().stream().filter(DiscoveryProblem::isDefect).forEach(System.err::println);
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param interfaces every non-VF network function, in PCI address order (operator name
 *     {@code interfaces})
 * @param problems conditions met while reading sysfs, in discovery order
 * @param vhostNetAvailable whether the host exposes {@code /dev/vhost-net} (sysfs
 *     {@code class/misc/vhost-net}); the device plugin mounts it for {@code needVhostNet} and serves the VFs without it
 */
public record SriovReport(
        @JsonProperty("interfaces") List<PhysicalFunction> interfaces,
        @JsonProperty("problems") List<DiscoveryProblem> problems,
        @JsonProperty("vhostNetAvailable") boolean vhostNetAvailable) {

    /** Copies the lists. */
    public SriovReport(
            @Nullable List<PhysicalFunction> interfaces,
            @Nullable List<DiscoveryProblem> problems,
            boolean vhostNetAvailable) {
        this.interfaces = Values.list(interfaces);
        this.problems = Values.list(problems);
        this.vhostNetAvailable = vhostNetAvailable;
    }

    /** The SR-IOV capable PFs (with or without VFs configured). */
    public List<PhysicalFunction> sriovPhysicalFunctions() {
        return interfaces.stream().filter(PhysicalFunction::sriovCapable).toList();
    }

    /** The network functions that are not SR-IOV capable (virtio, older NICs...). */
    public List<PhysicalFunction> plainInterfaces() {
        return interfaces.stream().filter(pf -> !pf.sriovCapable()).toList();
    }

    /** The problems that indicate broken input (see {@link DiscoveryProblem#isDefect()}). */
    public List<DiscoveryProblem> defects() {
        return problems.stream().filter(DiscoveryProblem::isDefect).toList();
    }

    /** The interface whose netdev is {@code name} (case-sensitive, as the kernel names it). */
    public Optional<PhysicalFunction> findInterface(String name) {
        Objects.requireNonNull(name, "name");
        return interfaces.stream()
                .filter(pf -> pf.name().equals(name) || pf.netdevs().contains(name))
                .findFirst();
    }

    /**
     * The interface whose netdev is {@code name}.
     *
     * @throws NoSuchElementException if there is none
     */
    public PhysicalFunction getInterface(String name) {
        return findInterface(name)
                .orElseThrow(() -> new NoSuchElementException("no network interface named '" + name + "'"));
    }

    /** The interface (PF or plain NIC) at this PCI address. */
    public Optional<PhysicalFunction> findInterface(PciAddress address) {
        Objects.requireNonNull(address, "address");
        return interfaces.stream().filter(pf -> pf.pciAddress().equals(address)).findFirst();
    }

    /** The PF owning the VF at {@code vfAddress}. */
    public Optional<PhysicalFunction> findPhysicalFunctionOf(PciAddress vfAddress) {
        Objects.requireNonNull(vfAddress, "vfAddress");
        return interfaces.stream()
                .filter(pf -> pf.findVirtualFunction(vfAddress).isPresent())
                .findFirst();
    }

    /** The VF at {@code vfAddress}, wherever it is. */
    public Optional<VirtualFunction> findVirtualFunction(PciAddress vfAddress) {
        return findPhysicalFunctionOf(vfAddress).flatMap(pf -> pf.findVirtualFunction(vfAddress));
    }
}
