package io.fabricbinder.examples.controller;

import static io.fabricbinder.examples.testing.MockCluster.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.examples.testing.MockCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A problem that persists is reported again, but at most once per event interval. */
class ControllerEventRateLimitTest {

    @Test
    void aPersistingProblemIsReportedAgainOnlyAfterTheInterval() throws Exception {
        Instant[] now = {Instant.parse("2026-12-07T19:00:00Z")};
        try (MockCluster cluster = MockCluster.start();
                FabricBinderController controller = FabricBinderController.builder(cluster.client())
                        .identity("replica-a")
                        .leaseNamespace("default")
                        .leaseName("fabricbinder-events-test")
                        .leaseTiming(Duration.ofMillis(1_500), Duration.ofMillis(1_000), Duration.ofMillis(200))
                        .clock(() -> now[0])
                        .eventInterval(Duration.ofMinutes(10))
                        .build()) {
            KubernetesClient client = cluster.client();
            cluster.createAll("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: web-1, namespace: tenant-blue}
                    spec: {containers: [{name: c, image: x}]}
                    """);
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
        }
    }

    private static List<Event> events(KubernetesClient client) {
        return client.v1().events().inNamespace("tenant-blue").list().getItems();
    }
}
