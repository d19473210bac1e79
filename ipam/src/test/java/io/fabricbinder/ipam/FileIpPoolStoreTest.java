package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIpPoolStoreTest extends IpPoolStoreContract {
    private static final AtomicInteger DIRS = new AtomicInteger();

    @TempDir
    Path tmp;

    @Override
    protected IpPoolStore newStore() {
        return FileIpPoolStore.open(tmp.resolve("store-" + DIRS.incrementAndGet()));
    }

    @Test
    void committedDataSurvivesReopening() {
        Path dir = tmp.resolve("reopen");
        try (FileIpPoolStore s = FileIpPoolStore.open(dir)) {
            s.commit(List.of(), List.of(Mutation.put("a", "1"), Mutation.put("b", "2")));
            s.commit(List.of(), List.of(Mutation.delete("a"), Mutation.put("c", "3")));
        }

        try (FileIpPoolStore s = FileIpPoolStore.open(dir)) {
            assertThat(s.find("a")).isEmpty();
            assertThat(s.find("b").orElseThrow().value()).isEqualTo("2");
            assertThat(s.find("c").orElseThrow().value()).isEqualTo("3");
            long before = s.find("c").orElseThrow().version();
            s.commit(List.of(), List.of(Mutation.put("c", "4")));
            assertThat(s.find("c").orElseThrow().version()).isGreaterThan(before);
        }
    }

    @Test
    void aTornTailIsTruncatedAndEverythingBeforeItKept() throws IOException {
        Path dir = tmp.resolve("torn");
        try (FileIpPoolStore s = FileIpPoolStore.open(dir)) {
            s.commit(List.of(), List.of(Mutation.put("kept", "yes")));
        }
        long goodSize = Files.size(dir.resolve("ipam.log"));
        try (FileChannel ch = FileChannel.open(dir.resolve("ipam.log"), StandardOpenOption.APPEND)) {
            // the first 11 bytes of a 40-byte record, as a writer killed mid-write leaves it
            ch.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 32, 1, 2, 3, 4, 1, 0, 0}));
        }

        try (FileIpPoolStore s = FileIpPoolStore.open(dir)) {
            assertThat(s.find("kept").orElseThrow().value()).isEqualTo("yes");
            assertThat(Files.size(dir.resolve("ipam.log"))).isEqualTo(goodSize);
            assertThat(s.commit(List.of(Condition.absent("next")), List.of(Mutation.put("next", "ok"))))
                    .isTrue();
        }
        try (FileIpPoolStore s = FileIpPoolStore.open(dir)) {
            assertThat(s.find("next").orElseThrow().value()).isEqualTo("ok");
        }
    }

    @Test
    void compactionKeepsValuesVersionsAndOtherInstancesInStep() {
        Path dir = tmp.resolve("compact");
        try (FileIpPoolStore a =
                        FileIpPoolStore.builder(dir).compactionMinBytes(4096).open();
                FileIpPoolStore b = FileIpPoolStore.open(dir)) {
            for (int i = 0; i < 500; i++) {
                a.commit(List.of(), List.of(Mutation.put("k" + (i % 10), "value-" + i)));
            }
            VersionedValue seenByA = a.find("k9").orElseThrow();

            assertThat(a.logSize()).isLessThan(4096 * 2);
            assertThat(b.find("k9")).contains(seenByA);
            assertThat(b.commit(
                            List.of(Condition.atVersion("k9", seenByA.version())),
                            List.of(Mutation.put("k9", "from-b"))))
                    .isTrue();
            assertThat(a.find("k9").orElseThrow().value()).isEqualTo("from-b");
            assertThat(a.find("k9").orElseThrow().version()).isGreaterThan(seenByA.version());
        }
        try (FileIpPoolStore c = FileIpPoolStore.open(dir)) {
            assertThat(c.list("k", "", 100)).hasSize(10);
            assertThat(c.find("k9").orElseThrow().value()).isEqualTo("from-b");
        }
    }

    @Test
    void twoInstancesOnOneDirectorySeeEachOthersCommits() throws Exception {
        Path dir = tmp.resolve("shared");
        try (FileIpPoolStore a = FileIpPoolStore.open(dir);
                FileIpPoolStore b = FileIpPoolStore.open(dir)) {
            IpAllocator left = IpAllocator.create(a);
            IpAllocator right = IpAllocator.create(b);
            PoolSpec pool = PoolSpec.of("shared", IpRange.ofSubnet("10.50.0.0/27"));
            java.util.Set<String> got = java.util.concurrent.ConcurrentHashMap.newKeySet();

            runConcurrently(4, t -> {
                IpAllocator alloc = t % 2 == 0 ? left : right;
                for (int i = 0; i < 10; i++) {
                    try {
                        Allocation x = alloc.allocate(pool, new Owner("ns", "p" + t + "-" + i, "u", "net1"));
                        assertThat(got.add(x.addresses().get(0).cidr())).isTrue();
                    } catch (PoolExhaustedException e) {
                        // 30 addresses for 40 owners
                    }
                }
            });

            assertThat(got).hasSize(30);
            StoreInvariants.check(a, pool);
        }
    }
}
