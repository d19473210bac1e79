package io.fabricbinder.ipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A validated {@link IpRange} in exact 128-bit arithmetic. Offsets are relative to the first
 * allocatable address ({@code first}); {@code size = last - first + 1}. Reserved offsets (excluded
 * addresses and the gateway) are a sorted list of disjoint closed intervals.
 *
 * <p>The range is divided into leaves of 256 consecutive offsets; leaf {@code L} covers offsets
 * {@code [256 L, 256 L + 255]}. Level-k nodes (k ≥ 1) summarise 256 level-(k-1) nodes, one bit each
 * ("that child is full"). The root is the single node at {@code rootLevel}.
 */
final class CompiledRange {
    private static final BigInteger TWO_FIVE_FIVE = BigInteger.valueOf(255);
    // The mask of a node with nothing unusable; shared, so callers never modify a returned mask.
    private static final long[] NONE = new long[4];

    /** The subnet as parsed. */
    final IpPrefix subnet;

    final boolean v6;
    final int prefixLength;
    final BigInteger network;
    final BigInteger first;
    final BigInteger last;
    final BigInteger size;
    final BigInteger capacity;
    final @Nullable InetAddress gateway;
    final int rootLevel;
    final String canonical;
    private final BigInteger[] reservedLo;
    private final BigInteger[] reservedHi;
    private final BigInteger leafCount;
    private final BigInteger lastLeafId;
    private final BigInteger[] nodeCounts;
    // first as a long; only meaningful for IPv4, where every address fits
    private final long firstLong;

    private CompiledRange(
            IpPrefix subnet,
            boolean v6,
            int prefixLength,
            BigInteger network,
            BigInteger first,
            BigInteger last,
            List<BigInteger[]> reserved,
            @Nullable InetAddress gateway) {
        this.subnet = subnet;
        this.v6 = v6;
        this.prefixLength = prefixLength;
        this.network = network;
        this.first = first;
        this.last = last;
        this.size = last.subtract(first).add(BigInteger.ONE);
        this.gateway = gateway;
        this.reservedLo = new BigInteger[reserved.size()];
        this.reservedHi = new BigInteger[reserved.size()];
        BigInteger reservedCount = BigInteger.ZERO;
        StringBuilder canon = new StringBuilder();
        canon.append(Addresses.format(network, v6)).append('/').append(prefixLength);
        canon.append(' ').append(Addresses.format(first, v6)).append('-').append(Addresses.format(last, v6));
        for (int i = 0; i < reserved.size(); i++) {
            reservedLo[i] = reserved.get(i)[0];
            reservedHi[i] = reserved.get(i)[1];
            reservedCount =
                    reservedCount.add(reservedHi[i].subtract(reservedLo[i]).add(BigInteger.ONE));
            canon.append(" x").append(reservedLo[i].toString(16)).append('-').append(reservedHi[i].toString(16));
        }
        if (gateway != null) {
            canon.append(" gw ").append(Addresses.format(gateway));
        }
        this.capacity = size.subtract(reservedCount);
        BigInteger maxOffset = size.subtract(BigInteger.ONE);
        this.rootLevel = Math.max(0, (maxOffset.bitLength() + 7) / 8 - 1);
        this.leafCount = maxOffset.shiftRight(8).add(BigInteger.ONE);
        this.lastLeafId = maxOffset.shiftRight(8);
        this.firstLong = first.longValue();
        this.nodeCounts = new BigInteger[rootLevel + 1];
        for (int level = 0; level <= rootLevel; level++) {
            nodeCounts[level] = maxOffset.shiftRight(8 * (level + 1)).add(BigInteger.ONE);
        }
        this.canonical = canon.toString();
    }

    /**
     * The range whose {@link #canonical} text is {@code text} ({@code subnet first-last [xLO-HI]...
     * [gw G]}, reserved offsets in hex from {@code first}): each reserved interval comes back as the
     * fewest CIDRs covering exactly it. Compiling the result gives {@code text} again; callers check.
     *
     * @throws IllegalArgumentException if {@code text} is not such a text
     */
    static IpRange parseCanonical(String text) {
        String[] t = text.split(" ", -1);
        if (t.length < 2 || t[1].indexOf('-') < 0) {
            throw new IllegalArgumentException("not a canonical range: '" + text + "'");
        }
        String subnet = t[0];
        String rangeStart = t[1].substring(0, t[1].indexOf('-'));
        String rangeEnd = t[1].substring(t[1].indexOf('-') + 1);
        byte[] firstBytes = Addresses.parse(rangeStart, "rangeStart");
        boolean v6 = firstBytes.length == 16;
        BigInteger first = Addresses.toBigInteger(firstBytes);
        List<String> exclude = new ArrayList<>();
        String gateway = null;
        for (int i = 2; i < t.length; i++) {
            if (t[i].equals("gw") && i + 1 < t.length) {
                gateway = t[++i];
            } else if (t[i].startsWith("x") && t[i].indexOf('-') > 1) {
                int dash = t[i].indexOf('-');
                BigInteger lo = first.add(new BigInteger(t[i].substring(1, dash), 16));
                BigInteger hi = first.add(new BigInteger(t[i].substring(dash + 1), 16));
                cidrs(lo, hi, v6, exclude);
            } else {
                throw new IllegalArgumentException("not a canonical range: '" + text + "'");
            }
        }
        return new IpRange(subnet, rangeStart, rangeEnd, exclude, gateway);
    }

