package io.fabricbinder.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code fabricbinder node-agent}: the long-running process of the node DaemonSet. With {@code
 * --ipam-socket} it serves the {@code fabricbinder-ipam} CNI plugin from the central IP pool
 * ({@link IpamSocketOptions}; no Kubernetes connection needed). Runs until interrupted.
 */
@Command(
        name = "node-agent",
        mixinStandardHelpOptions = true,
        description = {
            "Runs on every node (DaemonSet). With --ipam-socket it serves the fabricbinder-ipam CNI plugin: "
                    + "the plugin forwards each CNI ADD/DEL/CHECK/STATUS/GC over that root-only socket and the "
                    + "agent allocates from the central IP pool (--ipam-dir or --etcd-endpoints). Runs until "
                    + "interrupted."
        })
final class NodeAgentCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    IpamSocketOptions ipam = new IpamSocketOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String problem = ipam.problem();
        if (problem != null) {
            err.println("fabricbinder node-agent: " + problem);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (!ipam.enabled()) {
            err.println("fabricbinder node-agent: nothing to do: give --ipam-socket PATH");
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        try (IpamSocketOptions.Running running = ipam.start()) {
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "fabricbinder-ipam-shutdown"));
            spec.commandLine()
                    .getOut()
                    .println("fabricbinder node-agent: serving fabricbinder-ipam on " + running.agent.socket());
            spec.commandLine().getOut().flush();
            running.agent.awaitClosed();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // asked to stop: the agent is closed, the socket removed
        }
        return 0;
    }
}
