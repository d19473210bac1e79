package io.fabricbinder.examples.cli;

import io.fabricbinder.apstra.ApstraClient;
import io.fabricbinder.apstra.Credentials;
import io.fabricbinder.apstra.Tls;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where and as whom to reach Apstra, from options and the environment ({@code APSTRA_USER},
 * {@code APSTRA_PASSWORD}); a password file wins over the variable so that it never has to appear
 * in a process listing or CI log.
 *
 * @param url the Apstra base URL
 * @param blueprint the blueprint id
 * @param user the user name
 * @param password the password
 * @param caCert a PEM file to trust instead of the system CAs, or {@code null}
 * @param insecure whether to skip TLS verification (lab use only)
 */
record ApstraTarget(
        URI url,
        String blueprint,
        String user,
        String password,
        @Nullable Path caCert,
        boolean insecure) {

    /** A problem with the options, already phrased for the user. */
    static final class InvalidTargetException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidTargetException(String message) {
            super(message);
        }
    }

    ApstraTarget {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(blueprint, "blueprint");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    static ApstraTarget resolve(
            @Nullable URI url,
            @Nullable String blueprint,
            @Nullable String user,
            @Nullable Path passwordFile,
            @Nullable Path caCert,
            boolean insecure,
            Map<String, String> env) {
        if (url == null) {
            throw new InvalidTargetException("--apstra-url is required");
        }
        String scheme = url.getScheme();
        if (url.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
            throw new InvalidTargetException("--apstra-url: expected http(s)://host[:port], got " + url);
        }
        if (blueprint == null || blueprint.isBlank()) {
            throw new InvalidTargetException("--blueprint is required");
        }
        String who = user != null ? user : env.get("APSTRA_USER");
        if (who == null || who.isBlank()) {
            throw new InvalidTargetException("no Apstra user: set APSTRA_USER or --user");
        }
        String password;
        if (passwordFile != null) {
            try {
                password =
                        Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new InvalidTargetException("--password-file " + passwordFile + ": cannot read (" + e + ")");
            }
        } else {
            password = env.get("APSTRA_PASSWORD");
        }
        if (password == null || password.isEmpty()) {
            throw new InvalidTargetException("no Apstra password: set APSTRA_PASSWORD or --password-file");
        }
        if (caCert != null && !Files.isReadable(caCert)) {
            throw new InvalidTargetException("--ca-cert " + caCert + ": not a readable file");
        }
        if (caCert != null && insecure) {
            throw new InvalidTargetException("--ca-cert and --insecure exclude each other");
        }
        return new ApstraTarget(url, blueprint, who, password, caCert, insecure);
    }

    /** A client for this target; the caller closes it. */
    ApstraClient client() {
        Tls tls = insecure ? Tls.insecure() : caCert != null ? Tls.trusting(caCert) : Tls.verifying();
        return ApstraClient.builder()
                .baseUrl(url)
                .credentials(new Credentials(user, password))
                .tls(tls)
                .build();
    }

    /** A client for this target whose every HTTP request passes {@code interceptor} (metrics). */
    ApstraClient client(okhttp3.Interceptor interceptor) {
        Tls tls = insecure ? Tls.insecure() : caCert != null ? Tls.trusting(caCert) : Tls.verifying();
        return ApstraClient.builder()
                .baseUrl(url)
                .credentials(new Credentials(user, password))
                .tls(tls)
                .httpClient(new okhttp3.OkHttpClient.Builder()
                        .addInterceptor(interceptor)
                        .build())
                .build();
    }

    @Override
    public String toString() {
        return "ApstraTarget[url=" + url + ", blueprint=" + blueprint + ", user=" + user + ", password=***]";
    }
}
