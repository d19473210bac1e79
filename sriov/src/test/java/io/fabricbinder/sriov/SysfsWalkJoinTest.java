package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SysfsWalkJoinTest {
    private static final String[] SEGMENTS = {"a", "b", "0000:3b:00.0", "..", ".", "net"};

    @Test
    void sysfsLinkTargetsResolveLikePathNormalize() {
        assertThat(SysfsWalk.join("/sys/bus/pci/devices", "../../../devices/pci0000:3a/0000:3b:00.0"))
                .isEqualTo("/sys/devices/pci0000:3a/0000:3b:00.0");
        assertThat(SysfsWalk.join("/sys/devices/pci0000:3a/0000:3b:00.0", "../0000:3b:02.1"))
                .isEqualTo("/sys/devices/pci0000:3a/0000:3b:02.1");
        assertThat(SysfsWalk.join("/x", "/abs/olute")).isEqualTo("/abs/olute");
    }

    @Test
    void agreesWithPathNormalizeOnGeneratedPaths() {
        long seed = TestSeed.announce("SysfsWalkJoinTest");
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            String base = (random.nextBoolean() ? "/" : "") + path(random, 1 + random.nextInt(4), false);
            String relative = path(random, 1 + random.nextInt(6), true);
            String expected = Path.of(base).resolve(relative).normalize().toString();
            assertThat(SysfsWalk.join(base, relative))
                    .as("join(%s, %s), seed %d", base, relative, seed)
                    .isEqualTo(expected);
        }
    }

    private static String path(SplittableRandom random, int n, boolean dots) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(SEGMENTS[random.nextInt(dots ? SEGMENTS.length : 3)]);
        }
        return b.toString();
    }
}
