package io.fabricbinder.examples.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.cni.agent.CniHandler;
import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link IpamReclaimer} with a controllable clock, a scripted pod view and allocations made through
 * the CNI plugin's handler (the path that leaks).
 */
class IpamReclaimerTest {
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final String NET = "{\"cniVersion\":\"1.0.0\",\"name\":\"leaky\",\"type\":\"host-device\","
            + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.91.0.0/24\"%s}}";

    private Instant time = Instant.parse("2026-12-07T10:00:00Z");
    private final InstantSource clock = () -> time;
    private final InMemoryIpPoolStore store = new InMemoryIpPoolStore();
    private final IpAllocator allocator =
            IpAllocator.builder(store).clock(clock).build();
    private final CniHandler cni = new CniHandler(allocator, store);
    private final FakePods pods = new FakePods();
    private final List<String> reclaimed = new ArrayList<>();
    private final IpamReclaimer reclaimer = IpamReclaimer.builder(allocator, store)
            .pods(pods)
            .grace(GRACE)
            .clock(clock)
            .listener((pool, owners, addresses) -> reclaimed.add(pool + ":" + owners + ":" + addresses))
            .build();

    /** A pod view the test scripts; the API server agrees with the cache unless told otherwise. */
    static final class FakePods implements IpamReclaimer.Pods {
        final Set<String> uids = new HashSet<>();
        boolean complete = true;

        @Nullable
        String onlyNamespace;
        /** Runs at the API re-check, before the answer. */
        Runnable atRecheck = () -> {};

        @Override
        public @Nullable Set<String> uids() {
            return complete ? Set.copyOf(uids) : null;
        }

        @Override
        public boolean complete() {
            return complete;
        }

        @Override
        public boolean watches(String namespace) {
            return onlyNamespace == null || onlyNamespace.equals(namespace);
        }

        @Override
        public boolean exists(String namespace, String name, String uid) {
            atRecheck.run();
            return uids.contains(uid);
        }
    }

