package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.sriov.DiscoveryProblem.Kind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SriovDiscoveryTest {

    @Test
    void intelPfListsItsVirtualFunctionsWithIdsDriversAndNetdevAttributes(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.defects()).isEmpty();
        PhysicalFunction pf = report.getInterface("ens1f0");
        assertThat(pf.pciAddress()).isEqualTo(PciAddress.parse("0000:3b:00.0"));
        assertThat(pf.vendor()).isEqualTo("8086");
        assertThat(pf.deviceId()).isEqualTo("1572");
        assertThat(pf.driver()).isEqualTo("i40e");
        assertThat(pf.mac()).isEqualTo("3c:fd:fe:aa:bb:c0");
        assertThat(pf.mtu()).isEqualTo(9000);
        assertThat(pf.linkSpeed()).isEqualTo("25000 Mb/s");
        assertThat(pf.linkType()).isEqualTo("ETH");
        assertThat(pf.linkAdminState()).isEqualTo("up");
        assertThat(pf.operState()).isEqualTo("up");
        assertThat(pf.eSwitchMode()).isEqualTo("legacy");
        assertThat(pf.numaNode()).isZero();
        assertThat(pf.totalVfs()).isEqualTo(64);
        assertThat(pf.numVfs()).isEqualTo(4);
        assertThat(pf.virtualFunctions())
                .extracting(
                        VirtualFunction::vfId,
                        vf -> vf.pciAddress().toString(),
                        VirtualFunction::name,
                        VirtualFunction::driver)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, "0000:3b:02.0", "ens1f0v0", "iavf"),
                        org.assertj.core.groups.Tuple.tuple(1, "0000:3b:02.1", "ens1f0v1", "iavf"),
                        org.assertj.core.groups.Tuple.tuple(2, "0000:3b:02.2", "ens1f0v2", "iavf"),
                        org.assertj.core.groups.Tuple.tuple(3, "0000:3b:02.3", "", "vfio-pci"));
        VirtualFunction vf1 = pf.virtualFunctions().get(1);
        assertThat(vf1.vendor()).isEqualTo("8086");
        assertThat(vf1.deviceId()).isEqualTo("154c");
        assertThat(vf1.mac()).isEqualTo("02:00:00:00:00:01");
        assertThat(vf1.mtu()).isEqualTo(9000);
        assertThat(vf1.numaNode()).isZero();
        assertThat(vf1.linkType()).isEqualTo("ETH");
        assertThat(vf1.representorName()).isEmpty();
    }

    @Test
    void vfioBoundVfWithoutNetdevIsReportedAsConditionNotDefect(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        VirtualFunction vfio =
                report.findVirtualFunction(PciAddress.parse("0000:3b:02.3")).orElseThrow();
        assertThat(vfio.name()).isEmpty();
        assertThat(vfio.mtu()).isEqualTo(-1);
        assertThat(report.problems())
                .filteredOn(p -> p.kind() == Kind.NO_NETDEV)
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.device()).isEqualTo("0000:3b:02.3");
                    assertThat(p.detail()).contains("vfio-pci");
                    assertThat(p.isDefect()).isFalse();
                });
    }

    @Test
    void zeroVfPfAndPlainNicAreListedWithTheirConditionsAndHostBridgeIsIgnored(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.interfaces()).extracting(PhysicalFunction::name).containsExactly("eno1", "ens1f0", "ens1f1");
        assertThat(report.sriovPhysicalFunctions())
                .extracting(PhysicalFunction::name)
                .containsExactly("ens1f0", "ens1f1");
        assertThat(report.plainInterfaces()).extracting(PhysicalFunction::name).containsExactly("eno1");
        PhysicalFunction ens1f1 = report.getInterface("ens1f1");
        assertThat(ens1f1.virtualFunctions()).isEmpty();
        assertThat(ens1f1.linkSpeed()).isEmpty(); // speed -1 on a down link
        assertThat(ens1f1.linkAdminState()).isEqualTo("down");
        assertThat(report.problems())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::kind)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.1", Kind.NO_VIRTUAL_FUNCTIONS),
                        org.assertj.core.groups.Tuple.tuple("0000:00:1f.6", Kind.NOT_SRIOV_CAPABLE));
        assertThat(report.getInterface("eno1").numaNode()).isEqualTo(-1);
    }

    @Test
    void mellanoxSwitchdevPfNamesUplinkAndMapsRepresentorsToVfs(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp, true);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.defects()).isEmpty();
        PhysicalFunction pf = report.getInterface("ens2f0np0");
        assertThat(pf.eSwitchMode()).isEqualTo("switchdev");
        assertThat(pf.netdevs()).containsExactly("ens2f0np0", "ens2f0npf0vf0", "ens2f0npf0vf1");
        assertThat(pf.vendor()).isEqualTo("15b3");
        assertThat(pf.driver()).isEqualTo("mlx5_core");
        assertThat(pf.rdma()).isTrue();
        assertThat(pf.numaNode()).isEqualTo(1);
        assertThat(pf.linkSpeed()).isEqualTo("100000 Mb/s");
        assertThat(pf.virtualFunctions())
                .extracting(VirtualFunction::representorName)
                .containsExactly("ens2f0npf0vf0", "ens2f0npf0vf1");
        assertThat(pf.virtualFunctions()).allSatisfy(vf -> {
            assertThat(vf.deviceId()).isEqualTo("1018");
            assertThat(vf.rdma()).isTrue();
        });
        assertThat(report.findInterface("ens2f0npf0vf1")).contains(pf);
    }

    @Test
    void mellanoxLegacyModeHasNoRepresentors(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp, false);

        PhysicalFunction pf = SriovDiscovery.at(fx.sys).discover().getInterface("ens2f0np0");

        assertThat(pf.eSwitchMode()).isEqualTo("legacy");
        assertThat(pf.netdevs()).containsExactly("ens2f0np0");
        assertThat(pf.virtualFunctions())
                .extracting(VirtualFunction::representorName)
                .containsOnly("");
        assertThat(pf.virtualFunctions()).extracting(VirtualFunction::name).containsExactly("ens2f0v0", "ens2f0v1");
    }

    @Test
    void junkInNumericFilesIsReportedAndDefaultedWithoutHidingOtherDevices(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Path pf = fx.sys.resolve("bus/pci/devices/0000:3b:00.0");
        SysfsFixture.write(pf.resolve("sriov_numvfs"), "four");
        SysfsFixture.write(pf.resolve("numa_node"), "\u0000\u0001garbage");
        SysfsFixture.write(pf.resolve("net/ens1f0/mtu"), "9k");
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:3b:00.1/sriov_totalvfs"), "lots");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        PhysicalFunction ens1f0 = report.getInterface("ens1f0");
        assertThat(ens1f0.numVfs()).isZero();
        assertThat(ens1f0.numaNode()).isEqualTo(-1);
        assertThat(ens1f0.mtu()).isEqualTo(-1);
        assertThat(ens1f0.virtualFunctions()).hasSize(4); // virtfn links still count
        assertThat(report.getInterface("ens1f1").totalVfs()).isZero();
        assertThat(report.getInterface("ens1f1").sriovCapable()).isTrue();
        assertThat(report.getInterface("eno1").mtu()).isEqualTo(1500);
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "sriov_numvfs", Kind.MALFORMED_VALUE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "numa_node", Kind.MALFORMED_VALUE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "net/ens1f0/mtu", Kind.MALFORMED_VALUE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.1", "sriov_totalvfs", Kind.MALFORMED_VALUE));
        assertThat(report.defects())
                .filteredOn(p -> p.file().equals("sriov_numvfs") && p.device().equals("0000:3b:00.0"))
                .first()
                .satisfies(p -> assertThat(p.detail()).contains("'four'"));
    }

    @Test
    void regularFilesWhereLinksBelongAreReported(@TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Path pf = fx.sys.resolve("bus/pci/devices/0000:3b:00.0");
        Files.delete(pf.resolve("virtfn1"));
        SysfsFixture.write(pf.resolve("virtfn1"), "../0000:3b:02.1");
        Path vf2 = fx.sys.resolve("bus/pci/devices/0000:3b:02.2");
        Files.delete(vf2.resolve("physfn"));
        SysfsFixture.write(vf2.resolve("physfn"), "../0000:3b:00.0");
        Files.delete(vf2.resolve("driver"));
        SysfsFixture.write(vf2.resolve("driver"), "iavf");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        PhysicalFunction ens1f0 = report.getInterface("ens1f0");
        assertThat(ens1f0.virtualFunctions()).extracting(VirtualFunction::vfId).containsExactly(0, 2, 3);
        assertThat(ens1f0.virtualFunctions().get(1).driver()).isEmpty();
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "virtfn1", Kind.NOT_A_LINK),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:02.2", "physfn", Kind.NOT_A_LINK),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:02.2", "driver", Kind.NOT_A_LINK),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:02.1", "physfn", Kind.ORPHAN_VIRTUAL_FUNCTION));
    }

    @Test
    void missingAndUnreadableFilesAndDanglingLinksAreReported(@TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Path pf = fx.sys.resolve("bus/pci/devices/0000:3b:00.0");
        Files.delete(pf.resolve("vendor")); // modalias carries the ids
        Files.delete(pf.resolve("net/ens1f0/address"));
        Files.delete(pf.resolve("net/ens1f0/type"));
        Files.createDirectory(pf.resolve("net/ens1f0/type")); // reading a directory fails
        SysfsFixture.link(
                pf.resolve("virtfn7"), fx.sys.resolve("devices/" + SriovFixtures.INTEL_PARENT + "/0000:3b:0f.7"));
        Path eno1 = fx.sys.resolve("bus/pci/devices/0000:00:1f.6");
        Files.delete(eno1.resolve("modalias"));
        Files.createDirectory(eno1.resolve("modalias"));

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        PhysicalFunction ens1f0 = report.getInterface("ens1f0");
        assertThat(ens1f0.vendor()).isEqualTo("8086");
        assertThat(ens1f0.mac()).isEmpty();
        assertThat(ens1f0.linkType()).isEmpty();
        assertThat(ens1f0.virtualFunctions()).hasSize(4);
        assertThat(report.getInterface("eno1").vendor()).isEqualTo("8086"); // class and vendor files
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "net/ens1f0/address", Kind.MISSING_FILE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "net/ens1f0/type", Kind.UNREADABLE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "virtfn7", Kind.DANGLING_LINK),
                        org.assertj.core.groups.Tuple.tuple("0000:00:1f.6", "modalias", Kind.UNREADABLE));
    }

    @Test
    void anOutOfRangePciAddressEntryIsReportedWithoutHidingTheOthers(@TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Files.createDirectory(fx.sys.resolve("bus/pci/devices/0000:3b:ff.0")); // device > 0x1f

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.interfaces()).extracting(PhysicalFunction::name).containsExactly("eno1", "ens1f0", "ens1f1");
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::kind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0000:3b:ff.0", Kind.MALFORMED_VALUE));
    }

    @Test
    void missingSysfsTreeIsAReportedConditionNotAnException(@TempDir Path tmp) {
        SriovReport report = SriovDiscovery.at(tmp.resolve("nope")).discover();

        assertThat(report.interfaces()).isEmpty();
        assertThat(report.problems())
                .singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.MISSING_DIRECTORY));
    }

    @Test
    void netdevBelowAChildDeviceIsFoundThroughClassNetDeviceLink(@TempDir Path tmp) {
        SysfsFixture fx = SysfsFixture.create(tmp);
        SysfsFixture.Dev virtio = fx.nic("0000:00:03.0", "pci0000:00", "1af4", "1000", "virtio-pci", -1);
        Path nd = virtio.dir.resolve("virtio0/net/eth0");
        SysfsFixture.write(nd.resolve("address"), "52:54:00:12:34:56");
        SysfsFixture.write(nd.resolve("mtu"), "1500");
        SysfsFixture.write(nd.resolve("type"), "1");
        SysfsFixture.write(nd.resolve("operstate"), "up");
        SysfsFixture.link(nd.resolve("device"), virtio.dir.resolve("virtio0"));
        SysfsFixture.link(fx.sys.resolve("class/net/eth0"), nd);

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.plainInterfaces()).singleElement().satisfies(nic -> {
            assertThat(nic.name()).isEqualTo("eth0");
            assertThat(nic.mac()).isEqualTo("52:54:00:12:34:56");
            assertThat(nic.vendor()).isEqualTo("1af4");
            assertThat(nic.sriovCapable()).isFalse();
        });
    }

    @Test
    void realSysfsDiscoveryCompletesAndListsThePciBackedNics() throws Exception {
        SriovReport report = SriovDiscovery.system().discover();

        // Independent expectation: every class/net entry whose device link lands on (or below) a
        // PCI function of class 0x02xxxx must show up as a netdev of some reported interface.
        Set<String> expected = new TreeSet<>();
        Path classNet = Path.of("/sys/class/net");
        if (Files.isDirectory(classNet)) {
            try (Stream<Path> s = Files.list(classNet)) {
                for (Path nd : s.toList()) {
                    Path device = nd.resolve("device");
                    if (!Files.exists(device)) {
                        continue;
                    }
                    Path real = device.toRealPath();
                    for (Path p = real; p != null; p = p.getParent()) {
                        Path cls = p.resolve("class");
                        if (PciAddress.isValid(
                                        p.getFileName() == null
                                                ? ""
                                                : p.getFileName().toString())
                                && Files.isRegularFile(cls)) {
                            if (Files.readString(cls).trim().startsWith("0x02")) {
                                expected.add(nd.getFileName().toString());
                            }
                            break;
                        }
                    }
                }
            }
        }
        Set<String> found = new TreeSet<>();
        report.interfaces().forEach(nic -> found.addAll(nic.netdevs()));

        assertThat(found).containsAll(expected);
        assertThat(report.problems()).noneMatch(p -> p.kind() == Kind.UNEXPECTED);
        assertThat(report.interfaces()).allSatisfy(nic -> {
            assertThat(nic.vendor()).matches("[0-9a-f]{4}");
            assertThat(nic.pciAddress()).isNotNull();
        });
        assertThat(report.sriovPhysicalFunctions())
                .allSatisfy(pf -> assertThat(pf.sriovCapable()).isTrue());
    }

    @Test
    void vfDeviceIdComesFromThePfsSriovVfDeviceWhichTheKernelPrintsWithoutLeadingZeros(@TempDir Path tmp) {
        SysfsFixture fx = SysfsFixture.create(tmp);
        SysfsFixture.Dev pf = fx.nic("0000:3b:00.0", SriovFixtures.INTEL_PARENT, "8086", "1572", "i40e", 0)
                .netdev("ens1f0", "3c:fd:fe:aa:bb:c0", 1500, 1, "up", 10000)
                .sriov(8, 1);
        fx.vf(pf, 0, "0000:3b:02.0", "8086", "01a0", "iavf")
                .netdev("ens1f0v0", "02:00:00:00:00:00", 1500, 1, "up", -1)
                // the VF's own files disagree: the PF's register is what the kernel used
                .file("modalias", "pci:v00008086d0000FFFFsv00008086sd00000000bc02sc00i00");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(fx.sys.resolve("bus/pci/devices/0000:3b:00.0/sriov_vf_device"))
                .content()
                .isEqualTo("1a0\n");
        assertThat(report.defects()).isEmpty();
        assertThat(report.getInterface("ens1f0").virtualFunctions())
                .singleElement()
                .satisfies(vf -> {
                    assertThat(vf.vendor()).isEqualTo("8086");
                    assertThat(vf.deviceId()).isEqualTo("01a0");
                });
    }

    @Test
    void missingOrJunkSriovVfDeviceFallsBackToEachVfsOwnIds(@TempDir Path tmp) throws Exception {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Path pf = fx.sys.resolve("bus/pci/devices/0000:3b:00.0");
        Files.delete(pf.resolve("sriov_vf_device")); // kernels before the attribute existed
        SysfsFixture.write(
                fx.sys.resolve("bus/pci/devices/0000:3b:02.1/modalias"),
                "pci:v00008086d00001889sv00008086sd00000000bc02sc00i00");

        SriovReport missing = SriovDiscovery.at(fx.sys).discover();

        assertThat(missing.defects()).isEmpty();
        assertThat(missing.getInterface("ens1f0").virtualFunctions())
                .extracting(VirtualFunction::deviceId)
                .containsExactly("154c", "1889", "154c", "154c");

        SysfsFixture.write(pf.resolve("sriov_vf_device"), "0xzz");
        Path vf2 = fx.sys.resolve("bus/pci/devices/0000:3b:02.2");
        Files.delete(vf2.resolve("modalias"));
        SysfsFixture.write(vf2.resolve("device"), "junk");

        SriovReport junk = SriovDiscovery.at(fx.sys).discover();

        assertThat(junk.getInterface("ens1f0").virtualFunctions())
                .extracting(VirtualFunction::vendor, VirtualFunction::deviceId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("8086", "154c"),
                        org.assertj.core.groups.Tuple.tuple("8086", "1889"),
                        org.assertj.core.groups.Tuple.tuple("8086", ""),
                        org.assertj.core.groups.Tuple.tuple("8086", "154c"));
        assertThat(junk.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("0000:3b:00.0", "sriov_vf_device", Kind.MALFORMED_VALUE),
                        org.assertj.core.groups.Tuple.tuple("0000:3b:02.2", "device", Kind.MALFORMED_VALUE));
    }

    @Test
    void vfNumaNodeIsThePfsUnlessThePfsFileIsUnusable(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.mellanoxNode(tmp, false);
        Path vf1 = fx.sys.resolve("bus/pci/devices/0000:5e:00.3");
        SysfsFixture.write(vf1.resolve("numa_node"), "0"); // an override the PF's value hides

        assertThat(SriovDiscovery.at(fx.sys)
                        .discover()
                        .getInterface("ens2f0np0")
                        .virtualFunctions())
                .extracting(VirtualFunction::numaNode)
                .containsExactly(1, 1);

        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:5e:00.0/numa_node"), "one");

        SriovReport report = SriovDiscovery.at(fx.sys).discover();

        assertThat(report.getInterface("ens2f0np0").numaNode()).isEqualTo(-1);
        assertThat(report.getInterface("ens2f0np0").virtualFunctions())
                .extracting(VirtualFunction::numaNode)
                .containsExactly(1, 0);
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("0000:5e:00.0", "numa_node"));
    }

    @Test
    void withoutClassNetEachDevicesNetDirectoryGivesTheSameReport(@TempDir Path tmp) throws Exception {
        SysfsFixture withIndex = SriovFixtures.mellanoxNode(tmp.resolve("a"), true);
        SriovFixtures.intelNode(tmp.resolve("a")); // same tree, more devices
        SysfsFixture without = SriovFixtures.mellanoxNode(tmp.resolve("b"), true);
        SriovFixtures.intelNode(tmp.resolve("b"));
        try (Stream<Path> links = Files.list(without.sys.resolve("class/net"))) {
            for (Path l : links.toList()) {
                Files.delete(l);
            }
        }
        Files.delete(without.sys.resolve("class/net"));

        SriovReport expected = SriovDiscovery.at(withIndex.sys).discover();
        SriovReport actual = SriovDiscovery.at(without.sys).discover();

        assertThat(expected.interfaces()).hasSize(4);
        assertThat(actual).isEqualTo(expected);

        Files.delete(withIndex.sys.resolve("class/net/ens1f0")); // a PF's link alone missing
        assertThat(SriovDiscovery.at(withIndex.sys).discover()).isEqualTo(expected);
    }

    @Test
    void discoveryOnAnExecutorGivesTheSameReportProblemsIncluded(@TempDir Path tmp) throws Exception {
        // > 32 VFs per PF and > 256 netdevs: VF chunks and the class/net index both run on the pool
        SysfsFixture fx = DiscoveryBenchmark.build(tmp, 3, 100);
        SriovFixtures.intelNode(tmp); // plus the small realistic node
        Path pf = fx.sys.resolve("bus/pci/devices/0000:10:00.0");
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:10:02.3/net/ens0f0v11/mtu"), "junk");
        fx.unbind("0000:10:05.1");
        Files.delete(fx.sys.resolve("bus/pci/devices/0000:11:0a.0/physfn"));
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:11:0a.0/physfn"), "not a link");
        Files.delete(pf.resolve("virtfn40"));
        SysfsFixture.write(pf.resolve("virtfn40"), "../0000:10:06.0");
        SysfsFixture.link(pf.resolve("virtfn200"), fx.sys.resolve("devices/pci0000:0f/0000:0f:00.0/0000:10:1f.7"));
        SysfsFixture.write(fx.sys.resolve("bus/pci/devices/0000:12:00.0/sriov_vf_device"), "zz");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            SriovReport sequential = SriovDiscovery.at(fx.sys).discover();
            SriovReport parallel = SriovDiscovery.at(fx.sys).discover(pool);

            assertThat(sequential.interfaces()).hasSize(6);
            assertThat(sequential.defects())
                    .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                    .contains(
                            org.assertj.core.groups.Tuple.tuple(
                                    "0000:10:02.3", "net/ens0f0v11/mtu", Kind.MALFORMED_VALUE),
                            org.assertj.core.groups.Tuple.tuple("0000:11:0a.0", "physfn", Kind.NOT_A_LINK),
                            org.assertj.core.groups.Tuple.tuple("0000:10:00.0", "virtfn40", Kind.NOT_A_LINK),
                            org.assertj.core.groups.Tuple.tuple("0000:10:00.0", "virtfn200", Kind.DANGLING_LINK),
                            org.assertj.core.groups.Tuple.tuple("0000:10:06.0", "physfn", Kind.ORPHAN_VIRTUAL_FUNCTION),
                            org.assertj.core.groups.Tuple.tuple(
                                    "0000:12:00.0", "sriov_vf_device", Kind.MALFORMED_VALUE));
            assertThat(sequential.problems())
                    .extracting(DiscoveryProblem::device, DiscoveryProblem::kind)
                    .contains(org.assertj.core.groups.Tuple.tuple("0000:10:05.1", Kind.NO_DRIVER));
            assertThat(parallel).isEqualTo(sequential);
            assertThat(SriovDiscovery.at(fx.sys).discover(Runnable::run)).isEqualTo(sequential);
        } finally {
            pool.shutdownNow();
        }
    }
}
