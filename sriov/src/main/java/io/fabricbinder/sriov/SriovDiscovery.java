package io.fabricbinder.sriov;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Reads SR-IOV physical and virtual functions from a sysfs tree, the way
 * sriov-network-device-plugin and sriov-network-operator do: {@code bus/pci/devices/<BDF>} for
 * network-class (0x02) functions, {@code sriov_totalvfs}/{@code sriov_numvfs} and
 * {@code virtfnN} links for PFs, {@code physfn} for VFs, then driver, ids, NUMA node and the
 * netdev attributes ({@code address}, {@code mtu}, {@code speed}, {@code operstate},
 * {@code type}, {@code flags}). Netdevs are found under the device's {@code net/}, or through
 * {@code class/net/<if>/device} when the netdev hangs below a child device (virtio).
 *
 * <pre>{@code
 * SriovReport onHost = SriovDiscovery.system().discover();               // reads /sys
 * SriovReport inPod = SriovDiscovery.at(Path.of("/host/sys")).discover(); // DaemonSet hostPath mount
 * }</pre>
 *
 * <p>Discovery never throws because of what it finds: missing, unreadable or malformed files,
 * links that are files, VFs without netdevs and similar conditions become {@link
 * DiscoveryProblem}s in the report, and one broken device never hides the others. It reads the
 * tree afresh on every call (the device plugin reads once at start, which is why it misses VF
 * changes). Instances are immutable and thread-safe; each call does its own blocking file I/O on
 * the calling thread, or partly on a caller-supplied executor ({@link #discover(Executor)}).
 */
public final class SriovDiscovery {
    private final Path root;
    /** Never used itself: every discovery forks its own, since an instance is for one thread. */
    private final Sysfs sysfs;

    private SriovDiscovery(Path root, Sysfs sysfs) {
        this.root = root;
        this.sysfs = sysfs;
    }

    /**
     * Discovery over the sysfs tree mounted at {@code sysfsRoot} (the directory that holds
     * {@code bus/}, {@code class/} and {@code devices/}), e.g. {@code /host/sys} in a DaemonSet.
     */
    public static SriovDiscovery at(Path sysfsRoot) {
        return at(sysfsRoot, Sysfs.system());
    }

    /** Discovery over {@code sysfsRoot} read through {@code sysfs}: for tests that inject faults. */
    static SriovDiscovery at(Path sysfsRoot, Sysfs sysfs) {
        return new SriovDiscovery(
                Objects.requireNonNull(sysfsRoot, "sysfsRoot"), Objects.requireNonNull(sysfs, "sysfs"));
    }

    /** Discovery over the host's {@code /sys}. */
    public static SriovDiscovery system() {
        return at(Path.of("/sys"));
    }

    /** The sysfs root this instance reads. */
    public Path root() {
        return root;
    }

    /** Walks the tree now and returns what it found. Blocking file I/O; never throws for content. */
    public SriovReport discover() {
        return new SysfsWalk(sysfs.fork(), root, null).run();
    }

    /**
     * Like {@link #discover()}, but reads the VFs of each PF, and the links of a large
     * {@code class/net}, in chunks on {@code executor} (the library starts no threads of its own);
     * the calling thread walks the PFs and waits for the chunks. The report equals the one
     * {@link #discover()} returns for the same tree, problems in the same order. Worth it for
     * hundreds of VFs on a host with idle cores; with few VFs everything runs on the calling
     * thread. Since the calling thread waits for tasks it submitted, do not call this from a task
     * running on a bounded {@code executor} whose other threads may all be waiting too.
     *
     * <pre>{@code
     * ExecutorService pool = Executors.newFixedThreadPool(2);
     * SriovReport report = SriovDiscovery.system().discover(pool);
     * }</pre>
     *
     * @throws java.util.concurrent.RejectedExecutionException if the executor refuses a task
     */
    public SriovReport discover(Executor executor) {
        return new SysfsWalk(sysfs.fork(), root, Objects.requireNonNull(executor, "executor")).run();
    }

    @Override
    public String toString() {
        return "SriovDiscovery[" + root + "]";
    }
}
