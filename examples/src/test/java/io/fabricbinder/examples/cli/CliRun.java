package io.fabricbinder.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One run of the command line as a user would type it, with what it printed and its exit code. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        return withEnv(Map.of(), args);
    }

    static CliRun withEnv(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = FabricBinderCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
