package io.fabricbinder.cni.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.cni.AgentProtocol;
import io.fabricbinder.cni.CniError;
import io.fabricbinder.ipam.Allocation;
import io.fabricbinder.ipam.AssignedAddress;
import io.fabricbinder.ipam.IpAllocator;
import io.fabricbinder.ipam.IpamBlock;
import io.fabricbinder.ipam.IpamBlockException;
import io.fabricbinder.ipam.IpamConflictException;
import io.fabricbinder.ipam.Owner;
import io.fabricbinder.ipam.PoolExhaustedException;
import io.fabricbinder.ipam.PoolSpec;
import io.fabricbinder.ipam.RequestedAddressException;
import io.fabricbinder.ipam.spi.Condition;
import io.fabricbinder.ipam.spi.IpPoolStore;
import io.fabricbinder.ipam.spi.IpPoolStoreException;
import io.fabricbinder.ipam.spi.Mutation;
import io.fabricbinder.ipam.spi.VersionedValue;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves CNI IPAM commands (spec 1.1.0; configurations of cniVersion 0.4.0, 1.0.0 and 1.1.0) from
 * an {@link IpAllocator}: the logic behind {@code fabricbinder-ipam}, run in the node agent.
 *
 * <p><b>Identity.</b> An attachment's addresses belong to the {@link Owner} (K8S_POD_NAMESPACE,
 * K8S_POD_NAME, K8S_POD_UID, CNI_IFNAME) in the pool {@link IpamBlock#pool} derives from the network
 * name and the {@code ipam} block, the same owner and pool the controller's planner uses. Without
 * K8S_POD_UID (a runtime that is not Multus/Kubernetes) the container id stands in for the UID, so
 * each sandbox is its own owner. The container id is recorded next to the allocation (store key
 * {@code cni/<pool>/<owner key>}): a DEL from an older sandbox of the same pod, arriving after the
 * new sandbox's ADD, releases nothing.
 *
 * <p><b>Faults.</b> A store failure answers code 11 (try again later). When an ADD that found no
 * allocation fails after it may have written one, or answers after its caller gave up, the
 * allocation is released in the background (retried until the store answers), unless a later ADD
 * for the same owner succeeded in between.
 *
 * <p>Thread-safe: commands for one owner run one at a time, commands for different owners in
 * parallel; several agents (nodes) may share a store, which keeps them consistent.
 */
public final class CniHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CniHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private static final byte[] EMPTY = new byte[0];

    private final IpAllocator allocator;
    private final IpPoolStore store;
    private final ReentrantLock[] stripes = new ReentrantLock[64];
    private final Map<String, PendingRelease> pending = new ConcurrentHashMap<>();

    /**
     * A handler over {@code allocator}, which must allocate from {@code store}.
     *
     * @param allocator allocates and releases
     * @param store the allocator's store, for the container-id records and STATUS
     */
    public CniHandler(IpAllocator allocator, IpPoolStore store) {
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.store = Objects.requireNonNull(store, "store");
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** A release owed because an ADD's caller was told it failed. */
    private record PendingRelease(PoolSpec pool, Owner owner, String containerId) {}

    /**
     * How a request ended relative to its caller's patience: the agent abandons a request that
     * takes too long and answers code 11 instead.
     */
    public static final class Ticket {
        private int state; // 0 running, 1 answered, 2 abandoned

        /** Marks the request answered; false if it was abandoned first. */
        public synchronized boolean answer() {
            if (state == 0) {
                state = 1;
            }
            return state == 1;
        }

        /** Marks the request abandoned; false if it was answered first. */
        public synchronized boolean abandon() {
            if (state == 0) {
                state = 2;
            }
            return state == 2;
        }
    }

    /** Handles one request whose caller waits for the answer. */
    public AgentProtocol.Response handle(Map<String, String> env, byte[] stdin) {
        return handle(env, stdin, new Ticket());
    }

    /** Handles one request; {@code ticket} tells whether the caller is still waiting. */
    public AgentProtocol.Response handle(Map<String, String> env, byte[] stdin, Ticket ticket) {
        String version = null;
        try {
            String command = env.getOrDefault("CNI_COMMAND", "");
            if (command.isEmpty()) {
                throw new CniRequestException(CniError.INVALID_ENVIRONMENT, "CNI_COMMAND is not set");
            }
            if (command.equals("VERSION")) {
                return new AgentProtocol.Response(0, CniError.versionResult());
            }
            Map<String, Object> conf = decode(stdin);
            version = cniVersion(conf);
            return switch (command) {
                case "ADD" -> add(version, env, conf, ticket);
                case "DEL" -> del(env, conf);
                case "CHECK" -> check(version, env, conf);
                case "STATUS" -> {
                    requireV11(version, command);
                    yield status();
                }
                case "GC" -> {
                    requireV11(version, command);
                    yield gc(conf);
                }
                default ->
                    throw new CniRequestException(
                            CniError.INVALID_ENVIRONMENT,
                            "CNI_COMMAND '" + command + "' is not one of ADD, DEL, CHECK, STATUS, GC, VERSION");
            };
        } catch (CniRequestException e) {
            LOG.info(
                    "{} {}: {}",
                    env.get("CNI_COMMAND"),
                    env.get("CNI_CONTAINERID"),
                    e.error().msg());
            return error(version, e.error());
        } catch (IpPoolStoreException | IpamConflictException e) {
            LOG.warn("{} {}: store: {}", env.get("CNI_COMMAND"), env.get("CNI_CONTAINERID"), e.getMessage());
            return error(
                    version,
                    new CniError(
                            CniError.TRY_AGAIN_LATER, "IP pool store unavailable", String.valueOf(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.error("{} {}: unexpected failure", env.get("CNI_COMMAND"), env.get("CNI_CONTAINERID"), e);
            return error(version, new CniError(CniError.IO_FAILURE, "internal error in the node agent", e.toString()));
        }
    }

    private static AgentProtocol.Response error(@Nullable String version, CniError e) {
        return new AgentProtocol.Response(Math.max(1, Math.min(e.code(), 255)), e.toJson(version));
    }

    private static void requireV11(String version, String command) throws CniRequestException {
        if (!version.equals("1.1.0")) {
            throw new CniRequestException(
                    CniError.INCOMPATIBLE_VERSION,
                    command + " needs cniVersion 1.1.0, the configuration has " + version);
        }
    }

    private static Map<String, Object> decode(byte[] stdin) throws CniRequestException {
        try {
            Map<String, Object> m = JSON.readValue(stdin, MAP);
            if (m == null) {
                throw new CniRequestException(CniError.DECODING_FAILURE, "stdin is not a JSON object");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new CniRequestException(
                    CniError.DECODING_FAILURE,
                    "stdin is not a JSON network configuration",
                    String.valueOf(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new CniRequestException(CniError.DECODING_FAILURE, "cannot decode stdin", e.toString());
        }
    }

    private static String cniVersion(Map<String, Object> conf) throws CniRequestException {
        Object v = conf.get("cniVersion");
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, "cniVersion is required");
        }
        if (!CniError.SUPPORTED_VERSIONS.contains(s)) {
            throw new CniRequestException(
                    CniError.INCOMPATIBLE_VERSION,
                    "incompatible CNI version " + s,
                    "supported: " + String.join(", ", CniError.SUPPORTED_VERSIONS));
        }
        return s;
    }

    // ---------------------------------------------------------------- the attachment

    /** What one ADD/DEL/CHECK is about. */
    private record Attachment(IpamBlock ipam, PoolSpec pool, Owner owner, String containerId, String recordKey) {}

    private static Attachment attachment(Map<String, String> env, Map<String, Object> conf, boolean needNetns)
            throws CniRequestException {
        String containerId = requireEnv(env, "CNI_CONTAINERID");
        if (!validContainerId(containerId)) {
            throw new CniRequestException(
                    CniError.INVALID_ENVIRONMENT,
                    "CNI_CONTAINERID '" + containerId + "' must start with a letter or digit, followed by letters,"
                            + " digits, '_', '.' or '-'");
        }
        String ifname = requireEnv(env, "CNI_IFNAME");
        if (!validIfname(ifname)) {
            throw new CniRequestException(
                    CniError.INVALID_ENVIRONMENT,
                    "CNI_IFNAME '" + ifname + "' is not a valid interface name (1..15 characters, no '/', ':' or"
                            + " white space)");
        }
        if (needNetns) {
            requireEnv(env, "CNI_NETNS");
        }
        IpamBlock ipam = ipam(conf);
        PoolSpec pool = pool(conf, ipam);
        Map<String, String> args = cniArgs(env.getOrDefault("CNI_ARGS", ""));
        String namespace = requireArg(args, "K8S_POD_NAMESPACE");
        String podName = requireArg(args, "K8S_POD_NAME");
        String uid = args.get("K8S_POD_UID");
        // Without K8S_POD_UID (not Multus/Kubernetes) the sandbox is the incarnation (docs/cni.md).
        String incarnation = uid == null || uid.isEmpty() ? containerId : uid;
        Owner owner;
        try {
            owner = new Owner(namespace, podName, incarnation, ifname);
        } catch (IllegalArgumentException e) {
            throw new CniRequestException(
                    CniError.INVALID_ENVIRONMENT,
                    "CNI_ARGS: " + String.valueOf(e.getMessage()).replace("owner ", ""));
        }
        return new Attachment(ipam, pool, owner, containerId, recordKey(pool, owner));
    }

    private static IpamBlock ipam(Map<String, Object> conf) throws CniRequestException {
        Object raw = conf.get("ipam");
        if (!(raw instanceof Map<?, ?> m)) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, "ipam: is required and must be an object");
        }
        Map<String, Object> ipamMap = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            ipamMap.put(String.valueOf(e.getKey()), e.getValue());
        }
        IpamBlock ipam;
        try {
            ipam = IpamBlock.parse(ipamMap);
        } catch (IpamBlockException e) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, String.valueOf(e.getMessage()));
        }
        if (!ipam.isFabricBinder()) {
            throw new CniRequestException(
                    CniError.INVALID_NETWORK_CONFIG,
                    "ipam.type: must be " + IpamBlock.TYPE + " for this plugin, is " + ipam.type());
        }
        for (String w : ipam.warnings()) {
            LOG.warn("{}", w);
        }
        return ipam;
    }

    private static PoolSpec pool(Map<String, Object> conf, IpamBlock ipam) throws CniRequestException {
        if (!(conf.get("name") instanceof String name) || name.isEmpty()) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, "name: is required (the network name)");
        }
        try {
            return ipam.pool(name);
        } catch (IllegalArgumentException e) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, "name: " + e.getMessage());
        }
    }

    private static String recordKey(PoolSpec pool, Owner owner) {
        return "cni/" + pool.name() + "/" + owner.key();
    }

    private static String requireEnv(Map<String, String> env, String name) throws CniRequestException {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            throw new CniRequestException(CniError.INVALID_ENVIRONMENT, name + " is not set");
        }
        return v;
    }

    private static String requireArg(Map<String, String> args, String name) throws CniRequestException {
        String v = args.get(name);
        if (v == null || v.isEmpty()) {
            throw new CniRequestException(
                    CniError.INVALID_ENVIRONMENT,
                    "CNI_ARGS: " + name + " is missing (the runtime must pass the pod's identity, as Multus does)");
        }
        return v;
    }

    /** Parses {@code K=V;K2=V2}; unknown keys are kept and ignored (runtimes add IgnoreUnknown etc.). */
    static Map<String, String> cniArgs(String text) throws CniRequestException {
        Map<String, String> out = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String pair : text.split(";", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CniRequestException(
                        CniError.INVALID_ENVIRONMENT, "CNI_ARGS: '" + pair + "' is not KEY=VALUE");
            }
            out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return out;
    }

    static boolean validContainerId(String id) {
        if (id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0)) || id.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean validIfname(String name) {
        if (name.isEmpty() || name.length() > 15 || name.equals(".") || name.equals("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    private ReentrantLock lockOf(String recordKey) {
        return stripes[(recordKey.hashCode() & 0x7fffffff) % stripes.length];
    }

    // ---------------------------------------------------------------- ADD

    private AgentProtocol.Response add(String version, Map<String, String> env, Map<String, Object> conf, Ticket ticket)
            throws CniRequestException {
        Attachment a = attachment(env, conf, true);
        List<String> requested = requestedIps(conf);
        ReentrantLock lock = lockOf(a.recordKey);
        lock.lock();
        try {
            Optional<VersionedValue> record = store.find(a.recordKey);
            boolean fresh = allocator.find(a.pool, a.owner).isEmpty();
            Allocation alloc;
            try {
                alloc = requested.isEmpty()
                        ? allocator.allocate(a.pool, a.owner)
                        : allocator.allocate(a.pool, a.owner, requested);
                String value = a.containerId + " " + a.owner.interfaceName();
                if (record.isEmpty() || !record.get().value().equals(value)) {
                    store.commit(List.of(), List.of(Mutation.put(a.recordKey, value)));
                }
            } catch (IpPoolStoreException e) {
                if (fresh) {
                    owe(a);
                }
                throw e;
            } catch (PoolExhaustedException e) {
                throw new CniRequestException(CniError.POOL_EXHAUSTED, String.valueOf(e.getMessage()));
            } catch (RequestedAddressException e) {
                boolean taken = e.reason() == RequestedAddressException.Reason.HELD
                        || e.reason() == RequestedAddressException.Reason.OWNER_HOLDS_ANOTHER;
                throw new CniRequestException(
                        taken ? CniError.ADDRESS_TAKEN : CniError.INVALID_NETWORK_CONFIG,
                        "runtimeConfig.ips: " + e.getMessage());
            }
            pending.remove(a.recordKey);
            if (!ticket.answer()) {
                LOG.warn("ADD {} {}: answered after the plugin gave up", a.containerId, a.owner);
                if (fresh) {
                    owe(a);
                }
            } else {
                LOG.info("ADD {} {} pool {}: {}", a.containerId, a.owner, a.pool.name(), alloc.addresses());
            }
            return new AgentProtocol.Response(0, result(version, alloc, a.ipam));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The requested addresses: {@code runtimeConfig.ips} (capability {@code ips}), else {@code
     * args.cni.ips} (CNI CONVENTIONS.md); each may carry a {@code /length}, which is ignored.
     */
    private static List<String> requestedIps(Map<String, Object> conf) throws CniRequestException {
        Object raw = null;
        String field = "runtimeConfig.ips";
        if (conf.get("runtimeConfig") instanceof Map<?, ?> rc && rc.get("ips") != null) {
            raw = rc.get("ips");
        } else if (conf.get("args") instanceof Map<?, ?> args
                && args.get("cni") instanceof Map<?, ?> cni
                && cni.get("ips") != null) {
            raw = cni.get("ips");
            field = "args.cni.ips";
        }
        List<String> out = new ArrayList<>();
        if (raw == null) {
            return out;
        }
        if (!(raw instanceof List<?> l)) {
            throw new CniRequestException(CniError.INVALID_NETWORK_CONFIG, field + ": must be a list of addresses");
        }
        for (Object o : l) {
            if (!(o instanceof String str) || str.isEmpty()) {
                throw new CniRequestException(
                        CniError.INVALID_NETWORK_CONFIG, field + ": '" + o + "' is not an address");
            }
            out.add(str);
        }
        return out;
    }

    private void owe(Attachment a) {
        pending.put(a.recordKey, new PendingRelease(a.pool, a.owner, a.containerId));
        LOG.warn("ADD {} {}: caller told it failed; releasing in the background", a.containerId, a.owner);
    }

    /**
     * Retries the releases owed to ADDs whose callers were told they failed; the agent calls it
     * periodically. A release is skipped when a later ADD for the owner succeeded.
     *
     * @return how many are still owed
     */
    public int settlePending() {
        for (String key : List.copyOf(pending.keySet())) {
            ReentrantLock lock = lockOf(key);
            lock.lock();
            try {
                PendingRelease p = pending.get(key);
                if (p == null) {
                    continue;
                }
                Optional<VersionedValue> record = store.find(key);
                if (record.isPresent() && !record.get().value().startsWith(p.containerId + " ")) {
                    pending.remove(key);
                    continue;
                }
                allocator.release(p.pool, p.owner);
                if (record.isPresent()) {
                    store.commit(
                            List.of(Condition.atVersion(key, record.get().version())), List.of(Mutation.delete(key)));
                }
                pending.remove(key);
                LOG.info("released {} in pool {} for a failed ADD", p.owner, p.pool.name());
            } catch (RuntimeException e) {
                LOG.debug("release owed to {} still pending: {}", key, e.toString());
            } finally {
                lock.unlock();
            }
        }
        return pending.size();
    }

    /** The ADD result for {@code version}: ips (with "version" before 1.0.0), routes, dns. */
    static byte[] result(String version, Allocation alloc, IpamBlock ipam) {
        ObjectNode r = JSON.createObjectNode();
        r.put("cniVersion", version);
        ArrayNode ips = r.putArray("ips");
        boolean legacy = version.startsWith("0.");
        for (AssignedAddress a : alloc.addresses()) {
            ObjectNode ip = ips.addObject();
            if (legacy) {
                ip.put("version", a.address() instanceof Inet4Address ? "4" : "6");
            }
            ip.put("address", a.cidr());
            if (a.gateway() != null) {
                ip.put("gateway", text(Objects.requireNonNull(a.gateway())));
            }
        }
        if (!ipam.routes().isEmpty()) {
            ArrayNode routes = r.putArray("routes");
            for (IpamBlock.Route route : ipam.routes()) {
                ObjectNode o = routes.addObject();
                o.put("dst", route.dst());
                if (route.gw() != null) {
                    o.put("gw", route.gw());
                }
            }
        }
        IpamBlock.Dns dns = ipam.dns();
        if (dns != null) {
            ObjectNode d = r.putObject("dns");
            if (!dns.nameservers().isEmpty()) {
                dns.nameservers().forEach(d.putArray("nameservers")::add);
            }
            if (dns.domain() != null) {
                d.put("domain", dns.domain());
            }
            if (!dns.search().isEmpty()) {
                dns.search().forEach(d.putArray("search")::add);
            }
            if (!dns.options().isEmpty()) {
                dns.options().forEach(d.putArray("options")::add);
            }
        }
        try {
            byte[] json = JSON.writeValueAsBytes(r);
            byte[] out = new byte[json.length + 1];
            System.arraycopy(json, 0, out, 0, json.length);
            out[json.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- DEL

    private AgentProtocol.Response del(Map<String, String> env, Map<String, Object> conf) throws CniRequestException {
        Attachment a = attachment(env, conf, false);
        ReentrantLock lock = lockOf(a.recordKey);
        lock.lock();
        try {
            Optional<VersionedValue> record = store.find(a.recordKey);
            if (record.isPresent() && !record.get().value().startsWith(a.containerId + " ")) {
                LOG.info(
                        "DEL {} {}: the attachment now belongs to container {}; nothing released",
                        a.containerId,
                        a.owner,
                        record.get().value());
                return new AgentProtocol.Response(0, EMPTY);
            }
            boolean released = allocator.release(a.pool, a.owner);
            if (record.isPresent()) {
                store.commit(
                        List.of(Condition.atVersion(a.recordKey, record.get().version())),
                        List.of(Mutation.delete(a.recordKey)));
            }
            pending.remove(a.recordKey);
            LOG.info(
                    "DEL {} {} pool {}: {}",
                    a.containerId,
                    a.owner,
                    a.pool.name(),
                    released ? "released" : "held nothing");
            return new AgentProtocol.Response(0, EMPTY);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- CHECK

    private AgentProtocol.Response check(String version, Map<String, String> env, Map<String, Object> conf)
            throws CniRequestException {
        if (version.startsWith("0.3")) {
            throw new CniRequestException(CniError.INCOMPATIBLE_VERSION, "CHECK needs cniVersion 0.4.0 or later");
        }
        Attachment a = attachment(env, conf, true);
        if (!(conf.get("prevResult") instanceof Map<?, ?> prev)) {
            throw new CniRequestException(
                    CniError.INVALID_NETWORK_CONFIG, "prevResult: is required for CHECK (the ADD result)");
        }
        Set<String> prevIps = new HashSet<>();
        if (prev.get("ips") instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> ip && ip.get("address") instanceof String s) {
                    prevIps.add(s);
                }
            }
        }
        Optional<VersionedValue> record = store.find(a.recordKey);
        if (record.isPresent() && !record.get().value().startsWith(a.containerId + " ")) {
            throw new CniRequestException(
                    CniError.ALLOCATION_MISMATCH,
                    "the attachment " + a.owner + " belongs to container "
                            + record.get().value());
        }
        Optional<Allocation> alloc = allocator.find(a.pool, a.owner);
        if (alloc.isEmpty()) {
            throw new CniRequestException(
                    CniError.ALLOCATION_MISMATCH, a.owner + " holds no address in pool " + a.pool.name());
        }
        for (AssignedAddress addr : alloc.get().addresses()) {
            if (!prevIps.contains(addr.cidr())) {
                throw new CniRequestException(
                        CniError.ALLOCATION_MISMATCH,
                        "prevResult.ips: " + addr.cidr() + " held by " + a.owner + " is missing from " + prevIps);
            }
        }
        return new AgentProtocol.Response(0, EMPTY);
    }

    // ---------------------------------------------------------------- STATUS, GC

    private AgentProtocol.Response status() throws CniRequestException {
        try {
            store.find("cni/status");
        } catch (IpPoolStoreException e) {
            throw new CniRequestException(
                    CniError.PLUGIN_NOT_AVAILABLE, "IP pool store unavailable", String.valueOf(e.getMessage()));
        }
        return new AgentProtocol.Response(0, EMPTY);
    }

    private AgentProtocol.Response gc(Map<String, Object> conf) throws CniRequestException {
        Object raw = conf.containsKey("cni.dev/valid-attachments")
                ? conf.get("cni.dev/valid-attachments")
                : conf.get("cni.dev/attachments");
        if (!(raw instanceof List<?> list)) {
            throw new CniRequestException(
                    CniError.INVALID_NETWORK_CONFIG, "cni.dev/valid-attachments: is required for GC (a list)");
        }
        Set<String> valid = new HashSet<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> m) {
                valid.add(m.get("containerID") + " " + m.get("ifname"));
            }
        }
        PoolSpec pool = pool(conf, ipam(conf));
        String prefix = "cni/" + pool.name() + "/";
        String after = "";
        int released = 0;
        while (true) {
            List<VersionedValue> page = store.list(prefix, after, 500);
            for (VersionedValue v : page) {
                if (valid.contains(v.value())) {
                    continue;
                }
                Owner owner = Owner.fromKey(v.key().substring(prefix.length()));
                ReentrantLock lock = lockOf(v.key());
                lock.lock();
                try {
                    Optional<VersionedValue> now = store.find(v.key());
                    if (now.isEmpty() || now.get().version() != v.version()) {
                        continue; // changed since listed: a newer ADD or a DEL owns it now
                    }
                    allocator.release(pool, owner);
                    store.commit(List.of(Condition.atVersion(v.key(), v.version())), List.of(Mutation.delete(v.key())));
                    released++;
                } finally {
                    lock.unlock();
                }
            }
            if (page.size() < 500) {
                break;
            }
            after = page.get(page.size() - 1).key();
        }
        LOG.info("GC pool {}: released {} stale attachment(s)", pool.name(), released);
        return new AgentProtocol.Response(0, EMPTY);
    }

    /** Address text without a host name part; IPv6 as the allocator's CIDR text writes it. */
    private static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        // AssignedAddress.cidr() holds the canonical form; reuse it for the gateway.
        String cidr = new AssignedAddress(address, 128, null).cidr();
        return cidr.substring(0, cidr.indexOf('/'));
    }
}
