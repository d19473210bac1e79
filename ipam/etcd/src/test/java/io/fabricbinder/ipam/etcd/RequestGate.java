package io.fabricbinder.ipam.etcd;

import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.TxnRequest;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC interceptor for tests: records every Txn and Range request etcd is sent and can hold the
 * n-th one (blocking the thread that sends it) until the test releases it, so a test can keep a
 * request in flight while it queues others behind it.
 */
final class RequestGate implements ClientInterceptor {
    private final List<TxnRequest> txns = new ArrayList<>();
    private final List<RangeRequest> ranges = new ArrayList<>();
    private final AtomicInteger txnCount = new AtomicInteger();
    private final AtomicInteger rangeCount = new AtomicInteger();
    private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> release = new ConcurrentHashMap<>();

    /** Holds the {@code n}-th (1-based) Txn request until {@link #release}. */
    RequestGate holdTxn(int n) {
        return hold("txn" + n);
    }

    /** Holds the {@code n}-th (1-based) Range request until {@link #release}. */
    RequestGate holdRange(int n) {
        return hold("range" + n);
    }

    private RequestGate hold(String id) {
        held.put(id, new CountDownLatch(1));
        release.put(id, new CountDownLatch(1));
        return this;
    }

    /** Waits until the held request {@code id} ("txn1", "range1", ...) is being held. */
    void awaitHeld(String id) throws InterruptedException {
        if (!latch(held, id).await(30, TimeUnit.SECONDS)) {
            throw new AssertionError(id + " was never sent");
        }
    }

    /** Lets the held request {@code id} go on. */
    void release(String id) {
        latch(release, id).countDown();
    }

    private static CountDownLatch latch(Map<String, CountDownLatch> latches, String id) {
        CountDownLatch l = latches.get(id);
        if (l == null) {
            throw new IllegalStateException("request " + id + " is not held by this gate (hold it first)");
        }
        return l;
    }

    /** Releases every held request. */
    void releaseAll() {
        release.values().forEach(CountDownLatch::countDown);
    }

    synchronized List<TxnRequest> txns() {
        return List.copyOf(txns);
    }

    synchronized List<RangeRequest> ranges() {
        return List.copyOf(ranges);
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void sendMessage(Q message) {
                String id = null;
                synchronized (RequestGate.this) {
                    if (message instanceof TxnRequest t) {
                        txns.add(t);
                        id = "txn" + txnCount.incrementAndGet();
                    } else if (message instanceof RangeRequest r) {
                        ranges.add(r);
                        id = "range" + rangeCount.incrementAndGet();
                    }
                }
                CountDownLatch gate = id == null ? null : release.get(id);
                if (id != null && gate != null) {
                    latch(held, id).countDown();
                    try {
                        gate.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                super.sendMessage(message);
            }
        };
    }
}
