package io.fabricbinder.core;

import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolExhaustedException;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.RequestedAddressException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Executes a {@link Plan} in the documented order over two seams, the {@link FabricGateway} (the
 * fabric side effects) and the {@link AddressBook} (the IPAM side effects):
 *
 * <ol>
 *   <li>the deletion guard: a plan that removes too much is {@link ApplyResult.Status#REFUSED} and
 *       nothing is touched;
 *   <li>allocate the plan's new addresses — inside {@link FabricGateway#apply(Plan, Runnable)}'s
 *       {@code beforeChanges}, so only once the gateway holds its lock and agreed to apply (directly
 *       when the plan has no fabric changes);
 *   <li>the fabric changes ({@link FabricGateway#apply(Plan, Runnable)});
 *   <li>release the addresses of attachments that are gone, unless the gateway refused.
 * </ol>
 *
 * <p>A refused apply (guard or gateway) therefore changes neither the fabric nor the IPAM. Each
 * allocation or release failure is an error on its attachment; the others proceed. Not
 * thread-safe: {@link FabricBinder} serializes calls.
 */
final class Applier {

    private final FabricGateway gateway;
    private final AddressBook addressBook;
    private final DeletionGuard deletionGuard;
    private final boolean releaseAddresses;

    Applier(FabricGateway gateway, AddressBook addressBook, DeletionGuard deletionGuard, boolean releaseAddresses) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.addressBook = Objects.requireNonNull(addressBook, "addressBook");
        this.deletionGuard = Objects.requireNonNull(deletionGuard, "deletionGuard");
        this.releaseAddresses = releaseAddresses;
    }

    /** Applies the plan: guard, allocate (under the gateway's lock), fabric changes, release. */
    ReconcileResult apply(Plan plan) {
        Objects.requireNonNull(plan, "plan");
        List<IpAllocationEntry> allocated = new ArrayList<>();
        List<IpAllocationEntry> released = new ArrayList<>();
        List<Diagnostic> failures = new ArrayList<>();
        Optional<String> refusal = deletionGuard.refusal(plan);
        if (refusal.isPresent()) {
            ApplyResult refused = new ApplyResult(
                    ApplyResult.Status.REFUSED,
                    0,
                    List.of(new Diagnostic(ObjectRef.clusterScoped("Plan", ""), "", refusal.get())),
                    refusal.get());
            return new ReconcileResult(plan, refused, allocated, released, failures);
        }
        ApplyResult fabric;
        if (plan.hasFabricChanges()) {
            fabric = gateway.apply(plan, () -> allocate(plan, allocated, failures));
        } else {
            allocate(plan, allocated, failures);
            fabric = ApplyResult.noChanges();
        }
        if (releaseAddresses && fabric.status() != ApplyResult.Status.REFUSED) {
            release(plan, released, failures);
        }
        return new ReconcileResult(plan, fabric, allocated, released, failures);
    }

    private void allocate(Plan plan, List<IpAllocationEntry> allocated, List<Diagnostic> failures) {
        // One allocate call per owner (a dual-stack owner has two entries).
        // Insertion order: the plan's entries are sorted, so the calls are made in a stable order.
        Map<PoolOwner, List<IpAllocationEntry>> byOwner = new LinkedHashMap<>();
        for (IpAllocationEntry e : plan.ipAllocations()) {
            if (e.action() == AllocationAction.ALLOCATE) {
                byOwner.computeIfAbsent(ownerKey(e), k -> new ArrayList<>()).add(e);
            }
        }
        for (List<IpAllocationEntry> entries : byOwner.values()) {
            IpAllocationEntry first = entries.get(0);
            try {
                PoolSpec pool = poolOf(plan, first);
                // An allocate entry with an address is a pod's requested address (its ips).
                List<InetAddress> requested = new ArrayList<>();
                for (IpAllocationEntry e : entries) {
                    if (e.address() != null) {
                        requested.add(e.address());
                    }
                }
                List<InetAddress> addresses = requested.isEmpty()
                        ? addressBook.allocate(pool, first.owner())
                        : addressBook.allocate(pool, first.owner(), requested);
                for (int r = 0; r < addresses.size(); r++) {
                    allocated.add(new IpAllocationEntry(
                            first.owner(),
                            first.virtualNetwork(),
                            pool.ranges().get(r).prefix(),
                            addresses.get(r),
                            pool.name(),
                            AllocationAction.UNCHANGED));
                }
            } catch (RequestedAddressException e) {
                failures.add(podError(
                        first,
                        "the requested address of interface " + first.interfaceName() + " in " + first.virtualNetwork()
                                + " cannot be granted: " + e.getMessage()));
            } catch (PoolExhaustedException e) {
                failures.add(podError(
                        first,
                        "no address left for interface " + first.interfaceName() + " in " + first.virtualNetwork()
                                + ": " + e.getMessage()));
            } catch (RuntimeException e) {
                failures.add(podError(
                        first,
                        "allocating for interface " + first.interfaceName() + " in " + first.virtualNetwork()
                                + " failed (retried on the next reconcile): " + e.getMessage()));
            }
        }
    }

    private void release(Plan plan, List<IpAllocationEntry> released, List<Diagnostic> failures) {
        Set<PoolOwner> done = new HashSet<>();
        for (IpAllocationEntry e : plan.ipAllocations()) {
            if (e.action() != AllocationAction.RELEASE) {
                continue;
            }
            try {
                if (done.add(ownerKey(e))) {
                    addressBook.release(poolOf(plan, e), e.owner());
                }
                released.add(e);
            } catch (RuntimeException ex) {
                failures.add(podError(
                        e, "releasing " + e.cidr() + " failed (retried on the next reconcile): " + ex.getMessage()));
            }
        }
    }

    /** One IPAM owner within one pool: the unit of allocate and release calls. */
    private record PoolOwner(String pool, Owner owner) {}

    private static PoolOwner ownerKey(IpAllocationEntry e) {
        return new PoolOwner(e.pool(), e.owner());
    }

    private static Diagnostic podError(IpAllocationEntry e, String message) {
        Owner o = e.owner();
        return new Diagnostic(ObjectRef.of("Pod", o.namespace(), o.pod()), Planner.NETWORKS_FIELD, message);
    }

    /**
     * The pool an allocation entry names. A plan holds the pool of each of its entries (the public
     * constructor checks it; the planners build them so).
     */
    private static PoolSpec poolOf(Plan plan, IpAllocationEntry e) {
        PoolSpec pool = plan.pools().get(e.pool());
        if (pool == null) {
            throw new IllegalStateException("the plan has no pool " + e.pool() + " for " + e);
        }
        return pool;
    }
}
