package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** One set of IPAM store options, spelt alike in every command; the controller's old spelling still works. */
class IpamStoreOptionsTest {

    private static final List<String> SHARED =
            List.of("--ipam-dir", "--etcd-endpoints", "--etcd-prefix", "--etcd-cacert", "--etcd-cert", "--etcd-key");

    @Test
    void everyCommandThatUsesTheIpPoolsHasTheSameOptions() {
        CommandLine cli = FabricBinderCli.commandLine(Map.of());
        for (String command : List.of("plan", "apply", "controller", "node-agent")) {
            CommandLine.Model.CommandSpec spec =
                    Objects.requireNonNull(cli.getSubcommands().get(command)).getCommandSpec();
            for (String name : SHARED) {
                OptionSpec option = spec.findOption(name);
                assertThat(option).as(command + " " + name).isNotNull();
                assertThat(Objects.requireNonNull(option).hidden()).isFalse();
            }
            OptionSpec old = spec.findOption("--etcd-ca-cert");
            assertThat(old).as(command + " --etcd-ca-cert").isNotNull();
            assertThat(Objects.requireNonNull(old).hidden())
                    .as("the old spelling is not offered")
                    .isTrue();
        }
    }

    @Test
    void theControllersOldSpellingStillWorksOnTheCommandLineAndInTheConfigFile(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.crt"), "not checked here\n");

        CommandLine flag = FabricBinderCli.commandLine(Map.of());
        flag.parseArgs("controller", "--etcd-endpoints=https://127.0.0.1:2379", "--etcd-ca-cert=" + ca);
        assertThat(controllerOf(flag).ipam.caCert()).isEqualTo(ca);

        Path config = Files.writeString(
                dir.resolve("controller.yaml"), "etcd-endpoints: [https://127.0.0.1:2379]\netcd-ca-cert: " + ca + "\n");
        CommandLine file = FabricBinderCli.commandLine(Map.of());
        CommandLine controller = Objects.requireNonNull(file.getSubcommands().get("controller"));
        ConfigFileDefaults.install(controller, "controller", "--config", config.toString());
        file.parseArgs("controller", "--config", config.toString());
        assertThat(((ConfigFileDefaults) controller.getCommandSpec().defaultValueProvider())
                        .problems(controller.getCommandSpec()))
                .isEmpty();
        assertThat(controllerOf(file).ipam.caCert()).isEqualTo(ca);
    }

    @Test
    void anUnknownConfigKeyListsTheCurrentSpellingNotTheOldOne(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("controller.yaml"), "etcd-ca: /x\n");
        CommandLine controller = controller();
        ConfigFileDefaults.install(controller, "--config", config.toString());

        List<String> problems = ((ConfigFileDefaults)
                        controller.getCommandSpec().defaultValueProvider())
                .problems(controller.getCommandSpec());

        assertThat(problems)
                .singleElement()
                .asString()
                .contains("'etcd-ca'", "etcd-cacert")
                .doesNotContain("etcd-ca-cert");
    }

    @Test
    void theNodeAgentChecksTheTlsOptionsAsTheControllerDoes(@TempDir Path dir) {
        CliRun plain = CliRun.of(
                "node-agent",
                "--ipam-socket=" + dir.resolve("ipam.sock"),
                "--etcd-endpoints=http://127.0.0.1:1",
                "--etcd-cacert=" + dir.resolve("ca.crt"));
        CliRun missing = CliRun.of(
                "node-agent",
                "--ipam-socket=" + dir.resolve("ipam.sock"),
                "--etcd-endpoints=https://127.0.0.1:1",
                "--etcd-ca-cert=" + dir.resolve("ca.crt"));

        assertThat(plain.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(plain.err()).contains("--etcd-cacert/--etcd-cert/--etcd-key need https endpoints");
        assertThat(missing.code()).isEqualTo(FabricBinderCli.EXIT_INPUT_ERRORS);
        assertThat(missing.err()).contains("--etcd-cacert " + dir.resolve("ca.crt") + ": not a readable file");
    }

    private static ControllerCommand controllerOf(CommandLine cli) {
        return Objects.requireNonNull(cli.getSubcommands().get("controller")).getCommand();
    }

    private static CommandLine controller() {
        return Objects.requireNonNull(
                FabricBinderCli.commandLine(Map.of()).getSubcommands().get("controller"));
    }
}
