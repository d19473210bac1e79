package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsAndLoggingTest {
    private WireMockServer https;

    @BeforeEach
    void start() {
        https = new WireMockServer(options().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"));
        https.start();
        https.stubFor(post(urlEqualTo("/api/aaa/login"))
                .willReturn(okJson("{\"token\":\"tls-token-123\",\"id\":\"u\"}").withStatus(201)));
        https.stubFor(get(urlEqualTo("/api/versions/api")).willReturn(okJson("{\"version\":\"6.1.0\"}")));
        https.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson("{\"items\":[]}")));
    }

    @AfterEach
    void stop() {
        https.stop();
    }

    private ApstraClient.Builder builder(String host) {
        return ApstraClient.builder()
                .baseUrl(URI.create("https://" + host + ":" + https.httpsPort()))
                .credentials(new Credentials("admin", "tls-pass-456"));
    }

    @Test
    void verificationIsOnByDefaultSoASelfSignedCertificateFails() {
        try (ApstraClient c =
                builder("127.0.0.1").retryPolicy(RetryPolicy.none()).build()) {
            assertThatThrownBy(c::blueprints)
                    .isInstanceOf(ApstraTlsException.class)
                    .hasMessageContaining("not trusted");
        }
    }

    @Test
    void insecureModeTalksToASelfSignedServer() {
        try (ApstraClient c = builder("127.0.0.1").tls(Tls.insecure()).build()) {
            assertThat(c.blueprints()).isEmpty();
        }
        https.verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(urlEqualTo("/api/blueprints"))
                .withHeader("AuthToken", equalTo("tls-token-123")));
    }

    @Test
    void aTrustedCertificateForAnotherHostStillFailsHostnameVerification(@TempDir Path dir) throws Exception {
        X509Certificate cert = serverCertificate(https.httpsPort());
        Path pem = dir.resolve("apstra.pem");
        Files.writeString(
                pem,
                "-----BEGIN CERTIFICATE-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(cert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n");

        try (ApstraClient c = builder("localhost")
                .tls(Tls.trusting(pem))
                .retryPolicy(RetryPolicy.none())
                .build()) {
            // The chain is trusted now; WireMock's certificate does not name "localhost", so this must still fail.
            assertThatThrownBy(c::blueprints).hasMessageContaining("not verified");
        }
        assertThatThrownBy(() -> Tls.trusting(dir.resolve("missing.pem"))).hasMessageContaining("missing.pem");
    }

    @Test
    void trustingAPemFileAcceptsApstrasSelfSignedCertificate(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("apstra.p12");
        Path pem = dir.resolve("apstra.pem");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(
                keytool,
                "-genkeypair",
                "-alias",
                "apstra",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit");
        run(
                keytool,
                "-exportcert",
                "-rfc",
                "-alias",
                "apstra",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                pem.toString());
        WireMockServer own = new WireMockServer(options()
                .dynamicPort()
                .dynamicHttpsPort()
                .bindAddress("127.0.0.1")
                .keystorePath(keystore.toString())
                .keystoreType("PKCS12")
                .keystorePassword("changeit")
                .keyManagerPassword("changeit"));
        own.start();
        try {
            own.stubFor(post(urlEqualTo("/api/aaa/login")).willReturn(okJson("{\"token\":\"t\",\"id\":\"u\"}")));
            own.stubFor(get(urlEqualTo("/api/versions/api")).willReturn(okJson("{\"version\":\"5.1.0\"}")));
            own.stubFor(get(urlEqualTo("/api/blueprints")).willReturn(okJson("{\"items\":[]}")));
            try (ApstraClient c = ApstraClient.builder()
                    .baseUrl(URI.create("https://127.0.0.1:" + own.httpsPort()))
                    .credentials(new Credentials("admin", "pw"))
                    .tls(Tls.trusting(pem))
                    .build()) {
                assertThat(c.blueprints()).isEmpty();
                assertThat(c.version().text()).isEqualTo("5.1.0");
            }
        } finally {
            own.stop();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void debugLogsNeverContainTokenOrPassword() throws Exception {
        https.stubFor(get(urlEqualTo("/api/blueprints/x/diff-status"))
                .willReturn(okJson("{\"errors\":\"nope\"}").withStatus(401)));
        try (ApstraClient c = builder("127.0.0.1").tls(Tls.insecure()).build()) {
            c.blueprints();
            assertThatThrownBy(() -> c.blueprint("x").diffStatus()).isInstanceOf(ApstraHttpException.class);
        }

        String log = Files.readString(Path.of("target/apstra-client-test.log"));
        assertThat(log).contains("logged in to").contains("returned 401, logging in again");
        assertThat(log).doesNotContain("tls-token-123").doesNotContain("tls-pass-456");
    }

    private static X509Certificate serverCertificate(int port) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        try (SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        }
    }
}
