package io.fabricbinder.sriov;

import io.fabricbinder.sriov.DiscoveryProblem.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One pass over a sysfs tree. Not thread-safe; used once by {@link SriovDiscovery#discover()}. */
final class SysfsWalk {
    private static final Logger LOG = LoggerFactory.getLogger(SysfsWalk.class);
    private static final Pattern VIRTFN = Pattern.compile("virtfn(\\d+)");
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{4}");
    private static final Pattern REPRESENTOR = Pattern.compile("(?:c\\d+)?pf(\\d+)vf(\\d+)");
    private static final Pattern UPLINK = Pattern.compile("p\\d+");
    private static final Pattern MODALIAS =
            Pattern.compile("pci:v0000([0-9A-Fa-f]{4})d0000([0-9A-Fa-f]{4}).*bc([0-9A-Fa-f]{2}).*");
    private static final int IFF_UP = 0x1;

    private final Path root;
    private final Path busDevices;
    private final List<DiscoveryProblem> problems = new ArrayList<>();
    private @Nullable Map<Path, List<String>> classNetByDevice;
    private final Map<PciAddress, Set<String>> entryCache = new HashMap<>();
    private final Set<String> foundViaClassNet = new HashSet<>();
    private final Map<String, Ids> modaliasIds = new HashMap<>();
    private static final String NOT_A_LINK = "\u0000not-a-link";

    SysfsWalk(Path root) {
        this.root = root;
        this.busDevices = root.resolve("bus/pci/devices");
    }

    SriovReport run() {
        boolean vhostNet = Files.exists(root.resolve("class/misc/vhost-net"))
                || Files.exists(root.resolve("devices/virtual/misc/vhost-net"));
        if (!Files.isDirectory(busDevices)) {
            problem("", "bus/pci/devices", Kind.MISSING_DIRECTORY, "no PCI device directory under " + root);
            return new SriovReport(List.of(), problems, vhostNet);
        }
        // BDF -> entries of the device directory, for network-class functions only
        Map<PciAddress, Path> network = new TreeMap<>();
        for (String entry : list(busDevices, "", "bus/pci/devices")) {
            if (!PciAddress.isValid(entry)) {
                problem(entry, "bus/pci/devices/" + entry, Kind.MALFORMED_VALUE, "entry is not a PCI address");
                continue;
            }
            PciAddress bdf = PciAddress.parse(entry);
            try {
                if (isNetworkClass(bdf, busDevices.resolve(entry))) {
                    network.put(bdf, busDevices.resolve(entry));
                }
            } catch (RuntimeException e) {
                unexpected(bdf.toString(), e);
            }
        }
        List<PhysicalFunction> interfaces = new ArrayList<>();
        Set<PciAddress> claimedVfs = new HashSet<>();
        List<PciAddress> vfCandidates = new ArrayList<>();
        for (Map.Entry<PciAddress, Path> e : network.entrySet()) {
            PciAddress bdf = e.getKey();
            Path dir = e.getValue();
            try {
                Set<String> names = entries(dir, bdf);
                entryCache.put(bdf, names);
                if (names.contains("physfn")) {
                    vfCandidates.add(bdf);
                    continue;
                }
                interfaces.add(readPhysical(bdf, dir, names, claimedVfs));
            } catch (RuntimeException ex) {
                unexpected(bdf.toString(), ex);
            }
        }
        for (PciAddress vf : vfCandidates) {
            if (!claimedVfs.contains(vf)) {
                Path physfn = network.get(vf).resolve("physfn");
                String target = readLink(physfn);
                String detail = target != null && !target.equals(NOT_A_LINK)
                        ? "VF's physfn points to " + target + " but no PF lists it in a virtfnN link"
                        : "physfn is not a symbolic link and no PF lists this VF";
                problem(vf.toString(), "physfn", Kind.ORPHAN_VIRTUAL_FUNCTION, detail);
            }
        }
        return new SriovReport(interfaces, problems, vhostNet);
    }

    /**
     * Classifies from {@code modalias} (one read gives class, vendor and device, as ghw does),
     * falling back to the {@code class} file; remembers the ids for {@link #ids}.
     */
    private boolean isNetworkClass(PciAddress bdf, Path dir) {
        String dev = bdf.toString();
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

    private PhysicalFunction readPhysical(PciAddress bdf, Path dir, Set<String> names, Set<PciAddress> claimed) {
        String dev = bdf.toString();
        Ids ids = ids(dev, dir, names);
        String driver = driver(dev, dir, names);
        int numa = numa(dev, dir, names);
        String acpi = names.contains("acpi_index") ? Values.str(read(dir, "acpi_index", dev, true)) : "";
        boolean rdma = names.contains("infiniband");
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

        List<String> netdevs = netdevs(dev, dir, names);
        // In switchdev mode the PF's net/ also holds one representor per VF (phys_port_name pfXvfY).
        Map<Integer, String> representors = new HashMap<>();
        String uplink = "";
        List<String> ordered = new ArrayList<>();
        for (String nd : netdevs) {
            Path ndDir = netdevDir(dir, nd);
            String portName = readQuiet(ndDir.resolve("phys_port_name"));
            Matcher rep = portName == null ? null : REPRESENTOR.matcher(portName);
            if (rep != null && rep.matches()) {
                representors.put(Integer.parseInt(rep.group(2)), nd);
            } else if (uplink.isEmpty()
                    && (portName == null
                            || portName.isEmpty()
                            || UPLINK.matcher(portName).matches())) {
                uplink = nd;
            }
        }
        if (uplink.isEmpty() && !netdevs.isEmpty() && representors.isEmpty()) {
            uplink = netdevs.get(0);
        }
        if (!uplink.isEmpty()) {
            ordered.add(uplink);
        }
        for (String nd : netdevs) {
            if (!nd.equals(uplink)) {
                ordered.add(nd);
            }
        }
        if (netdevs.isEmpty()) {
            problem(dev, "net", Kind.NO_NETDEV, "no netdev (driver '" + driver + "')");
        }
        Netdev nd = uplink.isEmpty() ? Netdev.NONE : netdev(dev, netdevDir(dir, uplink), true);

        List<VirtualFunction> vfs = sriov ? virtualFunctions(bdf, dir, names, representors, claimed) : List.of();
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
                uplink,
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

    private List<VirtualFunction> virtualFunctions(
            PciAddress pf, Path dir, Set<String> names, Map<Integer, String> representors, Set<PciAddress> claimed) {
        Map<Integer, VirtualFunction> vfs = new TreeMap<>();
        String dev = pf.toString();
        for (String name : names) {
            Matcher m = VIRTFN.matcher(name);
            if (!m.matches()) {
                continue;
            }
            Path link = dir.resolve(name);
            String target = readLink(link);
            if (target == null || target.equals(NOT_A_LINK)) {
                problem(dev, name, Kind.NOT_A_LINK, name + " is not a symbolic link; VF skipped");
                continue;
            }
            String base = target.substring(target.lastIndexOf('/') + 1);
            if (!PciAddress.isValid(base)) {
                problem(dev, name, Kind.DANGLING_LINK, name + " points to '" + target + "', not a PCI device");
                continue;
            }
            PciAddress vfAddress = PciAddress.parse(base);
            Set<String> vfNames = entryCache.get(vfAddress);
            if (vfNames == null) {
                vfNames = tryEntries(link);
            }
            if (vfNames == null) {
                problem(dev, name, Kind.DANGLING_LINK, name + " points to " + target + " which does not exist");
                continue;
            }
            int index;
            try {
                index = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                problem(dev, name, Kind.MALFORMED_VALUE, "VF index out of range");
                continue;
            }
            try {
                vfs.put(index, readVirtual(index, vfAddress, link, vfNames, pf, representors.getOrDefault(index, "")));
                claimed.add(vfAddress);
            } catch (RuntimeException e) {
                unexpected(vfAddress.toString(), e);
            }
        }
        return List.copyOf(vfs.values());
    }

    private VirtualFunction readVirtual(
            int index, PciAddress bdf, Path dir, Set<String> names, PciAddress pf, String representor) {
        String dev = bdf.toString();
        if (!names.contains("physfn")) {
            problem(dev, "physfn", Kind.MISSING_FILE, "VF listed by PF " + pf + " has no physfn link");
        } else if (NOT_A_LINK.equals(readLink(dir.resolve("physfn")))) {
            problem(
                    dev,
                    "physfn",
                    Kind.NOT_A_LINK,
                    "physfn is not a symbolic link; PF taken from " + pf + "'s virtfn" + index);
        }
        Ids ids = ids(dev, dir, names);
        String driver = driver(dev, dir, names);
        int numa = numa(dev, dir, names);
        String acpi = names.contains("acpi_index") ? Values.str(read(dir, "acpi_index", dev, true)) : "";
        List<String> netdevs = netdevs(dev, dir, names);
        Netdev nd = Netdev.NONE;
        if (netdevs.isEmpty()) {
            problem(
                    dev,
                    "net",
                    Kind.NO_NETDEV,
                    driver.isEmpty() ? "VF has no netdev and no driver" : "VF has no netdev (bound to " + driver + ")");
        } else {
            nd = netdev(dev, netdevDir(dir, netdevs.get(0)), false);
        }
        return new VirtualFunction(
                index,
                bdf,
                netdevs.isEmpty() ? "" : netdevs.get(0),
                driver,
                ids.vendor,
                ids.device,
                nd.mac,
                nd.mtu,
                numa,
                nd.linkType,
                representor,
                acpi,
                names.contains("infiniband"));
    }

    private record Ids(String vendor, String device) {}

    private Ids ids(String dev, Path dir, Set<String> names) {
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

    private String hexId(String dev, Path dir, String file) {
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

    private String driver(String dev, Path dir, Set<String> names) {
        if (!names.contains("driver")) {
            problem(dev, "driver", Kind.NO_DRIVER, "not bound to a driver");
            return "";
        }
        String target = readLink(dir.resolve("driver"));
        if (target == null || target.equals(NOT_A_LINK)) {
            problem(dev, "driver", Kind.NOT_A_LINK, "driver is not a symbolic link; driver unknown");
            return "";
        }
        return target.substring(target.lastIndexOf('/') + 1);
    }

    private int numa(String dev, Path dir, Set<String> names) {
        return names.contains("numa_node") ? intFile(dir, "numa_node", dev, -1) : -1;
    }

    private record Netdev(String mac, int mtu, String speed, String linkType, String adminState, String operState) {
        static final Netdev NONE = new Netdev("", -1, "", "", "", "");
    }

    private Netdev netdev(String dev, Path ndDir, boolean physical) {
        String ifname = ndDir.getFileName().toString();
        String where = "net/" + ifname + "/";
        String mac = Values.str(readAt(ndDir, "address", dev, where));
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
        String rawSpeed = readQuiet(ndDir.resolve("speed"));
        if (rawSpeed != null) {
            try {
                long s = Long.parseLong(rawSpeed);
                speed = s > 0 ? s + " Mb/s" : "";
            } catch (NumberFormatException e) {
                problem(dev, where + "speed", Kind.MALFORMED_VALUE, "'" + rawSpeed + "' is not a number");
            }
        }
        String admin = "";
        String flags = readQuiet(ndDir.resolve("flags"));
        if (flags != null) {
            try {
                admin = (Integer.parseInt(strip0x(flags), 16) & IFF_UP) != 0 ? "up" : "down";
            } catch (NumberFormatException e) {
                problem(dev, where + "flags", Kind.MALFORMED_VALUE, "'" + flags + "' is not hex flags");
            }
        }
        return new Netdev(mac, mtu, speed, linkType, admin, oper);
    }

    private List<String> netdevs(String dev, Path dir, Set<String> names) {
        List<String> result = new ArrayList<>();
        if (names.contains("net")) {
            result.addAll(list(dir.resolve("net"), dev, "net"));
        }
        if (result.isEmpty()) {
            List<String> viaClass = classNet().getOrDefault(realPath(dir), List.of());
            foundViaClassNet.addAll(viaClass);
            result.addAll(viaClass);
        }
        return result;
    }

    /** Where to read a netdev's attributes: the device's net/ or class/net (same directory in sysfs). */
    private Path netdevDir(Path dir, String ifname) {
        return foundViaClassNet.contains(ifname)
                ? root.resolve("class/net").resolve(ifname)
                : dir.resolve("net").resolve(ifname);
    }

    /** class/net/IF/device resolved to the PCI function directory (or its parent, for virtio). */
    private Map<Path, List<String>> classNet() {
        if (classNetByDevice == null) {
            Map<Path, List<String>> map = new HashMap<>();
            Path classNet = root.resolve("class/net");
            if (Files.isDirectory(classNet)) {
                for (String ifname : list(classNet, "", "class/net")) {
                    Path device = classNet.resolve(ifname).resolve("device");
                    if (!Files.exists(device)) {
                        continue; // virtual netdev (lo, veth, bridge...)
                    }
                    Path real = realPath(device);
                    map.computeIfAbsent(real, k -> new ArrayList<>()).add(ifname);
                    Path parent = real.getParent();
                    if (parent != null && !PciAddress.isValid(real.getFileName().toString())) {
                        map.computeIfAbsent(parent, k -> new ArrayList<>()).add(ifname);
                    }
                }
            }
            classNetByDevice = map;
        }
        return classNetByDevice;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private Set<String> entries(Path dir, PciAddress bdf) {
        return new HashSet<>(list(dir, bdf.toString(), "."));
    }

    private List<String> list(Path dir, String dev, String rel) {
        // File.list is markedly cheaper than a DirectoryStream (no Path per entry)
        String[] names = dir.toFile().list();
        if (names == null) {
            if (!Files.exists(dir)) {
                problem(dev, rel, Kind.MISSING_DIRECTORY, "directory does not exist");
            } else {
                problem(dev, rel, Kind.UNREADABLE, "cannot list directory");
            }
            return List.of();
        }
        Arrays.sort(names);
        return Arrays.asList(names);
    }

    /** The link target, {@link #NOT_A_LINK} for a file or directory, null if absent or unreadable. */
    private static @Nullable String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (NotLinkException e) {
            return NOT_A_LINK;
        } catch (IOException e) {
            return null;
        }
    }

    private static @Nullable Set<String> tryEntries(Path dir) {
        String[] names = dir.toFile().list();
        return names == null ? null : new HashSet<>(Arrays.asList(names));
    }

    private int intFile(Path dir, String file, String dev, int fallback) {
        return intAt(dir, file, dev, "", fallback);
    }

    private int intAt(Path dir, String file, String dev, String prefix, int fallback) {
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

    private @Nullable String read(Path dir, String file, String dev, boolean missingIsProblem) {
        return readAt(dir, file, dev, "", missingIsProblem);
    }

    private @Nullable String readAt(Path dir, String file, String dev, String prefix) {
        return readAt(dir, file, dev, prefix, true);
    }

    private @Nullable String readAt(Path dir, String file, String dev, String prefix, boolean missingIsProblem) {
        Path p = dir.resolve(file);
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            if (missingIsProblem) {
                problem(dev, prefix + file, Kind.MISSING_FILE, "file does not exist");
            }
        } catch (IOException e) {
            problem(dev, prefix + file, Kind.UNREADABLE, "cannot read: " + e.getMessage());
        }
        return null;
    }

    private static @Nullable String readQuiet(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
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
