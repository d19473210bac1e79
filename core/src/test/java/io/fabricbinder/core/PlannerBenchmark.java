package io.fabricbinder.core;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Planner benchmark harness (a main class, not a unit test). Generates a cluster of {@code nodes}
 * nodes, {@code networks} NADs and {@code pods} pods, then measures: the first full plan (empty
 * fabric, nothing allocated), the steady-state full plan (after applying it: fabric and IPAM
 * populated), a full re-plan after one pod event, and the incremental path: {@link
 * EventDrivenReconciler#plan()} after each of many single-pod events (added, VF known, deleted).
 *
 * <pre>
 * java -cp ... io.fabricbinder.core.PlannerBenchmark [nodes] [networks] [pods] [iterations]
 * </pre>
 */
public final class PlannerBenchmark {

    private static final java.lang.management.ThreadMXBean CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private PlannerBenchmark() {}

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int networks = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        int pods = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int iterations = args.length > 3 ? Integer.parseInt(args[3]) : 15;

        ClusterGenerator g = new ClusterGenerator(nodes, networks, pods);
        ClusterSnapshot snap = g.generate(new SplittableRandom(42));
        InMemoryFabricGateway fabric = new InMemoryFabricGateway();
        FabricBinder binder = FabricBinder.builder()
                .gateway(fabric)
                .addressBook(AddressBook.inMemory())
                .build();

        long a0 = allocated();
        binder.plan(snap, FabricState.EMPTY);
        System.out.printf("full plan, empty fabric: %.1f MB allocated (first run)%n", (allocated() - a0) / 1e6);
        long[] first = new long[iterations];
        long[] firstCpu = new long[iterations];
        Plan plan = null;
        for (int i = 0; i < iterations; i++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            plan = binder.plan(snap, FabricState.EMPTY);
            first[i] = System.nanoTime() - t0;
            firstCpu[i] = CPU.getCurrentThreadCpuTime() - c0;
        }
        if (plan == null) {
            throw new IllegalArgumentException("iterations must be at least 1: " + iterations);
        }
        System.out.printf(
                "cluster: %d nodes, %d networks, %d pods; plan: %d networks, %d port bindings, %d allocation entries%n",
                nodes,
                networks,
                pods,
                plan.virtualNetworks().size(),
                plan.portBindings().size(),
                plan.ipAllocations().size());
        report("full plan, empty fabric and IPAM: wall", first);
        report("full plan, empty fabric and IPAM: thread CPU", firstCpu);

        binder.apply(plan);
        FabricState actual = fabric.readOwnedState();
        a0 = allocated();
        binder.plan(snap, actual);
        System.out.printf("full plan, steady state: %.1f MB allocated%n", (allocated() - a0) / 1e6);
        long[] steady = new long[iterations];
        long[] steadyCpu = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            Plan p = binder.plan(snap, actual);
            steady[i] = System.nanoTime() - t0;
            steadyCpu[i] = CPU.getCurrentThreadCpuTime() - c0;
            if (p.hasChanges()) {
                throw new IllegalStateException("steady state plan has changes");
            }
        }
        report("full plan, steady state: wall", steady);
        report("full plan, steady state: thread CPU", steadyCpu);

        // One pod event: a new pod on a network, then a re-plan of the whole cluster.
        EventDrivenReconciler events = binder.eventDriven(
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "unused");
                    t.setDaemon(true);
                    return t;
                }),
                java.time.Duration.ofDays(1),
                r -> {});
        snap.manifests().nads().forEach(events::upsert);
        snap.manifests().virtualNetworkRouters().forEach(events::upsert);
        snap.manifests().nodeStates().forEach(events::upsert);
        snap.manifests().pods().forEach(events::upsert);
        events.topology(snap.topology());
        long[] event = new long[iterations];
        long[] eventCpu = new long[iterations];
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < iterations; i++) {
            io.fabricbinder.core.manifest.Pod pod =
                    g.pod(r, pods + i, snap.manifests().nads(), "-new");
            long c0 = CPU.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            events.upsert(pod);
            Plan p = binder.plan(events.snapshot(), actual);
            event[i] = System.nanoTime() - t0;
            eventCpu[i] = CPU.getCurrentThreadCpuTime() - c0;
            if (p.virtualNetworks().isEmpty()) {
                throw new IllegalStateException();
            }
        }
        report("one pod event + full re-plan: wall", event);
        report("one pod event + full re-plan: thread CPU", eventCpu);

        // The incremental path: EventDrivenReconciler.plan() after each single-pod event.
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Plan rebuilt = events.plan();
        System.out.printf(
                "incremental planner rebuild (first plan() after the bulk load): wall %.3f ms, thread CPU %.3f ms%n",
                (System.nanoTime() - t0) / 1e6, (CPU.getCurrentThreadCpuTime() - c0) / 1e6);
        if (rebuilt.portBindings().isEmpty()) {
            throw new IllegalStateException();
        }
        int n = Math.max(1000, iterations * 100);
        long[][] wall = new long[3][n];
        long[][] cpu = new long[3][n];
        String[] names = {"pod added (scheduled, VF not known)", "VF known (same pod)", "pod deleted"};
        for (int i = 0; i < n; i++) {
            io.fabricbinder.core.manifest.Pod fresh =
                    g.pod(r, pods + iterations + i, snap.manifests().nads(), "-inc");
            io.fabricbinder.core.manifest.Pod added = new io.fabricbinder.core.manifest.Pod(
                    fresh.namespace(),
                    fresh.name(),
                    fresh.uid(),
                    ClusterGenerator.node(r.nextInt(nodes)),
                    "Running",
                    null,
                    fresh.labels(),
                    fresh.networks(),
                    java.util.List.of());
            io.fabricbinder.core.manifest.Pod known = withStatus(added);
            for (int step = 0; step < 3; step++) {
                c0 = CPU.getCurrentThreadCpuTime();
                t0 = System.nanoTime();
                switch (step) {
                    case 0 -> events.upsert(added);
                    case 1 -> events.upsert(known);
                    default -> events.delete("Pod", added.namespace(), added.name());
                }
                Plan p = events.plan();
                wall[step][i] = System.nanoTime() - t0;
                cpu[step][i] = CPU.getCurrentThreadCpuTime() - c0;
                if (p.portBindings().isEmpty()) {
                    throw new IllegalStateException();
                }
            }
        }
        a0 = allocated();
        for (int i = 0; i < 100; i++) {
            io.fabricbinder.core.manifest.Pod fresh =
                    g.pod(r, pods * 2 + i, snap.manifests().nads(), "-alloc");
            events.upsert(fresh);
            events.plan();
        }
        System.out.printf(
                "incremental, pod upsert -> plan(): %.1f KB allocated per event%n", (allocated() - a0) / 100.0 / 1e3);
        for (int step = 0; step < 3; step++) {
            report("incremental, " + names[step] + " -> plan(): wall", wall[step]);
            report("incremental, " + names[step] + " -> plan(): thread CPU", cpu[step]);
        }
        // The incremental plan equals the from-scratch plan of the same state.
        Plan incremental = events.plan();
        Plan full = binder.plan(events.snapshot(), actual);
        System.out.println("incremental plan equals full plan: " + incremental.equals(full));
        System.exit(0);
    }

    /** The pod with a VF reported for each of its networks. */
    static io.fabricbinder.core.manifest.Pod withStatus(io.fabricbinder.core.manifest.Pod p) {
        java.util.List<io.fabricbinder.sriov.NetworkStatus> status = new java.util.ArrayList<>();
        int k = 0;
        for (io.fabricbinder.core.manifest.Pod.NetworkSelection sel : p.networks()) {
            int pf = k % 2;
            String vf = String.format(java.util.Locale.ROOT, "0000:3b:%02x.%d", 2 + k++, pf);
            status.add(new io.fabricbinder.sriov.NetworkStatus(
                    sel.nadKey(p.namespace()),
                    sel.interfaceName(),
                    java.util.List.of(),
                    null,
                    false,
                    new io.fabricbinder.sriov.NetworkStatus.DeviceInfo(
                            "pci",
                            "1.1.0",
                            new io.fabricbinder.sriov.NetworkStatus.Pci(
                                    io.fabricbinder.sriov.PciAddress.parse(vf),
                                    io.fabricbinder.sriov.PciAddress.parse(ClusterGenerator.pfPci(pf)),
                                    null,
                                    null,
                                    null))));
        }
        return new io.fabricbinder.core.manifest.Pod(
                p.namespace(), p.name(), p.uid(), p.nodeName(), "Running", null, p.labels(), p.networks(), status);
    }

    static long allocated() {
        return ((com.sun.management.ThreadMXBean) CPU).getCurrentThreadAllocatedBytes();
    }

    static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(
                "%-78s min %8.3f ms  median %8.3f ms  max %8.3f ms%n",
                what, s[0] / 1e6, s[s.length / 2] / 1e6, s[s.length - 1] / 1e6);
    }
}
