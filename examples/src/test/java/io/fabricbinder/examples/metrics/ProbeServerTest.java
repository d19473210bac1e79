package io.fabricbinder.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.core.Plan;
import io.fabricbinder.core.ReconcileResult;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ProbeServerTest {

    @Test
    void readyzFollowsTheInformersAndHealthzTheElectionLoop() throws Exception {
        AtomicBoolean synced = new AtomicBoolean();
        AtomicBoolean electing = new AtomicBoolean(true);
        ControllerMetrics metrics = new ControllerMetrics("fabricbinder", "fabricbinder-controller");
        try (ProbeServer s = ProbeServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                metrics::scrape,
                synced::get,
                electing::get)) {
            URI metricsAt = uri(s.addresses().get(0));
            URI health = uri(s.addresses().get(1));

            assertThat(call("GET", health.resolve("/readyz"))).isEqualTo("503 informers have not synced\n");
            synced.set(true);
            assertThat(call("GET", health.resolve("/readyz"))).isEqualTo("200 ok\n");
            assertThat(call("GET", health.resolve("/healthz"))).isEqualTo("200 ok\n");
            electing.set(false);
            assertThat(call("GET", health.resolve("/healthz"))).startsWith("503 ");
            assertThat(call("POST", health.resolve("/healthz"))).startsWith("405");
            assertThat(call("GET", metricsAt.resolve("/metrics")))
                    .startsWith("200 # HELP controller_runtime_reconcile_total")
                    .contains("controller_runtime_reconcile_total{controller=\"fabricbinder\",result=\"error\"} 0");
            assertThat(call("GET", metricsAt.resolve("/readyz")))
                    .as("probes are on their own port")
                    .startsWith("404");
        }
    }

    @Test
    void reconcilesAreCountedByResultAndTimedInCumulativeBuckets() {
        ControllerMetrics m = new ControllerMetrics("fabricbinder", "lease");
        m.added();
        m.added();
        assertThat(m.depth()).isEqualTo(2);
        m.reconcileStarted();
        assertThat(m.depth()).isZero();

        m.reconciled(result(ApplyResult.applied(3), List.of()), Duration.ofMillis(30));
        m.reconciled(
                result(
                        ApplyResult.noChanges(),
                        List.of(new Diagnostic(
                                ObjectRef.of("Pod", "ns", "p"),
                                "metadata.annotations",
                                "no address left for interface net1"))),
                Duration.ofSeconds(2));
        m.reconciled(
                result(new ApplyResult(ApplyResult.Status.REFUSED, 0, List.of(), "lock held"), List.of()),
                Duration.ofSeconds(100));
        m.poolUsage("blue", BigInteger.valueOf(5), BigInteger.valueOf(253));

        String text = m.scrape();
        assertThat(text)
                .contains("controller_runtime_reconcile_total{controller=\"fabricbinder\",result=\"success\"} 1\n")
                .contains("controller_runtime_reconcile_total{controller=\"fabricbinder\",result=\"error\"} 1\n")
                .contains("controller_runtime_reconcile_total{controller=\"fabricbinder\",result=\"requeue\"} 1\n")
                .contains("controller_runtime_reconcile_errors_total{controller=\"fabricbinder\"} 1\n")
                .contains(
                        "controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"0.025\"} 0\n")
                .contains(
                        "controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"0.05\"} 1\n")
                .contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"2\"} 2\n")
                .contains("controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"60\"} 2\n")
                .contains(
                        "controller_runtime_reconcile_time_seconds_bucket{controller=\"fabricbinder\",le=\"+Inf\"} 3\n")
                .contains("controller_runtime_reconcile_time_seconds_count{controller=\"fabricbinder\"} 3\n")
                .contains("fabricbinder_fabric_applies_total{status=\"applied\"} 1\n")
                .contains("fabricbinder_fabric_applies_total{status=\"refused\"} 1\n")
                .contains("fabricbinder_ipam_pool_exhausted_total 1\n")
                .contains("fabricbinder_ipam_pool_allocated_addresses{pool=\"blue\"} 5\n")
                .contains("fabricbinder_ipam_pool_capacity_addresses{pool=\"blue\"} 253\n")
                .contains("leader_election_master_status{name=\"lease\"} 0\n");
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                assertThat(line).as("a Prometheus sample line").matches("[a-z_]+(\\{[^}]*})? [0-9.eE+-]+");
            }
        }
    }

    @Test
    void lockWaitsAndTakeoversReportedByTheGatewayAreCounted() {
        ControllerMetrics m = new ControllerMetrics("fabricbinder", "lease");
        assertThat(m.scrape())
                .contains("fabricbinder_apstra_lock_waits_total{outcome=\"acquired\"} 0\n")
                .contains("fabricbinder_apstra_lock_waits_total{outcome=\"timed_out\"} 0\n")
                .contains("fabricbinder_apstra_lock_takeovers_total 0\n");

        // What ApstraFabricGateway reports for a takeover (BlueprintLockLeaseTest) and a wait that ran out.
        m.lockObserver().waited(Duration.ofMillis(1500), true);
        m.lockObserver().tookOver("FabricBinder controller replica-a, lease until 2020-01-01T00:00:00Z");
        m.lockObserver().waited(Duration.ofSeconds(30), false);

        assertThat(m.scrape())
                .contains("# TYPE fabricbinder_apstra_lock_waits_total counter\n")
                .contains("fabricbinder_apstra_lock_waits_total{outcome=\"acquired\"} 1\n")
                .contains("fabricbinder_apstra_lock_waits_total{outcome=\"timed_out\"} 1\n")
                .contains("fabricbinder_apstra_lock_wait_seconds_total 31.5\n")
                .contains("fabricbinder_apstra_lock_takeovers_total 1\n");
    }

    @Test
    void bindAddressesAreSpelledAsInControllerRuntime() {
        assertThat(ProbeServer.address("0")).isNull();
        assertThat(ProbeServer.address(":8080")).isEqualTo(new InetSocketAddress(8080));
        assertThat(ProbeServer.address("127.0.0.1:9")).hasToString("/127.0.0.1:9");
        assertThat(ProbeServer.address("[::1]:9"))
                .extracting(InetSocketAddress::getPort)
                .isEqualTo(9);
        assertThatThrownBy(() -> ProbeServer.address("8080")).hasMessageContaining("expected [host]:port or 0");
        assertThatThrownBy(() -> ProbeServer.address(":99999")).hasMessageContaining("out of range");
    }

    private static ReconcileResult result(ApplyResult fabric, List<Diagnostic> allocationErrors) {
        return new ReconcileResult(Plan.empty(), fabric, List.of(), List.of(), allocationErrors);
    }

    private static URI uri(InetSocketAddress a) {
        return URI.create("http://127.0.0.1:" + a.getPort());
    }

    private static String call(String method, URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(2000);
        c.setReadTimeout(5000);
        int code = c.getResponseCode();
        try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
            return code + " " + (in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