    /** Appends the fewest CIDRs that cover exactly {@code [lo, hi]}. */
    private static void cidrs(BigInteger lo, BigInteger hi, boolean v6, List<String> out) {
        int bits = v6 ? 128 : 32;
        BigInteger at = lo;
        while (at.compareTo(hi) <= 0) {
            int size = at.signum() == 0 ? bits : Math.min(bits, at.getLowestSetBit());
            while (size > 0
                    && at.add(BigInteger.ONE.shiftLeft(size))
                                    .subtract(BigInteger.ONE)
                                    .compareTo(hi)
                            > 0) {
                size--;
            }
            out.add(Addresses.format(at, v6) + "/" + (bits - size));
            at = at.add(BigInteger.ONE.shiftLeft(size));
        }
    }

    static CompiledRange compile(
            String subnet,
            @Nullable String rangeStart,
            @Nullable String rangeEnd,
            List<String> exclude,
            @Nullable String gateway) {
        IpPrefix subnetPrefix = IpPrefix.parse(subnet, new CidrErrors("subnet", true));
        boolean v6 = !subnetPrefix.isIpv4();
        int bits = v6 ? 128 : 32;
        int prefix = subnetPrefix.prefixLength();
        BigInteger net = Addresses.toBigInteger(subnetPrefix.address().getAddress());
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        BigInteger broadcast = net.or(hostMask);
        BigInteger usableLo;
        BigInteger usableHi;
        if (!v6) {
            boolean pointToPoint = prefix >= 31;
            usableLo = pointToPoint ? net : net.add(BigInteger.ONE);
            usableHi = pointToPoint ? broadcast : broadcast.subtract(BigInteger.ONE);
        } else {
            usableLo = prefix >= 127 ? net : net.add(BigInteger.ONE);
            usableHi = broadcast;
        }
        BigInteger first = usableLo;
        BigInteger last = usableHi;
        if (rangeStart != null) {
            first = bound(rangeStart, "rangeStart", v6, net, broadcast, usableLo, usableHi, subnet);
        }
        if (rangeEnd != null) {
            last = bound(rangeEnd, "rangeEnd", v6, net, broadcast, usableLo, usableHi, subnet);
        }
        if (first.compareTo(last) > 0) {
            throw new IllegalArgumentException("rangeStart " + Addresses.format(first, v6) + " is after rangeEnd "
                    + Addresses.format(last, v6) + " in subnet " + subnet);
        }
        List<BigInteger[]> reserved = new ArrayList<>();
        for (int i = 0; i < exclude.size(); i++) {
            String ex = exclude.get(i);
            String field = "exclude[" + i + "]";
            if (ex == null) {
                throw new IllegalArgumentException(field + " is null");
            }
            int exSlash = ex.indexOf('/');
            byte[] exBytes;
            int exPrefix;
            if (exSlash < 0) {
                exBytes = Addresses.parse(ex, field);
                exPrefix = exBytes.length * 8;
            } else {
                IpPrefix p = IpPrefix.parse(ex, new CidrErrors(field, false));
                exBytes = p.address().getAddress();
                exPrefix = p.prefixLength();
            }
            if ((exBytes.length == 16) != v6) {
                throw new IllegalArgumentException(field + " " + ex + " is not of the same family as subnet " + subnet);
            }
            BigInteger lo = Addresses.toBigInteger(exBytes);
            BigInteger hi = lo.or(BigInteger.ONE.shiftLeft(bits - exPrefix).subtract(BigInteger.ONE));
            if (lo.compareTo(net) < 0 || hi.compareTo(broadcast) > 0) {
                throw new IllegalArgumentException(field + " " + ex + " is outside subnet " + subnet);
            }
            addClipped(reserved, lo, hi, first, last);
        }
        InetAddress gw = null;
        if (gateway != null) {
            byte[] gwBytes = Addresses.parse(gateway, "gateway");
            if ((gwBytes.length == 16) != v6) {
                throw new IllegalArgumentException(
                        "gateway " + gateway + " is not of the same family as subnet " + subnet);
            }
            BigInteger g = Addresses.toBigInteger(gwBytes);
            if (g.compareTo(net) < 0 || g.compareTo(broadcast) > 0) {
                throw new IllegalArgumentException("gateway " + gateway + " is outside subnet " + subnet);
            }
            if (g.compareTo(usableLo) < 0 || g.compareTo(usableHi) > 0) {
                throw new IllegalArgumentException(
                        "gateway " + gateway + " is not a usable address of subnet " + subnet);
            }
            gw = Addresses.toInetAddress(g, v6);
            addClipped(reserved, g, g, first, last);
        }
        List<BigInteger[]> merged = merge(reserved);
        CompiledRange r = new CompiledRange(subnetPrefix, v6, prefix, net, first, last, merged, gw);
        if (r.capacity.signum() == 0) {
            throw new IllegalArgumentException("range " + Addresses.format(first, v6) + "-" + Addresses.format(last, v6)
                    + " of subnet " + subnet + " has no allocatable address after exclusions and gateway");
        }
        return r;
    }

