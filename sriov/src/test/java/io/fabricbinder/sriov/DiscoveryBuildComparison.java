package io.fabricbinder.sriov;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark harness (not a unit test) comparing builds of this module on a shared, loaded
 * machine: each build's classes are loaded by their own class loader into one JVM, and
 * {@code discover()} calls of the builds alternate (rotating which goes first), so a change in
 * machine load hits every build alike. Prints thread CPU per call for each build. Run on a tree
 * that {@link DiscoveryBenchmark} built and kept (see docs/performance.md):
 *
 * <pre>
 * java -cp sriov/target/test-classes io.fabricbinder.sriov.DiscoveryBuildComparison \
 *     /dev/shm/fbbench-sriov/sys 150 sriov/target/cp.txt \
 *     before=/tmp/sriov-base/sriov/target/classes after=sriov/target/classes
 * </pre>
 */
public final class DiscoveryBuildComparison {
    private DiscoveryBuildComparison() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: DiscoveryBuildComparison <sysfs root> <iterations> <classpath file>"
                    + " <name>=<classes dir>...");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        int iterations = Integer.parseInt(args[1]);
        String[] deps = Files.readString(Path.of(args[2])).trim().split(":", -1);
        int builds = args.length - 3;
        String[] names = new String[builds];
        Object[] discoveries = new Object[builds];
        Method[] discover = new Method[builds];
        for (int k = 0; k < builds; k++) {
            String[] spec = args[3 + k].split("=", 2);
            names[k] = spec[0];
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(spec[1]).toUri().toURL());
            for (String d : deps) {
                urls.add(Path.of(d).toUri().toURL());
            }
            // parent: the platform loader, so this module's classes come from the build's directory
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            Class<?> type = loader.loadClass("io.fabricbinder.sriov.SriovDiscovery");
            discoveries[k] = type.getMethod("at", Path.class).invoke(null, root);
            discover[k] = type.getMethod("discover");
        }
        // warm-up: every build in turn, until the JIT is quiet (JitWarmup)
        int rounds = JitWarmup.run(
                () -> {
                    for (int k = 0; k < builds; k++) {
                        discover[k].invoke(discoveries[k]);
                    }
                },
                50,
                1_000);
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long jit = JitWarmup.compilationMillis();
        double[][] cpu = new double[builds][iterations];
        double[] user = new double[builds];
        for (int i = 0; i < iterations; i++) {
            for (int j = 0; j < builds; j++) {
                int k = (i + j) % builds;
                long c = tm.getCurrentThreadCpuTime();
                long u = tm.getCurrentThreadUserTime();
                discover[k].invoke(discoveries[k]);
                cpu[k][i] = (tm.getCurrentThreadCpuTime() - c) / 1e6;
                user[k] += (tm.getCurrentThreadUserTime() - u) / 1e6;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "warm-up %d rounds; JIT during the timed calls: %d ms%n",
                rounds,
                JitWarmup.compilationMillis() - jit);
        for (int k = 0; k < builds; k++) {
            double[] v = cpu[k];
            Arrays.sort(v);
            System.out.printf(
                    Locale.ROOT,
                    "%-8s discover() thread CPU: n=%d min=%.1f p25=%.1f median=%.1f mean=%.1f p75=%.1f ms;"
                            + " user mean=%.1f ms%n",
                    names[k],
                    iterations,
                    v[0],
                    v[iterations / 4],
                    v[iterations / 2],
                    Arrays.stream(v).average().orElse(0),
                    v[3 * iterations / 4],
                    user[k] / iterations);
        }
    }
}
