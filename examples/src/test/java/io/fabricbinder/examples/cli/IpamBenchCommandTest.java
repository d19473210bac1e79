package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpamBenchCommandTest {

    @Test
    void etcdBackendNeedsEndpoints() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "etcd");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--endpoints is required with --backend etcd");
    }

    @Test
    void nonPositiveAllocationsAreAnInputError() {
        CliRun run = CliRun.of("ipam-bench", "--allocations", "0");

        assertThat(run.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(run.err()).contains("--allocations");
    }

    @Test
    void memoryBackendRunPrintsThroughputNoDuplicatesAndTheBaselineRatio() {
        CliRun run = CliRun.of("ipam-bench", "--backend", "memory", "--allocations", "300", "--threads", "4");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("300 allocations on 4 threads, in-memory store")
                .containsPattern("FabricBinder allocator: [0-9,]+ allocations/s")
                .contains("duplicates found: 0, allocations recorded: 300")
                .contains("whereabouts-style")
                .containsPattern("faster");
    }

    @Test
    void etcdBackendRunsAgainstARealEtcdOnLoopback(@TempDir Path dir) throws Exception {
        int client = freePort();
        int peer = freePort();
        int metrics = freePort();
        Process etcd = new ProcessBuilder(
                        "/usr/bin/etcd",
                        "--name",
                        "bench",
                        "--data-dir",
                        dir.resolve("etcd").toString(),
                        "--listen-client-urls",
                        "http://127.0.0.1:" + client,
                        "--advertise-client-urls",
                        "http://127.0.0.1:" + client,
                        "--listen-peer-urls",
                        "http://127.0.0.1:" + peer,
                        "--initial-advertise-peer-urls",
                        "http://127.0.0.1:" + peer,
                        "--initial-cluster",
                        "bench=http://127.0.0.1:" + peer,
                        "--listen-metrics-urls",
                        "http://127.0.0.1:" + metrics)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("etcd.log").toFile())
                .start();
        try {
            awaitListening(client);

            CliRun run = CliRun.of(
                    "ipam-bench",
                    "--backend",
                    "etcd",
                    "--endpoints",
                    "http://127.0.0.1:" + client,
                    "--allocations",
                    "200",
                    "--threads",
                    "4");

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out())
                    .contains("200 allocations on 4 threads, etcd store ([http://127.0.0.1:" + client + "]")
                    .containsPattern("FabricBinder allocator: [0-9,]+ allocations/s")
                    .contains("duplicates found: 0, allocations recorded: 200");
        } finally {
            etcd.destroy(); // SIGTERM to this pid only
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("etcd did not listen on 127.0.0.1:" + port);
    }
}
