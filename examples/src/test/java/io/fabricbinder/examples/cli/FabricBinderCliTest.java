package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class FabricBinderCliTest {

    @Test
    void helpListsTheSubcommands() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = FabricBinderCli.run(new PrintWriter(out), new PrintWriter(err), "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("quickstart");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageError() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = FabricBinderCli.run(new PrintWriter(out), new PrintWriter(err), "--no-such-option");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--no-such-option");
    }
}
