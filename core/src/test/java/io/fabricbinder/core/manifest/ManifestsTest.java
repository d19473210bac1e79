package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.sriov.NetworkStatus;
import io.fabricbinder.sriov.PciAddress;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class ManifestsTest {

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(ManifestsTest.class.getResource("/manifests/" + name))
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ManifestSet example() {
        return Manifests.parse(resource("example"));
    }

    @Test
    void directoryIsParsedRecursivelyAndUnknownKindsAreCounted() {
        ManifestSet all = Manifests.parse(resource(""));
        assertThat(all.errors()).isEmpty();
        assertThat(all.nads())
                .extracting(NetworkAttachmentDefinition::key)
                .containsExactly(
                        "ns2/plain-whereabouts", "ns2/whereabouts-net", "tenant-blue/blue-db", "tenant-blue/blue-web");
        assertThat(all.pods()).extracting(Pod::key).containsExactly("ns2/old-multus", "tenant-blue/web-0");
        assertThat(all.virtualNetworkRouters()).hasSize(1);
        assertThat(all.nodeStates()).hasSize(1);
        assertThat(all.skippedCount()).isEqualTo(2);
        assertThat(all.isValid()).isTrue();
        assertThat(all.warnings()).isEmpty();
    }

    @Test
    void singleConfigNadFields() {
        NetworkAttachmentDefinition nad =
                example().findNad("tenant-blue", "blue-web").orElseThrow();
        assertThat(nad.name()).isEqualTo("blue-web");
        assertThat(nad.namespace()).isEqualTo("tenant-blue");
        assertThat(nad.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("tenant", "blue", "tier", "web"));
        assertThat(nad.resourceName()).isEqualTo("intel.com/intel_sriov_netdevice");
        assertThat(nad.findResourceName()).contains("intel.com/intel_sriov_netdevice");
        assertThat(nad.extendToFabric()).isTrue();
        assertThat(nad.vni()).isEqualTo(10100);
        assertThat(nad.findVni()).contains(10100);
        assertThat(nad.vlan()).isEqualTo(100);
        assertThat(nad.findVlan()).contains(100);
        CniConfig cni = Objects.requireNonNull(nad.cniConfig());
        assertThat(cni.conflist()).isFalse();
        assertThat(cni.cniVersion()).isEqualTo("0.3.1");
        assertThat(cni.name()).isEqualTo("blue-web");
        assertThat(cni.plugins()).extracting(CniConfig.Plugin::type).containsExactly("sriov");
        assertThat(cni.findPlugin("sriov").orElseThrow().settings()).containsEntry("spoofchk", "on");
        IpamBlock ipam = nad.findIpam().orElseThrow();
        assertThat(ipam.isFabricBinder()).isTrue();
        assertThat(ipam.type()).isEqualTo("fabricbinder-ipam");
        IpRange r = ipam.ranges().get(0);
        assertThat(r.subnet()).isEqualTo("10.100.0.0/24");
        assertThat(r.rangeStart()).isEqualTo("10.100.0.10");
        assertThat(r.rangeEnd()).isEqualTo("10.100.0.200");
        assertThat(r.gateway()).isEqualTo("10.100.0.1");
        assertThat(r.exclude()).containsExactly("10.100.0.64/28", "10.100.0.99");
    }

    @Test
    void conflistNadWithDualStackIpRanges() {
        NetworkAttachmentDefinition nad =
                example().findNad("tenant-blue", "blue-db").orElseThrow();
        assertThat(nad.vni()).isNull();
        assertThat(nad.findVni()).isEmpty();
        assertThat(nad.vlan()).isEqualTo(200);
        CniConfig cni = Objects.requireNonNull(nad.cniConfig());
        assertThat(cni.conflist()).isTrue();
        assertThat(cni.cniVersion()).isEqualTo("1.0.0");
        assertThat(cni.plugins()).extracting(CniConfig.Plugin::type).containsExactly("sriov", "tuning", "sbr");
        List<IpRange> ranges = Objects.requireNonNull(nad.ipam()).ranges();
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(0).isIpv6()).isFalse();
        assertThat(ranges.get(0).gateway()).isEqualTo("10.200.0.1");
        assertThat(ranges.get(0).rangeStart()).isNull();
        assertThat(ranges.get(1).subnet()).isEqualTo("fd00:200::/64");
        assertThat(ranges.get(1).rangeStart()).isEqualTo("fd00:200::10");
        assertThat(ranges.get(1).rangeEnd()).isEqualTo("fd00:200::ff");
        assertThat(ranges.get(1).exclude()).containsExactly("fd00:200::80/124");
        Object nested = cni.findPlugin("tuning").orElseThrow().settings().get("sysctl");
        assertThat(nested).isInstanceOf(Map.class);
        assertThatThrownBy(() -> ((Map<?, ?>) nested).clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void whereaboutsSpellingsInJsonList() {
        ManifestSet set = Manifests.parse(resource("nested"));
        NetworkAttachmentDefinition nad = set.findNad("ns2", "whereabouts-net").orElseThrow();
        assertThat(nad.extendToFabric()).isFalse();
        assertThat(nad.vlan()).isZero();
        assertThat(nad.labels()).isEmpty();
        assertThat(nad.resourceName()).isNull();
        IpRange r = Objects.requireNonNull(nad.ipam()).ranges().get(0);
        assertThat(r.subnet()).isEqualTo("192.168.2.0/24");
        assertThat(r.rangeStart()).isEqualTo("192.168.2.10");
        assertThat(r.rangeEnd()).isEqualTo("192.168.2.20");
        assertThat(r.exclude()).containsExactly("192.168.2.15/32", "192.168.2.16");
        assertThat(r.gateway()).isEqualTo("192.168.2.1");

        NetworkAttachmentDefinition plain =
                set.findNad("ns2", "plain-whereabouts").orElseThrow();
        assertThat(Objects.requireNonNull(plain.ipam()).isFabricBinder()).isFalse();
        assertThat(plain.ipam().type()).isEqualTo("whereabouts");
        assertThat(plain.ipam().ranges()).isEmpty();
        assertThat(plain.vlan()).isNull();
        assertThat(Objects.requireNonNull(plain.cniConfig()).name()).isNull();
    }

    @Test
    void theSriovOperatorsEmptyIpamIsALayer2Network() {
        // sriov-network-operator renders "ipam":{} into the NAD of a SriovNetwork without IPAM.
        ManifestSet set = Manifests.parse("op.yaml", """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinition
                metadata:
                  annotations:
                    k8s.v1.cni.cncf.io/resourceName: openshift.io/intelnics
                  name: example-network
                  namespace: default
                spec:
                  config: '{ "cniVersion":"1.0.0", "name":"example-network","type":"sriov","vlan":0,"vlanQoS":0,\
                "logLevel":"info","ipam":{} }'
                """);

        assertThat(set.errors()).isEmpty();
        NetworkAttachmentDefinition nad = set.nads().get(0);
        IpamBlock ipam = Objects.requireNonNull(nad.ipam());
        assertThat(ipam.type()).isNull();
        assertThat(ipam.isFabricBinder()).isFalse();
        assertThat(nad.cniNetworkName()).isEqualTo("example-network");
    }

    @Test
    void whereaboutsReadmeRangeIsAcceptedWithAWarningNamingTheNormalisedSubnet() {
        ManifestSet set = Manifests.parse(
                "r.yaml",
                nad("{\"cniVersion\":\"0.3.0\",\"name\":\"whereaboutsexample\",\"type\":\"sriov\",\"ipam\":"
                        + "{\"type\":\"fabricbinder-ipam\",\"range\":\"192.168.2.225/28\",\"exclude\":"
                        + "[\"192.168.2.229/30\",\"192.168.2.236/32\"]}}"));

        assertThat(set.errors()).isEmpty();
        assertThat(Objects.requireNonNull(set.nads().get(0).ipam())
                        .ranges()
                        .get(0)
                        .subnet())
                .isEqualTo("192.168.2.224/28");
        assertThat(set.warnings())
                .contains(new Diagnostic(
                        ObjectRef.of("NetworkAttachmentDefinition", "ns", "n1"),
                        "spec.config.ipam.range",
                        "192.168.2.225/28 has host bits set; read as 192.168.2.224/28, the network containing it (as"
                                + " whereabouts does)"));
    }

    @Test
    void whereaboutsStartEndRangeSyntax() {
        ManifestSet set = Manifests.parse(
                "r.yaml",
                nad("{\"type\":\"sriov\",\"ipam\":{\"type\":\"fabricbinder-ipam\","
                        + "\"range\":\"10.0.0.5-10.0.0.9/24\"}}"));
        assertThat(set.errors()).isEmpty();
        IpamBlock ipam = set.nads().get(0).ipam();
        assertThat(ipam).isNotNull();
        IpRange r = ipam.ranges().get(0);
        assertThat(r.subnet()).isEqualTo("10.0.0.0/24");
        assertThat(r.rangeStart()).isEqualTo("10.0.0.5");
        assertThat(r.rangeEnd()).isEqualTo("10.0.0.9");
    }

    @Test
    void podWithJsonSelectionAndNetworkStatus() {
        Pod pod = example().findPod("tenant-blue", "web-0").orElseThrow();
        assertThat(pod.uid()).isEqualTo("3f1c6a52-0d7e-4f5b-9f55-2a8f6c1b9e01");
        assertThat(pod.nodeName()).isEqualTo("worker-1");
        assertThat(pod.phase()).isEqualTo("Running");
        assertThat(pod.deletionTimestamp()).isNull();
        assertThat(pod.isTerminating()).isFalse();
        assertThat(pod.labels()).containsEntry("app", "web");
        assertThat(pod.networks())
                .containsExactly(
                        new Pod.NetworkSelection(
                                null, "blue-web", "net1", List.of("10.100.0.50/24"), "02:00:00:00:01:50"),
                        new Pod.NetworkSelection("tenant-blue", "blue-db", "net2", List.of(), null));
        assertThat(pod.networks().get(0).nadKey("tenant-blue")).isEqualTo("tenant-blue/blue-web");
        assertThat(pod.networkStatus()).hasSize(2);
        NetworkStatus def = pod.networkStatus().get(0);
        assertThat(def.isDefault()).isTrue();
        assertThat(def.findDeviceInfo()).isEmpty();
        NetworkStatus sr = pod.networkStatus().get(1);
        assertThat(sr.name()).isEqualTo("tenant-blue/blue-web");
        assertThat(sr.interfaceName()).isEqualTo("net1");
        assertThat(sr.ips()).containsExactly("10.100.0.50");
        assertThat(sr.mac()).isEqualTo("02:00:00:00:01:50");
        assertThat(sr.isDefault()).isFalse();
        NetworkStatus.DeviceInfo info = sr.findDeviceInfo().orElseThrow();
        assertThat(info.type()).isEqualTo("pci");
        assertThat(info.version()).isEqualTo("1.1.0");
        assertThat(info.pci())
                .isEqualTo(new NetworkStatus.Pci(
                        PciAddress.parse("0000:3b:02.5"), PciAddress.parse("0000:3b:00.0"), null, "mlx5_3", null));
    }

    @Test
    void podWithCommaSelectionAndOldStatusAnnotation() {
        Pod pod =
                Manifests.parse(resource("nested")).findPod("ns2", "old-multus").orElseThrow();
        assertThat(pod.deletionTimestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(pod.isTerminating()).isTrue();
        assertThat(pod.phase()).isEqualTo("Pending");
        assertThat(pod.uid()).isNull();
        assertThat(pod.networks())
                .containsExactly(
                        new Pod.NetworkSelection(null, "whereabouts-net", "net1", List.of(), null),
                        new Pod.NetworkSelection("other", "foo", null, List.of(), null));
        NetworkStatus st = pod.networkStatus().get(0);
        assertThat(st.deviceInfo())
                .isEqualTo(new NetworkStatus.DeviceInfo(
                        "pci",
                        "1.0.0",
                        new NetworkStatus.Pci(PciAddress.parse("0000:18:02.5"), null, null, null, null)));
    }

    @Test
    void virtualNetworkRouterAndSelector() {
        ManifestSet set = example();
        VirtualNetworkRouter vnr = set.virtualNetworkRouters().get(0);
        assertThat(vnr.key()).isEqualTo("tenant-blue/blue-mesh");
        assertThat(vnr.apiVersion()).isEqualTo("fabricbinder.io/v1alpha1");
        assertThat(vnr.type()).isEqualTo(VirtualNetworkRouter.Type.MESH);
        assertThat(vnr.type().isSupported()).isTrue();
        assertThat(vnr.labels()).containsEntry("vnr", "blue");
        LabelSelector sel = vnr.virtualNetworkSelector();
        assertThat(sel.matchLabels()).containsExactly(Map.entry("tenant", "blue"));
        assertThat(sel.matchExpressions())
                .containsExactly(
                        new LabelSelector.Requirement("tier", LabelSelector.Operator.IN, List.of("web", "db")),
                        new LabelSelector.Requirement("quarantined", LabelSelector.Operator.DOES_NOT_EXIST, List.of()));
        assertThat(set.nads()).allMatch(n -> sel.matches(n.labels()));
        assertThat(sel.matches(Map.of("tenant", "blue", "tier", "web", "quarantined", "yes")))
                .isFalse();
        assertThat(sel.matches(Map.of("tenant", "red", "tier", "web"))).isFalse();
        assertThat(sel.matches(Map.of("tenant", "blue", "tier", "cache"))).isFalse();
    }

    @Test
    void contrailApiVersionAndHubSpokeAreParsedWithWarning() {
        String yaml = """
                apiVersion: core.contrail.juniper.net/v1alpha1
                kind: VirtualNetworkRouter
                metadata: {namespace: ns1, name: hub}
                spec:
                  type: hub
                  virtualNetworkSelector:
                    matchExpressions:
                    - {key: env, operator: NotIn, values: [prod]}
                    - {key: vn, operator: Exists}
                """;
        ManifestSet set = Manifests.parse("hub.yaml", yaml);
        assertThat(set.errors()).isEmpty();
        VirtualNetworkRouter vnr = set.virtualNetworkRouters().get(0);
        assertThat(vnr.apiVersion()).isEqualTo("core.contrail.juniper.net/v1alpha1");
        assertThat(vnr.type()).isEqualTo(VirtualNetworkRouter.Type.HUB);
        assertThat(set.warnings())
                .containsExactly(new Diagnostic(
                        ObjectRef.of("VirtualNetworkRouter", "ns1", "hub"),
                        "spec.type",
                        "type 'hub' is parsed but not yet supported (only mesh is applied)"));
        LabelSelector sel = vnr.virtualNetworkSelector();
        assertThat(sel.matches(Map.of("vn", "a"))).isTrue();
        assertThat(sel.matches(Map.of("vn", "a", "env", "dev"))).isTrue();
        assertThat(sel.matches(Map.of("vn", "a", "env", "prod"))).isFalse();
        assertThat(sel.matches(Map.of("env", "dev"))).isFalse();
        assertThat(new LabelSelector(Map.of(), List.of()).matches(Map.of())).isTrue();
    }

    @Test
    void sriovNetworkNodeState() {
        SriovNetworkNodeState st = example().findNodeState("worker-1").orElseThrow();
        assertThat(st.namespace()).isEqualTo("sriov-network-operator");
        assertThat(st.syncStatus()).isEqualTo("Succeeded");
        assertThat(st.interfaces()).hasSize(2);
        io.fabricbinder.sriov.PhysicalFunction pf = st.interfaces().get(0);
        assertThat(pf.pciAddress()).hasToString("0000:3b:00.0");
        assertThat(pf.name()).isEqualTo("ens1f0");
        assertThat(pf.vendor()).isEqualTo("8086");
        assertThat(pf.deviceId()).isEqualTo("158b");
        assertThat(pf.driver()).isEqualTo("i40e");
        assertThat(pf.numVfs()).isEqualTo(4);
        assertThat(pf.totalVfs()).isEqualTo(64);
        assertThat(pf.virtualFunctions())
                .first()
                .isEqualTo(SriovNetworkNodeState.virtualFunction(0, PciAddress.parse("0000:3b:02.0"), "ens1f0v0"));
        assertThat(st.interfaces().get(1).virtualFunctions().get(1))
                .isEqualTo(SriovNetworkNodeState.virtualFunction(1, PciAddress.parse("0000:3b:0a.1"), null));
        assertThat(st.vfGroups())
                .containsExactly(
                        new SriovNetworkNodeState.VfGroup(
                                PciAddress.parse("0000:3b:00.0"),
                                "ens1f0",
                                "intel_sriov_netdevice",
                                "0-3",
                                "netdevice",
                                "policy-leaf-a"),
                        new SriovNetworkNodeState.VfGroup(
                                PciAddress.parse("0000:3b:00.1"),
                                "ens1f1",
                                "intel_sriov_dpdk",
                                "0-1",
                                "vfio-pci",
                                "policy-dpdk"));
        assertThat(st.physicalFunctionsFor("intel.com/intel_sriov_netdevice")).containsExactly(pf);
        assertThat(st.physicalFunctionsFor("intel_sriov_dpdk"))
                .containsExactly(st.interfaces().get(1));
        assertThat(st.physicalFunctionsFor("nope")).isEmpty();
    }

    @Test
    void builderAndConvertReuseValidation() {
        ManifestSet parsed = example();
        ManifestSet.Builder b = ManifestSet.builder();
        parsed.nads().forEach(b::add);
        parsed.pods().forEach(b::add);
        parsed.virtualNetworkRouters().forEach(b::add);
        parsed.nodeStates().forEach(b::add);
        b.add(parsed.nads().get(0));
        ManifestSet rebuilt = b.build();
        assertThat(rebuilt.nads()).isEqualTo(parsed.nads());
        assertThat(rebuilt.pods()).isEqualTo(parsed.pods());
        assertThat(rebuilt.errors())
                .containsExactly(new Diagnostic(
                        ObjectRef.of("NetworkAttachmentDefinition", "tenant-blue", "blue-db"),
                        "metadata.name",
                        "duplicate object; the first one is kept"));

        Map<String, Object> generic = Map.of(
                "apiVersion",
                "k8s.cni.cncf.io/v1",
                "kind",
                "NetworkAttachmentDefinition",
                "metadata",
                Map.of("name", "n", "namespace", "x", "annotations", Map.of("fabricbinder.io/vni", "7")),
                "spec",
                Map.of("config", "{\"type\":\"sriov\",\"vlan\":5}"));
        ManifestSet converted = Manifests.convert(generic);
        assertThat(converted.nads()).isEmpty();
        assertThat(converted.errors())
                .containsExactly(new Diagnostic(
                        ObjectRef.of("NetworkAttachmentDefinition", "x", "n"),
                        "metadata.annotations[fabricbinder.io/vni]",
                        "VNI 7 is out of range 4096..16777214"));
    }

    @Test
    void recordsValidateWhenBuiltDirectly() {
        assertThatThrownBy(
                        () -> new NetworkAttachmentDefinition("ns", "n", Map.of(), null, true, null, null, 4095, null))
                .hasMessage("vlan 4095 is out of range 0..4094");
        assertThatThrownBy(() ->
                        new NetworkAttachmentDefinition("ns", "n", Map.of(), null, true, 16_777_215, null, null, null))
                .hasMessage("vni 16777215 is out of range 4096..16777214");
        assertThatThrownBy(() -> new IpamBlock("fabricbinder-ipam", List.of(), List.of(), null, List.of()))
                .hasMessage("ipam.subnet: is required (or range, or ipRanges) for fabricbinder-ipam");
        assertThatThrownBy(() -> new LabelSelector.Requirement("k", LabelSelector.Operator.IN, List.of()))
                .hasMessage("operator In needs at least one value");
        assertThatThrownBy(() -> new LabelSelector.Requirement("k", LabelSelector.Operator.EXISTS, List.of("x")))
                .hasMessage("operator Exists takes no values");
        assertThatThrownBy(() -> Manifests.parse(Path.of("/nonexistent/fabricbinder")))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("no such file or directory");
    }

    static String nad(String config) {
        return """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinition
                metadata: {name: n1, namespace: ns}
                spec:
                  config: '%s'
                """.formatted(config);
    }
}
