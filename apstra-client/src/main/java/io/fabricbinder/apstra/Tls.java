package io.fabricbinder.apstra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the client checks Apstra's TLS certificate. Verification is on by default; Apstra usually
 * presents a self-signed certificate, so {@link #trusting(Path)} accepts its CA (or the certificate
 * itself) from a PEM file. {@link #insecure()} turns verification off for labs and logs a warning
 * every time a client is built with it. Immutable and thread-safe.
 */
public final class Tls {
    private static final Logger log = LoggerFactory.getLogger(ApstraClient.class);

    private final @Nullable X509TrustManager trustManager;
    private final boolean insecure;

    private Tls(@Nullable X509TrustManager trustManager, boolean insecure) {
        this.trustManager = trustManager;
        this.insecure = insecure;
    }

    /** The JVM's default trust store and hostname verification. */
    public static Tls verifying() {
        return new Tls(null, false);
    }

    /**
     * Trusts only the certificates in a PEM file (a CA, or Apstra's self-signed certificate).
     *
     * @throws IllegalArgumentException if the file holds no certificate or cannot be parsed
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Tls trusting(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in PEM file " + pemFile);
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("apstra-" + i++, c);
            }
            return trusting(ks);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read PEM file " + pemFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot parse PEM file " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Trusts the certificates of a loaded KeyStore.
     *
     * @throws IllegalArgumentException if the KeyStore cannot be used as a trust store
     */
    public static Tls trusting(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore");
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return new Tls(x, false);
                }
            }
            throw new IllegalArgumentException("no X509TrustManager for the given trust store");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable trust store: " + e.getMessage(), e);
        }
    }

    /** No certificate or hostname verification. For labs only; logged as a warning. */
    public static Tls insecure() {
        return new Tls(new TrustAll(), true);
    }

    /** Whether this setting disables verification. */
    public boolean isInsecure() {
        return insecure;
    }

    /**
     * Configures TLS on {@code b}. With the default trust and a caller-provided OkHttpClient, that
     * client's own TLS setup is kept as it is ({@code keepGiven}).
     */
    void apply(OkHttpClient.Builder b, java.time.Duration handshakeTimeout, boolean keepGiven) {
        if (trustManager == null && keepGiven) {
            return;
        }
        try {
            X509TrustManager tm = trustManager != null ? trustManager : defaultTrustManager();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, new SecureRandom());
            int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, handshakeTimeout.toMillis()));
            b.sslSocketFactory(new HandshakeTimeoutSocketFactory(ctx.getSocketFactory(), millis), tm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise TLS: " + e.getMessage(), e);
        }
        if (insecure) {
            log.warn("TLS certificate and hostname verification are DISABLED for Apstra; use only in a lab");
            b.hostnameVerifier((host, session) -> true);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the JVM has no default X509TrustManager");
    }

    @Override
    public String toString() {
        return insecure ? "Tls[insecure]" : trustManager == null ? "Tls[verifying]" : "Tls[custom trust]";
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
