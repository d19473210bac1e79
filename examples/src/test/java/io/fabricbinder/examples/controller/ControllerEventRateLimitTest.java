package io.fabricbinder.examples.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabricbinder.core.ObjectRef;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A problem that persists is reported again, but at most once per event interval. */
class ControllerEventRateLimitTest {

    @Test
    void aPersistingProblemIsReportedAgainOnlyAfterTheInterval() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
        server.init();
        for (FabricBinderController.WatchedKind k : FabricBinderController.KINDS) {
            int slash = k.apiVersion().indexOf('/');
            if (slash > 0) {
                server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                        .withGroup(k.apiVersion().substring(0, slash))
                        .withVersion(k.apiVersion().substring(slash + 1))
                        .withKind(k.kind())
                        .withPlural(k.plural())
                        .withScope("Namespaced")
                        .build());
            }
        }
        Instant[] now = {Instant.parse("2026-12-07T19:00:00Z")};
        try (KubernetesClient client = server.createClient();
                FabricBinderController controller = FabricBinderController.builder(client)
                        .identity("replica-a")
                        .leaseNamespace("default")
                        .leaseName("fabricbinder-events-test")
                        .leaseTiming(Duration.ofMillis(1_500), Duration.ofMillis(1_000), Duration.ofMillis(200))
                        .clock(() -> now[0])
                        .eventInterval(Duration.ofMinutes(10))
                        .build()) {
            GenericKubernetesResource pod =
                    client.getKubernetesSerialization().unmarshal("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: web-1, namespace: tenant-blue}
                    spec: {containers: [{name: c, image: x}]}
                    """, GenericKubernetesResource.class);
            client.genericKubernetesResources("v1", "Pod")
                    .inNamespace("tenant-blue")
                    .resource(pod)
                    .create();
            controller.start();
            await(controller::isLeader, "leading");
            await(() -> controller.objects("Pod").size() == 1, "the pod in the cache");

            ObjectRef object = ObjectRef.of("Pod", "tenant-blue", "web-1");
            controller.reportProblem(object, "metadata.annotations", "no address left");
            controller.reportProblem(object, "metadata.annotations", "no address left");
            now[0] = now[0].plus(Duration.ofMinutes(9));
            controller.reportProblem(object, "metadata.annotations", "no address left");
            assertThat(events(client)).as("once within the interval").hasSize(1);

            now[0] = now[0].plus(Duration.ofMinutes(2));
            controller.reportProblem(object, "metadata.annotations", "no address left");
            controller.reportProblem(object, "metadata.annotations", "another problem");
            assertThat(events(client))
                    .extracting(Event::getMessage)
                    .containsExactlyInAnyOrder(
                            "metadata.annotations: no address left",
                            "metadata.annotations: no address left",
                            "metadata.annotations: another problem");
        } finally {
            server.destroy();
        }
    }

    private static List<Event> events(KubernetesClient client) {
        return client.v1().events().inNamespace("tenant-blue").list().getItems();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