    private static Map<String, String> env(String command, String container, String ns, String pod, String uid) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", container);
        env.put("CNI_NETNS", "/run/netns/x");
        env.put("CNI_IFNAME", "net1");
        env.put(
                "CNI_ARGS",
                "K8S_POD_NAMESPACE=" + ns + ";K8S_POD_NAME=" + pod + (uid.isEmpty() ? "" : ";K8S_POD_UID=" + uid));
        return env;
    }

    private AgentProtocol.Response cni(String command, String container, String pod, String uid, String ipamExtra) {
        return cni(command, container, "demo", pod, uid, ipamExtra);
    }

    private AgentProtocol.Response cni(
            String command, String container, String ns, String pod, String uid, String ipamExtra) {
        AgentProtocol.Response r = cni.handle(
                env(command, container, ns, pod, uid), NET.formatted(ipamExtra).getBytes(StandardCharsets.UTF_8));
        assertThat(r.exitCode())
                .as(new String(r.stdout(), StandardCharsets.UTF_8))
                .isZero();
        return r;
    }

    private static PoolSpec pool(String ipamExtra) {
        Map<String, Object> block = new HashMap<>();
        block.put("type", "fabricbinder-ipam");
        block.put("subnet", "10.91.0.0/24");
        if (ipamExtra.contains("rangeStart")) {
            block.put("rangeStart", "10.91.0.7");
            block.put("rangeEnd", "10.91.0.7");
        }
        return IpamBlock.parse(block).pool("leaky");
    }

    private Optional<Allocation> held(String pod, String uid) {
        return allocator.find(pool(""), new Owner("demo", pod, uid, "net1"));
    }

    private void advance(Duration d) {
        time = time.plus(d);
    }

    @Test
    void aLeakedAllocationGoesAfterTheGracePeriodAndALivePodsStays() {
        pods.uids.add("uid-live");
        cni("ADD", "c-live", "live", "uid-live", "");
        cni("ADD", "c-gone", "gone", "uid-gone", ""); // its pod was deleted; the DEL never came

        advance(GRACE.plusMinutes(1));
        IpamReclaimer.Pass first = reclaimer.run();
        // Old enough, but only now seen gone: the grace runs from here.
        assertThat(first.ran()).isTrue();
        assertThat(first.released()).isZero();
        advance(GRACE.minusSeconds(1));
        assertThat(reclaimer.run().released()).isZero();
        advance(Duration.ofSeconds(1));
        IpamReclaimer.Pass later = reclaimer.run();

        assertThat(later.released()).isEqualTo(1);
        assertThat(held("gone", "uid-gone")).isEmpty();
        assertThat(held("live", "uid-live")).isPresent();
        assertThat(store.find("cni/" + pool("").name() + "/demo/gone/uid-gone/net1"))
                .isEmpty();
        assertThat(store.find("cni/" + pool("").name() + "/demo/live/uid-live/net1"))
                .isPresent();
        assertThat(reclaimed).containsExactly(pool("").name() + ":1:1");
    }

    @Test
    void aYoungAllocationWaitsEvenWhenItsPodIsNotInTheCacheYet() {
        advance(GRACE.multipliedBy(5));
        cni("ADD", "c-new", "new", "uid-new", ""); // the informer lags behind the CNI ADD
        advance(GRACE.plusSeconds(30));
        reclaimer.run();
        advance(GRACE.plusSeconds(30));
        pods.uids.add("uid-new");
        reclaimer.run();

        assertThat(held("new", "uid-new")).isPresent();
    }

    @Test
    void nothingIsReleasedWhileThePodViewIsIncomplete() {
        cni("ADD", "c-gone", "gone", "uid-gone", "");
        advance(GRACE.plusMinutes(1));
        pods.complete = false;
        assertThat(reclaimer.run().ran()).isFalse();
        advance(GRACE.plusMinutes(1));
        assertThat(reclaimer.run().ran()).isFalse();
        assertThat(held("gone", "uid-gone")).isPresent();

        // The view is complete at the start of the pass and breaks at the re-check.
        pods.complete = true;
        reclaimer.run();
        advance(GRACE.plusMinutes(1));
        pods.atRecheck = () -> pods.complete = false;
        reclaimer.run();
        assertThat(held("gone", "uid-gone")).isPresent();
    }

    @Test
    void theApiServerHasTheLastWord() {
        cni("ADD", "c-1", "web", "uid-1", "");
        advance(GRACE.plusMinutes(1));
        reclaimer.run();
        advance(GRACE.plusMinutes(1));
        // The cache has lost it, the API server still has it.
        pods.atRecheck = () -> pods.uids.add("uid-1");
        reclaimer.run();

        assertThat(held("web", "uid-1")).isPresent();
    }

    @Test
    void anAddressReallocatedBetweenTheCheckAndTheReleaseStaysHeld() {
        String one = ",\"rangeStart\":\"10.91.0.7\",\"rangeEnd\":\"10.91.0.7\""; // a pool of one address
        PoolSpec tiny = pool(one);
        cni("ADD", "c-old", "old", "uid-old", one);
        advance(GRACE.plusMinutes(1));
        reclaimer.run();
        advance(GRACE.plusMinutes(1));
        // While the reclaimer re-checks the old pod, its DEL finally arrives and a new pod gets the
        // same (only) address.
        pods.uids.add("uid-new");
        pods.atRecheck = () -> {
            pods.atRecheck = () -> {};
            cni("DEL", "c-old", "old", "uid-old", one);
            cni("ADD", "c-new", "new", "uid-new", one);
        };
        IpamReclaimer.Pass pass = reclaimer.run();

        assertThat(pass.released()).isZero();
        Allocation now = allocator
                .find(tiny, new Owner("demo", "new", "uid-new", "net1"))
                .orElseThrow();
        assertThat(now.addresses().get(0).cidr()).isEqualTo("10.91.0.7/24");
        assertThat(store.find("cni/" + tiny.name() + "/demo/new/uid-new/net1")).isPresent();
    }

    @Test
    void theSameOwnerAllocatedAgainBetweenTheCheckAndTheReleaseStaysHeld() {
        cni("ADD", "c-1", "web", "uid-1", "");
        advance(GRACE.plusMinutes(1));
        reclaimer.run();
        advance(GRACE.plusMinutes(1));
        pods.atRecheck = () -> {
            pods.atRecheck = () -> {};
            cni("DEL", "c-1", "web", "uid-1", "");
            cni("ADD", "c-2", "web", "uid-1", ""); // a new sandbox of the same pod incarnation
        };
        assertThat(reclaimer.run().released()).isZero();
        assertThat(held("web", "uid-1")).isPresent();
    }

    @Test
    void sandboxesWithoutAPodUidAndUnwatchedNamespacesAreNeverReclaimed() {
        cni("ADD", "c-plain", "plain", "", ""); // a runtime that is not Kubernetes: no K8S_POD_UID
        cni("ADD", "c-other", "elsewhere", "other", "uid-other", "");
        pods.onlyNamespace = "demo";
        advance(GRACE.plusMinutes(1));
        reclaimer.run();
        advance(GRACE.plusMinutes(1));

        assertThat(reclaimer.run().released()).isZero();
        assertThat(held("plain", "c-plain")).isPresent();
        assertThat(allocator.find(pool(""), new Owner("elsewhere", "other", "uid-other", "net1")))
                .isPresent();
    }

    @Test
    void aPluginRecordLeftWithoutItsAllocationGoesWithItsPod() {
        cni("ADD", "c-1", "web", "uid-1", "");
        // The controller's planner released the address; the plugin's record stayed.
        allocator.release(pool(""), new Owner("demo", "web", "uid-1", "net1"));
        String record = "cni/" + pool("").name() + "/demo/web/uid-1/net1";
        advance(GRACE.plusMinutes(1));
        assertThat(reclaimer.run().records()).isZero();
        assertThat(store.find(record)).isPresent();
        advance(GRACE.plusMinutes(1));

        assertThat(reclaimer.run().records()).isEqualTo(1);
        assertThat(store.find(record)).isEmpty();
    }
}