    /** The wording of this class's CIDR errors (a subnet's, an exclusion's), for {@link IpPrefix}'s parser. */
    private record CidrErrors(String field, boolean suggest) implements IpPrefix.Errors {
        @Override
        public String notCidr(String text) {
            return field + " must be a CIDR like 10.0.0.0/24: '" + text + "'";
        }

        @Override
        public String badLength(String text, String length) {
            return field + " '" + text + "' has an invalid prefix length '" + length + "'";
        }

        @Override
        public String lengthOutOfRange(String text, String length, int bits) {
            return field + " '" + text + "' prefix length must be 0.." + bits + ": '" + length + "'";
        }

        @Override
        public String hostBits(String text, InetAddress address, IpPrefix network) {
            return field + " " + text + " has host bits set" + (suggest ? "; did you mean " + network + "?" : "");
        }
    }

    private static BigInteger bound(
            String text,
            String field,
            boolean v6,
            BigInteger net,
            BigInteger broadcast,
            BigInteger usableLo,
            BigInteger usableHi,
            String subnet) {
        byte[] b = Addresses.parse(text, field);
        if ((b.length == 16) != v6) {
            throw new IllegalArgumentException(field + " " + text + " is not of the same family as subnet " + subnet);
        }
        BigInteger v = Addresses.toBigInteger(b);
        if (v.compareTo(net) < 0 || v.compareTo(broadcast) > 0) {
            throw new IllegalArgumentException(field + " " + text + " is outside subnet " + subnet);
        }
        if (v.compareTo(usableLo) < 0 || v.compareTo(usableHi) > 0) {
            throw new IllegalArgumentException(field + " " + text + " is a reserved address of subnet " + subnet
                    + (v6 ? " (subnet-router anycast)" : " (network or broadcast)"));
        }
        return v;
    }

    private static void addClipped(
            List<BigInteger[]> out, BigInteger lo, BigInteger hi, BigInteger first, BigInteger last) {
        BigInteger a = lo.max(first);
        BigInteger b = hi.min(last);
        if (a.compareTo(b) <= 0) {
            out.add(new BigInteger[] {a.subtract(first), b.subtract(first)});
        }
    }

    private static List<BigInteger[]> merge(List<BigInteger[]> in) {
        List<BigInteger[]> sorted = new ArrayList<>(in);
        sorted.sort(Comparator.comparing(x -> x[0]));
        List<BigInteger[]> out = new ArrayList<>();
        for (BigInteger[] iv : sorted) {
            if (!out.isEmpty()) {
                BigInteger[] top = out.get(out.size() - 1);
                if (iv[0].compareTo(top[1].add(BigInteger.ONE)) <= 0) {
                    top[1] = top[1].max(iv[1]);
                    continue;
                }
            }
            out.add(new BigInteger[] {iv[0], iv[1]});
        }
        return out;
    }

    BigInteger leafCount() {
        return leafCount;
    }

    /** Number of nodes at {@code level} (level 0 = leaves). */
    BigInteger nodeCount(int level) {
        return level < nodeCounts.length
                ? nodeCounts[level]
                : size.subtract(BigInteger.ONE).shiftRight(8 * (level + 1)).add(BigInteger.ONE);
    }

