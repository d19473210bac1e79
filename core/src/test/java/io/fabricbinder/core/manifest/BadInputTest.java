package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private static final ObjectRef NAD = ObjectRef.of("NetworkAttachmentDefinition", "ns", "n1");

    private static List<Diagnostic> errors(String yaml) {
        ManifestSet set = Manifests.parse("bad.yaml", yaml);
        assertThat(set.nads()).as("a NAD with an error is excluded").isEmpty();
        assertThat(set.pods()).isEmpty();
        assertThat(set.virtualNetworkRouters()).isEmpty();
        assertThat(set.nodeStates()).isEmpty();
        return set.errors();
    }

    private static List<Diagnostic> ipam(String ipamJson) {
        return errors(ManifestsTest.nad("{\"type\":\"sriov\",\"ipam\":" + ipamJson + "}"));
    }

    private static Diagnostic e(String field, String message) {
        return new Diagnostic(NAD, field, message);
    }

    @Test
    void vlanOutOfRangeOrNotInteger() {
        assertThat(errors(ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":4095}")))
                .containsExactly(e("spec.config.vlan", "VLAN 4095 is out of range 0..4094"));
        assertThat(errors(ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":-1}")))
                .containsExactly(e("spec.config.vlan", "VLAN -1 is out of range 0..4094"));
        assertThat(errors(
                        ManifestsTest.nad("{\"plugins\":[{\"type\":\"tuning\"},{\"type\":\"sriov\",\"vlan\":\"7\"}]}")))
                .containsExactly(e("spec.config.plugins[1].vlan", "must be an integer, got '7'"));
    }

    @Test
    void malformedJsonInConfigAndAnnotations() {
        assertThat(errors(ManifestsTest.nad("{\"type\": \"sriov\",")))
                .singleElement()
                .satisfies(err -> {
                    assertThat(err.object()).isEqualTo(NAD);
                    assertThat(err.field()).isEqualTo("spec.config");
                    assertThat(err.message()).startsWith("malformed JSON: ");
                });
        String pod = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: ns
                  annotations:
                    k8s.v1.cni.cncf.io/networks: '[{"name": "a"'
                    k8s.v1.cni.cncf.io/network-status: '{"name": "a"}'
                """;
        List<Diagnostic> errs = errors(pod);
        assertThat(errs).hasSize(2);
        assertThat(errs.get(0).object().toString()).isEqualTo("Pod ns/p");
        assertThat(errs.get(0).field()).isEqualTo("metadata.annotations[k8s.v1.cni.cncf.io/network-status]");
        assertThat(errs.get(0).message()).isEqualTo("must be a JSON list");
        assertThat(errs.get(1).field()).isEqualTo("metadata.annotations[k8s.v1.cni.cncf.io/networks]");
        assertThat(errs.get(1).message()).startsWith("malformed JSON: ");
    }

    @Test
    void ipamSubnetErrors() {
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.1/24\"}"))
                .containsExactly(e(
                        "spec.config.ipam.subnet",
                        "10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24? (whereabouts' range key reads it as"
                                + " the network containing the address)"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"fd00::1/64\"}"))
                .containsExactly(e(
                        "spec.config.ipam.subnet",
                        "fd00::1/64 has host bits set; did you mean fd00::/64? (whereabouts' range key reads it as the"
                                + " network containing the address)"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0\"}"))
                .containsExactly(e("spec.config.ipam.subnet", "'10.0.0.0' is not a CIDR (address/prefix length)"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\"}"))
                .containsExactly(
                        e("spec.config.ipam.subnet", "is required (or range, or ipRanges) for fabricbinder-ipam"));
        assertThat(ipam("{\"subnet\":\"10.0.0.0/24\"}"))
                .containsExactly(e(
                        "spec.config.ipam.type",
                        "is required (an empty ipam object {} means no IPAM, a layer-2 network)"));
    }

    @Test
    void gatewayOutsideSubnet() {
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"gateway\":\"10.0.1.1\"}"))
                .containsExactly(e("spec.config.ipam.gateway", "gateway 10.0.1.1 is outside subnet 10.0.0.0/24"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"gateway\":\"fd00::1\"}"))
                .containsExactly(e(
                        "spec.config.ipam.gateway", "gateway fd00::1 is not of the same family as subnet 10.0.0.0/24"));
    }

    @Test
    void rangeStartAfterRangeEndAndRangeOutsideSubnet() {
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\","
                        + "\"rangeStart\":\"10.0.0.50\",\"rangeEnd\":\"10.0.0.10\"}"))
                .containsExactly(e(
                        "spec.config.ipam.rangeStart",
                        "rangeStart 10.0.0.50 is after rangeEnd 10.0.0.10 in subnet 10.0.0.0/24"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"range\":\"10.0.0.0/24\","
                        + "\"range_start\":\"10.0.0.50\",\"range_end\":\"10.0.0.10\"}"))
                .containsExactly(e(
                        "spec.config.ipam.range_start",
                        "rangeStart 10.0.0.50 is after rangeEnd 10.0.0.10 in subnet 10.0.0.0/24"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"10.0.5.1\"}"))
                .containsExactly(e("spec.config.ipam.rangeStart", "rangeStart 10.0.5.1 is outside subnet 10.0.0.0/24"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"range_end\":\"10.0.5.1\"}"))
                .containsExactly(e("spec.config.ipam.range_end", "rangeEnd 10.0.5.1 is outside subnet 10.0.0.0/24"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"rangeEnd\":\"ten\"}"))
                .containsExactly(e("spec.config.ipam.rangeEnd", "'ten' is not an IP address"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"range\":\"10.0.0.5-10.0.1.9/24\"}"))
                .containsExactly(e(
                        "spec.config.ipam.range",
                        "range start 10.0.0.5 is outside 10.0.1.0/24 (in '10.0.0.5-10.0.1.9/24')"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"range\":\"10.1.0.0/24\"}"))
                .containsExactly(e("spec.config.ipam.range", "give subnet or range, not both"));
    }

    @Test
    void excludeErrors() {
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\","
                        + "\"exclude\":[\"10.0.0.8/29\",\"10.9.0.0/29\",\"10.0.0.300\",5]}"))
                .containsExactly(e("spec.config.ipam.exclude[2]", "'10.0.0.300' is not an IP address"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\","
                        + "\"exclude\":[\"10.0.0.8/29\",\"10.9.0.0/29\",5]}"))
                .containsExactly(e("spec.config.ipam.exclude[2]", "must be a CIDR or an address (a string)"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\","
                        + "\"exclude\":[\"10.0.0.8/29\",\"10.9.0.0/29\"]}"))
                .containsExactly(e("spec.config.ipam.exclude[1]", "10.9.0.0/29 is outside subnet 10.0.0.0/24"));
    }

    @Test
    void ipRangesErrorsAreIndexed() {
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"subnet\":\"10.0.0.0/24\"},"
                        + "{\"subnet\":\"fd00::/64\",\"gateway\":\"fd01::1\"},{\"gateway\":\"fd00::1\"},7]}"))
                .containsExactly(e("spec.config.ipam.ipRanges[2].range", "is required (subnet or range)"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"subnet\":\"10.0.0.0/24\"},"
                        + "{\"subnet\":\"fd00::/64\",\"gateway\":\"fd01::1\"},7]}"))
                .containsExactly(e("spec.config.ipam.ipRanges[2]", "must be an object"));
        assertThat(ipam("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"subnet\":\"10.0.0.0/24\"},"
                        + "{\"subnet\":\"fd00::/64\",\"gateway\":\"fd01::1\"}]}"))
                .containsExactly(
                        e("spec.config.ipam.ipRanges[1].gateway", "gateway fd01::1 is outside subnet fd00::/64"));
        assertThat(errors(
                        ManifestsTest.nad("{\"plugins\":[{\"type\":\"sriov\",\"ipam\":{\"type\":\"fabricbinder-ipam\","
                                + "\"subnet\":\"10.0.0.0/24\",\"rangeStart\":\"1.1.1.1\"}}]}")))
                .containsExactly(e(
                        "spec.config.plugins[0].ipam.rangeStart", "rangeStart 1.1.1.1 is outside subnet 10.0.0.0/24"));
    }

    @Test
    void annotationErrors() {
        String yaml = """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinition
                metadata:
                  name: n1
                  namespace: ns
                  annotations:
                    fabricbinder.io/extend-to-fabric: "yes"
                    fabricbinder.io/vni: "%s"
                """;
        assertThat(errors(yaml.formatted("4095")))
                .containsExactly(
                        e(
                                "metadata.annotations[fabricbinder.io/extend-to-fabric]",
                                "must be \"true\" or \"false\", got 'yes'"),
                        e("metadata.annotations[fabricbinder.io/vni]", "VNI 4095 is out of range 4096..16777214"));
        assertThat(errors(yaml.formatted("16777215")))
                .contains(
                        e("metadata.annotations[fabricbinder.io/vni]", "VNI 16777215 is out of range 4096..16777214"));
        assertThat(errors(yaml.formatted("blue")))
                .contains(e("metadata.annotations[fabricbinder.io/vni]", "VNI 'blue' is not a number"));
    }

    @Test
    void configNotAJsonObjectAndPluginWithoutType() {
        assertThat(errors(ManifestsTest.nad("[1,2]"))).containsExactly(e("spec.config", "must hold a JSON object"));
        assertThat(errors(ManifestsTest.nad("{\"plugins\":[{\"vlan\":1}]}")))
                .containsExactly(e("spec.config.plugins[0].type", "is required"));
        assertThat(errors(ManifestsTest.nad("{\"plugins\":[]}")))
                .containsExactly(e("spec.config.plugins", "must not be empty"));
    }

    @Test
    void vnrErrors() {
        String yaml = """
                apiVersion: fabricbinder.io/v1alpha1
                kind: VirtualNetworkRouter
                metadata: {name: r, namespace: ns}
                spec:
                  type: star
                  virtualNetworkSelector:
                    matchExpressions:
                    - {key: a, operator: Like, values: [x]}
                    - {key: b, operator: In}
                    - {operator: Exists}
                    - {key: c, operator: In, values: [x, 7, true]}
                """;
        ObjectRef o = ObjectRef.of("VirtualNetworkRouter", "ns", "r");
        assertThat(errors(yaml))
                .containsExactly(
                        new Diagnostic(o, "spec.type", "unknown type 'star' (expected mesh, hub or spoke)"),
                        new Diagnostic(
                                o,
                                "spec.virtualNetworkSelector.matchExpressions[0].operator",
                                "unknown operator 'Like' (expected In, NotIn, Exists or DoesNotExist)"),
                        new Diagnostic(
                                o,
                                "spec.virtualNetworkSelector.matchExpressions[1].values",
                                "operator In needs at least one value"),
                        new Diagnostic(o, "spec.virtualNetworkSelector.matchExpressions[2].key", "is required"),
                        new Diagnostic(
                                o,
                                "spec.virtualNetworkSelector.matchExpressions[3].values[1]",
                                "must be a string, got 7"));
        assertThat(
                        errors(
                                "apiVersion: fabricbinder.io/v1alpha1\nkind: VirtualNetworkRouter\nmetadata: {name: r, namespace: ns}\nspec: {}\n"))
                .containsExactly(
                        new Diagnostic(o, "spec.type", "is required"),
                        new Diagnostic(o, "spec.virtualNetworkSelector", "is required"));
    }

    @Test
    void aListOfStringsNamesItsFirstElementThatIsNotAString() {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns, annotations: "
                + "{k8s.v1.cni.cncf.io/networks: '[{\"name\": \"a\", \"ips\": [\"10.0.0.5/24\", null, 7]}]'}}\n";
        assertThat(errors(pod))
                .containsExactly(new Diagnostic(
                        ObjectRef.of("Pod", "ns", "p"),
                        "metadata.annotations[k8s.v1.cni.cncf.io/networks][0].ips[1]",
                        "must be a string, got null"));
    }

    @Test
    void podErrors() {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: ns
                  deletionTimestamp: yesterday
                  annotations:
                    k8s.v1.cni.cncf.io/networks: "a, ns/b/c, @eth1, d@"
                    k8s.v1.cni.cncf.io/network-status: '[{"interface": "net1"}, {"name": "x", "default": "yes", "device-info": {"type": "pci", "pci": {}}}]'
                spec: {nodeName: 5}
                """;
        ObjectRef o = ObjectRef.of("Pod", "ns", "p");
        String nets = "metadata.annotations[k8s.v1.cni.cncf.io/networks]";
        String st = "metadata.annotations[k8s.v1.cni.cncf.io/network-status]";
        assertThat(errors(yaml))
                .containsExactly(
                        new Diagnostic(o, st + "[0].name", "is required"),
                        new Diagnostic(o, st + "[1].default", "must be true or false, got 'yes'"),
                        new Diagnostic(o, st + "[1].device-info.pci.pci-address", "is required"),
                        new Diagnostic(o, nets + "[1]", "'ns/b/c' is not of the form [namespace/]name[@interface]"),
                        new Diagnostic(o, nets + "[2]", "'@eth1' is not of the form [namespace/]name[@interface]"),
                        new Diagnostic(o, nets + "[3]", "'d@' is not of the form [namespace/]name[@interface]"),
                        new Diagnostic(o, "metadata.deletionTimestamp", "'yesterday' is not an RFC 3339 time"),
                        new Diagnostic(o, "spec.nodeName", "must be a string, got 5"));
    }

    @Test
    void nodeStateErrors() {
        String yaml = """
                apiVersion: sriovnetwork.openshift.io/v1
                kind: SriovNetworkNodeState
                metadata: {name: w1, namespace: sriov}
                spec:
                  interfaces:
                  - {name: ens1f0, vfGroups: [{vfRange: "0-3"}]}
                status:
                  interfaces:
                  - {name: ens1f0, numVfs: -2, Vfs: [{vfID: 0}]}
                """;
        ObjectRef o = ObjectRef.of("SriovNetworkNodeState", "sriov", "w1");
        assertThat(errors(yaml))
                .containsExactly(
                        new Diagnostic(o, "spec.interfaces[0].pciAddress", "is required"),
                        new Diagnostic(o, "spec.interfaces[0].vfGroups[0].resourceName", "is required"),
                        new Diagnostic(o, "status.interfaces[0].Vfs[0].pciAddress", "is required"),
                        new Diagnostic(o, "status.interfaces[0].numVfs", "must not be negative, got -2"),
                        new Diagnostic(o, "status.interfaces[0].pciAddress", "is required"));
    }

    @Test
    void missingRequiredFieldsAndSyntaxErrors() {
        ManifestSet set = Manifests.parse("mixed.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {namespace: ns}
                ---
                metadata: {name: x}
                ---
                key: [unclosed
                ---
                just a string
                ---
                apiVersion: v1
                kind: List
                items: 5
                """);
        assertThat(set.errors()).hasSize(5);
        assertThat(set.errors().get(0))
                .isEqualTo(new Diagnostic(ObjectRef.document("Pod", "mixed.yaml#1"), "metadata.name", "is required"));
        assertThat(set.errors().get(1))
                .isEqualTo(new Diagnostic(ObjectRef.document("mixed.yaml#2"), "kind", "is required (a string)"));
        assertThat(set.errors().get(2).object().toString()).isEqualTo("mixed.yaml#3");
        assertThat(set.errors().get(2).field()).isEmpty();
        assertThat(set.errors().get(2).message()).startsWith("syntax error (line ");
        assertThat(set.errors().get(3))
                .isEqualTo(new Diagnostic(ObjectRef.document("mixed.yaml#4"), "", "document is not an object"));
        assertThat(set.errors().get(4))
                .isEqualTo(new Diagnostic(ObjectRef.document("mixed.yaml#5"), "items", "a List needs an items list"));
        assertThat(Manifests.parse("x.json", "{\"kind\": ").errors())
                .singleElement()
                .satisfies(err -> {
                    assertThat(err.object().toString()).isEqualTo("x.json#1");
                    assertThat(err.message()).startsWith("syntax error");
                });
    }

    @Test
    void oneBadDocumentAmongGoodOnesKeepsTheGoodOnes() {
        String good1 = ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":10}").replace("n1", "good1");
        String bad = ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":9999}");
        String good2 = ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":11}").replace("n1", "good2");
        ManifestSet set = Manifests.parse("three.yaml", good1 + "---\n" + bad + "---\n: : [\n---\n" + good2);
        assertThat(set.nads()).extracting(NetworkAttachmentDefinition::name).containsExactly("good1", "good2");
        assertThat(set.nads()).extracting(NetworkAttachmentDefinition::vlan).containsExactly(10, 11);
        assertThat(set.errors()).hasSize(2);
        assertThat(set.errors().get(0)).isEqualTo(e("spec.config.vlan", "VLAN 9999 is out of range 0..4094"));
        assertThat(set.errors().get(1).object().toString()).isEqualTo("three.yaml#3");
        assertThat(set.isValid()).isFalse();
    }
}
