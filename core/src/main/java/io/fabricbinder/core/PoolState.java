package io.fabricbinder.core;

import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A pool of the plan, with what the address book holds in it. */
final class PoolState {
    final PoolSpec spec;
    final String network;
    /** The allocations the address book holds, by {@link Owner#key()}. */
    Map<String, List<String>> existing = Map.of();

    BigInteger capacity = BigInteger.ZERO;

    /** Owner key by address (no prefix length), built from {@link #existing} when first asked. */
    private @Nullable Map<String, String> holders;

    PoolState(PoolSpec spec, String network) {
        this.spec = spec;
        this.network = network;
    }

    /** The owner key holding the address (canonical, no prefix length), or null. */
    @Nullable
    String holderOf(String address) {
        Map<String, String> h = holders;
        if (h == null) {
            h = new HashMap<>();
            for (Map.Entry<String, List<String>> e : existing.entrySet()) {
                for (String cidr : e.getValue()) {
                    int slash = cidr.indexOf('/');
                    h.put(slash < 0 ? cidr : cidr.substring(0, slash), e.getKey());
                }
            }
            holders = h;
        }
        return h.get(address);
    }

    long capacityLimit() {
        return capacity.bitLength() < 63 ? capacity.longValue() : Long.MAX_VALUE;
    }

    Diagnostic exhausted(Attachment a) {
        return new Diagnostic(
                a.podRef(),
                Planner.NETWORKS_FIELD + "[" + a.index() + "]",
                "no address left for interface " + a.owner().interfaceName() + " in " + network + ": pool "
                        + spec.name() + " holds " + capacity + " addresses and all are allocated");
    }
}
