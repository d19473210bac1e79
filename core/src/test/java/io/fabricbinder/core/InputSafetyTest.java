package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.manifest.ManifestSet;
import io.fabricbinder.core.manifest.Manifests;
import io.fabricbinder.core.topology.StaticTopologyFile;
import io.fabricbinder.core.topology.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 items 1, 4 and 6 at the planner: what cannot be read, and what is invalid, is frozen:
 * nothing it may have created is deleted, untagged or released, and it gains nothing new.
 */
class InputSafetyTest {

    static Path path(String name) {
        try {
            return Path.of(Objects.requireNonNull(InputSafetyTest.class.getResource(name))
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String name) {
        try {
            return Files.readString(path(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String NADS = resource("/manifests/example/nads.yaml");
    static final String POD = resource("/manifests/example/pod.yaml");
    static final String STATE = resource("/manifests/example/nodestate.yaml");
    static final String VNR = resource("/manifests/example/vnr.yaml");
    static final Topology TOPOLOGY = Topology.merge(List.of(StaticTopologyFile.read(path("/topology/example.yaml"))));

    InMemoryFabricGateway fabric;
    FabricBinder binder;

    static ClusterSnapshot snapshot(String... docs) {
        ManifestSet set = Manifests.parse("all.yaml", String.join("\n---\n", docs));
        return new ClusterSnapshot(set, TOPOLOGY);
    }

    /** The fabric and IPAM after applying the valid example: 2 networks, 1 zone, 1 tagged port, addresses. */
    @BeforeEach
    void applyTheValidExample() {
        fabric = new InMemoryFabricGateway();
        binder = FabricBinder.builder()
                .gateway(fabric)
                .addressBook(AddressBook.inMemory())
                .build();
        ReconcileResult r = binder.reconcile(snapshot(NADS, POD, STATE, VNR));
        assertThat(r.errors()).isEmpty();
        Plan again = binder.plan(snapshot(NADS, POD, STATE, VNR));
        assertThat(again.hasFabricChanges()).isFalse();
        assertThat(again.portBindings()).isNotEmpty();
        assertThat(again.ipAllocations()).isNotEmpty();
    }

    /** Nothing the valid snapshot keeps is deleted, untagged or released. */
    static void assertRemovesNothing(Plan plan) {
        assertThat(plan.virtualNetworks())
                .noneMatch(c -> c.action() == ChangeAction.DELETE)
                .allMatch(c -> c.action() != ChangeAction.UPDATE
                        || Objects.equals(
                                c.network().routingZone(),
                                Objects.requireNonNull(c.before()).routingZone()));
        assertThat(plan.routingZones()).noneMatch(c -> c.action() == ChangeAction.DELETE);
        assertThat(plan.portBindings()).noneMatch(c -> c.action() == PortAction.UNTAG);
        assertThat(plan.ipAllocations()).noneMatch(c -> c.action() == AllocationAction.RELEASE);
    }

    @Test
    void aDocumentWithASyntaxErrorFreezesEveryDeletion() {
        // The second NAD's document and the VNR are unreadable; the pod is gone too.
        String nads = NADS.replace("  name: blue-db\n", "  name: [blue-db\n");
        Plan plan = binder.plan(snapshot(nads, STATE, VNR.replace("type: mesh", "type: : mesh")));

        assertThat(plan.errors())
                .anySatisfy(e -> assertThat(e.object().toString()).isEqualTo("all.yaml#2"));
        assertRemovesNothing(plan);
        assertThat(plan.warnings())
                .anySatisfy(w -> assertThat(w.message()).contains("nothing is deleted, untagged or released"));
    }

    @Test
    void aDocumentThatIsNotAnObjectFreezesEveryDeletion() {
        Plan plan = binder.plan(snapshot(NADS, STATE, VNR, "- just a list"));
        assertRemovesNothing(plan);
    }

    @Test
    void anInvalidPodThatIsTheLastPodBehindAPortKeepsItsBindingAndAddresses() {
        for (String broken : List.of(
                POD.replace(
                        "k8s.v1.cni.cncf.io/network-status: |-",
                        "k8s.v1.cni.cncf.io/network-status: |-\n      garbage"),
                POD.replace("'[{\"name\": \"blue-web\"", "'[{\"name\": 12}, {\"name\": \"blue-web\""),
                POD.replace("uid: 3f1c6a52-0d7e-4f5b-9f55-2a8f6c1b9e01", "uid: {a: b}"),
                POD.replace("  labels:\n    app: web", "  labels:\n    app: \"web app\""))) {
            Plan plan = binder.plan(snapshot(NADS, broken, STATE, VNR));
            assertThat(plan.errors())
                    .as(broken)
                    .anySatisfy(e -> assertThat(e.object().toString()).isEqualTo("Pod tenant-blue/web-0"));
            assertRemovesNothing(plan);
            assertThat(plan.portBindings()).as(broken).isNotEmpty().allMatch(c -> c.action() == PortAction.UNCHANGED);
        }
    }

    @Test
    void anInvalidPodNeverGainsABinding() {
        InMemoryFabricGateway empty = new InMemoryFabricGateway();
        FabricBinder fresh = FabricBinder.builder()
                .gateway(empty)
                .addressBook(AddressBook.inMemory())
                .build();
        String longName = "w".repeat(10_000);
        Plan plan = fresh.plan(snapshot(NADS, POD.replace("name: web-0", "name: " + longName), STATE, VNR));

        assertThat(plan.portBindings()).noneMatch(c -> c.action() == PortAction.TAG);
        assertThat(plan.ipAllocations()).isEmpty();
        assertThat(plan.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("metadata.name");
            assertThat(e.message()).contains("at most 253 characters").contains("(10000 characters)");
            assertThat(e.message().length()).isLessThan(200);
        });
    }

    @Test
    void aNadWithANameKubernetesRejectsCreatesNothing() {
        InMemoryFabricGateway empty = new InMemoryFabricGateway();
        FabricBinder fresh = FabricBinder.builder()
                .gateway(empty)
                .addressBook(AddressBook.inMemory())
                .build();
        String evil = NADS.replace("name: blue-web\n", "name: \"x') or 1=1 --\"\n");
        Plan plan = fresh.plan(snapshot(evil, STATE, VNR));

        assertThat(plan.virtualNetworks()).extracting(c -> c.network().name()).containsExactly("tenant-blue/blue-db");
        assertThat(plan.errors()).anySatisfy(e -> {
            assertThat(e.object().toString()).isEqualTo("NetworkAttachmentDefinition tenant-blue/x') or 1=1 --");
            assertThat(e.field()).isEqualTo("metadata.name");
            assertThat(e.message()).contains("DNS-1123 subdomain");
        });
    }

    @Test
    void namesAndLabelsAreValidatedAsTheApiServerDoes() {
        Plan plan = binder.plan(snapshot(
                NADS.replace("tier: web", "tier: \"web app\""),
                POD,
                STATE,
                VNR.replace("labels: {vnr: blue}", "labels: {\"-bad\": blue}")));
        assertThat(plan.errors())
                .extracting(Diagnostic::field)
                .contains("metadata.labels[tier]", "metadata.labels[-bad]");
        // The NAD is invalid (frozen): its network stays; the invalid VNR keeps the zone.
        assertRemovesNothing(plan);

        // An object in a namespace Kubernetes would reject is an error object that creates nothing.
        Plan other = binder.plan(
                snapshot(NADS, NADS.replace("namespace: tenant-blue", "namespace: Tenant_Blue"), POD, STATE, VNR));
        assertThat(other.errors()).anySatisfy(e -> assertThat(e.field()).isEqualTo("metadata.namespace"));
        assertThat(other.hasFabricChanges()).isFalse();
    }
}
