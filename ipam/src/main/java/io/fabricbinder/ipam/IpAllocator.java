package io.fabricbinder.ipam;

import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assigns addresses from {@link PoolSpec pools} kept in an {@link IpPoolStore}, consistently across
 * every process that shares the store.
 *
 * <pre>{@code
 * IpAllocator allocator = IpAllocator.create(FileIpPoolStore.open(Path.of("/var/lib/fabricbinder/ipam")));
 * PoolSpec pool = PoolSpec.of("storage-net", IpRange.ofSubnet("10.20.0.0/16"));
 * Allocation a = allocator.allocate(pool, new Owner("team-a", "web-0", podUid, "net1"));
 * allocator.release(pool, new Owner("team-a", "web-0", podUid, "net1"));
 * }</pre>
 *
 * <p><b>How it stays correct.</b> Each allocation is one {@link IpPoolStore#commit} that requires
 * the owner key to be absent and every written free-index node to be at the version that was read.
 * Whether an address is taken is decided only by the leaf bitmap of its 256-address block, and a
 * bit is only ever set by a commit conditioned on that leaf's version, so two commits that both set
 * the same bit cannot both succeed. See {@code docs/ipam.md} for the full argument.
 *
 * <p><b>Cost.</b> An allocation reads one random leaf (one store read) and commits once; only when
 * that leaf is full does it descend the free-index tree (one read per level, at most 16 levels for
 * a /0 IPv6 range). Nothing is proportional to the range size or the number of allocations.
 *
 * <p>Thread-safe; share one instance. It starts no threads and does not own the store.
 */
public final class IpAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(IpAllocator.class);
    private static final int PAGE = 1000;
    private static final String POOLS = "ipam/";

    private final IpPoolStore store;
    private final InstantSource clock;
    private final long cooldownMillis;
    private final int maxAttempts;
    private final Random random;
    private final Map<PoolSpec, CompiledPool> compiled = new ConcurrentHashMap<>();
    private final Set<String> verifiedSpecs = ConcurrentHashMap.newKeySet();
    private volatile @Nullable CompiledPool lastPool;

    private IpAllocator(Builder b) {
        this.store = b.store;
        this.clock = b.clock;
        this.cooldownMillis = b.reuseCooldown.toMillis();
        this.maxAttempts = b.maxAttempts;
        Long seed = b.randomSeed;
        this.random = seed == null ? new Random() : new Random(seed);
    }

    /** An allocator with default settings: no reuse cooldown, 64 attempts, the system clock. */
    public static IpAllocator create(IpPoolStore store) {
        return builder(store).build();
    }

    /** A builder over {@code store}. */
    public static Builder builder(IpPoolStore store) {
        return new Builder(store);
    }

    /**
     * Returns the addresses held by {@code owner} in {@code pool}, assigning one per range if it
     * holds none. Idempotent: calling it again (also after the first call's answer was lost) returns
     * the same addresses. All-or-nothing across the pool's ranges.
     *
     * @throws PoolExhaustedException if a range has no free address
     * @throws IpamConflictException if concurrent writers won every attempt (retryable)
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store failed (retryable)
     * @throws IllegalArgumentException if the pool is stored with different ranges
     */
    public Allocation allocate(PoolSpec pool, Owner owner) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(owner, "owner");
        CompiledPool p = compiledPool(pool);
        ensureSpec(p);
        return allocate(p, owner, null);
    }

    /**
     * Like {@link #allocate(PoolSpec, Owner)}, but with the requested addresses: each is granted in
     * the range it falls in when it is free, and the ranges without a request get an address as
     * usual (dual stack with a requested IPv4 address gets any IPv6 address). Idempotent for the
     * same owner and request. The planner calls it for a pod's {@code ips} (NPWG multi-net spec
     * §4.1.2) and the CNI plugin for {@code runtimeConfig.ips}; an address in reuse cooldown may be
     * requested (the request names it explicitly). An optional {@code /length} is ignored.
     *
     * @throws RequestedAddressException if an address is in no range, is reserved, is held by another
     *     owner, shares a range with another request, or the owner already holds a different address
     *     in that range (release first to change it); nothing is allocated then
     * @throws PoolExhaustedException if a range without a request has no free address
     * @throws IpamConflictException if concurrent writers won every attempt (retryable)
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store failed (retryable)
     */
    public Allocation allocate(PoolSpec pool, Owner owner, List<String> requested) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(requested, "requested");
        CompiledPool p = compiledPool(pool);
        @Nullable String[] want = CompiledRange.locate(pool.name(), p.ranges, requested);
        ensureSpec(p);
        if (requested.isEmpty()) {
            return allocate(p, owner, null);
        }
        Optional<Allocation> existing = find(p, owner);
        if (existing.isPresent()) {
            return checkHolds(p, existing.get(), want);
        }
        return allocate(p, owner, want);
    }

    /** The owner's allocation, if it holds every requested address; else the exception saying which it holds. */
    private static Allocation checkHolds(CompiledPool p, Allocation a, @Nullable String[] want) {
        for (int i = 0; i < want.length; i++) {
            String w = want[i];
            String have = Addresses.format(a.addresses().get(i).address());
            if (w != null && !w.equals(have)) {
                throw new RequestedAddressException(
                        RequestedAddressException.Reason.OWNER_HOLDS_ANOTHER,
                        w,
                        null,
                        a.owner() + " already holds " + have + " in pool " + p.spec.name() + ", not the requested " + w
                                + " (release it to change the address)");
            }
        }
        return a;
    }

    private Allocation allocate(CompiledPool p, Owner owner, @Nullable String @Nullable [] want) {
        PoolSpec pool = p.spec;
        String ownerId = owner.key();
        String ownerKey = p.ownerKey(ownerId);
        int n = p.ranges.length;
        // The first attempt reads the free index with findHint: every node it changes is committed
        // under a condition on the version it read, so a stale hint only fails the commit. After a
        // failure, and before declaring the pool full, reads are linearizable again.
        boolean hints = true;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            backoff(attempt);
            long now = clock.millis();
            Attempt at = new Attempt(ownerKey, Condition.ABSENT, n + 1, 0, hints);
            hints = false;
            byte[][] chosen = new byte[n][];
            boolean stale = false;
            for (int i = 0; i < n; i++) {
                Search s = new Search(at, p, i, now);
                String requestedText = want == null ? null : want[i];
                if (want != null && requestedText != null) {
                    BigInteger offset = Objects.requireNonNull(
                            p.ranges[i].offsetOf(Addresses.toBigInteger(Addresses.parse(requestedText, "address"))),
                            "located request outside its range");
                    Pick pick = new Pick(offset.shiftRight(8), offset.intValue() & 255);
                    Node leaf = at.node(p.nodeKey(i, 0, pick.leafId()));
                    if (Bits.get(leaf.bits, pick.bit())) {
                        Optional<Allocation> existing = find(p, owner);
                        if (existing.isPresent()) {
                            return checkHolds(p, existing.get(), want);
                        }
                        if (at.hints) {
                            // "Taken" may come from a stale hint: confirm with linearizable reads.
                            attempt--;
                            stale = true;
                            break;
                        }
                        String holder = store.find(p.addrKey(requestedText))
                                .map(VersionedValue::value)
                                .orElse(null);
                        throw new RequestedAddressException(
                                RequestedAddressException.Reason.HELD,
                                requestedText,
                                holder,
                                "requested address " + requestedText + " in pool " + pool.name() + " is held by "
                                        + (holder == null ? "another owner" : holder));
                    }
                    chosen[i] = s.take(pick);
                    continue;
                }
                Pick pick = s.pick();
                if (pick == null) {
                    Optional<Allocation> existing = find(p, owner);
                    if (existing.isPresent()) {
                        return want == null ? existing.get() : checkHolds(p, existing.get(), want);
                    }
                    if (at.hints) {
                        // "Full" or "cooling" may come from stale hints: confirm with linearizable
                        // reads, without spending an attempt.
                        attempt--;
                        stale = true;
                        break;
                    }
                    if (s.cooling || s.rootFull) {
                        throw new PoolExhaustedException(
                                p.spec.name(),
                                i,
                                s.cooling
                                        ? "every free address is in reuse cooldown"
                                        : "all " + p.ranges[i].capacity + " addresses are allocated");
                    }
                    stale = true;
                    break;
                }
                chosen[i] = s.take(pick);
            }
            if (stale) {
                continue;
            }
            String value;
            if (n == 1) {
                String text = Addresses.format(chosen[0]);
                at.put(p.addrKey(text), ownerId);
                value = now + " " + text;
            } else {
                StringBuilder sb = new StringBuilder(24 + 40 * n).append(now);
                for (int i = 0; i < n; i++) {
                    String text = Addresses.format(chosen[i]);
                    sb.append(' ').append(text);
                    at.put(p.addrKey(text), ownerId);
                }
                value = sb.toString();
            }
            at.put(ownerKey, value);
            if (at.commit()) {
                return toAllocation(p, owner, chosen);
            }
            Optional<Allocation> existing = find(p, owner);
            if (existing.isPresent()) {
                return want == null ? existing.get() : checkHolds(p, existing.get(), want);
            }
            LOG.debug("allocate {} in pool {}: attempt {} lost a race, retrying", owner, pool.name(), attempt);
        }
        throw new IpamConflictException(pool.name(), "allocate " + owner, maxAttempts);
    }

    /**
     * Releases what {@code owner} holds in {@code pool}. Idempotent: releasing an owner that holds
     * nothing does nothing. Only addresses recorded for this owner are freed, in one commit
     * conditioned on the owner's record, so an address that now belongs to someone else is never
     * freed.
     *
     * @return true if something was released, false if the owner held nothing
     * @throws IpamConflictException if concurrent writers won every attempt (retryable)
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store failed (retryable)
     */
    public boolean release(PoolSpec pool, Owner owner) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(owner, "owner");
        CompiledPool p = compiledPool(pool);
        ensureSpec(p);
        return releaseInternal(p, owner, Condition.ABSENT) == ReleaseResult.RELEASED;
    }

    /** The addresses {@code owner} holds in {@code pool}, if any. One store read. */
    public Optional<Allocation> find(PoolSpec pool, Owner owner) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(owner, "owner");
        return find(compiledPool(pool), owner);
    }

    /**
     * Allocated and allocatable addresses of {@code pool}. Lists the pool's owner records, so it costs
     * time proportional to the number of allocations; not for the allocation path.
     */
    public PoolUsage usage(PoolSpec pool) {
        CompiledPool p = compiledPool(pool);
        long owners = 0;
        String prefix = p.prefix + "owner/";
        String after = "";
        while (true) {
            List<VersionedValue> page = store.list(prefix, after, PAGE);
            owners += page.size();
            if (page.size() < PAGE) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        BigInteger capacity = BigInteger.ZERO;
        for (CompiledRange r : p.ranges) {
            capacity = capacity.add(r.capacity);
        }
        return new PoolUsage(
                pool.name(), BigInteger.valueOf(owners).multiply(BigInteger.valueOf(p.ranges.length)), capacity);
    }

    /** Every allocation of {@code pool}, in owner-key order. Proportional to the number of allocations. */
    public List<Allocation> list(PoolSpec pool) {
        CompiledPool p = compiledPool(pool);
        List<Allocation> out = new ArrayList<>();
        for (VersionedValue v : listOwners(p)) {
            Owner owner = Owner.fromKey(v.key().substring(p.prefix.length() + "owner/".length()));
            out.add(parseAllocation(p, owner, v.value()));
        }
        return out;
    }

    /**
     * Every allocation of {@code pool} as addresses, keyed by {@link Owner#key() owner key}, in
     * owner-key order: for bulk readers that look many allocations up by owner (a planner comparing
     * what pods need with what they hold). Each value holds one address per range, in range order
     * (the range's prefix length is the pool's; {@link AssignedAddress#address()} of {@link #list}).
     *
     * <p>The same store reads as {@link #list}, but less work per allocation: owner keys are not
     * parsed into {@link Owner}s, and no {@link Allocation} or {@link AssignedAddress} is built.
     * Proportional to the number of allocations; not for the allocation path. The map and its lists
     * are unmodifiable, and every value is a list of its own.
     *
     * @throws IllegalStateException if a stored record does not match the pool's ranges
     */
    public Map<String, List<InetAddress>> addressesByOwnerKey(PoolSpec pool) {
        CompiledPool p = compiledPool(pool);
        int n = p.ranges.length;
        List<VersionedValue> records = listOwners(p);
        Map<String, List<InetAddress>> out = new LinkedHashMap<>(Math.max(16, records.size() * 4 / 3 + 1));
        int skip = p.ownerPrefix.length();
        for (VersionedValue v : records) {
            String ownerKey = v.key().substring(skip);
            String value = v.value();
            int space = value.indexOf(' ');
            if (n == 1 && space > 0 && space < value.length() - 1 && value.indexOf(' ', space + 1) < 0) {
                out.put(ownerKey, List.of(storedAddress(value.substring(space + 1))));
                continue;
            }
            // Several ranges (or a record that does not match: splitRecord says so).
            String[] texts = splitRecord(p, ownerKey, value);
            InetAddress[] addresses = new InetAddress[n];
            for (int i = 0; i < n; i++) {
                addresses[i] = storedAddress(texts[i]);
            }
            out.put(ownerKey, List.of(addresses));
        }
        return Collections.unmodifiableMap(out);
    }

    private static InetAddress storedAddress(String text) {
        return Addresses.toInetAddress(Addresses.parse(text, "stored address"));
    }

    /**
     * Releases the allocations of {@code pool} whose owner is gone. Safe to run concurrently with
     * allocation and on several replicas at once:
     *
     * <ol>
     *   <li>the owner records are listed <em>before</em> the live snapshot is taken, so an owner
     *       created in between is in the snapshot (a pod exists before it is given an address);
     *   <li>a record younger than {@code gracePeriod} is kept (covers caches that lag behind);
     *   <li>{@link LiveOwners#isLive} re-checks each candidate immediately before release;
     *   <li>the release is conditioned on the exact version listed, so an allocation re-created or
     *       changed after the listing is never released.
     * </ol>
     */
    public ReclaimReport reclaim(PoolSpec pool, LiveOwners liveOwners, Duration gracePeriod) {
        Objects.requireNonNull(liveOwners, "liveOwners");
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isNegative()) {
            throw new IllegalArgumentException("gracePeriod must not be negative: " + gracePeriod);
        }
        CompiledPool p = compiledPool(pool);
        ensureSpec(p);
        List<VersionedValue> listed = listOwners(p);
        Predicate<Owner> alive = liveOwners.snapshot();
        Instant now = clock.instant();
        List<Owner> released = new ArrayList<>();
        int young = 0;
        int recheck = 0;
        int changed = 0;
        for (VersionedValue v : listed) {
            Owner owner = Owner.fromKey(v.key().substring(p.prefix.length() + "owner/".length()));
            if (alive.test(owner)) {
                continue;
            }
            long created = Long.parseLong(v.value().substring(0, v.value().indexOf(' ')));
            if (Instant.ofEpochMilli(created).plus(gracePeriod).isAfter(now)) {
                young++;
                continue;
            }
            if (liveOwners.isLive(owner)) {
                recheck++;
                continue;
            }
            ReleaseResult r = releaseInternal(p, owner, v.version());
            if (r == ReleaseResult.RELEASED) {
                LOG.info("reclaimed leaked allocation of {} in pool {}", owner, pool.name());
                released.add(owner);
            } else if (r == ReleaseResult.CHANGED) {
                changed++;
            }
        }
        return new ReclaimReport(pool.name(), listed.size(), released, young, recheck, changed);
    }

    /**
     * The names of every pool the store holds (each has a stored spec or allocations), in store
     * key order: one store read per pool, whatever its size. For leak reclamation across pools that no
     * configuration names any more (a deleted NetworkAttachmentDefinition, a changed subnet).
     *
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store failed
     */
    public List<String> poolNames() {
        List<String> out = new ArrayList<>();
        String after = "";
        while (true) {
            List<VersionedValue> page = store.list(POOLS, after, 1);
            if (page.isEmpty()) {
                return out;
            }
            String key = page.get(0).key();
            int slash = key.indexOf('/', POOLS.length());
            if (slash < 0) {
                after = key;
                continue;
            }
            String name = key.substring(POOLS.length(), slash);
            out.add(name);
            // '0' is the character after '/': every key of this pool sorts before this one.
            after = POOLS + name + "0";
        }
    }

    /**
     * The pool {@code name} as the store records it (its ranges, reservations and gateways), or
     * empty when the store has no spec for it or the spec cannot be read back exactly (logged). The
     * returned pool is the one allocations were made in, so it may be released from.
     *
     * @throws io.fabricbinder.ipam.spi.IpPoolStoreException if the store failed
     */
    public Optional<PoolSpec> storedPool(String name) {
        Optional<VersionedValue> stored = store.find(POOLS + name + "/spec");
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        String canonical = stored.get().value();
        try {
            List<IpRange> ranges = new ArrayList<>();
            for (String range : canonical.split(" \\| ", -1)) {
                ranges.add(CompiledRange.parseCanonical(range));
            }
            PoolSpec spec = new PoolSpec(name, ranges);
            if (!compiledPool(spec).canonical.equals(canonical)) {
                LOG.warn(
                        "pool {}: stored spec [{}] reads back as [{}]; left alone",
                        name,
                        canonical,
                        compiledPool(spec).canonical);
                return Optional.empty();
            }
            return Optional.of(spec);
        } catch (IllegalArgumentException e) {
            LOG.warn("pool {}: stored spec [{}] cannot be read: {}; left alone", name, canonical, e.getMessage());
            return Optional.empty();
        }
    }

    private List<VersionedValue> listOwners(CompiledPool p) {
        String prefix = p.ownerPrefix;
        List<VersionedValue> first = store.list(prefix, "", PAGE);
        if (first.size() < PAGE) {
            return first;
        }
        List<VersionedValue> out = new ArrayList<>(first);
        String after = first.get(first.size() - 1).key();
        while (true) {
            List<VersionedValue> page = store.list(prefix, after, PAGE);
            out.addAll(page);
            if (page.size() < PAGE) {
                return out;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    private enum ReleaseResult {
        RELEASED,
        NOT_FOUND,
        CHANGED
    }

    private ReleaseResult releaseInternal(CompiledPool p, Owner owner, long expectedVersion) {
        String ownerKey = p.ownerKey(owner.key());
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            backoff(attempt);
            long now = clock.millis();
            Optional<VersionedValue> current = store.find(ownerKey);
            if (current.isEmpty()) {
                return ReleaseResult.NOT_FOUND;
            }
            VersionedValue ov = current.get();
            if (expectedVersion != Condition.ABSENT && ov.version() != expectedVersion) {
                return ReleaseResult.CHANGED;
            }
            String[] texts = splitRecord(p, owner, ov.value());
            Attempt at = new Attempt(ownerKey, ov.version(), 0, p.ranges.length + 1);
            for (int i = 0; i < p.ranges.length; i++) {
                CompiledRange r = p.ranges[i];
                // The record holds the canonical text the address keys were written with.
                String text = texts[i];
                BigInteger address = Addresses.toBigInteger(Addresses.parse(text, "stored address"));
                BigInteger offset = r.offsetOf(address);
                if (offset == null) {
                    throw new IllegalStateException("pool " + p.spec.name() + ": stored address " + text + " of "
                            + owner + " is outside range " + i);
                }
                new Search(at, p, i, now).free(offset);
                at.delete(p.addrKey(text));
            }
            at.delete(ownerKey);
            if (at.commit()) {
                return ReleaseResult.RELEASED;
            }
            LOG.debug("release {} in pool {}: attempt {} lost a race, retrying", owner, p.spec.name(), attempt);
        }
        throw new IpamConflictException(p.spec.name(), "release " + owner, maxAttempts);
    }

    private void backoff(int attempt) {
        if (attempt > 2) {
            // Jitter spreads writers that keep colliding on the same node; correctness never needs it.
            long maxNanos = Math.min(2_000_000L, 20_000L << Math.min(attempt - 3, 6));
            LockSupport.parkNanos(1 + (long) (random.nextDouble() * maxNanos));
        }
    }

    private Optional<Allocation> find(CompiledPool p, Owner owner) {
        return store.find(p.ownerKey(owner.key())).map(v -> parseAllocation(p, owner, v.value()));
    }

    /** The address texts of an owner record ({@code createdMillis addr0 addr1 ...}); owner names it in errors. */
    private static String[] splitRecord(CompiledPool p, Object owner, String value) {
        String[] texts = new String[p.ranges.length];
        int at = value.indexOf(' ');
        for (int i = 0; i < texts.length && at >= 0; i++) {
            int next = value.indexOf(' ', at + 1);
            texts[i] = next < 0 ? value.substring(at + 1) : value.substring(at + 1, next);
            at = next;
        }
        boolean complete = at < 0;
        for (String t : texts) {
            complete &= t != null && !t.isEmpty();
        }
        if (!complete) {
            throw new IllegalStateException(
                    "pool " + p.spec.name() + ": stored record of " + owner + " does not match the pool: " + value);
        }
        return texts;
    }

    private Allocation parseAllocation(CompiledPool p, Owner owner, String value) {
        String[] texts = splitRecord(p, owner, value);
        byte[][] addresses = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            addresses[i] = Addresses.parse(texts[i], "stored address");
        }
        return toAllocation(p, owner, addresses);
    }

    private static Allocation toAllocation(CompiledPool p, Owner owner, byte[][] addresses) {
        AssignedAddress[] out = new AssignedAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            CompiledRange r = p.ranges[i];
            out[i] = new AssignedAddress(Addresses.toInetAddress(addresses[i]), r.prefixLength, r.gateway);
        }
        return new Allocation(p.spec.name(), owner, List.of(out));
    }

    @SuppressWarnings("ReferenceEquality") // the identity check is the point, see below
    private CompiledPool compiledPool(PoolSpec spec) {
        // Callers usually pass the same PoolSpec instance again and again: an identity check is
        // cheaper than hashing the record (and its ranges) for the map lookup.
        CompiledPool last = lastPool;
        if (last != null && last.spec == spec) {
            return last;
        }
        CompiledPool p = compiled.computeIfAbsent(spec, CompiledPool::new);
        lastPool = p;
        return p;
    }

    private void ensureSpec(CompiledPool p) {
        if (p.verified) {
            return;
        }
        String token = p.specKey + "\n" + p.canonical;
        if (verifiedSpecs.contains(token)) {
            p.verified = true;
            return;
        }
        Optional<VersionedValue> stored = store.find(p.specKey);
        if (stored.isEmpty()) {
            if (!store.commit(List.of(Condition.absent(p.specKey)), List.of(Mutation.put(p.specKey, p.canonical)))) {
                stored = store.find(p.specKey);
            }
        }
        if (stored.isPresent() && !stored.get().value().equals(p.canonical)) {
            throw new IllegalArgumentException("pool " + p.spec.name() + " is stored with ranges ["
                    + stored.get().value() + "] but was given [" + p.canonical
                    + "]; a pool's ranges cannot change while it is in use (use a new pool name)");
        }
        verifiedSpecs.add(token);
        p.verified = true;
    }

    private BigInteger randomBelow(BigInteger bound) {
        if (bound.bitLength() < 63) {
            return BigInteger.valueOf(random.nextLong(bound.longValue()));
        }
        while (true) {
            BigInteger x = new BigInteger(bound.bitLength(), random);
            if (x.compareTo(bound) < 0) {
                return x;
            }
        }
    }

    /** A validated pool with its key layout. */
    private static final class CompiledPool {
        // Leaf keys are cached for ranges of up to this many leaves (a /14 of IPv4): bounded memory,
        // and a cached key's hash code is computed once instead of on every store lookup.
        private static final int CACHED_LEAF_KEYS = 256;

        final PoolSpec spec;
        final CompiledRange[] ranges;
        final String prefix;
        final String specKey;
        final String canonical;
        volatile boolean verified;
        private final String ownerPrefix;
        private final String addrPrefix;
        // nodePrefix[range][level] = prefix + "r" + range + "/n" + level + "/"
        private final String[][] nodePrefix;
        private final @Nullable String[] @Nullable [] leafKeys;

        CompiledPool(PoolSpec spec) {
            this.spec = spec;
            this.ranges = new CompiledRange[spec.ranges().size()];
            StringBuilder canon = new StringBuilder();
            for (int i = 0; i < ranges.length; i++) {
                ranges[i] = spec.ranges().get(i).compile();
                if (i > 0) {
                    canon.append(" | ");
                }
                canon.append(ranges[i].canonical);
            }
            this.prefix = "ipam/" + spec.name() + "/";
            this.specKey = prefix + "spec";
            this.canonical = canon.toString();
            this.ownerPrefix = prefix + "owner/";
            this.addrPrefix = prefix + "addr/";
            this.nodePrefix = new String[ranges.length][];
            this.leafKeys = new String[ranges.length][];
            for (int i = 0; i < ranges.length; i++) {
                nodePrefix[i] = new String[ranges[i].rootLevel + 1];
                for (int level = 0; level <= ranges[i].rootLevel; level++) {
                    nodePrefix[i][level] = prefix + "r" + i + "/n" + level + "/";
                }
                BigInteger leaves = ranges[i].leafCount();
                if (leaves.compareTo(BigInteger.valueOf(CACHED_LEAF_KEYS)) <= 0) {
                    leafKeys[i] = new String[leaves.intValueExact()];
                }
            }
        }

        String ownerKey(String ownerId) {
            return ownerPrefix.concat(ownerId);
        }

        String addrKey(String addressText) {
            return addrPrefix.concat(addressText);
        }

        String nodeKey(int range, int level, BigInteger id) {
            @Nullable String[] cache = level == 0 ? leafKeys[range] : null;
            if (cache != null) {
                int slot = id.intValue();
                String cached = cache[slot];
                if (cached != null) {
                    return cached;
                }
                String key = nodeKeyText(range, level, id);
                // A benign race: every thread computes the same immutable string.
                cache[slot] = key;
                return key;
            }
            return nodeKeyText(range, level, id);
        }

        private String nodeKeyText(int range, int level, BigInteger id) {
            String hex = id.bitLength() < 63 ? Long.toHexString(id.longValue()) : id.toString(16);
            return nodePrefix[range][level].concat(hex);
        }
    }

    /**
     * The reads and writes of one commit attempt: the owner record's condition, the free-index
     * nodes read (with their versions) and written, and the other puts and deletes. Small arrays,
     * not maps: an attempt touches a handful of keys.
     */
    private final class Attempt {
        private final String ownerKey;
        private final long ownerVersion;
        private Touched[] touched = new Touched[2];
        private int touchedCount;
        private final List<Mutation> mutations;
        /** Read nodes with {@link IpPoolStore#findHint}; only where each is conditioned at commit. */
        final boolean hints;

        Attempt(String ownerKey, long ownerVersion, int puts, int deletes) {
            this(ownerKey, ownerVersion, puts, deletes, false);
        }

        Attempt(String ownerKey, long ownerVersion, int puts, int deletes, boolean hints) {
            this.ownerKey = ownerKey;
            this.ownerVersion = ownerVersion;
            this.hints = hints;
            this.mutations = new ArrayList<>(puts + deletes + 2);
        }

        private @Nullable Touched find(String key) {
            for (int i = 0; i < touchedCount; i++) {
                if (touched[i].key.equals(key)) {
                    return touched[i];
                }
            }
            return null;
        }

        Node node(String key) {
            Touched t = find(key);
            if (t != null) {
                return t.node;
            }
            Optional<VersionedValue> v = hints ? store.findHint(key) : store.find(key);
            t = v.isPresent()
                    ? new Touched(key, Node.decode(v.get().value()), v.get().version())
                    : new Touched(key, Node.empty(), Condition.ABSENT);
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = t;
            return t.node;
        }

        /** Marks a node read through {@link #node} as changed; it is encoded once, at commit. */
        void write(String key) {
            Touched t = find(key);
            if (t == null) {
                throw new IllegalStateException("node " + key + " written without being read");
            }
            t.written = true;
        }

        void put(String key, String value) {
            mutations.add(Mutation.put(key, value));
        }

        void delete(String key) {
            mutations.add(Mutation.delete(key));
        }

        boolean commit() {
            List<Condition> cs = new ArrayList<>(touchedCount + 1);
            cs.add(new Condition(ownerKey, ownerVersion));
            for (int i = 0; i < touchedCount; i++) {
                Touched t = touched[i];
                if (t.written) {
                    cs.add(new Condition(t.key, t.version));
                    mutations.add(Mutation.put(t.key, t.node.encode()));
                }
            }
            return store.commit(cs, mutations);
        }
    }

    /** A free-index node read during an attempt, with the version it was read at. */
    private static final class Touched {
        final String key;
        final Node node;
        final long version;
        boolean written;

        Touched(String key, Node node, long version) {
            this.key = key;
            this.node = node;
            this.version = version;
        }
    }

    private record Pick(BigInteger leafId, int bit) {}

    /** Candidate search and free-index maintenance in one range during one attempt. */
    private final class Search {
        final Attempt at;
        final CompiledPool p;
        final int range;
        final CompiledRange r;
        final long now;
        boolean cooling;
        boolean rootFull;

        Search(Attempt at, CompiledPool p, int range, long now) {
            this.at = at;
            this.p = p;
            this.range = range;
            this.r = p.ranges[range];
            this.now = now;
        }

        @Nullable
        Pick pick() {
            Pick first = tryLeaf(randomBelow(r.leafCount()));
            if (first != null) {
                return first;
            }
            if (r.rootLevel == 0) {
                Node leaf = at.node(p.nodeKey(range, 0, BigInteger.ZERO));
                rootFull = Bits.allSet(leaf.bits, r.unusableMask(BigInteger.ZERO));
                return null;
            }
            Node root = at.node(p.nodeKey(range, r.rootLevel, BigInteger.ZERO));
            if (Bits.allSet(root.bits, r.missingChildrenMask(r.rootLevel, BigInteger.ZERO))) {
                rootFull = true;
                return null;
            }
            return descend(r.rootLevel, BigInteger.ZERO);
        }

        @Nullable
        private Pick tryLeaf(BigInteger leafId) {
            Node leaf = at.node(p.nodeKey(range, 0, leafId));
            long[] unusable = r.unusableMask(leafId);
            int bit = Bits.firstClear(leaf.blocked(now), unusable, random.nextInt(256));
            if (bit >= 0) {
                return new Pick(leafId, bit);
            }
            if (leaf.hasCooling(now) && !Bits.allSet(leaf.bits, unusable)) {
                cooling = true;
            }
            return null;
        }

        @Nullable
        private Pick descend(int level, BigInteger id) {
            if (level == 0) {
                return tryLeaf(id);
            }
            Node n = at.node(p.nodeKey(range, level, id));
            long[] full = r.missingChildrenMask(level, id);
            int start = random.nextInt(256);
            for (int k = 0; k < 256; k++) {
                int j = (start + k) & 255;
                if (!Bits.get(full, j) && !Bits.get(n.bits, j)) {
                    Pick found = descend(level - 1, id.shiftLeft(8).or(BigInteger.valueOf(j)));
                    if (found != null) {
                        return found;
                    }
                }
            }
            return null;
        }

        /** Marks the pick taken (maintaining the summary tree) and returns the address bytes. */
        byte[] take(Pick pick) {
            String key = p.nodeKey(range, 0, pick.leafId());
            Node leaf = at.node(key);
            Bits.set(leaf.bits, pick.bit());
            leaf.stopCooling(pick.bit());
            leaf.pruneCooling(now);
            at.write(key);
            if (r.rootLevel > 0 && Bits.allSet(leaf.bits, r.unusableMask(pick.leafId()))) {
                markFull(1, pick.leafId().shiftRight(8), pick.leafId().intValue() & 255);
            }
            return r.addressBytes(pick.leafId(), pick.bit());
        }

        private void markFull(int level, BigInteger id, int childBit) {
            String key = p.nodeKey(range, level, id);
            Node n = at.node(key);
            Bits.set(n.bits, childBit);
            at.write(key);
            if (level < r.rootLevel && Bits.allSet(n.bits, r.missingChildrenMask(level, id))) {
                markFull(level + 1, id.shiftRight(8), id.intValue() & 255);
            }
        }

        /** Clears the bit of {@code offset} (maintaining the summary tree), with optional cooldown. */
        void free(BigInteger offset) {
            BigInteger leafId = offset.shiftRight(8);
            int bit = offset.intValue() & 255;
            String key = p.nodeKey(range, 0, leafId);
            Node leaf = at.node(key);
            if (!Bits.get(leaf.bits, bit)) {
                throw new IllegalStateException("pool " + p.spec.name() + " range " + range + ": address "
                        + Addresses.format(r.addressAt(offset), r.v6) + " is recorded for an owner but free in "
                        + key);
            }
            boolean wasFull = Bits.allSet(leaf.bits, r.unusableMask(leafId));
            Bits.clear(leaf.bits, bit);
            leaf.pruneCooling(now);
            if (cooldownMillis > 0) {
                leaf.cool(bit, now + cooldownMillis);
            }
            at.write(key);
            if (wasFull && r.rootLevel > 0) {
                markNotFull(1, leafId.shiftRight(8), leafId.intValue() & 255);
            }
        }

        private void markNotFull(int level, BigInteger id, int childBit) {
            String key = p.nodeKey(range, level, id);
            Node n = at.node(key);
            boolean wasFull = Bits.allSet(n.bits, r.missingChildrenMask(level, id));
            Bits.clear(n.bits, childBit);
            at.write(key);
            if (wasFull && level < r.rootLevel) {
                markNotFull(level + 1, id.shiftRight(8), id.intValue() & 255);
            }
        }
    }

    /**
     * Settings of an {@link IpAllocator}. Not thread-safe; use once.
     */
    public static final class Builder {
        private final IpPoolStore store;
        private InstantSource clock = InstantSource.system();
        private Duration reuseCooldown = Duration.ZERO;
        private int maxAttempts = 64;
        private @Nullable Long randomSeed;

        private Builder(IpPoolStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Where time is read (cooldown, record timestamps, reclamation grace). Default: system. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a released address stays unused before it may be handed out again. Default zero.
         * Raise it when peers may still hold stale sessions to a released address (whereabouts #288).
         */
        public Builder reuseCooldown(Duration reuseCooldown) {
            Objects.requireNonNull(reuseCooldown, "reuseCooldown");
            if (reuseCooldown.isNegative()) {
                throw new IllegalArgumentException("reuseCooldown must not be negative: " + reuseCooldown);
            }
            this.reuseCooldown = reuseCooldown;
            return this;
        }

        /**
         * Bound of the optimistic retry loop per call (default 64). Raise it for very small pools
         * shared by many concurrent allocators; the call fails with a retryable {@link
         * IpamConflictException} instead of hanging.
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * Seeds candidate choice, so a single-threaded run is reproducible (tests, benchmarks).
         * Unseeded by default.
         */
        public Builder randomSeed(long randomSeed) {
            this.randomSeed = randomSeed;
            return this;
        }

        /** Builds the allocator. */
        public IpAllocator build() {
            return new IpAllocator(this);
        }
    }
}
