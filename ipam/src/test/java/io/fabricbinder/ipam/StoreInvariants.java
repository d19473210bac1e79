package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the stored state of a pool against itself: owner records, address records, leaf bits and
 * summary bits all agree. Used after generated and concurrent runs.
 */
final class StoreInvariants {
    private StoreInvariants() {}

    static void check(IpPoolStore store, PoolSpec spec) {
        String prefix = "ipam/" + spec.name() + "/";
        List<VersionedValue> owners = store.list(prefix + "owner/", "", Integer.MAX_VALUE);
        List<VersionedValue> addrs = store.list(prefix + "addr/", "", Integer.MAX_VALUE);
        Map<String, String> addrToOwner = new HashMap<>();
        for (VersionedValue v : addrs) {
            addrToOwner.put(v.key().substring((prefix + "addr/").length()), v.value());
        }
        assertThat(addrs).hasSize(owners.size() * spec.ranges().size());
        List<Set<BigInteger>> taken = new java.util.ArrayList<>();
        for (int i = 0; i < spec.ranges().size(); i++) {
            taken.add(new HashSet<>());
        }
        for (VersionedValue o : owners) {
            String ownerKey = o.key().substring((prefix + "owner/").length());
            String[] parts = o.value().split(" ", -1);
            for (int i = 1; i < parts.length; i++) {
                assertThat(addrToOwner.get(parts[i]))
                        .as("address record of %s", parts[i])
                        .isEqualTo(ownerKey);
                CompiledRange r = spec.ranges().get(i - 1).compile();
                BigInteger offset = r.offsetOf(Addresses.toBigInteger(Addresses.parse(parts[i], "a")));
                assertThat(offset).as("%s inside range %d", parts[i], i - 1).isNotNull();
                assertThat(r.isReserved(offset)).as("%s reserved", parts[i]).isFalse();
                assertThat(taken.get(i - 1).add(offset))
                        .as("%s held twice", parts[i])
                        .isTrue();
            }
        }
        for (int i = 0; i < spec.ranges().size(); i++) {
            CompiledRange r = spec.ranges().get(i).compile();
            String rangePrefix = prefix + "r" + i + "/n";
            Map<String, long[]> nodes = new HashMap<>();
            for (VersionedValue v : store.list(rangePrefix, "", Integer.MAX_VALUE)) {
                nodes.put(v.key().substring(rangePrefix.length()), Node.decode(v.value()).bits);
            }
            // Leaves: bits are exactly the held offsets.
            Set<BigInteger> fromLeaves = new HashSet<>();
            for (Map.Entry<String, long[]> e : nodes.entrySet()) {
                if (!e.getKey().startsWith("0/")) {
                    continue;
                }
                BigInteger leaf = new BigInteger(e.getKey().substring(2), 16);
                for (int b = 0; b < 256; b++) {
                    if (Bits.get(e.getValue(), b)) {
                        fromLeaves.add(leaf.shiftLeft(8).add(BigInteger.valueOf(b)));
                    }
                }
            }
            assertThat(fromLeaves).as("leaf bits of range %d", i).isEqualTo(taken.get(i));
            // Every full node below the root is marked in an existing parent.
            for (Map.Entry<String, long[]> e : nodes.entrySet()) {
                int level = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('/')));
                if (level >= r.rootLevel) {
                    continue;
                }
                BigInteger id = new BigInteger(e.getKey().substring(e.getKey().indexOf('/') + 1), 16);
                long[] mask = level == 0 ? r.unusableMask(id) : r.missingChildrenMask(level, id);
                if (Bits.allSet(e.getValue(), mask)) {
                    long[] parent =
                            nodes.get((level + 1) + "/" + id.shiftRight(8).toString(16));
                    assertThat(parent != null && Bits.get(parent, id.intValue() & 255))
                            .as("range %d full node %s marked in parent", i, e.getKey())
                            .isTrue();
                }
            }
            // Summary: bit j of node (level, id) is set iff child (level-1, id*256+j) is full.
            for (Map.Entry<String, long[]> e : nodes.entrySet()) {
                int level = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('/')));
                if (level == 0) {
                    continue;
                }
                BigInteger id = new BigInteger(e.getKey().substring(e.getKey().indexOf('/') + 1), 16);
                long[] missing = r.missingChildrenMask(level, id);
                for (int j = 0; j < 256; j++) {
                    if (Bits.get(missing, j)) {
                        continue;
                    }
                    BigInteger child = id.shiftLeft(8).add(BigInteger.valueOf(j));
                    long[] childBits = nodes.get((level - 1) + "/" + child.toString(16));
                    boolean full = childBits != null
                            && Bits.allSet(
                                    childBits,
                                    level == 1 ? r.unusableMask(child) : r.missingChildrenMask(level - 1, child));
                    assertThat(Bits.get(e.getValue(), j))
                            .as("range %d node %s child %d full", i, e.getKey(), j)
                            .isEqualTo(full);
                }
            }
        }
    }
}
