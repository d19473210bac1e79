package io.fabricbinder.examples.metrics;

import io.fabricbinder.core.ApplyResult;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.PlanChange;
import io.fabricbinder.core.ReconcileResult;
import io.fabricbinder.core.apstra.LockObserver;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The controller's metrics, in Prometheus' text format, under controller-runtime's names where
 * controller-runtime has one, so that the dashboards and alerts written for Go controllers work:
 *
 * <ul>
 *   <li>{@code controller_runtime_reconcile_total{controller,result}} ({@code success}, {@code
 *       error}, {@code requeue}: the fabric refused the change for now, {@code requeue_after}),
 *       {@code controller_runtime_reconcile_errors_total{controller}}, {@code
 *       controller_runtime_reconcile_time_seconds{controller}} (histogram, controller-runtime's
 *       buckets), {@code workqueue_depth{controller,name}} and {@code workqueue_adds_total}, {@code
 *       leader_election_master_status{name}};
 *   <li>FabricBinder's own: {@code fabricbinder_apstra_requests_total{method,code}}, {@code
 *       fabricbinder_fabric_applies_total{status}} (a deploy is {@code applied}; {@code refused}
 *       means someone else held the blueprint lock or had staged changes), {@code
 *       fabricbinder_plan_changes_total{kind,action}}, {@code
 *       fabricbinder_ipam_pool_allocated_addresses{pool}} and {@code
 *       fabricbinder_ipam_pool_capacity_addresses{pool}}, {@code
 *       fabricbinder_ipam_pool_exhausted_total}, {@code fabricbinder_reconcile_object_errors}, and the
 *       blueprint lock's {@code fabricbinder_apstra_lock_waits_total{outcome}} ({@code acquired},
 *       {@code timed_out}), {@code fabricbinder_apstra_lock_wait_seconds_total} and {@code
 *       fabricbinder_apstra_lock_takeovers_total} (fed by {@link #lockObserver()}).
 * </ul>
 *
 * <p>Hand-written on purpose: about a dozen series need no metrics library (see docs/operations.md
 * for the measurements behind the choice). Thread-safe: reconciles, scrapes and HTTP calls update
 * and read it concurrently.
 */
public final class ControllerMetrics {
    /** controller-runtime's reconcile-time buckets, in seconds. */
    static final double[] BUCKETS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5,
        1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60
    };

    private final String controller;
    private final String leaseName;
    private final Map<String, LongAdder> reconciles = new ConcurrentHashMap<>();
    private final LongAdder reconcileErrors = new LongAdder();
    private final long[] bucketCounts = new long[BUCKETS.length];
    private long timeCount;
    private double timeSum;
    private final AtomicLong depth = new AtomicLong();
    private final LongAdder adds = new LongAdder();
    private final Map<String, LongAdder> apstraRequests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> applies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> planChanges = new ConcurrentHashMap<>();
    private final Map<String, BigInteger[]> pools = new ConcurrentHashMap<>();
    private final LongAdder exhausted = new LongAdder();
    private final Map<String, LongAdder> lockWaits = new ConcurrentHashMap<>();
    private final LongAdder lockWaitNanos = new LongAdder();
    private final LongAdder lockTakeovers = new LongAdder();
    private final Map<String, LongAdder> reclaimed = new ConcurrentHashMap<>();
    private volatile int objectErrors;
    private volatile BooleanSupplier leader = () -> false;

    /**
     * @param controller the {@code controller} label (controller-runtime uses the controller's name)
     * @param leaseName the {@code name} label of the leader-election gauge
     */
    public ControllerMetrics(String controller, String leaseName) {
        this.controller = Objects.requireNonNull(controller, "controller");
        this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
        for (String r : List.of("success", "error", "requeue", "requeue_after")) {
            reconciles.put(r, new LongAdder());
        }
    }

    /** Where {@code leader_election_master_status} comes from (1 while this replica leads). */
    public void leader(BooleanSupplier isLeader) {
        this.leader = Objects.requireNonNull(isLeader, "isLeader");
    }

    /** A change was handed to the event mode: it waits for the next reconcile. */
    public void added() {
        adds.increment();
        depth.incrementAndGet();
    }

    /** A reconcile started: it takes every change that was waiting. */
    public void reconcileStarted() {
        depth.set(0);
    }

    /** The number of changes waiting, as {@code workqueue_depth} reports it. */
    public long depth() {
        return depth.get();
    }

    /**
     * Records one reconcile of the event mode.
     *
     * @param result what it did
     * @param took how long it took
     */
    public void reconciled(ReconcileResult result, Duration took) {
        String outcome = switch (result.fabric().status()) {
            case REFUSED -> "requeue";
            case FAILED -> "error";
            case APPLIED, NO_CHANGES -> result.allocationErrors().isEmpty() ? "success" : "error";
        };
        count(reconciles, outcome);
        if (outcome.equals("error")) {
            reconcileErrors.increment();
        }
        double seconds = took.toNanos() / 1e9;
        synchronized (bucketCounts) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    bucketCounts[i]++;
                }
            }
            timeCount++;
            timeSum += seconds;
        }
        if (result.fabric().status() != ApplyResult.Status.NO_CHANGES) {
            count(applies, result.fabric().status().name().toLowerCase(Locale.ROOT));
        }
        if (result.fabric().status() == ApplyResult.Status.APPLIED) {
            for (PlanChange.RoutingZoneChange c : result.plan().routingZones()) {
                changed("routing_zone", c.action().name(), c.isChange());
            }
            for (PlanChange.VirtualNetworkChange c : result.plan().virtualNetworks()) {
                changed("virtual_network", c.action().name(), c.isChange());
            }
            for (PlanChange.PortBindingChange c : result.plan().portBindings()) {
                changed("port_binding", c.action().name(), c.isChange());
            }
        }
        if (!result.allocated().isEmpty()) {
            planChanges
                    .computeIfAbsent("ip_allocation\u0000allocate", k -> new LongAdder())
                    .add(result.allocated().size());
        }
        if (!result.released().isEmpty()) {
            planChanges
                    .computeIfAbsent("ip_allocation\u0000release", k -> new LongAdder())
                    .add(result.released().size());
        }
        for (Diagnostic d : result.errors()) {
            // The planner's wording for a pool with no address left (core Planner.PoolState#exhausted).
            if (d.message().startsWith("no address left")) {
                exhausted.increment();
            }
        }
        objectErrors = result.errors().size();
    }

    private void changed(String kind, String action, boolean isChange) {
        if (isChange) {
            count(planChanges, kind + "\u0000" + action.toLowerCase(Locale.ROOT));
        }
    }

    /** How full one IPAM pool is, after a reconcile. */
    public void poolUsage(String pool, BigInteger allocated, BigInteger capacity) {
        pools.put(pool, new BigInteger[] {allocated, capacity});
    }

    /** Leak reclaim released {@code addresses} addresses of pods that are gone from {@code pool}. */
    public void ipamReclaimed(String pool, int addresses) {
        reclaimed.computeIfAbsent(pool, k -> new LongAdder()).add(addresses);
    }

    /** Forgets pools that no network uses any more. */
    public void retainPools(Set<String> current) {
        pools.keySet().retainAll(current);
    }

    /**
     * An OkHttp interceptor that counts every Apstra request (each retry too) by method and status
     * code ({@code code="error"} when no response came back).
     */
    public Interceptor apstraInterceptor() {
        return chain -> {
            String method = chain.request().method();
            try {
                Response r = chain.proceed(chain.request());
                count(apstraRequests, method + "\u0000" + r.code());
                return r;
            } catch (IOException | RuntimeException e) {
                count(apstraRequests, method + "\u0000error");
                throw e;
            }
        };
    }

    /**
     * The observer to give {@code ApstraFabricGateway.Builder.lockObserver}: counts applies that
     * found the blueprint lock held (by whether they got it), the time they waited, and takeovers of
     * expired FabricBinder locks.
     */
    public LockObserver lockObserver() {
        return new LockObserver() {
            @Override
            public void waited(Duration waited, boolean acquired) {
                count(lockWaits, acquired ? "acquired" : "timed_out");
                lockWaitNanos.add(waited.toNanos());
            }

            @Override
            public void tookOver(String previousHolder) {
                lockTakeovers.increment();
            }
        };
    }

    private static void count(Map<String, LongAdder> m, String key) {
        m.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** The scrape, in the Prometheus text format 0.0.4. */
    public String scrape() {
        StringBuilder b = new StringBuilder(4096);
        String c = "controller=\"" + escape(controller) + "\"";
        help(b, "controller_runtime_reconcile_total", "counter", "Total number of reconciliations per controller");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(reconciles).entrySet()) {
            line(
                    b,
                    "controller_runtime_reconcile_total{" + c + ",result=\"" + e.getKey() + "\"}",
                    e.getValue().sum());
        }
        help(
                b,
                "controller_runtime_reconcile_errors_total",
                "counter",
                "Total number of reconciliation errors per controller");
        line(b, "controller_runtime_reconcile_errors_total{" + c + "}", reconcileErrors.sum());
        help(
                b,
                "controller_runtime_reconcile_time_seconds",
                "histogram",
                "Length of time per reconciliation per controller");
        synchronized (bucketCounts) {
            for (int i = 0; i < BUCKETS.length; i++) {
                line(
                        b,
                        "controller_runtime_reconcile_time_seconds_bucket{" + c + ",le=\"" + number(BUCKETS[i]) + "\"}",
                        bucketCounts[i]);
            }
            line(b, "controller_runtime_reconcile_time_seconds_bucket{" + c + ",le=\"+Inf\"}", timeCount);
            b.append("controller_runtime_reconcile_time_seconds_sum{")
                    .append(c)
                    .append("} ")
                    .append(number(timeSum))
                    .append('\n');
            line(b, "controller_runtime_reconcile_time_seconds_count{" + c + "}", timeCount);
        }
        String q = c + ",name=\"" + escape(controller) + "\"";
        help(b, "workqueue_depth", "gauge", "Current depth of workqueue: changes waiting for the next reconcile");
        line(b, "workqueue_depth{" + q + "}", depth.get());
        help(b, "workqueue_adds_total", "counter", "Total number of adds handled by workqueue");
        line(b, "workqueue_adds_total{" + q + "}", adds.sum());
        help(
                b,
                "leader_election_master_status",
                "gauge",
                "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master");
        line(b, "leader_election_master_status{name=\"" + escape(leaseName) + "\"}", leader.getAsBoolean() ? 1 : 0);

        help(b, "fabricbinder_apstra_requests_total", "counter", "Apstra HTTP requests by method and status code");
        labelled(b, "fabricbinder_apstra_requests_total", apstraRequests, "method", "code");
        help(
                b,
                "fabricbinder_fabric_applies_total",
                "counter",
                "Plans with fabric changes by outcome: applied (committed and deployed), refused (lock held or staged"
                        + " changes), failed");
        labelled(b, "fabricbinder_fabric_applies_total", applies, "status");
        help(
                b,
                "fabricbinder_apstra_lock_waits_total",
                "counter",
                "Applies that found the blueprint lock held, by whether they got it (acquired) or gave up"
                        + " (timed_out)");
        for (String outcome : List.of("acquired", "timed_out")) {
            LongAdder n = lockWaits.get(outcome);
            line(b, "fabricbinder_apstra_lock_waits_total{outcome=\"" + outcome + "\"}", n == null ? 0 : n.sum());
        }
        help(b, "fabricbinder_apstra_lock_wait_seconds_total", "counter", "Time applies waited for the blueprint lock");
        b.append("fabricbinder_apstra_lock_wait_seconds_total ")
                .append(number(lockWaitNanos.sum() / 1e9))
                .append('\n');
        help(
                b,
                "fabricbinder_apstra_lock_takeovers_total",
                "counter",
                "Blueprint locks taken over from a FabricBinder holder whose lease ran out");
        line(b, "fabricbinder_apstra_lock_takeovers_total", lockTakeovers.sum());
        help(b, "fabricbinder_plan_changes_total", "counter", "Changes applied, by kind and action");
        labelled(b, "fabricbinder_plan_changes_total", planChanges, "kind", "action");
        help(b, "fabricbinder_reconcile_object_errors", "gauge", "Per-object errors in the last reconcile");
        line(b, "fabricbinder_reconcile_object_errors", objectErrors);
        help(b, "fabricbinder_ipam_pool_allocated_addresses", "gauge", "Addresses held in each IPAM pool");
        help(b, "fabricbinder_ipam_pool_capacity_addresses", "gauge", "Allocatable addresses in each IPAM pool");
        List<String> capacity = new ArrayList<>();
        for (Map.Entry<String, BigInteger[]> e : new TreeMap<>(pools).entrySet()) {
            String l = "{pool=\"" + escape(e.getKey()) + "\"} ";
            b.append("fabricbinder_ipam_pool_allocated_addresses")
                    .append(l)
                    .append(e.getValue()[0])
                    .append('\n');
            capacity.add("fabricbinder_ipam_pool_capacity_addresses" + l + e.getValue()[1] + "\n");
        }
        capacity.forEach(b::append);
        help(
                b,
                "fabricbinder_ipam_pool_exhausted_total",
                "counter",
                "Pod interfaces that found no address left in their pool");
        line(b, "fabricbinder_ipam_pool_exhausted_total", exhausted.sum());
        help(
                b,
                "fabricbinder_ipam_reclaimed_addresses_total",
                "counter",
                "Addresses released by leak reclaim because their pod was gone, by pool");
        labelled(b, "fabricbinder_ipam_reclaimed_addresses_total", reclaimed, "pool");
        return b.toString();
    }

    private static void labelled(StringBuilder b, String name, Map<String, LongAdder> m, String... labels) {
        PrometheusText.labelled(b, name, m, labels);
    }

    private static void help(StringBuilder b, String name, String type, String help) {
        PrometheusText.help(b, name, type, help);
    }

    private static void line(StringBuilder b, String series, long value) {
        PrometheusText.line(b, series, value);
    }

    private static String number(double d) {
        return PrometheusText.number(d);
    }

    private static String escape(String s) {
        return PrometheusText.escape(s);
    }

    /** The current count of {@code controller_runtime_reconcile_total} for {@code result}. */
    long reconciles(String result) {
        LongAdder a = reconciles.get(result);
        return a == null ? 0 : a.sum();
    }
}
