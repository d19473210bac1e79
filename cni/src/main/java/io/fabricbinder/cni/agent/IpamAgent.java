package io.fabricbinder.cni.agent;

import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.cni.CniError;
import io.fabricbinder.cni.Plugin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent's IPAM service: listens on a root-only unix domain socket and answers the {@code
 * fabricbinder-ipam} plugin's requests ({@link AgentProtocol}) with a {@link CniHandler}. It needs
 * no Kubernetes connection, only the IP pool store.
 *
 * <pre>{@code
 * try (FileIpPoolStore store = FileIpPoolStore.open(dir);
 *         IpamAgent agent = IpamAgent.start(Path.of("/run/fabricbinder/ipam.sock"),
 *                 new CniHandler(IpAllocator.create(store), store))) {
 *     agent.awaitClosed();
 * }
 * }</pre>
 *
 * <p>The socket's directory is created with mode 0700 if missing and the socket is made 0600. A
 * request that takes longer than {@linkplain #start(Path, CniHandler, Duration) the deadline} is
 * answered with code 11 (and an allocation it may have made is released in the background), so a
 * plugin fails within {@link Plugin#DEADLINE_MILLIS} even when the store hangs.
 */
public final class IpamAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IpamAgent.class);

    /** Default request deadline: below the plugin's own, so the agent's answer arrives first. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(Plugin.DEADLINE_MILLIS - 700);

    /**
     * Told about every request the agent answered: the seam for request metrics (the cni module
     * depends on no metrics library). Called on the connection's thread after the answer was
     * written or failed to be; must be quick and must not throw.
     */
    @FunctionalInterface
    public interface RequestListener {
        /**
         * One request answered.
         *
         * @param command {@code CNI_COMMAND} as sent (ADD, DEL, CHECK, STATUS, GC, VERSION), or empty
         * @param code the answer's exit code: 0 for success, else the CNI error code (11 for "try
         *     again later", also when the agent gave up waiting for the store)
         * @param nanos from the request being read to the answer being written
         */
        void answered(String command, int code, long nanos);

        /** A listener that ignores everything. */
        RequestListener NONE = (command, code, nanos) -> {};
    }

    private final Path socket;
    private final CniHandler handler;
    private final RequestListener listener;
    private final long deadlineMillis;
    private final ServerSocketChannel server;
    private final ExecutorService connections;
    private final ExecutorService work;
    private final ScheduledExecutorService settle;
    private final Thread acceptor;
    private final CountDownLatch closed = new CountDownLatch(1);

    private IpamAgent(
            Path socket, CniHandler handler, Duration deadline, RequestListener listener, ServerSocketChannel server) {
        this.socket = socket;
        this.handler = handler;
        this.listener = listener;
        this.deadlineMillis = deadline.toMillis();
        this.server = server;
        this.connections = Executors.newCachedThreadPool(threads("fabricbinder-ipam-conn"));
        this.work = Executors.newCachedThreadPool(threads("fabricbinder-ipam-work"));
        this.settle = Executors.newSingleThreadScheduledExecutor(threads("fabricbinder-ipam-settle"));
        this.acceptor = threads("fabricbinder-ipam-accept").newThread(this::acceptLoop);
    }

    /** Starts serving on {@code socket} with {@link #DEFAULT_DEADLINE}. */
    public static IpamAgent start(Path socket, CniHandler handler) {
        return start(socket, handler, DEFAULT_DEADLINE);
    }

    /**
     * Starts serving on {@code socket}.
     *
     * @throws IllegalStateException if another agent already answers on {@code socket}
     * @throws UncheckedIOException if the socket cannot be created
     */
    public static IpamAgent start(Path socket, CniHandler handler, Duration deadline) {
        return start(socket, handler, deadline, RequestListener.NONE);
    }

    /**
     * Starts serving on {@code socket}, telling {@code listener} about every answered request.
     *
     * @throws IllegalStateException if another agent already answers on {@code socket}
     * @throws UncheckedIOException if the socket cannot be created
     */
    public static IpamAgent start(Path socket, CniHandler handler, Duration deadline, RequestListener listener) {
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(listener, "listener");
        Path abs = socket.toAbsolutePath();
        try {
            Path dir = abs.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (Files.exists(abs)) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(UnixDomainSocketAddress.of(abs));
                    throw new IllegalStateException("another node agent already serves " + abs);
                } catch (IOException stale) {
                    Files.delete(abs); // left behind by an agent that died
                }
            }
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(abs), 256);
            Files.setPosixFilePermissions(abs, PosixFilePermissions.fromString("rw-------"));
            IpamAgent agent = new IpamAgent(abs, handler, deadline, listener, server);
            agent.acceptor.start();
            var unused = agent.settle.scheduleWithFixedDelay(agent::settlePending, 1, 1, TimeUnit.SECONDS);
            LOG.info("fabricbinder-ipam node agent listening on {}", abs);
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + abs, e);
        }
    }

    /** The socket path. */
    public Path socket() {
        return socket;
    }

    /** Blocks until {@link #close()} was called. */
    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    private void settlePending() {
        try {
            handler.settlePending();
        } catch (RuntimeException e) {
            LOG.warn("settling owed releases failed: {}", e.toString());
        }
    }

    private void acceptLoop() {
        while (true) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
                LOG.warn("accept failed: {}", e.toString());
                continue;
            }
            try {
                connections.execute(() -> serve(ch));
            } catch (RuntimeException e) { // rejected after close
                closeQuietly(ch);
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            // A client that connects and does not send its whole request in time is hung up on, so it
            // cannot hold a thread of this agent (blocking unix-socket reads have no timeout).
            ScheduledFuture<?> hangUp;
            try {
                hangUp = settle.schedule(new HangUp(ch), deadlineMillis, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) { // rejected after close
                return;
            }
            AgentProtocol.Request req;
            try {
                req = AgentProtocol.readRequest(Channels.newInputStream(ch));
            } finally {
                hangUp.cancel(false);
            }
            long start = System.nanoTime();
            CniHandler.Ticket ticket = new CniHandler.Ticket();
            Future<AgentProtocol.Response> f = work.submit(() -> handler.handle(req.env(), req.stdin(), ticket));
            AgentProtocol.Response r;
            try {
                r = f.get(deadlineMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (ticket.abandon()) {
                    LOG.warn(
                            "{} {}: no answer within {} ms, telling the plugin to try again later",
                            req.env().get("CNI_COMMAND"),
                            req.env().get("CNI_CONTAINERID"),
                            deadlineMillis);
                    r = timeout(req);
                } else {
                    r = f.get();
                }
            }
            try {
                AgentProtocol.writeResponse(Channels.newOutputStream(ch), r.exitCode(), r.stdout());
            } finally {
                answered(req.env().getOrDefault("CNI_COMMAND", ""), r.exitCode(), System.nanoTime() - start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.error("request failed", e.getCause());
        } catch (IOException e) {
            LOG.debug("connection dropped: {}", e.toString());
        }
    }

    private void answered(String command, int code, long nanos) {
        try {
            listener.answered(command, code, nanos);
        } catch (RuntimeException e) {
            LOG.warn("request listener failed: {}", e.toString());
        }
    }

    private AgentProtocol.Response timeout(AgentProtocol.Request req) {
        @Nullable String version = null;
        try {
            version = cniVersionOf(req.stdin());
        } catch (RuntimeException e) {
            // keep null: the error says the newest version
        }
        CniError e = new CniError(
                CniError.TRY_AGAIN_LATER, "IP pool store did not answer within " + deadlineMillis + " ms", "");
        return new AgentProtocol.Response(CniError.TRY_AGAIN_LATER, e.toJson(version));
    }

    private static @Nullable String cniVersionOf(byte[] stdin) {
        try {
            return Plugin.cniVersion(stdin);
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes a connection whose request did not arrive in time. */
    private static final class HangUp implements Runnable {
        private final SocketChannel ch;

        HangUp(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void run() {
            LOG.debug("no whole request within the deadline: hanging up");
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Stops accepting, lets requests in flight finish (up to 5 s), removes the socket. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the server socket: {}", e.toString());
        }
        connections.shutdown();
        try {
            connections.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        work.shutdownNow();
        settle.shutdownNow();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("removing {}: {}", socket, e.toString());
        }
        closed.countDown();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
