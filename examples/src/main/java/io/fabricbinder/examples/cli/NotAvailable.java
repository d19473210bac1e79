package io.fabricbinder.examples.cli;

import java.io.PrintWriter;

/**
 * The one way a subcommand says that the feature behind it is not part of this build yet: a line on
 * stderr naming what is missing, and exit code 1. Nothing is faked in its place.
 */
final class NotAvailable {
    private NotAvailable() {}

    static int report(PrintWriter err, String command, String what, String waitingOn) {
        err.println("fabricbinder " + command + ": " + what + " is not available in this build (it needs " + waitingOn
                + ").");
        err.flush();
        return FabricBinderCli.EXIT_FAILURE;
    }
}
