package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabricbinder.sriov.DiscoveryProblem.Kind;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a temporary directory cannot produce when tests run as root (permission denied on a link
 * or a file), injected through the {@link Sysfs} seam.
 */
class SysfsFaultInjectionTest {

    @Test
    void aDriverLinkThatCannotBeReadIsReportedAndTheDeviceKept(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Sysfs faulty = new FaultySysfs(Sysfs.system(), p -> p.endsWith("/0000:00:1f.6/driver"));

        SriovReport report = SriovDiscovery.at(fx.sys, faulty).discover();

        assertThat(report.getInterface("eno1").driver()).isEmpty();
        assertThat(report.getInterface("eno1").mac()).isEqualTo("aa:bb:cc:00:00:01");
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .containsExactly(tuple("0000:00:1f.6", "driver", Kind.UNREADABLE));
    }

    @Test
    void aVirtfnLinkThatCannotBeReadSkipsOnlyThatVirtualFunction(@TempDir Path tmp) {
        SysfsFixture fx = SriovFixtures.intelNode(tmp);
        Sysfs faulty = new FaultySysfs(Sysfs.system(), p -> p.contains("/virtfn1"));

        SriovReport report = SriovDiscovery.at(fx.sys, faulty).discover();

        assertThat(report.getInterface("ens1f0").virtualFunctions())
                .extracting(VirtualFunction::vfId)
                .containsExactly(0, 2, 3);
        assertThat(report.defects())
                .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                .contains(
                        tuple("0000:3b:00.0", "virtfn1", Kind.UNREADABLE),
                        tuple("0000:3b:00.0", "sriov_numvfs", Kind.MALFORMED_VALUE));
    }

    @Test
    void anAttributeThatCannotBeReadIsReportedTheSameByForkedWalkers(@TempDir Path tmp) {
        // 40 VFs: more than one chunk, so discover(executor) reads the second chunk on forked walkers
        SysfsFixture fx = SysfsFixture.create(tmp);
        SysfsFixture.Dev pf = fx.nic("0000:3b:00.0", SriovFixtures.INTEL_PARENT, "8086", "1572", "i40e", 0)
                .netdev("ens1f0", "3c:fd:fe:aa:bb:c0", 9000, 1, "up", 25000)
                .sriov(64, 40);
        for (int i = 0; i < 40; i++) {
            String bdf = String.format(Locale.ROOT, "0000:3b:%02x.%d", 2 + i / 8, i % 8);
            fx.vf(pf, i, bdf, "8086", "154c", "iavf")
                    .netdev("ens1f0v" + i, String.format(Locale.ROOT, "02:00:00:00:00:%02x", i), 9000, 1, "up", -1);
        }
        SriovDiscovery discovery =
                SriovDiscovery.at(fx.sys, new FaultySysfs(Sysfs.system(), p -> p.endsWith("/net/ens1f0v33/mtu")));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            SriovReport sequential = discovery.discover();
            SriovReport parallel = discovery.discover(pool);

            assertThat(sequential.getInterface("ens1f0").virtualFunctions())
                    .hasSize(40)
                    .filteredOn(vf -> vf.mtu() == -1)
                    .extracting(VirtualFunction::vfId)
                    .containsExactly(33);
            assertThat(sequential.defects())
                    .extracting(DiscoveryProblem::device, DiscoveryProblem::file, DiscoveryProblem::kind)
                    .containsExactly(tuple("0000:3b:06.1", "net/ens1f0v33/mtu", Kind.UNREADABLE));
            assertThat(parallel).isEqualTo(sequential);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The real file system, except that reads and readlinks of matching paths are denied. */
    private static final class FaultySysfs implements Sysfs {
        private final Sysfs real;
        private final Predicate<String> denied;

        FaultySysfs(Sysfs real, Predicate<String> denied) {
            this.real = real;
            this.denied = denied;
        }

        @Override
        public String @Nullable [] list(String dir) {
            return denied.test(dir) ? null : real.list(dir);
        }

        @Override
        public boolean exists(String path) {
            return real.exists(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return real.isDirectory(path);
        }

        @Override
        public Link readLink(String path) {
            return denied.test(path) ? Link.UNREADABLE : real.readLink(path);
        }

        @Override
        public String read(String file) throws IOException {
            if (denied.test(file)) {
                throw new AccessDeniedException(file);
            }
            return real.read(file);
        }

        @Override
        public String realPath(String path) {
            return real.realPath(path);
        }

        @Override
        public Sysfs fork() {
            return new FaultySysfs(real.fork(), denied);
        }
    }
}
