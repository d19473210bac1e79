package io.fabricbinder.sriov;

import io.fabricbinder.sriov.DiscoveryProblem.Kind;
import io.fabricbinder.sriov.Sysfs.Link;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a sysfs tree: what to read, in which order, and what it means. The whole-tree
 * indexes it consults are {@link SysfsIndexes}; every file-system call goes through {@link Sysfs}. Not thread-safe; used once by {@link SriovDiscovery#discover()}
 * (with a caller's executor, VF reads are handed to forked walkers, one per chunk, each with its
 * own {@link Sysfs#fork()}).
 */
final class SysfsWalk {
    private static final Logger LOG = LoggerFactory.getLogger(SysfsWalk.class);
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{4}");
    private static final Pattern REPRESENTOR = Pattern.compile("(?:c\\d+)?pf(\\d+)vf(\\d+)");
    private static final Pattern UPLINK = Pattern.compile("p\\d+");
    private static final Pattern MODALIAS =
            Pattern.compile("pci:v0000([0-9A-Fa-f]{4})d0000([0-9A-Fa-f]{4}).*bc([0-9A-Fa-f]{2}).*");
    private static final int IFF_UP = 0x1;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Sysfs sysfs;
    private final Path root;
    private final String busDevices;
    private final @Nullable Executor executor;
    private final List<DiscoveryProblem> problems = new ArrayList<>();
    /** VFs (PCI addresses as sysfs spells them) already read through their PF's virtfnN link. */
    private final Set<String> claimedVfs = new HashSet<>();

    private final Map<String, Ids> modaliasIds = new HashMap<>();
    private final SysfsIndexes indexes;

    /** A walk on the calling thread, or reading VFs in parallel on {@code executor} if not null. */
    SysfsWalk(Sysfs sysfs, Path root, @Nullable Executor executor) {
        this(sysfs, root, executor, new SysfsIndexes(sysfs, root, executor));
    }

    private SysfsWalk(Sysfs sysfs, Path root, @Nullable Executor executor, SysfsIndexes indexes) {
        this.sysfs = sysfs;
        this.indexes = indexes;
        this.root = root;
        this.busDevices = root.resolve("bus/pci/devices").toString();
        this.executor = executor;
    }

    SriovReport run() {
        boolean vhostNet = sysfs.exists(root.resolve("class/misc/vhost-net").toString())
                || sysfs.exists(root.resolve("devices/virtual/misc/vhost-net").toString());
        if (!sysfs.isDirectory(busDevices)) {
            problem("", "bus/pci/devices", Kind.MISSING_DIRECTORY, "no PCI device directory under " + root);
            return new SriovReport(List.of(), problems, vhostNet);
        }
        List<PhysicalFunction> interfaces = new ArrayList<>();
        Map<String, String> vfCandidates = new TreeMap<>();
        // PCI address order. A VF's routing ID is its PF's plus "First VF Offset" (> 0) plus a
        // multiple of the stride (PCIe SR-IOV, drivers/pci/iov.c pci_iov_virtfn_bus/devfn), so a
        // PF always sorts before its VFs: by the time the walk reaches a VF, the PF has already read
        // it through its virtfnN link and the VF's own class check and listing are skipped.
        for (String entry : list(busDevices, "", "bus/pci/devices")) {
            if (claimedVfs.contains(entry)) {
                continue;
            }
            PciAddress bdf;
            try {
                bdf = PciAddress.parse(entry);
            } catch (IllegalArgumentException e) { // not an address, or a part out of range
                problem(entry, "bus/pci/devices/" + entry, Kind.MALFORMED_VALUE, "entry is not a PCI address");
                continue;
            }
            String dir = busDevices + "/" + entry;
            try {
                if (!isNetworkClass(entry, dir)) {
                    continue;
                }
                Set<String> names = new HashSet<>(list(dir, entry, "."));
                if (names.contains("physfn")) {
                    vfCandidates.put(entry, dir); // normally claimed later by its PF; else an orphan
                    continue;
                }
                interfaces.add(readPhysical(bdf, entry, dir, names));
            } catch (RuntimeException ex) {
                unexpected(entry, ex);
            }
        }
        for (Map.Entry<String, String> e : vfCandidates.entrySet()) {
            String vf = e.getKey();
            if (!claimedVfs.contains(vf)) {
                Link physfn = sysfs.readLink(e.getValue() + "/physfn");
                String detail = physfn.isTarget()
                        ? "VF's physfn points to " + physfn.target() + " but no PF lists it in a virtfnN link"
                        : "physfn is not a symbolic link and no PF lists this VF";
                problem(vf, "physfn", Kind.ORPHAN_VIRTUAL_FUNCTION, detail);
            }
        }
        return new SriovReport(interfaces, problems, vhostNet);
    }

    /**
     * Classifies from {@code modalias} (one read gives class, vendor and device, as ghw does),
     * falling back to the {@code class} file; remembers the ids for {@link #ids}.
     */
    private boolean isNetworkClass(String dev, String dir) {
        String modalias = read(dir, "modalias", dev, false);
        if (modalias != null) {
            Matcher m = MODALIAS.matcher(modalias);
            if (m.matches()) {
                modaliasIds.put(
                        dev,
                        new Ids(m.group(1).toLowerCase(Locale.ROOT), m.group(2).toLowerCase(Locale.ROOT)));
                return m.group(3).equalsIgnoreCase("02");
            }
        }
        String cls = read(dir, "class", dev, false);
        if (cls != null) {
            try {
                return (Integer.parseInt(strip0x(cls), 16) >> 16) == 0x02;
            } catch (NumberFormatException e) {
                problem(dev, "class", Kind.MALFORMED_VALUE, "'" + cls + "' is not a hex class code");
                return false;
            }
        }
        problem(dev, "class", Kind.MISSING_FILE, "neither a usable modalias nor a class file; device skipped");
        return false;
    }

    private PhysicalFunction readPhysical(PciAddress bdf, String dev, String dir, Set<String> names) {
        Ids ids = ids(dev, dir, names);
        String driver = driver(dev, dir, names);
        int numa = -1;
        boolean numaKnown = true; // false when the PF's numa_node is unreadable or junk
        if (names.contains("numa_node")) {
            int before = problems.size();
            numa = intFile(dir, "numa_node", dev, -1);
            numaKnown = problems.size() == before;
        }
        String acpi = names.contains("acpi_index") ? Values.str(read(dir, "acpi_index", dev, true)) : "";
        boolean rdma = hasRdma(dev, names.contains("infiniband"));
        boolean sriov = names.contains("sriov_totalvfs");
        int total = 0;
        int num = 0;
        if (sriov) {
            total = intFile(dir, "sriov_totalvfs", dev, 0);
            num = names.contains("sriov_numvfs") ? intFile(dir, "sriov_numvfs", dev, 0) : 0;
            if (!names.contains("sriov_numvfs")) {
                problem(dev, "sriov_numvfs", Kind.MISSING_FILE, "PF has sriov_totalvfs but no sriov_numvfs; using 0");
            }
        } else {
            problem(dev, "sriov_totalvfs", Kind.NOT_SRIOV_CAPABLE, "network function without SR-IOV capability");
        }

        List<SysfsIndexes.NetdevRef> netdevs = netdevs(dev, dir);
        if (netdevs.isEmpty() && names.contains("net") && indexes.net() != null) {
            // class/net should list it too; if a tree lacks the link, the PF's own net/ still counts
            netdevs = listNet(dir);
        }
        // In switchdev mode the PF's net/ also holds one representor per VF (phys_port_name pfXvfY).
        Map<Integer, String> representors = new HashMap<>();
        SysfsIndexes.NetdevRef uplink = null;
        for (SysfsIndexes.NetdevRef nd : netdevs) {
            String portName = readQuiet(nd.dir() + "/phys_port_name");
            Matcher rep = portName == null ? null : REPRESENTOR.matcher(portName);
            if (rep != null && rep.matches()) {
                representors.put(Integer.parseInt(rep.group(2)), nd.name());
            } else if (uplink == null
                    && (portName == null
                            || portName.isEmpty()
                            || UPLINK.matcher(portName).matches())) {
                uplink = nd;
            }
        }
        if (uplink == null && !netdevs.isEmpty() && representors.isEmpty()) {
            uplink = netdevs.get(0);
        }
        List<String> ordered = new ArrayList<>();
        if (uplink != null) {
            ordered.add(uplink.name());
        }
        for (SysfsIndexes.NetdevRef nd : netdevs) {
            if (!nd.equals(uplink)) { // netdev names are unique, so equal means the same one
                ordered.add(nd.name());
            }
        }
        if (netdevs.isEmpty()) {
            problem(dev, "net", Kind.NO_NETDEV, "no netdev (driver '" + driver + "')");
        }
        Netdev nd = uplink == null ? Netdev.NONE : netdev(dev, uplink, true, null);

        List<VirtualFunction> vfs = List.of();
        if (sriov) {
            int[] routing = vfRouting(dev, dir, names);
            PfFacts pf = new PfFacts(
                    bdf,
                    dev,
                    realDir(dir),
                    ids.vendor,
                    vfDeviceId(dev, dir, names),
                    numaKnown ? numa : null,
                    routing[0],
                    routing[1]);
            vfs = virtualFunctions(pf, names, representors);
        }
        if (sriov && num == 0 && vfs.isEmpty()) {
            problem(
                    dev,
                    "sriov_numvfs",
                    Kind.NO_VIRTUAL_FUNCTIONS,
                    "SR-IOV PF with no VFs configured (totalvfs " + total + ")");
        } else if (sriov && num != vfs.size()) {
            problem(
                    dev,
                    "sriov_numvfs",
                    Kind.MALFORMED_VALUE,
                    "sriov_numvfs is " + num + " but " + vfs.size() + " VFs were found through virtfnN links");
        }
        return new PhysicalFunction(
                uplink == null ? "" : uplink.name(),
                bdf,
                ids.vendor,
                ids.device,
                driver,
                nd.mac,
                nd.mtu,
                nd.speed,
                nd.linkType,
                nd.adminState,
                nd.operState,
                representors.isEmpty() ? "legacy" : "switchdev",
                num,
                total,
                numa,
                sriov,
                ordered,
                acpi,
                rdma,
                vfs);
    }

    /**
     * What every VF of one PF shares with it, read once per PF.
     *
     * @param realDir the PF's device directory without symbolic links, so VF directories (the
     *     relative {@code virtfnN} targets, {@code ../<VF>}) resolve without the kernel following
     *     {@code bus/pci/devices} links again for every file
     * @param vendor the PF's vendor id, or {@code ""} when it could not be read
     * @param vfDevice the PF's {@code sriov_vf_device}, or {@code ""} when absent or junk
     * @param numa the PF's NUMA node, or null when its {@code numa_node} could not be read
     * @param vfOffset the PF's {@code sriov_offset} (First VF Offset), or -1 when absent or junk
     * @param vfStride the PF's {@code sriov_stride} (VF Stride), or -1 when absent or junk
     */
    private record PfFacts(
            PciAddress bdf,
            String dev,
            String realDir,
            String vendor,
            String vfDevice,
            @Nullable Integer numa,
            int vfOffset,
            int vfStride) {}

    /**
     * The PF's {@code sriov_offset} and {@code sriov_stride} (the First VF Offset and VF Stride
     * registers of its SR-IOV capability), or -1 each when either is absent (older kernels, hand
     * built trees) or junk (reported); then every VF's address is read from its {@code virtfnN}
     * link.
     */
    private int[] vfRouting(String dev, String dir, Set<String> names) {
        if (!names.contains("sriov_offset") || !names.contains("sriov_stride")) {
            return new int[] {-1, -1};
        }
        int before = problems.size();
        int offset = intFile(dir, "sriov_offset", dev, -1);
        int stride = intFile(dir, "sriov_stride", dev, -1);
        if (problems.size() != before || offset < 1 || stride < 0) {
            return new int[] {-1, -1};
        }
        return new int[] {offset, stride};
    }

    /**
     * The sysfs name of VF {@code index}: its routing ID is the PF's plus First VF Offset plus
     * index times VF Stride, in the PF's domain (PCIe SR-IOV; drivers/pci/iov.c
     * pci_iov_virtfn_bus/devfn, which the kernel also uses to name the {@code virtfnN} link's
     * target). Null when unknown or past the last bus.
     */
    private static @Nullable String vfName(PfFacts pf, int index) {
        if (pf.vfOffset < 0) {
            return null;
        }
        PciAddress a = pf.bdf;
        long rid = ((long) a.bus() << 8 | a.device() << 3 | a.function()) + pf.vfOffset + (long) index * pf.vfStride;
        if (rid > 0xffff) {
            return null;
        }
        int bus = (int) (rid >> 8);
        int devfn = (int) (rid & 0xff);
        int colon = pf.dev.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new StringBuilder(colon + 9)
                .append(pf.dev, 0, colon + 1)
                .append(HEX[bus >> 4])
                .append(HEX[bus & 15])
                .append(':')
                .append(HEX[(devfn >> 3) >> 4])
                .append(HEX[(devfn >> 3) & 15])
                .append('.')
                .append(HEX[devfn & 7])
                .toString();
    }

    /**
     * The PF's {@code sriov_vf_device} (the VF Device ID register of its SR-IOV capability), as
     * four lower-case hex digits. The kernel prints it with {@code %x}, so leading zeros are absent.
     * Returns {@code ""} when the file is absent (kernels before the attribute existed) or junk
     * (reported); VFs then read their own ids.
     */
    private String vfDeviceId(String dev, String dir, Set<String> names) {
        if (!names.contains("sriov_vf_device")) {
            return "";
        }
        String raw = read(dir, "sriov_vf_device", dev, true);
        if (raw == null) {
            return "";
        }
        String hex = strip0x(raw);
        if (hex.isEmpty() || hex.length() > 4 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            problem(
                    dev,
                    "sriov_vf_device",
                    Kind.MALFORMED_VALUE,
                    "'" + abbreviate(raw) + "' is not a 16-bit hex id; VFs read their own ids");
            return "";
        }
        return "0000".substring(hex.length()) + hex.toLowerCase(Locale.ROOT);
    }

    /** A VF named by a PF's {@code virtfnN} link, still to be read. */
    private record PendingVf(
            String link, int index, String base, String target, String dir, String representor, boolean computed) {}

    /** Whether {@code name} is {@code virtfn} followed by one or more ASCII digits. */
    static boolean isVirtfn(String name) {
        int n = name.length();
        if (n <= 6 || !name.startsWith("virtfn")) {
            return false;
        }
        for (int i = 6; i < n; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private List<VirtualFunction> virtualFunctions(PfFacts pf, Set<String> names, Map<Integer, String> representors) {
        // Pass 1 (this thread), in a fixed order: each VF's address, computed from sriov_offset and
        // sriov_stride or else read from its virtfnN link. Pass 2: the VFs, possibly in parallel;
        // there the links of computed addresses are checked.
        List<String> links = new ArrayList<>();
        for (String name : names) {
            if (isVirtfn(name)) {
                links.add(name);
            }
        }
        links.sort(null);
        List<PendingVf> pending = new ArrayList<>(links.size());
        // through the PF's real directory: a path via bus/pci/devices/<PF> would make the kernel
        // follow that link again for every VF
        String pfDir = pf.realDir + "/";
        String parentDir = pf.realDir.substring(0, Math.max(0, pf.realDir.lastIndexOf('/')));
        for (String name : links) {
            String representor = "";
            int index = -1;
            try {
                index = Integer.parseInt(name, "virtfn".length(), name.length(), 10);
                representor = representors.getOrDefault(index, "");
            } catch (NumberFormatException e) {
                // reported by fromLink, after the link itself is checked
            }
            String computed = index < 0 ? null : vfName(pf, index);
            if (computed != null && !parentDir.isEmpty()) {
                // the link is checked when the VF is read (readOne), by opening through it
                pending.add(new PendingVf(
                        name, index, computed, "../" + computed, parentDir + "/" + computed, representor, true));
                continue;
            }
            PendingVf p = fromLink(pf, pfDir, name, representor);
            if (p != null) {
                pending.add(p);
            }
        }
        List<@Nullable VirtualFunction> read = readAll(pf, pending);
        Map<Integer, VirtualFunction> vfs = new TreeMap<>();
        for (int i = 0; i < pending.size(); i++) {
            VirtualFunction vf = read.get(i);
            if (vf != null) {
                vfs.put(vf.vfId(), vf);
                PendingVf p = pending.get(i);
                String base = p.base;
                if (p.computed && !vf.pciAddress().equals(PciAddress.parse(base))) {
                    base = vf.pciAddress().toString(); // the link disagreed with the arithmetic: its VF
                }
                claimedVfs.add(base);
            }
        }
        return List.copyOf(vfs.values());
    }

    /**
     * A VF from the {@code virtfnN} link itself (readlink), with every problem of the link
     * reported; null when the link gives no VF.
     */
    private @Nullable PendingVf fromLink(PfFacts pf, String pfDir, String name, String representor) {
        String dev = pf.dev;
        Link link = sysfs.readLink(pfDir + name);
        if (!link.isTarget()) {
            if (link.kind() == Link.Kind.UNREADABLE) {
                problem(dev, name, Kind.UNREADABLE, "cannot read the " + name + " link; VF skipped");
            } else {
                problem(dev, name, Kind.NOT_A_LINK, name + " is not a symbolic link; VF skipped");
            }
            return null;
        }
        String target = link.target();
        String base = target.substring(target.lastIndexOf('/') + 1);
        if (!PciAddress.isValid(base)) {
            problem(dev, name, Kind.DANGLING_LINK, name + " points to '" + target + "', not a PCI device");
            return null;
        }
        int index;
        try {
            index = Integer.parseInt(name, "virtfn".length(), name.length(), 10);
        } catch (NumberFormatException e) {
            problem(dev, name, Kind.MALFORMED_VALUE, "VF index out of range");
            return null;
        }
        return new PendingVf(name, index, base, target, join(pf.realDir, target), representor, false);
    }

    /** VFs per task when reading on an executor: enough work per task to outweigh the hand-off. */
    private static final int CHUNK = 32;

    /**
     * Reads the pending VFs in order: on this thread, or in chunks on the executor, each chunk
     * with its own walker ({@link Sysfs}, problem list) whose problems are appended in chunk order, so
     * the report is the same either way.
     */
    private List<@Nullable VirtualFunction> readAll(PfFacts pf, List<PendingVf> pending) {
        List<@Nullable VirtualFunction> out = new ArrayList<>(pending.size());
        if (executor == null || pending.size() <= CHUNK) {
            for (PendingVf p : pending) {
                out.add(readOne(pf, p));
            }
            return out;
        }
        // the indexes the workers share are built here, before any task starts (fork copies them;
        // a worker finding one not built reads each VF's own files instead)
        indexes.net();
        indexes.rdma();
        for (PendingVf p : pending) {
            if (p.computed) {
                indexes.drivers(); // used only for VFs whose MAC was read through virtfnN/physfn
                break;
            }
        }
        List<CompletableFuture<SysfsWalk>> chunks = new ArrayList<>();
        List<List<@Nullable VirtualFunction>> results = new ArrayList<>();
        for (int from = 0; from < pending.size(); from += CHUNK) {
            List<PendingVf> part = pending.subList(from, Math.min(pending.size(), from + CHUNK));
            List<@Nullable VirtualFunction> partOut = new ArrayList<>(part.size());
            results.add(partOut);
            chunks.add(CompletableFuture.supplyAsync(
                    () -> {
                        SysfsWalk worker = fork();
                        for (PendingVf p : part) {
                            partOut.add(worker.readOne(pf, p));
                        }
                        return worker;
                    },
                    executor));
        }
        for (int i = 0; i < chunks.size(); i++) {
            SysfsWalk worker = chunks.get(i).join(); // join() orders the chunk's writes before ours
            problems.addAll(worker.problems);
            out.addAll(results.get(i));
        }
        return out;
    }

    /** A walker for one chunk of VFs: same tree and indexes, its own {@link Sysfs} and problems. */
    private SysfsWalk fork() {
        return new SysfsWalk(sysfs.fork(), root, null, indexes.frozen());
    }

    /** One VF, with every problem it causes recorded by this walker; null if it is not there. */
    private @Nullable VirtualFunction readOne(PfFacts pf, PendingVf p) {
        try {
            PendingVf q = p;
            String mac = null;
            if (p.computed) {
                // The address came from sriov_offset/sriov_stride; the virtfnN link and the VF's
                // physfn are checked by reading the netdev's address through both:
                // <PF>/virtfnN/physfn/virtfnN/net/<if>/address opens only if virtfnN leads to a
                // directory whose physfn leads to a directory whose virtfnN leads to the device that
                // holds netdev <if>, which the class/net index gives as the computed VF. A netdev
                // lives under exactly one device, so that directory is the VF itself, and the
                // directory its physfn leads to lists it as virtfnN: the PF. Anything else (a VF
                // without netdev, a broken or disagreeing virtfnN, a missing or wrong physfn, an
                // unreadable address) reads the link itself, as without sriov_offset, and so
                // reports exactly as before.
                mac = macThroughVirtfn(pf, p);
                if (mac == null) {
                    q = fromLink(pf, pf.realDir + "/", p.link, p.representor);
                    if (q == null) {
                        return null;
                    }
                }
            }
            VirtualFunction vf = readVirtual(q.index, PciAddress.parse(q.base), q.base, q.dir, pf, q.representor, mac);
            // a MAC read through virtfnN/physfn/virtfnN is readVirtual's physfn check
            if (vf == null) {
                problem(
                        pf.dev,
                        q.link,
                        Kind.DANGLING_LINK,
                        q.link + " points to " + q.target + " which does not exist");
            }
            return vf;
        } catch (RuntimeException e) {
            unexpected(p.base, e);
            return null;
        }
    }

    /**
     * The MAC of the computed VF's netdev read through {@code <PF>/virtfnN} and back through the
     * VF's {@code physfn} ({@code <PF>/virtfnN/physfn/virtfnN/net/<if>/address}), or null when
     * there is no such netdev in the index or the read fails for any reason.
     */
    private @Nullable String macThroughVirtfn(PfFacts pf, PendingVf p) {
        SysfsIndexes.NetIndex index = indexes.net();
        if (index == null) {
            return null;
        }
        List<SysfsIndexes.NetdevRef> direct = index.direct.get(p.base);
        if (direct == null || direct.isEmpty()) {
            return null;
        }
        SysfsIndexes.NetdevRef nd = direct.get(0);
        String ndDir = p.dir + "/net/" + nd.name();
        if (!nd.dir().equals(ndDir)) {
            return null; // the netdev lives elsewhere than beside the PF: not a sysfs-shaped tree
        }
        try {
            return sysfs.read(pf.realDir + "/" + p.link + "/physfn/" + p.link + "/net/" + nd.name() + "/address");
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Reads one VF found through its PF's {@code virtfnN} link, or returns null when the link
     * leads nowhere. Per-VF sysfs reads: {@code physfn} (checked, since the tree may be broken,
     * unless reading the MAC through it already did), {@code driver} (unless
     * {@code bus/pci/drivers} answered), {@code infiniband} presence (unless
     * {@code class/infiniband} answered), and the netdev's {@code address} (unless already read),
     * {@code mtu} and {@code type}; vendor, device id and NUMA node come from the PF (see the
     * comments below), falling back to the VF's own files when the PF's are unusable.
     *
     * @param macReadThroughVirtfn the MAC read through {@code virtfnN/physfn/virtfnN}, which also
     *     checked {@code physfn}, or null
     */
    private @Nullable VirtualFunction readVirtual(
            int index,
            PciAddress bdf,
            String dev,
            String dir,
            PfFacts pf,
            String representor,
            @Nullable String macReadThroughVirtfn) {
        // The PF is known from its virtfnN link; physfn is only checked for presence and type.
        // When the MAC was read through virtfnN/physfn/virtfnN (readOne), that read was the check,
        // and the driver comes from the bus/pci/drivers index, else from the VF's driver link.
        // Otherwise the check rides on the driver readlink: the kernel makes a VF its PF's sibling
        // (drivers/pci/iov.c pci_iov_add_virtfn sets virtfn->dev.parent = dev->dev.parent) and
        // physfn a link to the PF, so <vf>/physfn/../<vf>/driver is the VF's own driver link. That
        // path resolves only if physfn exists and leads to a directory beside the VF: a regular
        // file ends the walk (ENOTDIR), a missing physfn too (ENOENT), and a directory named physfn
        // leads back into the VF, which holds no entry named after itself. Anything else (unbound
        // VF, broken physfn, a hand-built tree where the VF is not the PF's sibling) takes the two
        // separate readlinks below, which report exactly what is wrong.
        String driver;
        if (macReadThroughVirtfn != null) {
            String indexed = indexedDriver(dev);
            driver = indexed != null ? indexed : driverLink(dev, dir);
        } else {
            Link viaPhysfn = sysfs.readLink(dir + "/physfn/../" + dev + "/driver");
            if (viaPhysfn.isTarget()) {
                driver = viaPhysfn.target().substring(viaPhysfn.target().lastIndexOf('/') + 1);
            } else {
                Link physfn = sysfs.readLink(dir + "/physfn");
                if (physfn.kind() == Link.Kind.ABSENT) {
                    if (!sysfs.isDirectory(dir)) {
                        return null;
                    }
                    problem(dev, "physfn", Kind.MISSING_FILE, "VF listed by PF " + pf.bdf + " has no physfn link");
                } else if (physfn.kind() == Link.Kind.NOT_A_LINK) {
                    problem(
                            dev,
                            "physfn",
                            Kind.NOT_A_LINK,
                            "physfn is not a symbolic link; PF taken from " + pf.bdf + "'s virtfn" + index);
                } else if (physfn.kind() == Link.Kind.UNREADABLE) {
                    problem(
                            dev,
                            "physfn",
                            Kind.UNREADABLE,
                            "cannot read the physfn link; PF taken from virtfn" + index);
                }
                driver = driverLink(dev, dir); // per VF: iavf, mlx5_core, vfio-pci... differ between VFs
            }
        }
        // Vendor and device: drivers/pci/iov.c pci_iov_add_virtfn() sets virtfn->vendor =
        // dev->vendor (the PF's) and virtfn->device = iov->vf_device, the VF Device ID of the PF's
        // SR-IOV capability, which the PF shows as sriov_vf_device. The VF's modalias is built from
        // the same two fields, so reading it per VF only repeats them. (A PCI quirk could in theory
        // rewrite a VF's ids after creation; none is known for NICs: inferred.)
        String vendor = pf.vendor;
        String device = pf.vfDevice;
        if (vendor.isEmpty() || device.isEmpty()) {
            Ids own = ownIds(dev, dir);
            vendor = vendor.isEmpty() ? own.vendor : vendor;
            device = device.isEmpty() ? own.device : device;
        }
        // NUMA node: the VF is created on the PF's bus or a bus added below it (virtfn_add_bus), and
        // pci_device_add() gives every device its bus's node, the PF's. Only an administrator writing
        // the PF's numa_node (a firmware-bug override) makes them differ (inferred from the kernel
        // code paths). When the PF's value is unusable, the VF's own file is read.
        int numa;
        if (pf.numa != null) {
            numa = pf.numa;
        } else {
            numa = sysfs.exists(dir + "/numa_node") ? intFile(dir, "numa_node", dev, -1) : -1;
        }
        // acpi_index is not probed for VFs: the kernel shows it only for a device whose ACPI
        // companion has the PCI firmware _DSM naming function (drivers/pci/pci-label.c), i.e. one
        // described in the firmware's ACPI tables, and VFs are created at run time by the PF driver,
        // after firmware built those tables (inferred: no firmware is known to describe VFs). A
        // stray acpi_index file under a VF is therefore ignored; VFs report "".
        Set<String> rdmaDevices = indexes.rdma();
        boolean rdma = rdmaDevices != null ? rdmaDevices.contains(dev) : sysfs.exists(dir + "/infiniband");
        List<SysfsIndexes.NetdevRef> netdevs = netdevs(dev, dir);
        Netdev nd = Netdev.NONE;
        if (netdevs.isEmpty()) {
            problem(
                    dev,
                    "net",
                    Kind.NO_NETDEV,
                    driver.isEmpty() ? "VF has no netdev and no driver" : "VF has no netdev (bound to " + driver + ")");
        } else {
            nd = netdev(dev, netdevs.get(0), false, macReadThroughVirtfn);
        }
        return new VirtualFunction(
                index,
                bdf,
                netdevs.isEmpty() ? "" : netdevs.get(0).name(),
                driver,
                vendor,
                device,
                nd.mac,
                nd.mtu,
                numa,
                nd.linkType,
                representor,
                "",
                rdma);
    }

    /** A VF's ids from its own files, when its PF's cannot stand in for them. */
    private Ids ownIds(String dev, String dir) {
        String modalias = read(dir, "modalias", dev, false);
        Matcher m = modalias == null ? null : MODALIAS.matcher(modalias);
        if (m != null && m.matches()) {
            return new Ids(m.group(1).toLowerCase(Locale.ROOT), m.group(2).toLowerCase(Locale.ROOT));
        }
        // hexId reports a missing or malformed file itself
        return new Ids(hexId(dev, dir, "vendor"), hexId(dev, dir, "device"));
    }

    private record Ids(String vendor, String device) {}

    private Ids ids(String dev, String dir, Set<String> names) {
        Ids fromModalias = modaliasIds.get(dev);
        if (fromModalias != null) {
            return fromModalias;
        }
        String vendor = names.contains("vendor") ? hexId(dev, dir, "vendor") : "";
        String device = names.contains("device") ? hexId(dev, dir, "device") : "";
        if ((vendor.isEmpty() || device.isEmpty()) && names.contains("modalias")) {
            String modalias = read(dir, "modalias", dev, true);
            Matcher m = modalias == null ? null : MODALIAS.matcher(modalias);
            if (m != null && m.matches()) {
                vendor = vendor.isEmpty() ? m.group(1).toLowerCase(Locale.ROOT) : vendor;
                device = device.isEmpty() ? m.group(2).toLowerCase(Locale.ROOT) : device;
            }
        }
        if (vendor.isEmpty() && !names.contains("vendor")) {
            problem(dev, "vendor", Kind.MISSING_FILE, "no vendor id");
        }
        if (device.isEmpty() && !names.contains("device")) {
            problem(dev, "device", Kind.MISSING_FILE, "no device id");
        }
        return new Ids(vendor, device);
    }

    private String hexId(String dev, String dir, String file) {
        String raw = read(dir, file, dev, true);
        if (raw == null) {
            return "";
        }
        String id = strip0x(raw).toLowerCase(Locale.ROOT);
        if (!HEX_ID.matcher(id).matches()) {
            problem(dev, file, Kind.MALFORMED_VALUE, "'" + raw + "' is not a 16-bit hex id");
            return "";
        }
        return id;
    }

    private String driver(String dev, String dir, Set<String> names) {
        if (!names.contains("driver")) {
            problem(dev, "driver", Kind.NO_DRIVER, "not bound to a driver");
            return "";
        }
        return driverLink(dev, dir);
    }

    /** The basename of the {@code driver} link; one readlink, absence means "not bound". */
    private String driverLink(String dev, String dir) {
        Link link = sysfs.readLink(dir + "/driver");
        if (link.kind() == Link.Kind.ABSENT) {
            problem(dev, "driver", Kind.NO_DRIVER, "not bound to a driver");
            return "";
        }
        if (link.kind() == Link.Kind.UNREADABLE) {
            problem(dev, "driver", Kind.UNREADABLE, "cannot read the driver link; driver unknown");
            return "";
        }
        if (link.kind() == Link.Kind.NOT_A_LINK) {
            problem(dev, "driver", Kind.NOT_A_LINK, "driver is not a symbolic link; driver unknown");
            return "";
        }
        String target = link.target();
        return target.substring(target.lastIndexOf('/') + 1);
    }

    private record Netdev(String mac, int mtu, String speed, String linkType, String adminState, String operState) {
        static final Netdev NONE = new Netdev("", -1, "", "", "", "");
    }

    private Netdev netdev(String dev, SysfsIndexes.NetdevRef ref, boolean physical, @Nullable String macAlreadyRead) {
        String ndDir = ref.dir();
        String where = "net/" + ref.name() + "/";
        String mac = macAlreadyRead != null ? macAlreadyRead : Values.str(readAt(ndDir, "address", dev, where));
        int mtu = intAt(ndDir, "mtu", dev, where, -1);
        String type = readAt(ndDir, "type", dev, where);
        String linkType = "";
        if (type != null) {
            switch (type) {
                case "1" -> linkType = "ETH";
                case "32" -> linkType = "IB";
                default -> {
                    if (!type.matches("\\d+")) {
                        problem(dev, where + "type", Kind.MALFORMED_VALUE, "'" + type + "' is not an ARPHRD number");
                    }
                }
            }
        }
        if (!physical) {
            return new Netdev(mac, mtu, "", linkType, "", "");
        }
        String oper = Values.str(readAt(ndDir, "operstate", dev, where));
        String speed = "";
        // speed is unreadable (EINVAL) or -1 on a link that is down: the operator reports "" then
        String rawSpeed = readQuiet(ndDir + "/speed");
        if (rawSpeed != null) {
            try {
                long s = Long.parseLong(rawSpeed);
                speed = s > 0 ? s + " Mb/s" : "";
            } catch (NumberFormatException e) {
                problem(dev, where + "speed", Kind.MALFORMED_VALUE, "'" + rawSpeed + "' is not a number");
            }
        }
        String admin = "";
        String flags = readQuiet(ndDir + "/flags");
        if (flags != null) {
            try {
                admin = (Integer.parseInt(strip0x(flags), 16) & IFF_UP) != 0 ? "up" : "down";
            } catch (NumberFormatException e) {
                problem(dev, where + "flags", Kind.MALFORMED_VALUE, "'" + flags + "' is not hex flags");
            }
        }
        return new Netdev(mac, mtu, speed, linkType, admin, oper);
    }

    /**
     * The netdevs of the device {@code dev} (a PCI address as sysfs spells it): those directly in
     * its {@code net/}, else those below a child device (virtio's {@code virtioN/net/}), in name
     * order. They come from the {@code class/net} index; without one (no {@code class/net}), from
     * listing the device's {@code net/} directory.
     */
    private List<SysfsIndexes.NetdevRef> netdevs(String dev, String dir) {
        SysfsIndexes.NetIndex index = indexes.net();
        if (index != null) {
            List<SysfsIndexes.NetdevRef> direct = index.direct.get(dev);
            if (direct != null) {
                return direct;
            }
            return index.below.getOrDefault(dev, List.of());
        }
        return listNet(dir);
    }

    /** The netdevs in the device's own {@code net/} directory, in name order. */
    private List<SysfsIndexes.NetdevRef> listNet(String dir) {
        String net = dir + "/net";
        String[] names = sysfs.list(net);
        if (names == null) {
            return List.of();
        }
        Arrays.sort(names);
        List<SysfsIndexes.NetdevRef> out = new ArrayList<>();
        for (String n : names) {
            out.add(new SysfsIndexes.NetdevRef(n, net + "/" + n));
        }
        return out;
    }

    /**
     * The driver {@code bus/pci/drivers} shows the device {@code dev} bound to, or null when the
     * index does not know it (then the device's own {@code driver} link is read).
     */
    private @Nullable String indexedDriver(String dev) {
        Map<String, String> index = indexes.drivers();
        String driver = index == null ? null : index.get(dev);
        return driver == null || driver.isEmpty() ? null : driver;
    }

    /** Whether the device has an RDMA device: from the {@code class/infiniband} index if any. */
    private boolean hasRdma(String dev, boolean listed) {
        Set<String> index = indexes.rdma();
        return index != null ? index.contains(dev) : listed;
    }

    /**
     * {@code relative} (a link target) resolved against the directory {@code base} and normalised
     * lexically. Correct for sysfs, whose directories are real directories (links only at leaves).
     */
    static String join(String base, String relative) {
        if (relative.startsWith("/")) {
            return relative;
        }
        StringBuilder b = new StringBuilder(base.length() + relative.length() + 1).append(base);
        int from = 0;
        while (from <= relative.length()) {
            int to = relative.indexOf('/', from);
            if (to < 0) {
                to = relative.length();
            }
            int len = to - from;
            if (len == 2 && relative.charAt(from) == '.' && relative.charAt(from + 1) == '.') {
                int cut = b.lastIndexOf("/");
                String last = b.substring(cut + 1);
                if (b.length() == 0 || last.equals("..")) {
                    b.append(b.length() == 0 ? ".." : "/..");
                } else if (cut > 0) {
                    b.setLength(cut);
                } else if (cut == 0) {
                    b.setLength(1); // at or below "/": "/.." is "/"
                } else {
                    b.setLength(0);
                }
            } else if (len > 0 && !(len == 1 && relative.charAt(from) == '.')) {
                if (b.length() > 0 && b.charAt(b.length() - 1) != '/') {
                    b.append('/');
                }
                b.append(relative, from, to);
            }
            from = to + 1;
        }
        return b.toString();
    }

    /** {@code dir} with symbolic links resolved by reading its own link, if it is one. */
    private String realDir(String dir) {
        Link link = sysfs.readLink(dir);
        if (link.isTarget()) {
            // the parent as Path.getParent gives it: none for a bare name, "/" below the root
            int slash = dir.lastIndexOf('/');
            String parent = slash < 0 ? null : slash == 0 ? "/" : dir.substring(0, slash);
            return parent == null ? link.target() : join(parent, link.target());
        }
        return dir;
    }

    private List<String> list(String dir, String dev, String rel) {
        String[] names = sysfs.list(dir);
        if (names == null) {
            if (!sysfs.exists(dir)) {
                problem(dev, rel, Kind.MISSING_DIRECTORY, "directory does not exist");
            } else {
                problem(dev, rel, Kind.UNREADABLE, "cannot list directory");
            }
            return List.of();
        }
        Arrays.sort(names);
        return Arrays.asList(names);
    }

    private int intFile(String dir, String file, String dev, int fallback) {
        return intAt(dir, file, dev, "", fallback);
    }

    private int intAt(String dir, String file, String dev, String prefix, int fallback) {
        String raw = readAt(dir, file, dev, prefix);
        if (raw == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            problem(
                    dev,
                    prefix + file,
                    Kind.MALFORMED_VALUE,
                    "'" + abbreviate(raw) + "' is not an integer; using " + fallback);
            return fallback;
        }
    }

    private @Nullable String read(String dir, String file, String dev, boolean missingIsProblem) {
        return readAt(dir, file, dev, "", missingIsProblem);
    }

    private @Nullable String readAt(String dir, String file, String dev, String prefix) {
        return readAt(dir, file, dev, prefix, true);
    }

    /** Reads {@code dir/file}; paths are built as strings. */
    private @Nullable String readAt(String dir, String file, String dev, String prefix, boolean missingIsProblem) {
        try {
            return sysfs.read(dir + "/" + file);
        } catch (NoSuchFileException e) {
            if (missingIsProblem) {
                problem(dev, prefix + file, Kind.MISSING_FILE, "file does not exist");
            }
        } catch (IOException e) {
            problem(dev, prefix + file, Kind.UNREADABLE, "cannot read: " + e.getMessage());
        }
        return null;
    }

    private @Nullable String readQuiet(String path) {
        try {
            return sysfs.read(path);
        } catch (IOException e) {
            return null;
        }
    }

    private static String strip0x(String s) {
        String t = s.trim();
        return t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private void unexpected(String dev, RuntimeException e) {
        LOG.warn("SR-IOV discovery: unexpected failure on {}", dev, e);
        problem(dev, "", Kind.UNEXPECTED, e.toString());
    }

    private void problem(String dev, String file, Kind kind, String detail) {
        problems.add(new DiscoveryProblem(dev, file, kind, detail));
    }
}
