package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraAuthenticationException;
import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.ApstraException;
import io.fabricbinder.apstra.ApstraTlsException;
import io.fabricbinder.apstra.BlueprintSummary;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Operator mistakes against Apstra, told apart and phrased so that the message says what to fix:
 * a rejected login and a TLS mismatch are input errors (exit 2), an unknown blueprint too; an
 * Apstra that cannot be reached stays a failure (exit 1).
 */
final class ApstraProblems {

    private ApstraProblems() {}

    /**
     * Checks that the blueprint exists ({@code GET /api/blueprints}), which also logs in: a wrong
     * password or a TLS mismatch shows here, before anything else is read.
     *
     * @throws ApstraTarget.InvalidTargetException if the blueprint is unknown
     */
    static void checkBlueprint(ApstraClient client, ApstraTarget target) {
        List<BlueprintSummary> known = client.blueprints();
        if (known.stream().noneMatch(b -> b.id().equals(target.blueprint()))) {
            String list = known.isEmpty()
                    ? "none"
                    : known.stream()
                            .map(b -> b.id() + (b.label() == null ? "" : " (" + b.label() + ")"))
                            .collect(Collectors.joining(", "));
            throw new ApstraTarget.InvalidTargetException("--blueprint: blueprint " + target.blueprint()
                    + " not found at " + target.url() + "; known: " + list);
        }
    }

    /** Prints what went wrong and returns the exit code. */
    static int report(String command, ApstraException e, ApstraTarget target, PrintWriter err) {
        String prefix = "fabricbinder " + command + ": ";
        if (e instanceof ApstraAuthenticationException auth) {
            if (auth.isLoginRejected() || auth.statusCode() == 401) {
                err.println(prefix + "Apstra at " + target.url() + " rejected the login of user '" + target.user()
                        + "' (" + auth.statusCode() + (auth.errorText().isEmpty() ? "" : " " + auth.errorText())
                        + "): check --user (or APSTRA_USER) and the password (APSTRA_PASSWORD or --password-file)");
            } else {
                err.println(prefix + "Apstra user '" + target.user() + "' may not " + auth.method() + " " + auth.path()
                        + " (" + auth.statusCode() + "): give the account the permission");
            }
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        if (e instanceof ApstraTlsException tls) {
            String msg = String.valueOf(tls.getMessage());
            String hint = msg.toLowerCase(Locale.ROOT).contains("not trusted")
                    ? " (--ca-cert FILE trusts Apstra's CA; --insecure skips verification, in a lab only)"
                    : "";
            err.println(prefix + "cannot talk TLS to " + target.url() + ": " + msg + hint);
            return FabricBinderCli.EXIT_INPUT_ERRORS;
        }
        err.println(prefix + "cannot reach the fabric at " + target.url() + ": " + e.getMessage());
        return FabricBinderCli.EXIT_FAILURE;
    }
}