    /**
     * Bits of leaf {@code leafId} that can never be allocated: reserved or past the end. The result
     * may be shared: callers must not modify it.
     */
    long[] unusableMask(BigInteger leafId) {
        if (reservedLo.length == 0 && leafId.compareTo(lastLeafId) < 0) {
            return NONE; // an interior leaf of a range without reservations: the common case
        }
        long[] mask = new long[4];
        BigInteger base = leafId.shiftLeft(8);
        BigInteger top = base.add(TWO_FIVE_FIVE);
        if (top.compareTo(size) >= 0) {
            int from = size.subtract(base).intValueExact();
            Bits.setRange(mask, from, 255);
        }
        if (reservedLo.length > 0) {
            int i = firstReservedEndingAtOrAfter(base);
            for (; i < reservedLo.length && reservedLo[i].compareTo(top) <= 0; i++) {
                int a = reservedLo[i].max(base).subtract(base).intValueExact();
                int b = reservedHi[i].min(top).subtract(base).intValueExact();
                Bits.setRange(mask, a, b);
            }
        }
        return mask;
    }

    /**
     * Children of node (level, id) that can never hold a free address, as "full" bits: children past
     * the end of the range, and children whose whole span is reserved (excluded or the gateway). The
     * allocator treats these bits as set in every summary node, so a search never descends into a
     * subtree that is all exclusions (a {@code /63} excluding its first {@code /64} has 2^56 such
     * leaves: visiting them one by one would never end). The result may be shared: callers must not
     * modify it.
     */
    long[] missingChildrenMask(int level, BigInteger id) {
        BigInteger children = nodeCount(level - 1);
        BigInteger base = id.shiftLeft(8);
        long[] mask = NONE;
        if (base.add(TWO_FIVE_FIVE).compareTo(children) >= 0) {
            mask = new long[4];
            Bits.setRange(mask, children.subtract(base).intValueExact(), 255);
        }
        if (reservedLo.length == 0) {
            return mask;
        }
        // Offsets covered by this node, and by each of its children.
        int childShift = 8 * level;
        BigInteger spanLo = base.shiftLeft(childShift);
        BigInteger spanHi = spanLo.add(BigInteger.ONE.shiftLeft(childShift + 8)).subtract(BigInteger.ONE);
        for (int i = firstReservedEndingAtOrAfter(spanLo);
                i < reservedLo.length && reservedLo[i].compareTo(spanHi) <= 0;
                i++) {
            // Children wholly inside [lo, hi]: the first starting at or after lo, the last ending at or before hi.
            BigInteger lo = reservedLo[i].max(spanLo).subtract(spanLo);
            // A run that reaches the range's last offset also covers the offsets past the end (never
            // allocatable): without this, a last child that is part excluded and part past the end
            // (a /22 excluding its upper /23, counted from the first usable address) would never count
            // as full, and an exhausted pool would be searched attempt after attempt.
            BigInteger runHi = reservedHi[i].compareTo(size.subtract(BigInteger.ONE)) >= 0 ? spanHi : reservedHi[i];
            BigInteger hiExclusive = runHi.min(spanHi).subtract(spanLo).add(BigInteger.ONE);
            BigInteger childSpanMask = BigInteger.ONE.shiftLeft(childShift).subtract(BigInteger.ONE);
            int first = lo.add(childSpanMask).shiftRight(childShift).intValueExact();
            int last = hiExclusive.shiftRight(childShift).intValueExact() - 1;
            if (first <= last) {
                if (mask == NONE) {
                    mask = new long[4];
                }
                Bits.setRange(mask, first, last);
            }
        }
        return mask;
    }

