package io.fabricbinder.examples.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The Apstra connection options {@code plan} and {@code apply} share (a picocli mixin). */
final class ApstraOptions {

    @Option(
            names = "--apstra-url",
            paramLabel = "URL",
            description = "Apstra base URL, e.g. https://apstra.example.net.")
    @Nullable
    URI apstraUrl;

    @Option(names = "--blueprint", paramLabel = "ID", description = "Blueprint id.")
    @Nullable
    String blueprint;

    @Option(names = "--user", paramLabel = "NAME", description = "Apstra user (default: $APSTRA_USER).")
    @Nullable
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "File holding the Apstra password (default: $APSTRA_PASSWORD).")
    @Nullable
    Path passwordFile;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "PEM CA certificate(s) to trust for Apstra.")
    @Nullable
    Path caCert;

    @Option(names = "--insecure", description = "Skip TLS certificate verification (lab use only).")
    boolean insecure;

    ApstraTarget resolve(Map<String, String> env) {
        return ApstraTarget.resolve(apstraUrl, blueprint, user, passwordFile, caCert, insecure, env);
    }
}
