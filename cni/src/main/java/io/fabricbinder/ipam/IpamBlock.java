package io.fabricbinder.ipam;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * STAND-IN until the helper "eco"'s {@code IpamBlock} lands in the ipam module (same signatures,
 * a subset of its parsing); delete this file then.
 */
public record IpamBlock(
        @Nullable String type, List<IpRange> ranges, List<Route> routes, @Nullable Dns dns, List<String> warnings) {

    /** The IPAM type FabricBinder allocates for. */
    public static final String TYPE = "fabricbinder-ipam";

    /** Copies. */
    public IpamBlock {
        ranges = List.copyOf(ranges);
        routes = List.copyOf(routes);
        warnings = List.copyOf(warnings);
    }

    /** Parses an ipam object. */
    public static IpamBlock parse(Map<String, ?> ipam) {
        if (ipam.isEmpty()) {
            return new IpamBlock(null, List.of(), List.of(), null, List.of());
        }
        if (!(ipam.get("type") instanceof String type) || type.isEmpty()) {
            throw new IpamBlockException("ipam.type", "is required");
        }
        if (!type.equals(TYPE)) {
            return new IpamBlock(type, List.of(), List.of(), null, List.of());
        }
        List<IpRange> ranges = new ArrayList<>();
        if (ipam.containsKey("subnet") || ipam.containsKey("range")) {
            ranges.add(range(ipam, "ipam"));
        }
        if (ipam.get("ipRanges") instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Map<?, ?> m)) {
                    throw new IpamBlockException("ipam.ipRanges[" + i + "]", "must be an object");
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> sm = (Map<String, ?>) m;
                ranges.add(range(sm, "ipam.ipRanges[" + i + "]"));
            }
        }
        if (ranges.isEmpty()) {
            throw new IpamBlockException("ipam.subnet", "is required (or range, or ipRanges)");
        }
        List<Route> routes = new ArrayList<>();
        if (ipam.get("routes") instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (!(l.get(i) instanceof Map<?, ?> m) || !(m.get("dst") instanceof String dst)) {
                    throw new IpamBlockException("ipam.routes[" + i + "].dst", "is required");
                }
                routes.add(new Route(dst, m.get("gw") instanceof String gw ? gw : null));
            }
        }
        Dns dns = null;
        if (ipam.get("dns") instanceof Map<?, ?> d) {
            dns = new Dns(strings(d.get("nameservers")), d.get("domain") instanceof String s ? s : null,
                    strings(d.get("search")), strings(d.get("options")));
        }
        return new IpamBlock(type, ranges, routes, dns, List.of());
    }

    private static List<String> strings(@Nullable Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            for (Object x : l) {
                out.add(String.valueOf(x));
            }
        }
        return out;
    }

    private static IpRange range(Map<String, ?> m, String path) {
        String key = m.containsKey("subnet") ? "subnet" : "range";
        String subnet = String.valueOf(m.get(key));
        String start = str(m, "rangeStart", "range_start");
        String end = str(m, "rangeEnd", "range_end");
        String gw = str(m, "gateway", "gateway");
        List<String> exclude = strings(m.get("exclude"));
        try {
            return new IpRange(subnet, start, end, exclude, gw);
        } catch (IllegalArgumentException e) {
            throw new IpamBlockException(path + "." + key, String.valueOf(e.getMessage()));
        }
    }

    private static @Nullable String str(Map<String, ?> m, String a, String b) {
        Object o = m.containsKey(a) ? m.get(a) : m.get(b);
        return o == null ? null : String.valueOf(o);
    }

    /** Whether this block is for fabricbinder-ipam. */
    public boolean isFabricBinder() {
        return TYPE.equals(type);
    }

    /** The pool of network {@code networkName}. */
    public PoolSpec pool(String networkName) {
        if (!isFabricBinder()) {
            throw new IllegalStateException("ipam type " + type + " has no " + TYPE + " pool");
        }
        StringBuilder text = new StringBuilder(networkName);
        for (IpRange r : ranges) {
            text.append('\n').append(r);
        }
        String clean = networkName.replaceAll("[^A-Za-z0-9._-]", "-");
        if (clean.length() > 50) {
            clean = clean.substring(0, 50);
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return new PoolSpec("fb-" + clean + "-" + HexFormat.of().formatHex(h, 0, 4), ranges);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A route. */
    public record Route(String dst, @Nullable String gw) {}

    /** DNS settings. */
    public record Dns(List<String> nameservers, @Nullable String domain, List<String> search, List<String> options) {}
}