    private int firstReservedEndingAtOrAfter(BigInteger offset) {
        int lo = 0;
        int hi = reservedLo.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (reservedHi[mid].compareTo(offset) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    boolean isReserved(BigInteger offset) {
        int i = firstReservedEndingAtOrAfter(offset);
        return i < reservedLo.length && reservedLo[i].compareTo(offset) <= 0;
    }

    /**
     * The address of bit {@code bit} of leaf {@code leafId}, as 4 or 16 bytes. IPv4 ranges take a
     * {@code long} path without {@code BigInteger} garbage (the allocator's hot path).
     */
    byte[] addressBytes(BigInteger leafId, int bit) {
        if (!v6) {
            long a = firstLong + ((leafId.longValue() << 8) | bit);
            return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
        }
        return Addresses.toBytes(addressAt(leafId.shiftLeft(8).or(BigInteger.valueOf(bit))), true);
    }

    BigInteger addressAt(BigInteger offset) {
        return first.add(offset);
    }

    /** Offset of an absolute address, or null if outside {@code first..last}. */
    @Nullable
    BigInteger offsetOf(BigInteger address) {
        if (address.compareTo(first) < 0 || address.compareTo(last) > 0) {
            return null;
        }
        return address.subtract(first);
    }

    /** True if the address (of this range's family) lies in the subnet, allocatable or not. */
    boolean inSubnet(BigInteger address) {
        BigInteger hostMask =
                BigInteger.ONE.shiftLeft((v6 ? 128 : 32) - prefixLength).subtract(BigInteger.ONE);
        return address.andNot(hostMask).equals(network);
    }

    /** True for the addresses a subnet never hands out: network, IPv4 broadcast (not /31, /32), IPv6 anycast. */
    boolean isSubnetReserved(BigInteger address) {
        int bits = v6 ? 128 : 32;
        if (prefixLength >= bits - 1) {
            return false;
        }
        BigInteger hostMask = BigInteger.ONE.shiftLeft(bits - prefixLength).subtract(BigInteger.ONE);
        return address.equals(network) || (!v6 && address.equals(network.or(hostMask)));
    }

    /** {@code subnet first-last}, canonical, for messages. */
    String describe() {
        return Addresses.format(network, v6) + "/" + prefixLength + " (allocatable " + Addresses.format(first, v6) + "-"
                + Addresses.format(last, v6) + ")";
    }

    /**
     * Where requested addresses go, one per range: the canonical text of the address requested in
     * each range, or null. An optional {@code /length} on a request is ignored (host-local does the
     * same with {@code runtimeConfig.ips}).
     *
     * @throws RequestedAddressException if an address is in no range, is reserved, or shares a range
     */
    static @Nullable String[] locate(String pool, CompiledRange[] ranges, List<String> requested) {
        @Nullable String[] out = new String[ranges.length];
        for (String given : requested) {
            String text = given.strip();
            int slash = text.indexOf('/');
            String bare = slash < 0 ? text : text.substring(0, slash);
            byte[] bytes;
            try {
                bytes = Addresses.parse(bare, "requested address");
            } catch (IllegalArgumentException e) {
                throw new RequestedAddressException(
                        RequestedAddressException.Reason.OUTSIDE_RANGES,
                        given,
                        null,
                        "requested address '" + given + "' is not an IP address");
            }
            String canonical = Addresses.format(bytes);
            BigInteger v = Addresses.toBigInteger(bytes);
            boolean v6 = bytes.length == 16;
            int home = -1;
            StringBuilder ranges6 = new StringBuilder();
            for (int i = 0; i < ranges.length; i++) {
                CompiledRange r = ranges[i];
                if (r.v6 != v6) {
                    continue;
                }
                ranges6.append(ranges6.length() == 0 ? "" : ", ").append(r.describe());
                InetAddress gw = r.gateway;
                if (gw != null && Addresses.toBigInteger(gw.getAddress()).equals(v)) {
                    throw new RequestedAddressException(
                            RequestedAddressException.Reason.RESERVED,
                            canonical,
                            null,
                            "requested address " + canonical + " is reserved in pool " + pool + " (the gateway of "
                                    + r.describe() + ")");
                }
                BigInteger offset = r.offsetOf(v);
                if (offset != null) {
                    if (r.isReserved(offset)) {
                        throw new RequestedAddressException(
                                RequestedAddressException.Reason.RESERVED,
                                canonical,
                                null,
                                "requested address " + canonical + " is reserved in pool " + pool + " (excluded or"
                                        + " the gateway of " + r.describe() + ")");
                    }
                    home = i;
                    break;
                }
                if (r.inSubnet(v) && r.isSubnetReserved(v)) {
                    throw new RequestedAddressException(
                            RequestedAddressException.Reason.RESERVED,
                            canonical,
                            null,
                            "requested address " + canonical + " is a reserved address of " + r.describe());
                }
            }
            if (home < 0) {
                throw new RequestedAddressException(
                        RequestedAddressException.Reason.OUTSIDE_RANGES,
                        canonical,
                        null,
                        "requested address " + canonical + " is outside the ranges of pool " + pool + " ["
                                + (ranges6.length() == 0 ? "none of its family" : ranges6) + "]");
            }
            if (out[home] != null) {
                throw new RequestedAddressException(
                        RequestedAddressException.Reason.SAME_RANGE,
                        canonical,
                        null,
                        "requested addresses " + out[home] + " and " + canonical + " are both in "
                                + ranges[home].describe() + "; an attachment gets one address per range");
            }
            out[home] = canonical;
        }
        return out;
    }

    boolean overlaps(CompiledRange other) {
        return v6 == other.v6 && first.compareTo(other.last) <= 0 && other.first.compareTo(last) <= 0;
    }
}
