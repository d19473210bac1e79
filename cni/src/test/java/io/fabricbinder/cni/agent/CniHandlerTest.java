package io.fabricbinder.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.ipam.InMemoryIpPoolStore;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The CNI IPAM contract of {@link CniHandler}, one test per normative point that applies to an
 * IPAM plugin (spec 1.1.0 sections 2-5), plus the bad-input codes. In process, in-memory store.
 */
class CniHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UID = "11111111-2222-3333-4444-555555555555";

    private final InMemoryIpPoolStore store = new InMemoryIpPoolStore();
    private final IpAllocator allocator = IpAllocator.create(store);
    private final CniHandler handler = new CniHandler(allocator, store);

    static String conf(String version) {
        return "{\"cniVersion\":\"" + version + "\",\"name\":\"net-a\",\"type\":\"sriov\","
                + "\"ipam\":{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.10\","
                + "\"rangeEnd\":\"10.77.0.20\",\"gateway\":\"10.77.0.1\",\"routes\":[{\"dst\":\"10.78.0.0/16\"}],"
                + "\"dns\":{\"nameservers\":[\"10.77.0.53\"],\"search\":[\"svc.local\"]}}}";
    }

    static Map<String, String> env(String command, String container, String pod, String uid) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", container);
        env.put("CNI_NETNS", "/run/netns/x");
        env.put("CNI_IFNAME", "net1");
        env.put("CNI_PATH", "/usr/lib/cni");
        env.put(
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=demo;K8S_POD_NAME=" + pod + ";K8S_POD_INFRA_CONTAINER_ID="
                        + container + (uid.isEmpty() ? "" : ";K8S_POD_UID=" + uid));
        return env;
    }

    private AgentProtocol.Response run(Map<String, String> env, String stdin) {
        return handler.handle(env, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode json(AgentProtocol.Response r) throws IOException {
        return JSON.readTree(r.stdout());
    }

    private static String address(AgentProtocol.Response r) throws IOException {
        return json(r).path("ips").path(0).path("address").asText();
    }

    private PoolSpec pool() {
        return IpamBlock.parse(Map.of(
                        "type", "fabricbinder-ipam",
                        "subnet", "10.77.0.0/24",
                        "rangeStart", "10.77.0.10",
                        "rangeEnd", "10.77.0.20",
                        "gateway", "10.77.0.1"))
                .pool("net-a");
    }

    @Test
    void addResultHasIpsGatewayRoutesDnsWithoutVersionFieldFrom100() throws IOException {
        for (String v : List.of("1.0.0", "1.1.0")) {
            AgentProtocol.Response r =
                    run(env("ADD", "ctr-" + v.replace('.', '-'), "pod-" + v.charAt(0), UID), conf(v));
            assertThat(r.exitCode()).isZero();
            JsonNode j = json(r);
            assertThat(j.path("cniVersion").asText()).isEqualTo(v);
            assertThat(j.path("ips").path(0).has("version")).isFalse();
            assertThat(j.path("ips").path(0).path("address").asText()).matches("10\\.77\\.0\\.(1\\d|20)/24");
            assertThat(j.path("ips").path(0).path("gateway").asText()).isEqualTo("10.77.0.1");
            assertThat(j.has("interfaces")).isFalse();
            assertThat(j.path("routes").path(0).path("dst").asText()).isEqualTo("10.78.0.0/16");
            assertThat(j.path("dns").path("nameservers").path(0).asText()).isEqualTo("10.77.0.53");
        }
    }

    @Test
    void addResultFor040CarriesIpVersion() throws IOException {
        AgentProtocol.Response r = run(env("ADD", "ctr1", "pod-a", UID), conf("0.4.0"));
        assertThat(r.exitCode()).isZero();
        assertThat(json(r).path("ips").path(0).path("version").asText()).isEqualTo("4");
        assertThat(json(r).path("cniVersion").asText()).isEqualTo("0.4.0");
    }

    @Test
    void repeatedAddReturnsTheSameAddress() throws IOException {
        String first = address(run(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0")));
        String again = address(run(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0")));
        assertThat(again).isEqualTo(first);
        assertThat(allocator.list(pool())).hasSize(1);
    }

    @Test
    void delReleasesAndSucceedsWhenNothingIsHeldAndWhenRepeated() {
        run(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0"));
        assertThat(allocator.list(pool())).hasSize(1);
        AgentProtocol.Response del = run(env("DEL", "ctr1", "pod-a", UID), conf("1.0.0"));
        assertThat(del.exitCode()).isZero();
        assertThat(del.stdout()).isEmpty();
        assertThat(allocator.list(pool())).isEmpty();
        assertThat(run(env("DEL", "ctr1", "pod-a", UID), conf("1.0.0")).exitCode())
                .isZero();
        assertThat(run(env("DEL", "never-added", "pod-z", UID), conf("1.0.0")).exitCode())
                .isZero();
    }

    @Test
    void delWithoutNetnsStillReleases() {
        run(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0"));
        Map<String, String> e = env("DEL", "ctr1", "pod-a", UID);
        e.remove("CNI_NETNS");
        assertThat(run(e, conf("1.0.0")).exitCode()).isZero();
        assertThat(allocator.list(pool())).isEmpty();
    }

    @Test
    void delOfAnOlderSandboxAfterTheNewSandboxesAddReleasesNothing() throws IOException {
        String a = address(run(env("ADD", "sandbox-1", "pod-a", UID), conf("1.0.0")));
        String b = address(run(env("ADD", "sandbox-2", "pod-a", UID), conf("1.0.0")));
        assertThat(b).isEqualTo(a);
        assertThat(run(env("DEL", "sandbox-1", "pod-a", UID), conf("1.0.0")).exitCode())
                .isZero();
        assertThat(allocator.list(pool())).hasSize(1);
        assertThat(run(env("DEL", "sandbox-2", "pod-a", UID), conf("1.0.0")).exitCode())
                .isZero();
        assertThat(allocator.list(pool())).isEmpty();
    }

    @Test
    void ownerIsTheControllersOwnerAndANewUidIsANewOwner() throws IOException {
        String a = address(run(env("ADD", "ctr1", "web-0", UID), conf("1.0.0")));
        assertThat(allocator.find(pool(), new Owner("demo", "web-0", UID, "net1")))
                .hasValueSatisfying(x -> assertThat(x.addresses().get(0).cidr()).isEqualTo(a));
        String uid2 = "99999999-2222-3333-4444-555555555555";
        String b = address(run(env("ADD", "ctr2", "web-0", uid2), conf("1.0.0")));
        assertThat(b).isNotEqualTo(a);
        assertThat(allocator.list(pool())).hasSize(2);
    }

    @Test
    void withoutPodUidTheContainerIdIsTheIncarnation() {
        run(env("ADD", "ctr1", "pod-a", ""), conf("1.0.0"));
        assertThat(allocator.find(pool(), new Owner("demo", "pod-a", "ctr1", "net1")))
                .isPresent();
        run(env("DEL", "ctr1", "pod-a", ""), conf("1.0.0"));
        assertThat(allocator.list(pool())).isEmpty();
    }

    @Test
    void checkPassesForTheAddResultAndFailsWithoutAllocation() throws IOException {
        AgentProtocol.Response add = run(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0"));
        String withPrev = conf("1.0.0")
                .replaceFirst("}$", ",\"prevResult\":" + new String(add.stdout(), StandardCharsets.UTF_8).trim() + "}");
        assertThat(run(env("CHECK", "ctr1", "pod-a", UID), withPrev).exitCode()).isZero();
        run(env("DEL", "ctr1", "pod-a", UID), conf("1.0.0"));
        AgentProtocol.Response r = run(env("CHECK", "ctr1", "pod-a", UID), withPrev);
        assertThat(r.exitCode()).isNotZero();
        assertThat(json(r).path("code").asInt()).isEqualTo(101);
        AgentProtocol.Response noPrev = run(env("CHECK", "ctr1", "pod-a", UID), conf("1.0.0"));
        assertThat(json(noPrev).path("code").asInt()).isEqualTo(7);
        assertThat(json(noPrev).path("msg").asText()).contains("prevResult");
    }

    private static String withIps(String conf, String ip) {
        return conf.replaceFirst("}$", ",\"runtimeConfig\":{\"ips\":[\"" + ip + "\"]}}");
    }

    @Test
    void requestedAddressIsGrantedWhenFreeAndInRangeElseRefusedNamingTheField() throws IOException {
        AgentProtocol.Response r = run(env("ADD", "ctr1", "pod-a", UID), withIps(conf("1.0.0"), "10.77.0.15/24"));
        assertThat(r.exitCode())
                .as(new String(r.stdout(), StandardCharsets.UTF_8))
                .isZero();
        assertThat(address(r)).isEqualTo("10.77.0.15/24");
        assertThat(address(run(env("ADD", "ctr1", "pod-a", UID), withIps(conf("1.0.0"), "10.77.0.15"))))
                .isEqualTo("10.77.0.15/24");
        assertError(
                run(env("ADD", "ctr2", "pod-b", UID + "b"), withIps(conf("1.0.0"), "10.77.0.15")),
                103,
                "runtimeConfig.ips");
        assertError(
                run(env("ADD", "ctr3", "pod-c", UID + "c"), withIps(conf("1.0.0"), "10.99.0.5")),
                7,
                "runtimeConfig.ips");
        assertThat(allocator.list(pool())).hasSize(1);
    }

    @Test
    void statusAndGcNeed110AndGcReleasesOnlyInvalidAttachments() throws IOException {
        Map<String, String> status = new HashMap<>(Map.of("CNI_COMMAND", "STATUS"));
        assertThat(run(status, conf("1.1.0")).exitCode()).isZero();
        assertThat(json(run(status, conf("1.0.0"))).path("code").asInt()).isEqualTo(1);
        run(env("ADD", "keep", "pod-a", UID), conf("1.1.0"));
        run(env("ADD", "stale", "pod-b", UID), conf("1.1.0"));
        String gc = conf("1.1.0")
                .replaceFirst("}$", ",\"cni.dev/valid-attachments\":[{\"containerID\":\"keep\",\"ifname\":\"net1\"}]}");
        assertThat(run(new HashMap<>(Map.of("CNI_COMMAND", "GC")), gc).exitCode())
                .isZero();
        assertThat(allocator.list(pool())).extracting(x -> x.owner().pod()).containsExactly("pod-a");
    }

    @Test
    void errorsAreSpecJsonWithCodeAndTheFieldNamed() throws IOException {
        assertError(run(env("ADD", "c", "p", UID), "this is not json"), 6, "stdin");
        assertError(run(env("ADD", "c", "p", UID), conf("0.2.0")), 1, "0.2.0");
        assertError(
                run(env("ADD", "c", "p", UID), conf("1.0.0").replace("\"cniVersion\":\"1.0.0\",", "")),
                7,
                "cniVersion");
        Map<String, String> noName = env("ADD", "c", "p", UID);
        noName.put("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=demo");
        assertError(run(noName, conf("1.0.0")), 4, "K8S_POD_NAME");
        Map<String, String> noNs = env("ADD", "c", "p", UID);
        noNs.put("CNI_ARGS", "K8S_POD_NAME=p");
        assertError(run(noNs, conf("1.0.0")), 4, "K8S_POD_NAMESPACE");
        Map<String, String> noId = env("ADD", "c", "p", UID);
        noId.remove("CNI_CONTAINERID");
        assertError(run(noId, conf("1.0.0")), 4, "CNI_CONTAINERID");
        Map<String, String> noIf = env("ADD", "c", "p", UID);
        noIf.remove("CNI_IFNAME");
        assertError(run(noIf, conf("1.0.0")), 4, "CNI_IFNAME");
        Map<String, String> noNetns = env("ADD", "c", "p", UID);
        noNetns.remove("CNI_NETNS");
        assertError(run(noNetns, conf("1.0.0")), 4, "CNI_NETNS");
        assertError(run(env("FROB", "c", "p", UID), conf("1.0.0")), 4, "CNI_COMMAND");
        assertError(
                run(env("ADD", "c", "p", UID), conf("1.0.0").replace("10.77.0.0/24", "10.77.0.5/24")),
                7,
                "ipam.subnet");
        assertError(run(env("ADD", "c", "p", UID), conf("1.0.0").replace(",\"name\":\"net-a\"", "")), 7, "name");
        assertError(
                run(
                        env("ADD", "c", "p", UID),
                        conf("1.0.0").replace("\"type\":\"fabricbinder-ipam\"", "\"type\":\"host-local\"")),
                7,
                "ipam.type");
        assertThat(allocator.list(pool())).isEmpty();
    }

    /** A store whose next commits are applied but answered with a failure (outcome unknown to the caller). */
    private static final class LossyStore implements IpPoolStore {
        final InMemoryIpPoolStore inner = new InMemoryIpPoolStore();
        final java.util.concurrent.atomic.AtomicInteger failAfterApplying =
                new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Optional<VersionedValue> find(String key) {
            return inner.find(key);
        }

        @Override
        public boolean commit(List<Condition> conditions, List<Mutation> mutations) {
            boolean ok = inner.commit(conditions, mutations);
            if (failAfterApplying.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IpPoolStoreException("connection lost after the commit was sent");
            }
            return ok;
        }

        @Override
        public List<VersionedValue> list(String prefix, String startAfter, int limit) {
            return inner.list(prefix, startAfter, limit);
        }

        @Override
        public void close() {}
    }

    @Test
    void addWhoseCommitOutcomeIsUnknownAnswers11AndIsReleasedOnceTheStoreAnswers() throws IOException {
        LossyStore lossy = new LossyStore();
        IpAllocator alloc = IpAllocator.create(lossy);
        CniHandler h = new CniHandler(alloc, lossy);
        // first use of the pool stores its spec; the commit under test is the allocation's
        h.handle(env("ADD", "warm", "warm", UID), conf("1.0.0").getBytes(StandardCharsets.UTF_8));
        h.handle(env("DEL", "warm", "warm", UID), conf("1.0.0").getBytes(StandardCharsets.UTF_8));
        lossy.failAfterApplying.set(1);
        AgentProtocol.Response r =
                h.handle(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0").getBytes(StandardCharsets.UTF_8));
        assertThat(json(r).path("code").asInt()).isEqualTo(11);
        assertThat(alloc.list(pool())).hasSize(1); // the commit did land
        assertThat(h.settlePending()).isZero();
        assertThat(alloc.list(pool())).isEmpty();
    }

    @Test
    void addAnsweredAfterTheCallerGaveUpIsReleasedButALaterSuccessfulAddWins() throws IOException {
        CniHandler.Ticket late = new CniHandler.Ticket();
        assertThat(late.abandon()).isTrue();
        handler.handle(env("ADD", "ctr1", "pod-a", UID), conf("1.0.0").getBytes(StandardCharsets.UTF_8), late);
        assertThat(allocator.list(pool())).hasSize(1);
        handler.settlePending();
        assertThat(allocator.list(pool())).isEmpty();

        handler.handle(env("ADD", "ctr2", "pod-b", UID + "b"), conf("1.0.0").getBytes(StandardCharsets.UTF_8), late);
        String kept = address(run(env("ADD", "ctr2", "pod-b", UID + "b"), conf("1.0.0"))); // the runtime's retry
        handler.settlePending();
        assertThat(allocator.list(pool()))
                .singleElement()
                .satisfies(x -> assertThat(x.addresses().get(0).cidr()).isEqualTo(kept));
    }

    private static void assertError(AgentProtocol.Response r, int code, String field) throws IOException {
        assertThat(r.exitCode())
                .as(new String(r.stdout(), StandardCharsets.UTF_8))
                .isNotZero();
        JsonNode j = json(r);
        assertThat(j.path("code").asInt()).as(j.toString()).isEqualTo(code);
        assertThat(j.path("msg").asText()).as(j.toString()).contains(field);
        assertThat(j.has("cniVersion")).isTrue();
    }
}
