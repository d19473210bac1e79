package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The {@code fabricbinder} command line: {@code java -jar examples/target/fabricbinder.jar --help}.
 *
 * <p>Exit codes: 0 success, 1 unexpected failure, 2 input errors or conflicts.
 */
@Command(
        name = "fabricbinder",
        mixinStandardHelpOptions = true,
        versionProvider = FabricBinderCli.Version.class,
        description = "Extends SR-IOV pod networks onto a Juniper Apstra-managed IP fabric.",
        subcommands = {QuickstartCommand.class, CommandLine.HelpCommand.class})
public final class FabricBinderCli implements Callable<Integer> {

    /** Exit code for an unexpected failure. */
    public static final int EXIT_FAILURE = 1;

    /** Exit code for input errors or conflicts (the valid part is still processed). */
    public static final int EXIT_INPUT_ERRORS = 2;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and returns its exit code, writing to the given streams. Tests call this
     * instead of {@link #main(String[])}, which exits the JVM.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new FabricBinderCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("fabricbinder: " + e.getMessage());
            return EXIT_FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /**
     * Entry point of {@code fabricbinder.jar}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FabricBinderCli.class.getPackage().getImplementationVersion();
            return new String[] {"fabricbinder " + (version == null ? "development build" : version)};
        }
    }
}
