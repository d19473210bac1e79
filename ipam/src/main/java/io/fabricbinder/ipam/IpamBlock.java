package io.fabricbinder.ipam;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ipam} object of a CNI network configuration, parsed once for everyone who reads it:
 * the planner (from a NetworkAttachmentDefinition) and the {@code fabricbinder-ipam} CNI plugin
 * (from its stdin) call {@link #parse} on the same JSON tree and derive the same {@link #pool}.
 *
 * <pre>{@code
 * IpamBlock ipam = IpamBlock.parse(Map.of("type", "fabricbinder-ipam", "range", "192.168.2.225/28"));
 * ipam.warnings();                     // [ipam.range: 192.168.2.225/28 has host bits set; read as 192.168.2.224/28 ...]
 * PoolSpec pool = ipam.pool("sriov-net-a"); // the CNI config's top-level "name"
 * }</pre>
 *
 * <p><b>Accepted keys</b> (for {@code "type": "fabricbinder-ipam"}; any other type keeps only its
 * type, and an empty object means "no IPAM", a layer-2 network, as the SR-IOV Network Operator
 * writes {@code "ipam":{}}):
 *
 * <ul>
 *   <li>{@code subnet} (strict CIDR: host bits set is an error), with {@code rangeStart}, {@code
 *       rangeEnd}, {@code exclude} and {@code gateway};
 *   <li>whereabouts' {@code range} with whereabouts' meaning: a CIDR names the network that contains
 *       the address ({@code 192.168.2.225/28} is {@code 192.168.2.224/28}, with a warning), and
 *       {@code a.b.c.d-e.f.g.h/nn} is the range {@code a.b.c.d..e.f.g.h} of the network of {@code
 *       e.f.g.h/nn}; with {@code range_start}, {@code range_end} and {@code exclude} (a host-bits
 *       exclusion is normalised and one outside the subnet ignored, each with a warning, since
 *       whereabouts does not check them either);
 *   <li>{@code ipRanges}: a list of objects with the same keys ({@code subnet} or {@code range},
 *       {@code rangeStart}/{@code range_start}, {@code rangeEnd}/{@code range_end}, {@code exclude},
 *       {@code gateway}); a top-level range comes first, as in whereabouts;
 *   <li>a top-level {@code gateway} belongs to the top-level range, or else to the one range of
 *       {@code ipRanges} that contains it;
 *   <li>{@code routes} ({@code [{"dst": CIDR, "gw": address}]}) and {@code dns} ({@code
 *       nameservers}, {@code domain}, {@code search}, {@code options}), passed on to the CNI result.
 * </ul>
 *
 * <p>Other keys (whereabouts' {@code kubernetes}, {@code log_file}, {@code leader_*}, ...) are
 * ignored; {@code network_name} and {@code node_slice_size} are ignored with a warning (pools are
 * scoped by the CNI network name, see {@link #pool}). Every address is kept in canonical text
 * (RFC 5952 for IPv6), so equal configurations give equal blocks.
 *
 * @param type the IPAM plugin type, or null for an empty {@code ipam} object (no IPAM)
 * @param ranges the validated ranges, in order (empty unless {@link #isFabricBinder()})
 * @param routes the routes to return to the runtime
 * @param dns the DNS settings to return, or null
 * @param warnings what was read differently from what was written (whereabouts normalisations),
 *     each naming its field
 */
public record IpamBlock(
        @Nullable String type,
        List<IpRange> ranges,
        List<Route> routes,
        @Nullable Dns dns,
        List<String> warnings) {

    /** The IPAM type FabricBinder allocates for. */
    public static final String TYPE = "fabricbinder-ipam";

    private static final String ROOT = "ipam";

    /** Copies the lists. */
    public IpamBlock {
        ranges = List.copyOf(ranges);
        routes = List.copyOf(routes);
        warnings = List.copyOf(warnings);
        if (TYPE.equals(type) && ranges.isEmpty()) {
            throw new IpamBlockException(ROOT + ".subnet", "is required (or range, or ipRanges) for " + TYPE);
        }
    }

    /**
     * Parses the {@code ipam} object of a CNI network config (JSON/YAML tree: Map/List/String/Number/Boolean).
     * An empty map means "no IPAM" (type null).
     *
     * @throws IpamBlockException naming the field path, e.g. {@code ipam.ipRanges[1].range}
     */
    public static IpamBlock parse(Map<String, ?> ipam) {
        Objects.requireNonNull(ipam, "ipam");
        if (ipam.isEmpty()) {
            return new IpamBlock(null, List.of(), List.of(), null, List.of());
        }
        if (!ipam.containsKey("type")) {
            throw new IpamBlockException(
                    ROOT + ".type", "is required (an empty ipam object {} means no IPAM, a layer-2 network)");
        }
        String type = string(ipam, "type", ROOT);
        if (type == null || type.isEmpty()) {
            throw new IpamBlockException(ROOT + ".type", "must be a non-empty string");
        }
        if (!type.equals(TYPE)) {
            return new IpamBlock(type, List.of(), List.of(), null, List.of());
        }
        List<String> warnings = new ArrayList<>();
        for (String ignored : List.of("network_name", "node_slice_size")) {
            if (ipam.containsKey(ignored)) {
                warnings.add(ROOT + "." + ignored + ": ignored; " + TYPE + " scopes a pool by the CNI network name"
                        + " and its ranges, and allocates cluster-wide without node slices");
            }
        }
        List<RangeDraft> drafts = new ArrayList<>();
        boolean topLevel = ipam.containsKey("subnet") || ipam.containsKey("range");
        if (topLevel) {
            drafts.add(draft(ipam, ROOT, warnings));
        }
        Object ipRanges = ipam.get("ipRanges");
        if (ipRanges != null) {
            if (!(ipRanges instanceof List<?> list)) {
                throw new IpamBlockException(ROOT + ".ipRanges", "must be a list of objects");
            }
            for (int i = 0; i < list.size(); i++) {
                String p = ROOT + ".ipRanges[" + i + "]";
                if (!(list.get(i) instanceof Map<?, ?> m)) {
                    throw new IpamBlockException(p, "must be an object");
                }
                Map<String, ?> entry = stringKeys(m, p);
                if (!entry.containsKey("subnet") && !entry.containsKey("range")) {
                    throw new IpamBlockException(p + ".range", "is required (subnet or range)");
                }
                drafts.add(draft(entry, p, warnings));
            }
        }
        if (drafts.isEmpty()) {
            throw new IpamBlockException(ROOT + ".subnet", "is required (or range, or ipRanges) for " + TYPE);
        }
        if (!topLevel) {
            for (String k : List.of("exclude", "rangeStart", "range_start", "rangeEnd", "range_end")) {
                if (ipam.containsKey(k)) {
                    throw new IpamBlockException(
                            ROOT + "." + k,
                            "belongs to a top-level range or subnet, and there is none; move it into"
                                    + " the ipRanges entry it is meant for");
                }
            }
        }
        if (!topLevel && ipam.containsKey("gateway")) {
            attachTopLevelGateway(ipam, drafts);
        }
        List<IpRange> ranges = new ArrayList<>(drafts.size());
        for (RangeDraft d : drafts) {
            ranges.add(d.build());
        }
        try {
            // Checks that no two ranges overlap (the same rule a pool applies).
            new PoolSpec("x", ranges);
        } catch (IllegalArgumentException e) {
            throw new IpamBlockException(
                    ROOT + (drafts.size() > 1 && !topLevel ? ".ipRanges" : ""),
                    String.valueOf(e.getMessage()).replace("pool x ", ""));
        }
        return new IpamBlock(type, ranges, routes(ipam), dns(ipam), warnings);
    }

    /** True if FabricBinder allocates for this block ({@code "type": "fabricbinder-ipam"}). */
    public boolean isFabricBinder() {
        return TYPE.equals(type);
    }

    /**
     * The pool an attachment draws from, a pure function of the CNI network name (the CNI config's
     * top-level "name") and the ranges: the planner and the CNI plugin both call this.
     *
     * <p>The name is {@code fb-<sanitised network name>-<8 hex digits>}, the digits a SHA-256 of the
     * network name and the canonical ranges: changing a range gives a new pool (a pool's ranges are
     * fixed while it holds allocations), and two NADs whose CNI configs share a name and ranges share
     * the pool (addresses stay unique across them).
     *
     * @throws IllegalStateException if this block is not {@link #isFabricBinder()}
     * @throws IllegalArgumentException if the network name is empty
     */
    public PoolSpec pool(String networkName) {
        Objects.requireNonNull(networkName, "networkName");
        if (!isFabricBinder()) {
            throw new IllegalStateException("ipam type " + type + " has no " + TYPE + " pool");
        }
        if (networkName.isEmpty()) {
            throw new IllegalArgumentException("the CNI network name is empty");
        }
        StringBuilder text = new StringBuilder(networkName);
        for (IpRange r : ranges) {
            text.append('\n').append(r.compile().canonical);
        }
        String hash = hash8(text.toString());
        return new PoolSpec("fb-" + sanitize(networkName, 63 - 4 - hash.length()) + "-" + hash, ranges);
    }

    /**
     * A route passed on to the CNI result.
     *
     * @param dst the destination CIDR, canonical
     * @param gw the next hop, canonical, or null for the range's gateway
     */
    public record Route(String dst, @Nullable String gw) {
        /** Validates. */
        public Route {
            Objects.requireNonNull(dst, "dst");
        }
    }

    /**
     * DNS settings passed on to the CNI result.
     *
     * @param nameservers name server addresses, canonical
     * @param domain the local domain, or null
     * @param search search domains
     * @param options resolver options
     */
    public record Dns(List<String> nameservers, @Nullable String domain, List<String> search, List<String> options) {
        /** Copies the lists. */
        public Dns {
            nameservers = List.copyOf(nameservers);
            search = List.copyOf(search);
            options = List.copyOf(options);
        }
    }

    // ------------------------------------------------------------------ ranges

    /** One range as read, with the field paths to blame for what IpRange rejects. */
    private static final class RangeDraft {
        final String subnetField;
        final String subnet;
        final boolean v6;
        final BigInteger network;
        final BigInteger broadcast;

        @Nullable
        String start;

        String startField;

        @Nullable
        String end;

        String endField;
        final List<String> exclude = new ArrayList<>();
        final List<String> excludeFields = new ArrayList<>();

        @Nullable
        String gateway;

        String gatewayField;

        RangeDraft(String path, String subnetField, Cidr cidr) {
            this.subnetField = subnetField;
            this.subnet = cidr.text();
            this.v6 = cidr.v6;
            this.network = cidr.address;
            this.broadcast = cidr.broadcast();
            this.startField = path + ".rangeStart";
            this.endField = path + ".rangeEnd";
            this.gatewayField = path + ".gateway";
        }

        boolean contains(BigInteger address, boolean addressV6) {
            return addressV6 == v6 && address.compareTo(network) >= 0 && address.compareTo(broadcast) <= 0;
        }

        IpRange build() {
            try {
                return new IpRange(subnet, start, end, exclude, gateway);
            } catch (IllegalArgumentException e) {
                String m = String.valueOf(e.getMessage());
                String field = subnetField;
                if (m.startsWith("rangeStart")) {
                    field = startField;
                } else if (m.startsWith("rangeEnd")) {
                    field = endField;
                } else if (m.startsWith("gateway")) {
                    field = gatewayField;
                } else if (m.startsWith("exclude[")) {
                    int i = Integer.parseInt(m.substring("exclude[".length(), m.indexOf(']')));
                    field = excludeFields.get(i);
                    m = m.substring(m.indexOf(']') + 1).strip();
                }
                throw new IpamBlockException(field, m);
            }
        }
    }

    private static RangeDraft draft(Map<String, ?> m, String path, List<String> warnings) {
        boolean whereabouts = !m.containsKey("subnet");
        if (m.containsKey("subnet") && m.containsKey("range")) {
            throw new IpamBlockException(path + ".range", "give subnet or range, not both");
        }
        String key = whereabouts ? "range" : "subnet";
        String field = path + "." + key;
        String text = string(m, key, path);
        if (text == null || text.isEmpty()) {
            throw new IpamBlockException(field, "must be a non-empty string (a CIDR)");
        }
        text = text.strip();
        RangeDraft d;
        boolean rangeForm = whereabouts && text.indexOf('-') > 0;
        if (rangeForm) {
            // whereabouts' "start-end/len": the network of end/len, from start to end.
            int dash = text.indexOf('-');
            Cidr endCidr = cidr(text.substring(dash + 1), field);
            Cidr net = endCidr.network();
            d = new RangeDraft(path, field, net);
            Parsed start = address(text.substring(0, dash), field);
            if (!d.contains(start.value, start.v6)) {
                throw new IpamBlockException(
                        field, "range start " + start.text + " is outside " + net.text() + " (in '" + text + "')");
            }
            d.start = start.text;
            d.end = Addresses.format(endCidr.address, endCidr.v6);
            d.startField = field;
            d.endField = field;
            for (String k : List.of("range_start", "rangeStart", "range_end", "rangeEnd")) {
                if (m.containsKey(k)) {
                    warnings.add(path + "." + k + ": ignored; the range " + text + " sets both bounds (as in"
                            + " whereabouts)");
                }
            }
        } else {
            Cidr c = cidr(text, field);
            Cidr net = c.network();
            if (!net.address.equals(c.address)) {
                if (!whereabouts) {
                    throw new IpamBlockException(
                            field,
                            text + " has host bits set; did you mean " + net.text() + "? (whereabouts' range"
                                    + " key reads it as the network containing the address)");
                }
                warnings.add(field + ": " + text + " has host bits set; read as " + net.text()
                        + ", the network containing it (as whereabouts does)");
            }
            d = new RangeDraft(path, field, net);
            String startKey = pick(m, path, "rangeStart", "range_start");
            String endKey = pick(m, path, "rangeEnd", "range_end");
            if (startKey != null) {
                d.startField = path + "." + startKey;
                d.start = canonicalAddress(m, startKey, path);
            }
            if (endKey != null) {
                d.endField = path + "." + endKey;
                d.end = canonicalAddress(m, endKey, path);
            }
        }
        if (m.containsKey("gateway")) {
            d.gatewayField = path + ".gateway";
            d.gateway = canonicalAddress(m, "gateway", path);
        }
        Object ex = m.get("exclude");
        if (ex != null) {
            if (!(ex instanceof List<?> list)) {
                throw new IpamBlockException(path + ".exclude", "must be a list of CIDRs or addresses");
            }
            for (int i = 0; i < list.size(); i++) {
                String f = path + ".exclude[" + i + "]";
                if (!(list.get(i) instanceof String s) || s.isBlank()) {
                    throw new IpamBlockException(f, "must be a CIDR or an address (a string)");
                }
                String e = s.strip();
                String canonical;
                BigInteger lo;
                BigInteger hi;
                boolean exV6;
                if (e.indexOf('/') < 0) {
                    Parsed a = address(e, f);
                    canonical = a.text;
                    lo = a.value;
                    hi = a.value;
                    exV6 = a.v6;
                } else {
                    Cidr c = cidr(e, f);
                    Cidr net = c.network();
                    if (!net.address.equals(c.address)) {
                        if (!whereabouts) {
                            throw new IpamBlockException(f, e + " has host bits set; did you mean " + net.text() + "?");
                        }
                        warnings.add(f + ": " + e + " has host bits set; read as " + net.text() + " (as whereabouts"
                                + " does)");
                    }
                    canonical = net.text();
                    lo = net.address;
                    hi = net.broadcast();
                    exV6 = net.v6;
                }
                if (whereabouts && !(d.contains(lo, exV6) && d.contains(hi, exV6))) {
                    warnings.add(f + ": " + canonical + " is outside " + d.subnet + " and is ignored (whereabouts does"
                            + " not check it either)");
                    continue;
                }
                d.exclude.add(canonical);
                d.excludeFields.add(f);
            }
        }
        return d;
    }

    /** A top-level gateway without a top-level range: it belongs to the one ipRanges entry containing it. */
    private static void attachTopLevelGateway(Map<String, ?> ipam, List<RangeDraft> drafts) {
        String field = ROOT + ".gateway";
        String gw = canonicalAddress(ipam, "gateway", ROOT);
        if (gw == null) {
            return;
        }
        Parsed p = address(gw, field);
        RangeDraft home = null;
        for (RangeDraft d : drafts) {
            if (d.contains(p.value, p.v6)) {
                home = d;
                break;
            }
        }
        if (home == null) {
            throw new IpamBlockException(field, gw + " is in none of the ipRanges");
        }
        if (home.gateway != null && !home.gateway.equals(gw)) {
            throw new IpamBlockException(
                    field, gw + " conflicts with " + home.gatewayField + " " + home.gateway + " of " + home.subnet);
        }
        home.gateway = gw;
        home.gatewayField = field;
    }

    private static @Nullable String pick(Map<String, ?> m, String path, String camel, String snake) {
        boolean a = m.containsKey(camel);
        boolean b = m.containsKey(snake);
        if (a && b && !Objects.equals(m.get(camel), m.get(snake))) {
            throw new IpamBlockException(path + "." + snake, "conflicts with " + camel + "; give one of them");
        }
        return a ? camel : b ? snake : null;
    }

    // ------------------------------------------------------------------ routes and dns

    private static List<Route> routes(Map<String, ?> ipam) {
        Object v = ipam.get("routes");
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IpamBlockException(ROOT + ".routes", "must be a list of {dst, gw} objects");
        }
        List<Route> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = ROOT + ".routes[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> raw)) {
                throw new IpamBlockException(p, "must be an object with dst and optional gw");
            }
            Map<String, ?> m = stringKeys(raw, p);
            String dst = string(m, "dst", p);
            if (dst == null || dst.isBlank()) {
                throw new IpamBlockException(p + ".dst", "is required (a CIDR)");
            }
            Cidr c = cidr(dst.strip(), p + ".dst");
            Cidr net = c.network();
            if (!net.address.equals(c.address)) {
                throw new IpamBlockException(p + ".dst", dst + " has host bits set; did you mean " + net.text() + "?");
            }
            String gw = canonicalAddress(m, "gw", p);
            if (gw != null && address(gw, p + ".gw").v6 != net.v6) {
                throw new IpamBlockException(p + ".gw", gw + " is not of the same family as dst " + net.text());
            }
            out.add(new Route(net.text(), gw));
        }
        return out;
    }

    private static @Nullable Dns dns(Map<String, ?> ipam) {
        Object v = ipam.get("dns");
        if (v == null) {
            return null;
        }
        String p = ROOT + ".dns";
        if (!(v instanceof Map<?, ?> raw)) {
            throw new IpamBlockException(p, "must be an object");
        }
        Map<String, ?> m = stringKeys(raw, p);
        List<String> nameservers = new ArrayList<>();
        List<String> given = strings(m, "nameservers", p);
        for (int i = 0; i < given.size(); i++) {
            nameservers.add(address(given.get(i).strip(), p + ".nameservers[" + i + "]").text);
        }
        return new Dns(nameservers, string(m, "domain", p), strings(m, "search", p), strings(m, "options", p));
    }

    // ------------------------------------------------------------------ values

    private static Map<String, ?> stringKeys(Map<?, ?> m, String path) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw new IpamBlockException(path, "has a key that is not a string: " + k);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> out = (Map<String, ?>) m;
        return out;
    }

    private static @Nullable String string(Map<String, ?> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IpamBlockException(path + "." + key, "must be a string, got " + v);
        }
        return s;
    }

    private static List<String> strings(Map<String, ?> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IpamBlockException(path + "." + key, "must be a list of strings");
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new IpamBlockException(path + "." + key + "[" + i + "]", "must be a string");
            }
            out.add(s);
        }
        return out;
    }

    private static @Nullable String canonicalAddress(Map<String, ?> m, String key, String path) {
        String text = string(m, key, path);
        if (text == null) {
            return null;
        }
        return address(text.strip(), path + "." + key).text;
    }

    /** An address literal: its value, family and canonical text. */
    private record Parsed(BigInteger value, boolean v6, String text) {}

    private static Parsed address(String text, String field) {
        byte[] b;
        try {
            b = Addresses.parse(text, field);
        } catch (IllegalArgumentException e) {
            throw new IpamBlockException(field, "'" + text + "' is not an IP address");
        }
        return new Parsed(Addresses.toBigInteger(b), b.length == 16, Addresses.format(b));
    }

    /** An address with a prefix length (host bits possibly set). */
    private record Cidr(BigInteger address, boolean v6, int prefix) {
        BigInteger hostMask() {
            return BigInteger.ONE.shiftLeft((v6 ? 128 : 32) - prefix).subtract(BigInteger.ONE);
        }

        Cidr network() {
            return new Cidr(address.andNot(hostMask()), v6, prefix);
        }

        BigInteger broadcast() {
            return address.or(hostMask());
        }

        String text() {
            return Addresses.format(address, v6) + "/" + prefix;
        }
    }

    private static Cidr cidr(String text, String field) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IpamBlockException(field, "'" + text + "' is not a CIDR (address/prefix length)");
        }
        Parsed a = address(text.substring(0, slash), field);
        String len = text.substring(slash + 1);
        int bits = a.v6 ? 128 : 32;
        int prefix = -1;
        if (!len.isEmpty() && len.length() <= 3 && len.chars().allMatch(c -> c >= '0' && c <= '9')) {
            prefix = Integer.parseInt(len);
        }
        if (prefix < 0 || prefix > bits) {
            throw new IpamBlockException(field, "'" + text + "' has an invalid prefix length (0.." + bits + ")");
        }
        return new Cidr(a.value, a.v6, prefix);
    }

    // ------------------------------------------------------------------ pool names

    private static String sanitize(String name, int max) {
        StringBuilder b = new StringBuilder(Math.min(name.length(), max));
        for (int i = 0; i < name.length() && b.length() < max; i++) {
            char c = Character.toLowerCase(name.charAt(i));
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            b.append(ok ? c : '-');
        }
        return b.toString();
    }

    private static String hash8(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
