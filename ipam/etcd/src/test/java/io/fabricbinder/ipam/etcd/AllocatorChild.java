package io.fabricbinder.ipam.etcd;

import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamException;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An allocator process for the multi-JVM tests: {@code threads} threads each allocate {@code
 * perThread} owners named {@code <tag>-t<thread>-<i>} in one pool on etcd, retrying retryable
 * failures (store errors during a leader failover, lost races) until {@code deadlineSeconds}.
 *
 * <p>Protocol on stdout, one line each, flushed: {@code ACK <pod> <cidr> .} for every acknowledged
 * allocation, printed before it is counted (the trailing dot marks a complete line); {@code DONE
 * <count> <retries>} at the end. A {@code FAIL} line reports a non-retryable error.
 *
 * <p>Arguments: endpoints (comma-separated), key prefix, pool name, subnet, tag, threads, perThread,
 * deadlineSeconds.
 */
final class AllocatorChild {
    private AllocatorChild() {}

    public static void main(String[] args) throws Exception {
        List<String> endpoints = List.of(args[0].split(","));
        String keyPrefix = args[1];
        PoolSpec pool = PoolSpec.of(args[2], IpRange.ofSubnet(args[3]));
        String tag = args[4];
        int threads = Integer.parseInt(args[5]);
        int perThread = Integer.parseInt(args[6]);
        long deadline =
                System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[7])).toNanos();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        try (EtcdIpPoolStore store = EtcdIpPoolStore.builder()
                .endpoints(endpoints)
                .keyPrefix(keyPrefix)
                .requestTimeout(Duration.ofSeconds(2))
                .build()) {
            IpAllocator allocator = IpAllocator.builder(store).maxAttempts(1000).build();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Thread w = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Owner owner = new Owner(
                                "ns", tag + "-t" + thread + "-" + i, "uid-" + tag + "-" + thread + "-" + i, "net1");
                        while (true) {
                            try {
                                Allocation a = allocator.allocate(pool, owner);
                                synchronized (out) {
                                    out.println("ACK " + owner.pod() + " "
                                            + a.addresses().get(0).cidr() + " .");
                                    out.flush();
                                }
                                acked.incrementAndGet();
                                break;
                            } catch (IpamException e) {
                                if (!e.isRetryable() || System.nanoTime() > deadline) {
                                    synchronized (out) {
                                        out.println("FAIL " + owner.pod() + " " + e);
                                        out.flush();
                                    }
                                    return;
                                }
                                retries.incrementAndGet();
                                sleep(20);
                            }
                        }
                    }
                });
                w.start();
                workers.add(w);
            }
            for (Thread w : workers) {
                w.join();
            }
        }
        synchronized (out) {
            out.println("DONE " + acked.get() + " " + retries.get());
            out.flush();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
