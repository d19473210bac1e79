package io.fabricbinder.core;

import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A pool of the plan, with what the address book holds in it. */
final class PoolState {
    final PoolSpec spec;
    final String network;
    /** The allocations the address book holds, by {@link Owner#key()}. */
    Map<String, List<InetAddress>> existing = Map.of();

    BigInteger capacity = BigInteger.ZERO;

    /** Owner key by address, built from {@link #existing} when first asked. */
    private @Nullable Map<InetAddress, String> holders;

    PoolState(PoolSpec spec, String network) {
        this.spec = spec;
        this.network = network;
    }

    /** The owner key holding the address, or null. */
    @Nullable
    String holderOf(InetAddress address) {
        Map<InetAddress, String> h = holders;
        if (h == null) {
            h = new HashMap<>();
            for (Map.Entry<String, List<InetAddress>> e : existing.entrySet()) {
                for (InetAddress held : e.getValue()) {
                    h.put(held, e.getKey());
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
