package io.fabricbinder.sriov;

import io.fabricbinder.sriov.Sysfs.Link;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The whole-tree indexes one {@link SysfsWalk} builds, each at most once and only when first
 * asked for: netdevs by PCI function from {@code class/net}, RDMA functions from {@code
 * class/infiniband}, and drivers by function from {@code bus/pci/drivers}. Each answers for the
 * whole tree with a few listings and one readlink per entry what would otherwise take a call or
 * more per device; a null index means "not available", and the walk then reads each device's own
 * files. Not thread-safe: built on the walk's thread (the {@code class/net} readlinks partly on
 * its executor); forked walkers get a {@link #frozen()} copy.
 */
final class SysfsIndexes {
    /** A netdev of a device: its name and the directory holding its attributes. */
    record NetdevRef(String name, String dir) {}

    private final Sysfs sysfs;
    private final Path root;
    private final @Nullable Executor executor;
    private @Nullable NetIndex netIndex;
    private boolean netIndexBuilt;
    private @Nullable Set<String> rdmaIndex;
    private boolean rdmaIndexBuilt;
    private @Nullable Map<String, String> driverIndex;
    private boolean driverIndexBuilt;

    /** Indexes of the tree at {@code root}, read through {@code sysfs} on the caller's thread. */
    SysfsIndexes(Sysfs sysfs, Path root, @Nullable Executor executor) {
        this.sysfs = sysfs;
        this.root = root;
        this.executor = executor;
    }

    /**
     * A copy for a forked walker: the indexes built so far, and "not available" for the others,
     * so the copy never touches the file system (a worker reads each VF's own files instead).
     */
    SysfsIndexes frozen() {
        SysfsIndexes f = new SysfsIndexes(sysfs, root, null);
        f.netIndex = netIndex;
        f.netIndexBuilt = true;
        f.rdmaIndex = rdmaIndex;
        f.rdmaIndexBuilt = true;
        f.driverIndex = driverIndex;
        f.driverIndexBuilt = true;
        return f;
    }

    /** Netdevs by the PCI function they belong to, built from {@code class/net} in one pass. */
    static final class NetIndex {
        final Map<String, List<NetdevRef>> direct;
        final Map<String, List<NetdevRef>> below = new HashMap<>();

        NetIndex(int netdevs) {
            direct = new HashMap<>(netdevs * 4 / 3 + 1); // sized once: no rehashing per discovery
        }
    }

    /**
     * Lists {@code class/net} once and reads each entry's link ({@code ../../devices/<path to
     * the PCI function>/net/<if>}): one readlink per netdev instead of listing every device's
     * {@code net/} directory (open, fstat, two getdents, close). {@code class/net} and a device's
     * {@code net/} show the same netdevs: both are views of the same kobjects, filtered by the
     * same network namespace tag (inferred from how sysfs tags netdev directories). With an
     * executor and at least two chunks' worth of netdevs, the readlinks run there. Returns null
     * when {@code class/net} cannot be listed; callers then list each device's {@code net/}.
     */
    @Nullable
    NetIndex net() {
        if (netIndexBuilt) {
            return netIndex;
        }
        netIndexBuilt = true;
        String classNet = root.resolve("class/net").toString();
        String[] names = sysfs.list(classNet);
        if (names == null) {
            return null;
        }
        Arrays.sort(names);
        NetIndex index = new NetIndex(names.length);
        // The readlinks, one per netdev, are the cost: on an executor they run in chunks, and the
        // entries are added here in name order either way, so the index is the same.
        if (executor == null || names.length < 2 * NET_CHUNK) {
            addAll(index, netEntries(sysfs, classNet, names, 0, names.length));
        } else {
            List<CompletableFuture<List<NetEntry>>> chunks = new ArrayList<>();
            for (int from = 0; from < names.length; from += NET_CHUNK) {
                int start = from;
                int end = Math.min(names.length, from + NET_CHUNK);
                Sysfs fs = sysfs.fork();
                chunks.add(CompletableFuture.supplyAsync(() -> netEntries(fs, classNet, names, start, end), executor));
            }
            for (CompletableFuture<List<NetEntry>> chunk : chunks) {
                addAll(index, chunk.join());
            }
        }
        netIndex = index;
        return index;
    }

    /** {@code class/net} entries per task when the index is built on an executor. */
    private static final int NET_CHUNK = 128;

    /** One {@code class/net} entry: the netdev, its attribute directory and its device's directory. */
    private record NetEntry(String ifname, String ndDir, String deviceDir) {}

    /**
     * The usable entries among {@code names[from..to)} of {@code class/net}, in order; entries that
     * are neither a link into a device's {@code net/} nor a directory with a {@code device} link
     * are left out. Touches no walker state, so chunks can run on any thread
     * (each with its own {@code fs}).
     */
    private static List<NetEntry> netEntries(Sysfs fs, String classNet, String[] names, int from, int to) {
        List<NetEntry> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            String ifname = names[i];
            String entry = classNet + "/" + ifname;
            Link link = fs.readLink(entry);
            if (link.isTarget()) {
                // string work: far cheaper than Path.normalize/getParent per netdev
                String nd = SysfsWalk.join(classNet, link.target());
                String suffix = "/net/" + ifname;
                if (nd.endsWith(suffix)) {
                    out.add(new NetEntry(ifname, nd, nd.substring(0, nd.length() - suffix.length())));
                }
            } else if (link.kind() == Link.Kind.NOT_A_LINK) {
                // not sysfs-shaped, but still usable through its device link
                String device = entry + "/device";
                if (fs.exists(device)) {
                    out.add(new NetEntry(ifname, entry, fs.realPath(device)));
                }
            }
        }
        return out;
    }

    private static void addAll(NetIndex index, List<NetEntry> entries) {
        for (NetEntry e : entries) {
            String deviceName = lastName(e.deviceDir);
            if (PciAddress.isValid(deviceName)) {
                index.direct
                        .computeIfAbsent(deviceName, k -> new ArrayList<>(1))
                        .add(new NetdevRef(e.ifname, e.ndDir));
            } else {
                // a child device such as virtio0, whose parent is the PCI function
                int slash = e.deviceDir.lastIndexOf('/');
                String parent = slash < 0 ? "" : lastName(e.deviceDir.substring(0, slash));
                if (PciAddress.isValid(parent)) {
                    index.below.computeIfAbsent(parent, k -> new ArrayList<>()).add(new NetdevRef(e.ifname, e.ndDir));
                }
                // otherwise a virtual netdev (lo, veth, bridge...) or one on another bus
            }
        }
    }

    /**
     * PCI functions (addresses as sysfs spells them) by the driver they are bound to, from listing
     * {@code bus/pci/drivers} and each driver's directory: a few dozen listings instead of one
     * {@code driver} readlink per VF. The driver core makes both views in one place
     * (drivers/base/dd.c driver_sysfs_add): a link named after the device in the driver's
     * directory, and the device's {@code driver} link to that directory, whose name is the
     * driver's; both go away together on unbind. A function listed under two drivers (impossible
     * in the kernel, possible in a hand-built tree) maps to {@code ""}, which makes callers read
     * its own link. Only positive answers are used: a function missing from the index (unbound,
     * or a tree without the drivers' links) has its {@code driver} link read as before. Returns
     * null when {@code bus/pci/drivers} cannot be listed.
     */
    @Nullable
    Map<String, String> drivers() {
        if (driverIndexBuilt) {
            return driverIndex;
        }
        driverIndexBuilt = true;
        String drivers = root.resolve("bus/pci/drivers").toString();
        String[] names = sysfs.list(drivers);
        if (names == null) {
            return null;
        }
        Map<String, String> index = new HashMap<>();
        for (String driver : names) {
            String[] entries = sysfs.list(drivers + "/" + driver);
            if (entries == null) {
                continue; // not a directory, or unreadable: its devices read their own links
            }
            for (String entry : entries) {
                if (PciAddress.isValid(entry)) {
                    String before = index.putIfAbsent(entry, driver);
                    if (before != null && !before.equals(driver)) {
                        index.put(entry, "");
                    }
                }
            }
        }
        driverIndex = index;
        return index;
    }

    /**
     * The PCI functions (addresses as sysfs spells them) that have an RDMA device, from
     * {@code class/infiniband}: each entry is a link {@code ../../devices/<path to the PCI
     * function>/infiniband/<ibdev>}, read once, instead of probing every function for an
     * {@code infiniband/} directory (one stat per VF, nearly always failing). The kernel creates
     * that directory only to hold devices of the infiniband class, and the class directory lists
     * the same devices (inferred from the driver core: a class device with a parent is placed in a
     * directory named after its class below the parent). Like sriov-network-device-plugin, which
     * lists {@code <BDF>/infiniband/}, a function counts only while one of its RDMA devices is
     * visible; in RDMA's exclusive network-namespace mode, devices moved to another namespace are
     * hidden from both listings. Returns null, and callers probe each function's
     * {@code infiniband/} as before, when {@code class/infiniband} cannot be listed (no RDMA core
     * loaded, or a hand-built tree) or holds an entry that is not a readable link.
     */
    @Nullable
    Set<String> rdma() {
        if (rdmaIndexBuilt) {
            return rdmaIndex;
        }
        rdmaIndexBuilt = true;
        String classIb = root.resolve("class/infiniband").toString();
        String[] names = sysfs.list(classIb);
        if (names == null) {
            return null;
        }
        Set<String> index = new HashSet<>();
        for (String ibdev : names) {
            Link link = sysfs.readLink(classIb + "/" + ibdev);
            if (!link.isTarget()) {
                return null; // not sysfs-shaped: fall back to probing every function
            }
            String path = SysfsWalk.join(classIb, link.target());
            String suffix = "/infiniband/" + ibdev;
            if (!path.endsWith(suffix)) {
                return null;
            }
            index.add(lastName(path.substring(0, path.length() - suffix.length())));
        }
        rdmaIndex = index;
        return index;
    }

    private static String lastName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
