package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operator mistakes are classified so that callers can say what to fix. */
class OperatorErrorsTest extends WireMockSupport {

    @Test
    void aRejectedLoginIsAnAuthenticationErrorNotATransportProblem() {
        wm.stubFor(post(urlEqualTo("/api/aaa/login"))
                .willReturn(okJson("{\"errors\":\"Invalid credentials\"}").withStatus(401)));
        try (ApstraClient c = ApstraClient.builder()
                .baseUrl(URI.create(wm.baseUrl()))
                .credentials(new Credentials("admin", "wrong"))
                .build()) {
            assertThatThrownBy(c::blueprints)
                    .isInstanceOfSatisfying(ApstraAuthenticationException.class, e -> {
                        assertThat(e.isLoginRejected()).isTrue();
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.errorText()).isEqualTo("Invalid credentials");
                    })
                    .hasMessageNotContaining("wrong");
        }
    }

    /**
     * A plain-HTTP server that, like most, waits for a request line: a TLS ClientHello never gets an
     * answer. The client must give up after its TLS handshake timeout with a hint, not retry until
     * the call deadline (60 s here) and report "deadline exceeded".
     */
    @Test
    void httpsToAPlainHttpPortFailsInTheHandshakeWithAHint() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket s = silent.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                        InputStream in = s.getInputStream();
                        Thread reader = new Thread(() -> drain(in), "silent-reader");
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (ApstraClient c = ApstraClient.builder()
                    .baseUrl(URI.create("https://127.0.0.1:" + silent.getLocalPort()))
                    .credentials(new Credentials("admin", "pw"))
                    .tlsHandshakeTimeout(Duration.ofSeconds(1))
                    .callTimeout(Duration.ofSeconds(60))
                    .build()) {
                assertThatThrownBy(c::blueprints)
                        .isInstanceOfSatisfying(
                                ApstraTlsException.class,
                                e -> assertThat(e.isRetryable()).isFalse())
                        .hasMessageContaining("plain-HTTP port")
                        .hasMessageContaining("http://127.0.0.1:" + silent.getLocalPort());
            }
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // discard: a plain-HTTP server waiting for the end of a request line
            }
        } catch (IOException closed) {
            // the test closed the socket
        }
    }
}
