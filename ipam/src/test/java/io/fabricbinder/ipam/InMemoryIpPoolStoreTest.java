package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreContract;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.ReferenceStore;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InMemoryIpPoolStoreTest extends IpPoolStoreContract {
    @Override
    protected IpPoolStore newStore() {
        return new InMemoryIpPoolStore();
    }

    /**
     * The open-addressing table under growth, shrinking, hash collisions ("Aa" and "BB" have the
     * same String hash code, so every key built from them collides), backward-shift deletion,
     * values that change length (appended to the arena) and non-ASCII keys and values, against
     * {@link ReferenceStore}.
     */
    @Test
    void largeGeneratedHistoriesMatchTheReferenceModel() {
        generatedHistoryMatchesTheReferenceModel(new InMemoryIpPoolStore(), "default chunks");
    }

    /** With 48-byte arena chunks the arena is compacted often and long entries get chunks of their own. */
    @Test
    void generatedHistoriesWithTinyArenaChunksMatchTheReferenceModel() {
        generatedHistoryMatchesTheReferenceModel(new InMemoryIpPoolStore(48), "48-byte chunks");
    }

    private void generatedHistoryMatchesTheReferenceModel(InMemoryIpPoolStore s, String variant) {
        long seed = seed("generatedHistoryMatchesTheReferenceModel (" + variant + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        ReferenceStore model = new ReferenceStore();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            StringBuilder k = new StringBuilder("c/");
            for (int b = 0; b < 6; b++) {
                k.append((i >> b & 1) == 0 ? "Aa" : "BB");
            }
            keys.add(k.toString());
        }
        for (int i = 0; i < 3000; i++) {
            keys.add("p/" + Integer.toHexString(i));
        }
        keys.add("u/ключ");
        keys.add("u/\uD83D\uDE00");
        String[] values = {
            "", "v", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "wert-ä", "x y z"
        };

        for (int round = 0; round < 6; round++) {
            // Fill up (growing the table), then drain most of it (shrinking it).
            int steps = 20_000;
            int deleteOneIn = round % 2 == 0 ? 4 : 2;
            for (int step = 0; step < steps; step++) {
                String key = keys.get(rnd.nextInt(keys.size()));
                List<Condition> cs = new ArrayList<>();
                if (rnd.nextInt(3) == 0) {
                    Optional<VersionedValue> cur = rnd.nextBoolean() ? model.find(key) : Optional.empty();
                    cs.add(cur.map(v -> Condition.atVersion(key, v.version())).orElse(Condition.absent(key)));
                }
                Mutation m = rnd.nextInt(deleteOneIn) == 0
                        ? Mutation.delete(key)
                        : Mutation.put(key, values[rnd.nextInt(values.length)] + (rnd.nextBoolean() ? "" : step));
                boolean expected = model.commit(cs, List.of(m));
                boolean actual = s.commit(cs, List.of(m));
                String probe = keys.get(rnd.nextInt(keys.size()));
                Optional<String> found = s.find(probe).map(VersionedValue::value);
                Optional<String> wanted = model.find(probe).map(VersionedValue::value);
                // Plain comparisons first: building AssertJ descriptions 240,000 times is slow.
                if (actual != expected || !found.equals(wanted)) {
                    assertThat(actual)
                            .as("seed %d round %d step %d commit", seed, round, step)
                            .isEqualTo(expected);
                    assertThat(found)
                            .as("seed %d round %d step %d key %s", seed, round, step, probe)
                            .isEqualTo(wanted);
                }
            }
            for (String key : keys) {
                assertThat(s.find(key).map(VersionedValue::value))
                        .as("seed %d round %d key %s", seed, round, key)
                        .isEqualTo(model.find(key).map(VersionedValue::value));
            }
            for (String prefix : List.of("", "c/", "p/", "p/1", "u/")) {
                assertThat(keysOf(s.list(prefix, "", 100_000)))
                        .as("seed %d round %d prefix %s", seed, round, prefix)
                        .isEqualTo(keysOf(model.list(prefix, "", 100_000)));
            }
            assertThat(s.size()).isEqualTo(model.list("", "", 100_000).size());
        }
    }

    @Test
    void versionsSurviveInPlaceOverwritesAndRelocation() {
        InMemoryIpPoolStore s = new InMemoryIpPoolStore();
        for (int i = 0; i < 1000; i++) {
            s.commit(List.of(), List.of(Mutation.put("k/" + i, "0123456789")));
        }
        long before = s.find("k/500").orElseThrow().version();
        s.commit(List.of(Condition.atVersion("k/500", before)), List.of(Mutation.put("k/500", "abcdefghij")));
        for (int i = 0; i < 1000; i += 2) {
            s.commit(List.of(), List.of(Mutation.delete("k/" + i)));
        }

        VersionedValue v = s.find("k/501").orElseThrow();
        assertThat(s.find("k/500")).isEmpty();
        assertThat(v.value()).isEqualTo("0123456789");
        assertThat(s.commit(List.of(Condition.atVersion("k/501", v.version())), List.of(Mutation.put("k/501", "é"))))
                .isTrue();
        assertThat(s.find("k/501").orElseThrow().value()).isEqualTo("é");
        assertThat(s.size()).isEqualTo(500);
    }

    private static List<String> keysOf(List<VersionedValue> values) {
        return values.stream().map(VersionedValue::key).toList();
    }
}
