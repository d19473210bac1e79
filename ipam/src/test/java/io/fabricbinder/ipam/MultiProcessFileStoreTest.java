package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several JVMs × 8 threads on one file store, checked from the recorded history (property 1 and 7
 * of docs/ipam.md): no address ever has two holders at once, the final store matches the history,
 * and a process killed with SIGKILL mid-allocation loses no acknowledged allocation.
 */
class MultiProcessFileStoreTest {
    @TempDir
    Path tmp;

    /** One holding of an address: acknowledged at {@code from}, released no earlier than {@code to}. */
    private record Holding(String owner, String address, long from, long to) {}

    private static final class Child {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Thread reader;

        Child(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("IOERROR " + e);
                }
            });
            reader.start();
        }

        long acks() {
            return lines.stream().filter(l -> l.startsWith("A ")).count();
        }
    }

    private Child start(Path dir, String worker, int perThread, int releaseEvery, String subnet) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(FileStoreWorker.command(dir, worker, 8, perThread, releaseEvery, subnet));
        pb.redirectError(tmp.resolve(worker + ".err").toFile());
        return new Child(pb.start());
    }

    private static void await(Child c) throws Exception {
        assertThat(c.process.waitFor(180, TimeUnit.SECONDS))
                .as("child finished")
                .isTrue();
        c.reader.join(10_000);
    }

    /** Checks the history; returns the owners that hold an address at the end, with their address. */
    private static Map<String, String> check(List<String> lines) {
        Map<String, String[]> open = new HashMap<>();
        List<Holding> holdings = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f[0].equals("A")) {
                open.put(f[1], f);
            } else if (f[0].equals("R")) {
                String[] a = open.remove(f[1]);
                assertThat(a).as("release of %s after its allocation", f[1]).isNotNull();
                holdings.add(new Holding(f[1], a[2], Long.parseLong(a[4]), Long.parseLong(f[2])));
            }
        }
        Map<String, String> holders = new HashMap<>();
        for (String[] a : open.values()) {
            holdings.add(new Holding(a[1], a[2], Long.parseLong(a[4]), Long.MAX_VALUE));
            holders.put(a[1], a[2]);
        }
        Map<String, List<Holding>> byAddress = new HashMap<>();
        for (Holding h : holdings) {
            byAddress.computeIfAbsent(h.address(), k -> new ArrayList<>()).add(h);
        }
        for (List<Holding> hs : byAddress.values()) {
            hs.sort((x, y) -> Long.compare(x.from(), y.from()));
            for (int i = 1; i < hs.size(); i++) {
                Holding prev = hs.get(i - 1);
                Holding next = hs.get(i);
                assertThat(next.from())
                        .as("%s held by %s and %s at the same time", next.address(), prev.owner(), next.owner())
                        .isGreaterThan(prev.to());
            }
        }
        return holders;
    }

    @Test
    void twoProcessesTimesEightThreadsNeverShareAnAddress() throws Exception {
        Path dir = tmp.resolve("store");
        String subnet = "10.60.0.0/22";

        Child a = start(dir, "a", 40, 3, subnet);
        Child b = start(dir, "b", 40, 3, subnet);
        await(a);
        await(b);

        assertThat(a.lines).last().isEqualTo("DONE");
        assertThat(b.lines).last().isEqualTo("DONE");
        List<String> history = new ArrayList<>(a.lines);
        history.addAll(b.lines);
        assertThat(history.stream().filter(l -> l.startsWith("A ")).count()).isEqualTo(2 * 8 * 40);
        Map<String, String> holders = check(history);
        PoolSpec pool = PoolSpec.of("mp", IpRange.ofSubnet(subnet));
        try (FileIpPoolStore store = FileIpPoolStore.open(dir)) {
            Map<String, String> stored = new HashMap<>();
            for (Allocation x : IpAllocator.create(store).list(pool)) {
                stored.put(
                        x.owner().key(), Addresses.format(x.addresses().get(0).address()));
            }
            assertThat(stored).isEqualTo(holders);
            StoreInvariants.check(store, pool);
        }
    }

    @Test
    void aProcessKilledMidAllocationLosesNoAcknowledgedAllocationAndCausesNoDuplicate() throws Exception {
        Path dir = tmp.resolve("killed");
        String subnet = "10.61.0.0/22";
        Child victim = start(dir, "victim", 100, 0, subnet);
        Child survivor = start(dir, "survivor", 40, 0, subnet);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (victim.acks() < 150 && victim.process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        victim.process.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close()
        await(victim);
        await(survivor);

        assertThat(victim.lines).doesNotContain("DONE");
        assertThat(victim.acks()).isGreaterThanOrEqualTo(150).isLessThan(800);
        assertThat(survivor.lines).last().isEqualTo("DONE");
        List<String> history = new ArrayList<>(victim.lines);
        history.addAll(survivor.lines);
        Map<String, String> acknowledged = check(history);
        PoolSpec pool = PoolSpec.of("mp", IpRange.ofSubnet(subnet));
        try (FileIpPoolStore store = FileIpPoolStore.open(dir)) {
            IpAllocator allocator = IpAllocator.create(store);
            Map<String, String> stored = new HashMap<>();
            for (Allocation x : allocator.list(pool)) {
                stored.put(
                        x.owner().key(), Addresses.format(x.addresses().get(0).address()));
            }
            // Every acknowledged allocation is there with its address; at most the 8 in flight
            // when the victim died were committed without being acknowledged.
            assertThat(stored).containsAllEntriesOf(acknowledged);
            assertThat(stored.size() - acknowledged.size()).isBetween(0, 8);
            StoreInvariants.check(store, pool);
            // After the crash nothing acknowledged is ever handed out again.
            for (int i = 0; i < 200; i++) {
                Allocation more = allocator.allocate(pool, new Owner("ns", "after-" + i, "uid", "net1"));
                assertThat(stored)
                        .doesNotContainValue(
                                Addresses.format(more.addresses().get(0).address()));
            }
        }
    }
}
