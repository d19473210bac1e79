package io.fabricbinder.apstra;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Gives every TLS socket a short read timeout for its handshake. OkHttp layers TLS over the TCP
 * socket it connected (whose timeout is the read timeout) and sets the read timeout again once the
 * handshake is done, so this only bounds the handshake: an {@code https://} URL pointing at a
 * plain-HTTP port, whose server waits for a request line that never comes, fails after this
 * timeout instead of after the whole call deadline.
 */
final class HandshakeTimeoutSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final int timeoutMillis;

    HandshakeTimeoutSocketFactory(SSLSocketFactory delegate, int timeoutMillis) {
        this.delegate = delegate;
        this.timeoutMillis = timeoutMillis;
    }

    private Socket bounded(Socket s) throws IOException {
        s.setSoTimeout(timeoutMillis);
        return s;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return bounded(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
        return bounded(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return bounded(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return bounded(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return bounded(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return bounded(delegate.createSocket(address, port, localAddress, localPort));
    }
}
