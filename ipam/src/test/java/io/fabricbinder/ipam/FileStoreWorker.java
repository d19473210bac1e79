package io.fabricbinder.ipam;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM for the multi-process tests: {@code threads} threads allocate (and sometimes
 * release) in one pool of a shared file store and print their history to stdout, one line per
 * event, each line written only after the call returned:
 *
 * <pre>
 * A owner address invokeNanos okNanos     allocation acknowledged
 * R owner invokeNanos okNanos             release acknowledged
 * X owner                                 pool exhausted
 * </pre>
 *
 * {@code System.nanoTime()} is CLOCK_MONOTONIC on Linux, shared by all processes of the host, so the
 * parent can order events across JVMs.
 */
public final class FileStoreWorker {
    private FileStoreWorker() {}

    /** Arguments: directory worker-id threads per-thread release-every(0 = never) subnet. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String worker = args[1];
        int threads = Integer.parseInt(args[2]);
        int perThread = Integer.parseInt(args[3]);
        int releaseEvery = Integer.parseInt(args[4]);
        PoolSpec pool = PoolSpec.of("mp", IpRange.ofSubnet(args[5]));
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        try (FileIpPoolStore store = FileIpPoolStore.open(dir)) {
            IpAllocator allocator =
                    IpAllocator.builder(store).maxAttempts(100_000).build();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts[t] = new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Owner o = new Owner("ns", worker + "-t" + id + "-" + i, "uid", "net1");
                        long invoke = System.nanoTime();
                        try {
                            Allocation a = allocator.allocate(pool, o);
                            long ok = System.nanoTime();
                            line(
                                    out,
                                    "A " + o.key() + " "
                                            + Addresses.format(
                                                    a.addresses().get(0).address()) + " " + invoke + " " + ok);
                        } catch (PoolExhaustedException e) {
                            line(out, "X " + o.key());
                            continue;
                        }
                        if (releaseEvery > 0 && i % releaseEvery == releaseEvery - 1) {
                            long rInvoke = System.nanoTime();
                            allocator.release(pool, o);
                            line(out, "R " + o.key() + " " + rInvoke + " " + System.nanoTime());
                        }
                    }
                });
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        line(out, "DONE");
    }

    private static void line(PrintStream out, String s) {
        synchronized (out) {
            out.println(s);
        }
    }

    static List<String> command(Path dir, String worker, int threads, int perThread, int releaseEvery, String subnet) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Xshare:auto",
                FileStoreWorker.class.getName(),
                dir.toString(),
                worker,
                Integer.toString(threads),
                Integer.toString(perThread),
                Integer.toString(releaseEvery),
                subnet);
    }
}
