package io.fabricbinder.sriov;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One element of Multus' {@code k8s.v1.cni.cncf.io/network-status} pod annotation (NPWG multi-net
 * spec), with its {@code device-info}. The one reader of that annotation: the node side ({@link
 * PodDevices}) and the controller's manifest model both use {@link #parseAnnotation}.
 *
 * <pre>{@code
 * NetworkStatus.Parsed p = NetworkStatus.parseAnnotation(annotations.get(NetworkStatus.ANNOTATION));
 * p.problems().forEach(pr -> report("metadata.annotations[...]" + pr.field(), pr.message()));
 * }</pre>
 *
 * @param name the network, {@code ns/name} (or a bare name in the pod's namespace)
 * @param interfaceName the interface, or null
 * @param ips assigned IPs
 * @param mac the MAC, or null
 * @param isDefault true for the cluster default network
 * @param deviceInfo the device-info, or null
 */
public record NetworkStatus(
        String name,
        @Nullable String interfaceName,
        List<String> ips,
        @Nullable String mac,
        boolean isDefault,
        @Nullable DeviceInfo deviceInfo) {

    /** The annotation key (older Multus wrote {@link #OLD_ANNOTATION}; same format). */
    public static final String ANNOTATION = "k8s.v1.cni.cncf.io/network-status";

    /** The annotation key older Multus versions wrote. */
    public static final String OLD_ANNOTATION = "k8s.v1.cni.cncf.io/networks-status";

    /** Values echoed in problems are cut to this many characters. */
    private static final int ECHO_MAX = 64;

    /** Validates and copies. */
    public NetworkStatus {
        Objects.requireNonNull(name, "name");
        ips = List.copyOf(ips);
    }

    /** The device-info, if present. */
    public Optional<DeviceInfo> findDeviceInfo() {
        return Optional.ofNullable(deviceInfo);
    }

    /**
     * NPWG device-info (v1.0.0/v1.1.0).
     *
     * @param type {@code pci}, {@code vdpa}, {@code vhost-user} or {@code memif}
     * @param version the spec version, or null
     * @param pci the {@code pci} block, or null
     * @param vdpa the {@code vdpa} block (its PCI addresses), or null
     */
    public record DeviceInfo(
            String type,
            @Nullable String version,
            @Nullable Pci pci,
            @Nullable Pci vdpa) {

        /** Validates. */
        public DeviceInfo {
            Objects.requireNonNull(type, "type");
        }

        /** Device-info without a vdpa block. */
        public DeviceInfo(String type, @Nullable String version, @Nullable Pci pci) {
            this(type, version, pci, null);
        }
    }

    /**
     * The PCI addresses of a {@code pci} (or {@code vdpa}) block of device-info.
     *
     * @param pciAddress the VF PCI address
     * @param pfPciAddress the PF PCI address, or null
     * @param vhostNet {@code vhost-net}, or null
     * @param rdmaDevice {@code rdma-device}, or null
     * @param representorDevice {@code representor-device}, or null
     */
    public record Pci(
            PciAddress pciAddress,
            @Nullable PciAddress pfPciAddress,
            @Nullable String vhostNet,
            @Nullable String rdmaDevice,
            @Nullable String representorDevice) {

        /** Validates. */
        public Pci {
            Objects.requireNonNull(pciAddress, "pciAddress");
        }
    }

    /**
     * One problem in the annotation.
     *
     * @param field where, relative to the annotation: {@code ""} for the whole value, else e.g. {@code
     *     [1].device-info.pci.pci-address}
     * @param message what is wrong, with the bad value (cut to 64 characters)
     */
    public record Problem(String field, String message) {}

    /**
     * What {@link #parseAnnotation} read.
     *
     * @param statuses the entries that could be read, in order
     * @param problems every problem found; an entry with a problem in its name, device-info type or
     *     PCI addresses is left out of {@code statuses}
     */
    public record Parsed(List<NetworkStatus> statuses, List<Problem> problems) {
        /** Copies. */
        public Parsed {
            statuses = List.copyOf(statuses);
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads a network-status annotation value (a JSON list). Never throws for bad content: every
     * problem is reported with its field, and the readable entries are returned.
     */
    public static Parsed parseAnnotation(String annotationValue) {
        Objects.requireNonNull(annotationValue, "annotationValue");
        Reader r = new Reader();
        List<NetworkStatus> out = new ArrayList<>();
        List<?> list = r.jsonList(annotationValue);
        for (int i = 0; list != null && i < list.size(); i++) {
            String p = "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                r.problem(p, "must be an object");
                continue;
            }
            String name = r.string(m, "name", p + ".name");
            if (name == null) {
                if (m.get("name") == null) {
                    r.problem(p + ".name", "is required");
                }
                continue;
            }
            Boolean isDefault = r.typed(m, "default", p + ".default", Boolean.class, "must be true or false");
            DeviceInfo info = null;
            Map<?, ?> di = r.typed(m, "device-info", p + ".device-info", Map.class, "must be an object");
            if (di != null) {
                String dp = p + ".device-info";
                String type = r.string(di, "type", dp + ".type");
                if (type == null) {
                    r.problem(dp + ".type", "is required");
                    continue;
                }
                Pci[] blocks = new Pci[2];
                boolean bad = false;
                String[] keys = {"pci", "vdpa"};
                for (int k = 0; k < keys.length && !bad; k++) {
                    Map<?, ?> pm = r.typed(di, keys[k], dp + "." + keys[k], Map.class, "must be an object");
                    if (pm != null) {
                        blocks[k] = r.pci(pm, dp + "." + keys[k]);
                        bad = blocks[k] == null;
                    }
                }
                if (bad) {
                    continue;
                }
                info = new DeviceInfo(type, r.string(di, "version", dp + ".version"), blocks[0], blocks[1]);
            }
            out.add(new NetworkStatus(
                    name,
                    r.string(m, "interface", p + ".interface"),
                    r.stringList(m, "ips", p + ".ips"),
                    r.string(m, "mac", p + ".mac"),
                    isDefault != null && isDefault,
                    info));
        }
        return new Parsed(out, r.problems);
    }

    /** Collects the problems of one annotation value. */
    private static final class Reader {
        final List<Problem> problems = new ArrayList<>();

        void problem(String field, String message) {
            problems.add(new Problem(field, message));
        }

        @Nullable
        List<?> jsonList(String text) {
            try {
                Object parsed = Json.MAPPER.readValue(text, Object.class);
                if (parsed instanceof List<?> l) {
                    return l;
                }
                problem("", "must be a JSON list");
            } catch (JsonProcessingException e) {
                String m = String.valueOf(e.getOriginalMessage());
                int nl = m.indexOf('\n');
                problem("", "malformed JSON: " + (nl < 0 ? m : m.substring(0, nl)));
            }
            return null;
        }

        /** A pci or vdpa block; null (and problems) when an address is absent or malformed. */
        @Nullable
        Pci pci(Map<?, ?> pm, String pp) {
            String addr = string(pm, "pci-address", pp + ".pci-address");
            if (addr == null) {
                problem(pp + ".pci-address", "is required");
                return null;
            }
            PciAddress vf = parsePci(addr, pp + ".pci-address");
            String pfText = string(pm, "pf-pci-address", pp + ".pf-pci-address");
            PciAddress pf = pfText == null ? null : parsePci(pfText, pp + ".pf-pci-address");
            if (vf == null || (pfText != null && pf == null)) {
                return null;
            }
            return new Pci(
                    vf,
                    pf,
                    string(pm, "vhost-net", pp + ".vhost-net"),
                    string(pm, "rdma-device", pp + ".rdma-device"),
                    string(pm, "representor-device", pp + ".representor-device"));
        }

        @Nullable
        PciAddress parsePci(String text, String path) {
            try {
                return PciAddress.parse(text);
            } catch (IllegalArgumentException e) {
                problem(path, String.valueOf(e.getMessage()));
                return null;
            }
        }

        @Nullable
        String string(Map<?, ?> m, String key, String path) {
            return typed(m, key, path, String.class, "must be a string");
        }

        List<String> stringList(Map<?, ?> m, String key, String path) {
            List<?> l = typed(m, key, path, List.class, "must be a list");
            if (l == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof String s) {
                    out.add(s);
                } else {
                    problem(path + "[" + i + "]", "must be a string, got " + describe(l.get(i)));
                }
            }
            return out;
        }

        /** {@code m.get(key)} if absent or of {@code type}; otherwise a problem at {@code path} and null. */
        <T> @Nullable T typed(Map<?, ?> m, String key, String path, Class<T> type, String expectation) {
            Object v = m.get(key);
            if (v == null) {
                return null;
            }
            if (type.isInstance(v)) {
                return type.cast(v);
            }
            problem(path, expectation + ", got " + describe(v));
            return null;
        }

        private static String describe(@Nullable Object v) {
            if (v instanceof Map) {
                return "an object";
            }
            if (v instanceof List) {
                return "a list";
            }
            if (v instanceof String s) {
                return echo(s);
            }
            return echo(String.valueOf(v)).replace("'", "");
        }

        private static String echo(String value) {
            if (value.length() <= ECHO_MAX) {
                return "'" + value + "'";
            }
            return "'" + value.substring(0, ECHO_MAX) + "…' (" + value.length() + " characters)";
        }
    }
}
