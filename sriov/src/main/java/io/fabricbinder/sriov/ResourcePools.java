package io.fabricbinder.sriov;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Which devices of this node form which device-plugin resource pool, computed the way
 * sriov-network-device-plugin does it:
 *
 * <ol>
 *   <li>Candidates are all network functions except SR-IOV PFs that have VFs configured (their VFs
 *       are offered instead) and functions whose netdev carries the IPv4 default route.
 *   <li>Pools are visited in {@code resourceList} order and, within a pool, selector objects in
 *       order; a device goes to the first selector that matches and is then taken ("first match
 *       wins"); within one selector every non-empty field must match (AND).
 * </ol>
 *
 * <pre>{@code
 * ResourcePools pools = ResourcePools.compute(report, DevicePluginConfig.parse(json));
 * pools.findPool("intel.com/sriov_a").map(p -> p.devices().size());
 * }</pre>
 *
 * <p>Only {@code netDevice} pools are computed; {@code accelerator} and {@code auxNetDevice}
 * pools come out empty with a note, as do selectors that need data sysfs lacks ({@code
 * ddpProfiles}, {@code pKeys}, {@code vdpaType}): the note names the pool, the selector and each
 * such field. The config's {@link DevicePluginConfig#warnings() warnings} (ignored keys) come first
 * in the notes. Nothing in the config is ignored without a note. Immutable and thread-safe.
 *
 * @param pools one pool per {@code resourceList} entry, in config order
 * @param notes explanations for pools, selectors or keys that could not be evaluated
 */
public record ResourcePools(
        @JsonProperty("pools") List<ResourcePool> pools,
        @JsonProperty("notes") List<String> notes) {

    /** Copies the lists. */
    public ResourcePools(@Nullable List<ResourcePool> pools, @Nullable List<String> notes) {
        this.pools = Values.list(pools);
        this.notes = Values.list(notes);
    }

    /** Pools with no interface excluded for carrying the default route. */
    public static ResourcePools compute(SriovReport report, DevicePluginConfig config) {
        return compute(report, config, Set.of());
    }

    /**
     * Pools, excluding functions whose netdev is in {@code defaultRouteInterfaces} (see {@link
     * #defaultRouteInterfaces(String)}).
     */
    public static ResourcePools compute(
            SriovReport report, DevicePluginConfig config, Set<String> defaultRouteInterfaces) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(defaultRouteInterfaces, "defaultRouteInterfaces");
        List<Candidate> candidates = candidates(report, defaultRouteInterfaces);
        Set<PciAddress> taken = new HashSet<>();
        List<ResourcePool> pools = new ArrayList<>();
        List<String> notes = new ArrayList<>(config.warnings());
        for (ResourceConfig rc : config.resourceList()) {
            String prefix = rc.effectivePrefix(config.defaultResourcePrefix());
            String full = prefix + "/" + rc.resourceName();
            List<PoolDevice> devices = new ArrayList<>();
            if (!rc.deviceType().equals("netDevice")) {
                notes.add(full + ": deviceType " + rc.deviceType() + " is not evaluated; pool left empty");
            } else {
                for (int s = 0; s < rc.selectors().size(); s++) {
                    NetDeviceSelectors sel = rc.selectors().get(s);
                    List<String> unsupported = sel.unsupportedFields();
                    if (!unsupported.isEmpty()) {
                        notes.add(full + ": selectors[" + s + "]." + String.join(", selectors[" + s + "].", unsupported)
                                + " not evaluated (needs devlink, ethtool or vDPA data that sysfs does not"
                                + " carry); this selector matches nothing");
                        continue;
                    }
                    Predicate<Candidate> match = matcher(sel, report.vhostNetAvailable(), full, s, notes);
                    for (Candidate c : candidates) {
                        if (!taken.contains(c.address) && match.test(c)) {
                            taken.add(c.address);
                            devices.add(new PoolDevice(
                                    c.address,
                                    c.pfName,
                                    c.pfAddress,
                                    c.vfIndex,
                                    c.driver,
                                    rc.excludeTopology() ? -1 : c.numa));
                        }
                    }
                }
            }
            devices.sort((a, b) -> a.pciAddress().compareTo(b.pciAddress()));
            pools.add(new ResourcePool(prefix, rc.resourceName(), rc.deviceType(), devices));
        }
        return new ResourcePools(pools, notes);
    }

    /** The pool with extended resource name {@code prefix/name}. */
    public Optional<ResourcePool> findPool(String resource) {
        Objects.requireNonNull(resource, "resource");
        return pools.stream().filter(p -> p.resource().equals(resource)).findFirst();
    }

    /** The pool holding {@code device}, if any. */
    public Optional<ResourcePool> findPoolOf(PciAddress device) {
        Objects.requireNonNull(device, "device");
        return pools.stream()
                .filter(p -> p.devices().stream().anyMatch(d -> d.pciAddress().equals(device)))
                .findFirst();
    }

    /**
     * The interfaces holding an IPv4 default route, from the text of {@code /proc/net/route}
     * (destination {@code 00000000} and mask {@code 00000000}). The plugin never offers those.
     */
    public static Set<String> defaultRouteInterfaces(String procNetRoute) {
        Objects.requireNonNull(procNetRoute, "procNetRoute");
        Set<String> out = new HashSet<>();
        for (String line : procNetRoute.split("\n", -1)) {
            String[] f = line.trim().split("\\s+", -1);
            if (f.length >= 8 && f[1].equals("00000000") && f[7].equals("00000000")) {
                out.add(f[0]);
            }
        }
        return Set.copyOf(out);
    }

    private record Candidate(
            PciAddress address,
            String vendor,
            String device,
            String driver,
            String acpiIndex,
            String pfName,
            String pfAddress,
            int vfIndex,
            String linkType,
            boolean rdma,
            int numa) {}

    private static List<Candidate> candidates(SriovReport report, Set<String> defaultRoute) {
        List<Candidate> out = new ArrayList<>();
        for (PhysicalFunction pf : report.interfaces()) {
            boolean pfHasVfs = pf.sriovCapable()
                    && (pf.numVfs() > 0 || !pf.virtualFunctions().isEmpty());
            String pfLink = encap(pf.linkType());
            if (!pfHasVfs) {
                if (pf.netdevs().stream().noneMatch(defaultRoute::contains)) {
                    out.add(new Candidate(
                            pf.pciAddress(),
                            pf.vendor(),
                            pf.deviceId(),
                            pf.driver(),
                            pf.acpiIndex(),
                            "",
                            "",
                            -1,
                            pfLink,
                            pf.rdma(),
                            pf.numaNode()));
                }
                continue;
            }
            for (VirtualFunction vf : pf.virtualFunctions()) {
                if (!vf.name().isEmpty() && defaultRoute.contains(vf.name())) {
                    continue;
                }
                String link = vf.linkType().isEmpty() ? pfLink : encap(vf.linkType());
                out.add(new Candidate(
                        vf.pciAddress(),
                        vf.vendor(),
                        vf.deviceId(),
                        vf.driver(),
                        vf.acpiIndex(),
                        pf.name(),
                        pf.pciAddress().toString(),
                        vf.vfId(),
                        link,
                        vf.rdma(),
                        vf.numaNode()));
            }
        }
        out.sort((a, b) -> a.address.compareTo(b.address));
        return out;
    }

    /** Operator link type ({@code ETH}/{@code IB}) to the netlink encap name selectors use. */
    private static String encap(String linkType) {
        return switch (linkType) {
            case "ETH" -> "ether";
            case "IB" -> "infiniband";
            default -> "";
        };
    }

    private static Predicate<Candidate> matcher(
            NetDeviceSelectors s, boolean vhostNet, String pool, int index, List<String> notes) {
        List<VfRange> pfNames = s.pfNames().stream().map(VfRange::parse).toList();
        List<VfRange> roots = s.rootDevices().stream().map(VfRange::parse).toList();
        for (VfRange r : pfNames) {
            if (r.malformed) {
                notes.add(pool + ": selectors[" + index + "].pfNames entry for '" + r.pf
                        + "' is malformed; it selects nothing");
            }
        }
        for (VfRange r : roots) {
            if (r.malformed) {
                notes.add(pool + ": selectors[" + index + "].rootDevices entry for '" + r.pf
                        + "' is malformed; it selects nothing");
            }
        }
        if (s.needVhostNet() && !vhostNet) {
            // needVhostNet is not a selector in sriov-network-device-plugin: on a host without
            // /dev/vhost-net it logs a warning and still serves the VFs (without mounting vhost-net),
            // so the pool keeps them here too and only the note remains.
            notes.add(pool + ": selectors[" + index + "] sets needVhostNet but this host has no /dev/vhost-net;"
                    + " the device plugin still serves the selected VFs (without vhost-net), and so does this pool");
        }
        return c -> (s.vendors().isEmpty() || s.vendors().contains(c.vendor))
                && (s.devices().isEmpty() || s.devices().contains(c.device))
                && (s.drivers().isEmpty() || s.drivers().contains(c.driver))
                && (s.pciAddresses().isEmpty() || s.pciAddresses().contains(c.address.toString()))
                && (s.acpiIndexes().isEmpty()
                        || (!c.acpiIndex.isEmpty() && s.acpiIndexes().contains(c.acpiIndex)))
                && (pfNames.isEmpty()
                        || (!c.pfName.isEmpty()
                                && pfNames.stream().anyMatch(r -> r.selectsByName(c.pfName, c.vfIndex))))
                && (roots.isEmpty()
                        || (!c.pfAddress.isEmpty()
                                && roots.stream().anyMatch(r -> r.selectsByAddress(c.pfAddress, c.vfIndex))))
                && (s.linkTypes().isEmpty() || s.linkTypes().contains(c.linkType))
                && (!s.isRdma() || c.rdma);
    }
}
