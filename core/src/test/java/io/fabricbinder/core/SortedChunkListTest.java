package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link SortedChunkList} against a plain sorted list under random inserts and removals (chunks split
 * and vanish), and older versions stay unchanged. The seed is printed; rerun one with {@code
 * -Dfabricbinder.seed=<seed>}.
 */
class SortedChunkListTest {

    private static final long SEED = TestSeed.announce("SortedChunkListTest");

    @Test
    void behavesLikeASortedListAndSharesStructureSafely() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int run = 0; run < 20; run++) {
            int range = 1 + r.nextInt(2000);
            List<Integer> initial = new ArrayList<>();
            for (int i = r.nextInt(300); i > 0; i--) {
                initial.add(r.nextInt(range));
            }
            SortedChunkList<Integer> list = SortedChunkList.of(initial, Comparator.naturalOrder());
            List<Integer> expected = new ArrayList<>(initial);
            expected.sort(null);
            assertThat(list).as("run %d initial", run).isEqualTo(expected);
            for (int op = 0; op < 1500; op++) {
                SortedChunkList<Integer> before = list;
                List<Integer> beforeExpected = List.copyOf(expected);
                Integer v = r.nextInt(range);
                if (r.nextInt(5) < 3) {
                    list = list.with(v);
                    int at = 0;
                    while (at < expected.size() && expected.get(at) <= v) {
                        at++;
                    }
                    expected.add(at, v);
                } else {
                    list = list.without(v);
                    expected.remove(v);
                }
                assertThat(before).as("an older version is unchanged").isEqualTo(beforeExpected);
                if (op % 50 == 0 || list.size() < 70) {
                    assertThat(list).as("run %d op %d", run, op).isEqualTo(expected);
                    assertThat(list.size()).isEqualTo(expected.size());
                    for (int i = 0; i < expected.size(); i += 1 + r.nextInt(7)) {
                        assertThat(list.get(i)).isEqualTo(expected.get(i));
                    }
                }
            }
            assertThat(list).isEqualTo(expected);
            assertThat(new ArrayList<>(list)).isEqualTo(expected);
        }
    }
}
