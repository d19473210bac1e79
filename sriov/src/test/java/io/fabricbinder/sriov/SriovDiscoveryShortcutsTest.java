package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabricbinder.sriov.DiscoveryProblem.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cheaper ways discovery learns per-VF facts (the physfn check riding on the driver readlink
 * or on the MAC read, RDMA devices from {@code class/infiniband}, VF addresses from
 * {@code sriov_offset}/{@code sriov_stride}, drivers from {@code bus/pci/drivers}) report the same
 * facts and conditions as the direct probes they replace, including on broken trees.
 */
class SriovDiscoveryShortcutsTest {

    // With computed VF addresses the physfn check rides on the MAC read through
    // virtfnN/physfn/virtfnN; without, on the driver readlink. Both must report the same.
    @ParameterizedTest(name = "computed VF addresses: {0}")
    @ValueSource(booleans = {false, true})
    void missingPhysfnOfAVfItsPfListsIsReportedAndTheVfKeepsItsDriver(boolean computed, @TempDir Path tmp)
            throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        if (computed) {
            withVfRouting(fx);
        }
        Files.delete(fx.sys.resolve("bus/pci/devices/0000:3b:02.1/physfn"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        VirtualFunction vf1 = report.getInterface("ens1f0").virtualFunctions().get(1);
        assertThat(vf1.vfId()).isEqualTo(1);
        assertThat(vf1.driver()).isEqualTo("iavf");
        assertThat(vf1.mac()).isEqualTo("02:00:00:00:00:01");
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactly(tuple("0000:3b:02.1", "physfn", Kind.MISSING_FILE));
    }

    @ParameterizedTest(name = "computed VF addresses: {0}")
    @ValueSource(booleans = {false, true})
    void aDirectoryNamedPhysfnIsReportedAsNotALink(boolean computed, @TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        if (computed) {
            withVfRouting(fx);
        }
        Path vf0 = fx.sys.resolve("bus/pci/devices/0000:3b:02.0");
        Files.delete(vf0.resolve("physfn"));
        Files.createDirectory(vf0.resolve("physfn"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens1f0").virtualFunctions().get(0).driver())
                .isEqualTo("iavf");
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactly(tuple("0000:3b:02.0", "physfn", Kind.NOT_A_LINK));
    }

    @Test
    void aVfThatIsNotItsPfsSiblingIsReadWithoutAProblem(@TempDir Path tmp) {
        // Real sysfs always puts a VF beside its PF; a hand-built tree may not. Then the combined
        // physfn/driver readlink cannot resolve and the separate reads must give the same facts.
        SysfsFixture fx = SysfsFixture.create(tmp);
        SysfsFixture.Dev pf = fx.nic("0000:3b:00.0", SriovFixtures.INTEL_PARENT, "8086", "1572", "i40e", 0)
                .netdev("ens1f0", "3c:fd:fe:aa:bb:c0", 9000, 1, "up", 25000)
                .sriov(64, 1)
                .file("sriov_vf_device", "154c");
        SysfsFixture.Dev vf = fx.nic("0000:3b:02.0", "pci0000:70/0000:70:00.0", "8086", "154c", "iavf", 0)
                .netdev("ens1f0v0", "02:00:00:00:00:00", 9000, 1, "up", -1);
        SysfsFixture.link(vf.dir.resolve("physfn"), pf.dir);
        SysfsFixture.link(pf.dir.resolve("virtfn0"), vf.dir);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.defects()).isEmpty();
        assertThat(report.getInterface("ens1f0").virtualFunctions())
                .extracting(VirtualFunction::name, VirtualFunction::driver, VirtualFunction::mac)
                .containsExactly(tuple("ens1f0v0", "iavf", "02:00:00:00:00:00"));
    }

    @Test
    void rdmaDevicesListedInClassInfinibandGiveTheSameReportAsProbingEachFunction(@TempDir Path tmp) {
        SysfsFixture probed = SriovFixtures.mellanoxNode(tmp.resolve("a"), false);
        SysfsFixture indexed = SriovFixtures.mellanoxNode(tmp.resolve("b"), false);
        linkRdmaDevices(indexed);

        SriovReport expected = SriovDiscovery.at(probed.sys).discover();
        SriovReport actual = SriovDiscovery.at(indexed.sys).discover();

        PhysicalFunction pf = expected.getInterface("ens2f0np0");
        assertThat(pf.rdma()).isTrue();
        assertThat(pf.virtualFunctions()).extracting(VirtualFunction::rdma).containsExactly(true, true);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void withClassInfinibandAFunctionCountsAsRdmaOnlyWhileItsDeviceIsListed(@TempDir Path tmp) throws Exception {
        // What sriov-network-device-plugin sees too: it lists <BDF>/infiniband/, whose entries are
        // the class devices; an RDMA device moved to another network namespace (exclusive mode)
        // disappears from both listings while the infiniband/ directory itself stays.
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp, false);
        linkRdmaDevices(fx);
        Files.delete(fx.sys.resolve("class/infiniband/mlx5_3"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens2f0np0").virtualFunctions())
                .extracting(VirtualFunction::rdma)
                .containsExactly(true, false);
        assertThat(report.defects()).isEmpty();
    }

    @Test
    void aClassInfinibandEntryThatIsNotALinkFallsBackToProbingEachFunction(@TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp, false);
        linkRdmaDevices(fx);
        Files.delete(fx.sys.resolve("class/infiniband/mlx5_3"));
        SysfsFixture.mkdirs(fx.sys.resolve("class/infiniband/mlx5_3"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens2f0np0").virtualFunctions())
                .extracting(VirtualFunction::rdma)
                .containsExactly(true, true);
    }

    @Test
    void anEmptyClassInfinibandMeansNoFunctionHasAnRdmaDevice(@TempDir Path tmp) {
        SysfsFixture fx = DiscoveryBenchmark.build(tmp, 1, 3); // creates an empty class/infiniband
        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.interfaces()).hasSize(1);
        assertThat(report.interfaces().get(0).rdma()).isFalse();
        assertThat(report.interfaces().get(0).virtualFunctions())
                .hasSize(3)
                .allSatisfy(vf -> assertThat(vf.rdma()).isFalse());
        assertThat(report.defects()).isEmpty();
    }

    @Test
    void vfAddressesFromSriovOffsetAndStrideGiveTheSameReportAsReadingEveryVirtfnLink(@TempDir Path tmp)
            throws Exception {
        // ens1f0 is 0000:3b:00.0 and its VF N is 0000:3b:02.N: First VF Offset 16, VF Stride 1
        SysfsFixture linksOnly = SriovFixtures.intelNode(tmp.resolve("a"));
        SysfsFixture computed = SriovFixtures.intelNode(tmp.resolve("b"));
        for (SysfsFixture fx : new SysfsFixture[] {linksOnly, computed}) {
            Path pf = fx.sys.resolve("bus/pci/devices/0000:3b:00.0");
            // broken in every way a virtfnN link or what it leads to can be
            Files.delete(pf.resolve("virtfn1"));
            SysfsFixture.link(
                    pf.resolve("virtfn1"), fx.sys.resolve("devices/" + SriovFixtures.INTEL_PARENT + "/0000:3b:02.2"));
            SysfsFixture.link(
                    pf.resolve("virtfn5"), fx.sys.resolve("devices/" + SriovFixtures.INTEL_PARENT + "/0000:3b:02.5"));
            Files.delete(pf.resolve("virtfn3"));
            SysfsFixture.write(pf.resolve("virtfn3"), "../0000:3b:02.3");
            Files.delete(fx.sys.resolve("bus/pci/devices/0000:3b:02.0/net/ens1f0v0/address"));
        }
        withVfRouting(computed);

        SriovReport expected = SriovDiscovery.at(linksOnly.sys).discover();
        SriovReport actual = SriovDiscovery.at(computed.sys).discover();

        assertThat(expected.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .contains(
                        tuple("0000:3b:00.0", "virtfn3", Kind.NOT_A_LINK),
                        tuple("0000:3b:00.0", "virtfn5", Kind.DANGLING_LINK),
                        tuple("0000:3b:02.0", "net/ens1f0v0/address", Kind.MISSING_FILE),
                        tuple("0000:3b:02.1", "physfn", Kind.ORPHAN_VIRTUAL_FUNCTION));
        assertThat(actual.interfaces()).isEqualTo(expected.interfaces());
        // the same conditions; links are now checked while the VFs are read, so the order differs
        assertThat(actual.problems()).containsExactlyInAnyOrderElementsOf(expected.problems());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            assertThat(SriovDiscovery.at(computed.sys).discover(pool)).isEqualTo(actual);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void junkSriovOffsetIsReportedAndEveryVirtfnLinkIsReadInstead(@TempDir Path tmp) {
        SysfsFixture plain = SriovFixtures.intelNode(tmp.resolve("a"));
        SysfsFixture fx = SriovFixtures.intelNode(tmp.resolve("b"));
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/sriov_offset"), "sixteen");
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/sriov_stride"), "1");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.interfaces())
                .isEqualTo(SriovDiscovery.at(plain.sys).discover().interfaces());
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactly(tuple("0000:3b:00.0", "sriov_offset", Kind.MALFORMED_VALUE));
    }

    @Test
    void aVfNeverReportsAnAcpiIndexEvenWithAStrayFileWhileItsPfDoes(@TempDir Path tmp) {
        // acpi_index comes from firmware (ACPI _DSM); VFs are created at run time (docs/sriov.md)
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/acpi_index"), "3");
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:02.1/acpi_index"), "7");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        PhysicalFunction pf = report.getInterface("ens1f0");
        assertThat(pf.acpiIndex()).isEqualTo("3");
        assertThat(pf.virtualFunctions())
                .hasSize(4)
                .allSatisfy(vf -> assertThat(vf.acpiIndex()).isEmpty());
        assertThat(report.defects()).isEmpty();
    }

    @Test
    void driversFromBusPciDriversGiveTheSameReportAsEachVfsOwnDriverLink(@TempDir Path tmp) throws Exception {
        SysfsFixture indexed = SriovFixtures.intelNode(tmp.resolve("a"));
        SysfsFixture ownLinks = SriovFixtures.intelNode(tmp.resolve("b"));
        SysfsFixture noDriversDir = SriovFixtures.intelNode(tmp.resolve("c"));
        SysfsFixture linksOnly = SriovFixtures.intelNode(tmp.resolve("d"));
        for (SysfsFixture fx : new SysfsFixture[] {indexed, ownLinks, noDriversDir, linksOnly}) {
            fx.rebind("0000:3b:02.1", "vfio-pci");
            fx.unbind("0000:3b:02.2");
            if (fx != linksOnly) {
                withVfRouting(fx);
            }
        }
        // a tree whose driver directories do not list their devices, and one with no bus/pci/drivers
        for (String bdf : new String[] {"0000:3b:02.0", "0000:3b:02.3"}) {
            Path own = ownLinks.sys.resolve("bus/pci/devices").resolve(bdf).resolve("driver");
            Files.delete(own.resolveSibling(Files.readSymbolicLink(own)).resolve(bdf));
        }
        Files.delete(ownLinks.sys.resolve("bus/pci/drivers/vfio-pci/0000:3b:02.1"));
        deleteTree(noDriversDir.sys.resolve("bus/pci/drivers"));

        SriovReport expected = SriovDiscovery.at(linksOnly.sys).discover();

        List<VirtualFunction> vfs = expected.getInterface("ens1f0").virtualFunctions();
        assertThat(vfs).extracting(VirtualFunction::driver).containsExactly("iavf", "vfio-pci", "", "vfio-pci");
        assertThat(expected.defects()).isEmpty();
        assertThat(vfProblems(expected))
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactlyInAnyOrder(
                        tuple("0000:3b:02.2", "driver", Kind.NO_DRIVER), tuple("0000:3b:02.3", "net", Kind.NO_NETDEV));
        for (SysfsFixture fx : new SysfsFixture[] {indexed, ownLinks, noDriversDir}) {
            SriovReport actual = SriovDiscovery.at(fx.sys).discover();
            assertThat(actual.interfaces()).isEqualTo(expected.interfaces());
            assertThat(actual.problems()).containsExactlyInAnyOrderElementsOf(expected.problems());
        }
    }

    @Test
    void aVfsDriverIsTakenFromBusPciDriversWithoutReadingItsOwnLink(@TempDir Path tmp) throws Exception {
        // the kernel makes and removes both links together (drivers/base/dd.c); only a hand-built
        // tree can have one without the other, and then the listing in bus/pci/drivers counts
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        withVfRouting(fx);
        Files.delete(fx.sys.resolve("bus/pci/devices/0000:3b:02.0/driver"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens1f0").virtualFunctions().get(0).driver())
                .isEqualTo("iavf");
        assertThat(report.defects()).isEmpty();
    }

    @Test
    void aVfListedUnderTwoDriversReadsItsOwnDriverLink(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        withVfRouting(fx);
        SysfsFixture.link(
                fx.sys.resolve("bus/pci/drivers/ixgbevf/0000:3b:02.0"),
                fx.sys.resolve("devices/" + SriovFixtures.INTEL_PARENT + "/0000:3b:02.0"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens1f0").virtualFunctions())
                .extracting(VirtualFunction::driver)
                .containsExactly("iavf", "iavf", "iavf", "vfio-pci");
        assertThat(report.defects()).isEmpty();
        assertThat(vfProblems(report))
                .extracting(DiscoveryProblem::device, DiscoveryProblem::kind)
                .containsExactly(tuple("0000:3b:02.3", Kind.NO_NETDEV));
    }

    @Test
    void onThisMachinesSysfsTheDriverListingsAndTheDriverLinksAgree() throws Exception {
        // the fact the driver index rests on (drivers/base/dd.c driver_sysfs_add), on a real kernel
        Path devices = Path.of("/sys/bus/pci/devices");
        Path drivers = Path.of("/sys/bus/pci/drivers");
        Map<String, String> fromLinks = new TreeMap<>();
        try (var s = Files.list(devices)) {
            for (Path dev : s.toList()) {
                Path link = dev.resolve("driver");
                if (Files.isSymbolicLink(link)) {
                    fromLinks.put(
                            dev.getFileName().toString(),
                            Files.readSymbolicLink(link).getFileName().toString());
                }
            }
        }
        Map<String, String> fromListings = new TreeMap<>();
        try (var s = Files.list(drivers)) {
            for (Path drv : s.toList()) {
                String[] entries = drv.toFile().list();
                for (String e : entries == null ? new String[0] : entries) {
                    if (PciAddress.isValid(e)) {
                        assertThat(fromListings.put(e, drv.getFileName().toString()))
                                .as("%s listed under two drivers", e)
                                .isNull();
                    }
                }
            }
        }

        assertThat(fromLinks).isNotEmpty();
        assertThat(fromListings).isEqualTo(fromLinks);
    }

    @Test
    void onThisMachinesSysfsClassNetAndEachDevicesNetDirectoryShowTheSameNetdevs() throws Exception {
        // the fact the netdev index rests on (inferred in SysfsWalk), on a real kernel: a netdev of
        // a PCI function sits in its net/ or, as with virtio, in a child device's net/
        Map<String, Set<String>> fromClassNet = new TreeMap<>();
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            for (Path nd : s.toList()) {
                Path target = nd.resolveSibling(Files.readSymbolicLink(nd)).normalize();
                for (Path p = target.resolve("../..").normalize(); p != null; p = p.getParent()) {
                    if (p.getFileName() != null
                            && PciAddress.isValid(p.getFileName().toString())) {
                        fromClassNet
                                .computeIfAbsent(p.getFileName().toString(), k -> new TreeSet<>())
                                .add(nd.getFileName().toString());
                        break;
                    }
                }
            }
        }
        Map<String, Set<String>> fromDevices = new TreeMap<>();
        try (var s = Files.list(Path.of("/sys/bus/pci/devices"))) {
            for (Path dev : s.toList()) {
                Set<String> names = new TreeSet<>(netdevsIn(dev));
                try (var children = Files.list(dev)) {
                    for (Path child : children.toList()) {
                        String name = child.getFileName().toString();
                        if (!PciAddress.isValid(name) && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                            names.addAll(netdevsIn(child));
                        }
                    }
                }
                if (!names.isEmpty()) {
                    fromDevices.put(dev.getFileName().toString(), names);
                }
            }
        }

        assertThat(fromDevices).isNotEmpty();
        assertThat(fromClassNet).isEqualTo(fromDevices);
    }

    private static List<String> netdevsIn(Path dir) {
        String[] names = dir.resolve("net").toFile().list();
        return names == null ? List.of() : List.of(names);
    }

    /** ens1f0 (0000:3b:00.0) and its VF N at 0000:3b:02.N: First VF Offset 16, VF Stride 1. */
    private static void withVfRouting(SysfsFixture fx) {
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/sriov_offset"), "16");
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/sriov_stride"), "1");
    }

    /** The problems of ens1f0's VFs (0000:3b:02.N). */
    private static List<DiscoveryProblem> vfProblems(SriovReport report) {
        return report.problems().stream()
                .filter(p -> p.device().startsWith("0000:3b:02."))
                .toList();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Adds {@code class/infiniband/<ibdev>} links to every {@code infiniband/<ibdev>} directory. */
    private static void linkRdmaDevices(SysfsFixture fx) {
        for (String bdf : new String[] {"0000:5e:00.0", "0000:5e:00.2", "0000:5e:00.3"}) {
            Path dir = fx.sys.resolve("devices/" + SriovFixtures.MLX_PARENT + "/" + bdf + "/infiniband");
            try (var names = Files.list(dir)) {
                for (Path ib : names.toList()) {
                    SysfsFixture.link(fx.sys.resolve("class/infiniband").resolve(ib.getFileName()), ib);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
