package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * The {@code fabricbinder} command line: {@code java -jar examples/target/fabricbinder.jar --help}.
 *
 * <p>Exit codes: 0 success, 1 unexpected failure (or a feature not available in this build), 2
 * input errors or conflicts.
 *
 * <pre>{@code
 * StringWriter out = new StringWriter();
 * int code = FabricBinderCli.run(new PrintWriter(out), new PrintWriter(System.err), "plan", "--help");
 * }</pre>
 *
 * <p>Each call builds a fresh command tree; {@link #run} is safe to call from several threads.
 */
@Command(
        name = "fabricbinder",
        mixinStandardHelpOptions = true,
        versionProvider = FabricBinderCli.Version.class,
        description = "Extends SR-IOV pod networks onto a Juniper Apstra-managed IP fabric.",
        subcommands = {CommandLine.HelpCommand.class})
public final class FabricBinderCli implements Callable<Integer> {

    /** Exit code for an unexpected failure. */
    public static final int EXIT_FAILURE = 1;

    /** Exit code for input errors or conflicts (the valid part is still processed). */
    public static final int EXIT_INPUT_ERRORS = 2;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the command line and returns its exit code, writing to the given streams. Tests call this
     * instead of {@link #main(String[])}, which exits the JVM. Environment variables (such as {@code
     * APSTRA_USER}) are read from the process environment.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit code
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(System.getenv(), out, err, args);
    }

    /** {@link #run(PrintWriter, PrintWriter, String...)} with an explicit environment (for tests). */
    static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        Objects.requireNonNull(env, "env");
        CommandLine commandLine = commandLine(env);
        ConfigFileDefaults.install(
                Objects.requireNonNull(commandLine.getSubcommands().get("controller"), "controller"), args);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof PlanInputs.UnreadableInputException) {
                // An input that cannot be read is an input error, reported before anything is planned.
                cmd.getErr().println("fabricbinder " + cmd.getCommandName() + ": " + e.getMessage());
                return EXIT_INPUT_ERRORS;
            }
            cmd.getErr().println("fabricbinder " + cmd.getCommandName() + ": unexpected failure: " + e);
            return EXIT_FAILURE;
        });
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(Map<String, String> env) {
        CommandLine commandLine = new CommandLine(new FabricBinderCli());
        commandLine.addSubcommand(new QuickstartCommand());
        commandLine.addSubcommand(new PlanCommand(env));
        commandLine.addSubcommand(new ApplyCommand(env));
        commandLine.addSubcommand(new EmulatorCommand());
        commandLine.addSubcommand(new SriovInventoryCommand(env));
        commandLine.addSubcommand(new IpamBenchCommand());
        commandLine.addSubcommand(new ControllerCommand(env));
        commandLine.addSubcommand(new NodeAgentCommand(env));
        commandLine.addSubcommand(new CniInstallCommand(env));
        commandLine.registerConverter(Duration.class, new DurationText());
        return commandLine;
    }

    /**
     * Entry point of {@code fabricbinder.jar}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
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
