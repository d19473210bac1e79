package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.core.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 15 item 1 and issue 20 item 2: sources that cannot be read, and Kubernetes' YAML typing. */
class UnreadableInputTest {

    @TempDir
    Path dir;

    private static final String NAD = """
            apiVersion: k8s.cni.cncf.io/v1
            kind: NetworkAttachmentDefinition
            metadata: {name: red, namespace: ns1}
            spec:
              config: '{"cniVersion":"0.3.1","type":"sriov","vlan":10}'
            """;

    @Test
    void aMissingPathThrowsInsteadOfGivingAnEmptyCluster() {
        assertThatThrownBy(() -> Manifests.parse(dir.resolve("doesnotexist")))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("doesnotexist")
                .hasMessageContaining("no such file or directory");
    }

    @Test
    void aDirectoryWithoutManifestFilesThrows() throws IOException {
        Files.writeString(dir.resolve("README.md"), "not a manifest");
        assertThatThrownBy(() -> Manifests.parse(dir))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("holds no *.yaml");
    }

    @Test
    void anEmptyFileThrowsEvenInsideADirectoryWithOthers() throws IOException {
        Files.writeString(dir.resolve("a.yaml"), NAD);
        Files.writeString(dir.resolve("b.yaml"), "  \n");
        assertThatThrownBy(() -> Manifests.parse(dir))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("b.yaml")
                .hasMessageContaining("empty");
        // A file that says it holds nothing is fine.
        Files.writeString(dir.resolve("b.yaml"), "# nothing here yet\n");
        assertThat(Manifests.parse(dir).nads()).hasSize(1);
    }

    @Test
    void oneNonUtf8ByteNamesFileOffsetAndLine() throws IOException {
        byte[] text = NAD.getBytes(StandardCharsets.UTF_8);
        int offset = NAD.indexOf("red");
        text[offset] = (byte) 0xff;
        Path f = dir.resolve("nads.yaml");
        Files.write(f, text);
        assertThatThrownBy(() -> Manifests.parse(f))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("nads.yaml")
                .hasMessageContaining("byte 0xff at byte offset " + offset + " (line 3)");
    }

    @Test
    void anUnreadableFileThrows() throws IOException {
        Path f = dir.resolve("locked.yaml");
        Files.writeString(f, NAD);
        if (!f.toFile().setReadable(false) || Files.isReadable(f)) {
            return; // running as root: permissions do not apply
        }
        assertThatThrownBy(() -> Manifests.parse(dir))
                .isInstanceOf(UnreadableManifestException.class)
                .hasMessageContaining("locked.yaml")
                .hasMessageContaining("cannot read");
    }

    @Test
    void aBrokenDocumentIsUnreadableWithFileDocumentLineAndColumnAndTheOthersStay() {
        String text = NAD + "---\n" + "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: [x\n" + "---\n"
                + NAD.replace("red", "blue");
        ManifestSet set = Manifests.parse("nads.yaml", text);

        assertThat(set.nads()).extracting(NetworkAttachmentDefinition::name).containsExactly("blue", "red");
        assertThat(set.unreadable()).hasSize(1);
        Diagnostic e = set.unreadable().get(0);
        assertThat(e.object().toString()).isEqualTo("nads.yaml#2");
        // The flow sequence opened on line 9 of the file is never closed: reported at line 10 or 11.
        assertThat(e.message()).startsWith("syntax error (line ").contains(", column ");
        int line = Integer.parseInt(e.message().replaceAll("^syntax error \\(line (\\d+),.*$", "$1"));
        assertThat(line).isBetween(9, 11);
        assertThat(set.errors()).contains(e);
    }

    @Test
    void objectsWhoseIdentityCannotBeReadAreUnreadable() {
        ManifestSet set = Manifests.parse("x.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {namespace: ns}
                ---
                - 1
                ---
                metadata: {name: nokind}
                """);
        assertThat(set.unreadable())
                .extracting(d -> d.object().toString())
                .containsExactly("Pod x.yaml#1", "x.yaml#2[0]", "x.yaml#3");
    }

    @Test
    void aMisspeltKindOrApiVersionOfOurOwnObjectsIsUnreadableNotAbsent() {
        ManifestSet set = Manifests.parse("typo.yaml", """
                apiVersion: k8s.cni.cncf.io/v1
                kind: NetworkAttachmentDefinitoin
                metadata: {name: red, namespace: ns1}
                ---
                apiVersion: k8s.cni.cncf.io/v2
                kind: NetworkAttachmentDefinition
                metadata: {name: blue, namespace: ns1}
                ---
                apiVersion: fabricbinder.io/v1alpha1
                kind: VirtualNetworkRoutr
                metadata: {name: r, namespace: ns1}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: ns1}
                ---
                apiVersion: sriovnetwork.openshift.io/v1
                kind: SriovNetwork
                metadata: {name: s, namespace: ns1}
                ---
                apiVersion: fabricbinder.io/v1alpha1
                kind: FabricBinderNode
                metadata: {name: node-1}
                """);
        assertThat(set.unreadable())
                .extracting(e -> e.object() + " " + e.field())
                .containsExactlyInAnyOrder(
                        "NetworkAttachmentDefinitoin typo.yaml#1 kind",
                        "NetworkAttachmentDefinition typo.yaml#2 apiVersion",
                        "VirtualNetworkRoutr typo.yaml#3 kind");
        assertThat(set.unreadable())
                .filteredOn(e -> e.field().equals("kind"))
                .allSatisfy(e -> assertThat(e.message()).contains("misspelt kind"));
        assertThat(set.unreadable())
                .filteredOn(e -> e.field().equals("apiVersion"))
                .allSatisfy(e -> assertThat(e.message()).contains("needs k8s.cni.cncf.io/v1"));
    }

    @Test
    void yamlIsTypedWithTheYaml12CoreSchemaLikeKubernetes() {
        ManifestSet set = Manifests.parse("state.yaml", """
                apiVersion: sriovnetwork.openshift.io/v1
                kind: SriovNetworkNodeState
                metadata: {name: worker-1, namespace: sriov}
                status:
                  interfaces:
                  - pciAddress: 0000:18:02.0
                    name: ens1f0
                    numVfs: 2
                    Vfs:
                    - pciAddress: 0000:18:02.2
                      vfID: 0
                """);
        assertThat(set.errors()).isEmpty();
        SriovNetworkNodeState st = set.nodeStates().get(0);
        assertThat(st.interfaces().get(0).pciAddress()).hasToString("0000:18:02.0");
        assertThat(st.interfaces().get(0).virtualFunctions().get(0).pciAddress())
                .hasToString("0000:18:02.2");

        Object typed = Objects.requireNonNull(YamlDocuments.readOne("a: yes\nb: on\nc: 1:30\nd: true\ne: 0x1F\nf: ~"));
        assertThat(typed).isInstanceOf(Map.class);
        assertThat(FieldReader.asStringMap((Map<?, ?>) typed))
                .containsEntry("a", "yes")
                .containsEntry("b", "on")
                .containsEntry("c", "1:30")
                .containsEntry("d", (Object) true)
                .containsEntry("e", (Object) 31)
                .containsEntry("f", (Object) null);
    }

    @Test
    void duplicateKeysAreASyntaxError() {
        ManifestSet set = Manifests.parse("dup.yaml", NAD + "kind: Pod\n");
        assertThat(set.unreadable())
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains("line 6").contains("duplicate key"));
    }
}
