package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.emulator.ApstraEmulator;
import io.fabricbinder.apstra.emulator.Topology;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fabricbinder emulator}: a standalone Apstra emulator on loopback until interrupted. */
@Command(
        name = "emulator",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the Apstra emulator on 127.0.0.1 until interrupted (Ctrl-C), printing its URL, "
                    + "credentials and blueprint id.",
            "Point `fabricbinder plan/apply --apstra-url` or your own controller at it."
        })
final class EmulatorCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--port",
            defaultValue = "8443",
            paramLabel = "N",
            description = "Loopback port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--topology",
            paramLabel = "FILE",
            description = "Fabric to seed the blueprint from: FabricBinder's static format (links: "
                    + "[{node, nic, leaf, port}]) or the emulator's own (spines, leafs, cables). "
                    + "Default: 2 leafs, 3 SR-IOV workers (examples/manifests/topology.yaml).")
    @Nullable
    Path topology;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            err.println("fabricbinder emulator: --port: must be 0..65535, got " + port);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        Topology fabric;
        try {
            fabric = topology == null ? Topology.defaultTopology() : EmulatorFabric.read(topology);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("fabricbinder emulator: --topology " + topology + ": " + e.getMessage());
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        ApstraEmulator emulator;
        try {
            emulator = ApstraEmulator.builder().port(port).topology(fabric).start();
        } catch (UncheckedIOException e) {
            IOException cause = e.getCause(); // never null: UncheckedIOException requires one
            err.println("fabricbinder emulator: " + e.getMessage()
                    + (cause == null ? "" : " (" + cause.getMessage() + ")"));
            return FabricBinderCli.EXIT_FAILURE;
        }
        Thread hook = new Thread(emulator::close, "apstra-emulator-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (emulator) {
            out.println("Apstra emulator (API " + emulator.apstraVersion() + ") listening on " + emulator.baseUrl());
            out.println("  user:       " + emulator.username());
            out.println("  password:   " + emulator.password());
            out.println("  blueprint:  " + emulator.blueprintId());
            out.println("  fabric:     " + fabric.leafs().size() + " leafs " + fabric.leafs() + ", servers "
                    + fabric.servers());
            out.println("Try: curl -s -X POST " + emulator.baseUrl() + "/api/user/login -H 'Content-Type: "
                    + "application/json' -d '{\"username\":\"" + emulator.username() + "\",\"password\":\""
                    + emulator.password() + "\"}'");
            out.println("Press Ctrl-C to stop.");
            out.flush();
            emulator.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping; the hook closes the emulator.
            }
        }
        out.println("Apstra emulator stopped.");
        out.flush();
        return 0;
    }
}
