package io.fabricbinder.core.topology;

import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import io.fabricbinder.sriov.DiscoveryProblem;
import io.fabricbinder.sriov.LldpNeighbor;
import io.fabricbinder.sriov.NodeInventory;
import io.fabricbinder.sriov.PciAddress;
import io.fabricbinder.sriov.PhysicalFunction;
import io.fabricbinder.sriov.PoolDevice;
import io.fabricbinder.sriov.PortIdSubtype;
import io.fabricbinder.sriov.ResourcePool;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The status of a {@code FabricBinderNode} ({@code fabricbinder.io/v1alpha1}, cluster-scoped, named
 * after the node): what the node agent found on one node — its SR-IOV physical functions with the
 * LLDP neighbour each hears — and the problems it met finding it. The agent builds one with {@link
 * #of(String, NodeInventory, Instant, List)} and writes {@link #toStatus()}; the controller reads
 * objects back with {@link #parse(Map)}, which never throws for content: a malformed or hostile
 * object is an error naming the object and field, and that node alone is left out.
 *
 * <pre>{@code
 * status:
 *   observedAt: "2026-12-07T19:00:00Z"
 *   physicalFunctions:
 *     - pciAddress: "0000:3b:00.0"
 *       name: ens1f0
 *       numVfs: 8
 *       resources: [intel.com/leaf_vfs]
 *       lldp:                          # absent when the PF hears no neighbour
 *         interface: ens1f0            # the netdev that heard it (the PF's)
 *         systemName: leaf1.dc1.example.com
 *         chassisId: "00:00:5e:00:53:01"
 *         portId: "531"
 *         portIdSubtype: local         # lldpcli's spelling: ifname, local, mac, ifalias, ...
 *         portDescription: xe-0/0/12
 *   problems: ["lldp: lldpcli exited with 1: unable to connect to socket /run/lldpd.socket"]
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the node name ({@code metadata.name})
 * @param observedAt when the agent last discovered this content, or null when not reported
 * @param physicalFunctions the node's SR-IOV PFs, in PCI address order
 * @param problems discovery problems (sysfs defects, lldpd unreachable, ...), as text
 */
public record FabricBinderNode(
        String name,
        @Nullable Instant observedAt,
        List<PhysicalFunctionStatus> physicalFunctions,
        List<String> problems) {

    /** The API group and version. */
    public static final String API_VERSION = "fabricbinder.io/v1alpha1";
    /** The kind. */
    public static final String KIND = "FabricBinderNode";
    /** The resource (plural) name. */
    public static final String PLURAL = "fabricbindernodes";
    /** More PFs than this on one node is an error on that node (no real server has this many). */
    public static final int MAX_PHYSICAL_FUNCTIONS = 512;
    /** More problems than this are cut (the agent) or refused (the controller). */
    public static final int MAX_PROBLEMS = 100;
    /** Strings longer than this are an error (an LLDP TLV string holds at most 255 octets). */
    public static final int MAX_STRING = 255;

    /** Validates and copies. */
    public FabricBinderNode {
        Objects.requireNonNull(name, "name");
        physicalFunctions = List.copyOf(physicalFunctions);
        problems = List.copyOf(problems);
    }

    /**
     * One PF in the status.
     *
     * @param pciAddress its PCI address
     * @param name its netdev name, or {@code ""}
     * @param numVfs configured VFs
     * @param resources the device-plugin resources ({@code prefix/name}) its VFs (or itself) are in
     * @param neighbor the LLDP neighbour it hears, or null; {@link LldpNeighbor#localInterface()} is
     *     the netdev that heard it
     */
    public record PhysicalFunctionStatus(
            PciAddress pciAddress,
            String name,
            int numVfs,
            List<String> resources,
            @Nullable LldpNeighbor neighbor) {
        /** Validates and copies. */
        public PhysicalFunctionStatus {
            Objects.requireNonNull(pciAddress, "pciAddress");
            Objects.requireNonNull(name, "name");
            resources = List.copyOf(resources);
        }

        /** The neighbour, if one is heard. */
        public Optional<LldpNeighbor> findNeighbor() {
            return Optional.ofNullable(neighbor);
        }

        /** The NIC name a topology link uses: the interface name, else the PCI address. */
        public String nic() {
            return name.isEmpty() ? pciAddress.toString() : name;
        }
    }

    /** The object name as diagnostics name it: {@code FabricBinderNode worker-1}. */
    public ObjectRef object() {
        return ObjectRef.clusterScoped(KIND, name);
    }

    /**
     * The status of one node from a discovery: every SR-IOV capable function of {@code inventory}
     * with the pools it feeds and its LLDP neighbour, the inventory's problems (as {@code kind device
     * file: detail}) followed by {@code extraProblems}, cut at {@link #MAX_PROBLEMS}.
     */
    public static FabricBinderNode of(
            String node, NodeInventory inventory, Instant observedAt, List<String> extraProblems) {
        List<PhysicalFunctionStatus> pfs = new ArrayList<>();
        for (PhysicalFunction pf : inventory.interfaces()) {
            if (!pf.sriovCapable()) {
                continue;
            }
            String pci = pf.pciAddress().toString();
            List<String> resources = new ArrayList<>();
            for (ResourcePool pool : inventory.pools()) {
                for (PoolDevice d : pool.devices()) {
                    if (d.pfPciAddress().equals(pci) || d.pciAddress().equals(pf.pciAddress())) {
                        resources.add(pool.resource());
                        break;
                    }
                }
            }
            pfs.add(new PhysicalFunctionStatus(
                    pf.pciAddress(),
                    pf.name(),
                    pf.numVfs(),
                    resources,
                    inventory.findNeighbor(pf).map(n -> heardOn(n, pf)).orElse(null)));
        }
        pfs.sort((a, b) -> a.pciAddress().compareTo(b.pciAddress()));
        List<String> problems = new ArrayList<>();
        for (DiscoveryProblem p : inventory.problems()) {
            problems.add(p.kind() + " " + p.device() + (p.file().isEmpty() ? "" : " " + p.file()) + ": " + p.detail());
        }
        problems.addAll(extraProblems);
        if (problems.size() > MAX_PROBLEMS) {
            int cut = problems.size() - MAX_PROBLEMS + 1;
            problems = new ArrayList<>(problems.subList(0, MAX_PROBLEMS - 1));
            problems.add("... and " + cut + " more problems");
        }
        return new FabricBinderNode(node, observedAt, pfs, problems);
    }

    /**
     * The {@code status} object to write (JSON-like maps and lists; a neighbour's absent strings are
     * left out).
     */
    public Map<String, Object> toStatus() {
        Map<String, Object> status = new LinkedHashMap<>();
        if (observedAt != null) {
            status.put("observedAt", observedAt.toString());
        }
        List<Object> list = new ArrayList<>();
        for (PhysicalFunctionStatus pf : physicalFunctions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pciAddress", pf.pciAddress().toString());
            m.put("name", pf.name());
            m.put("numVfs", pf.numVfs());
            m.put("resources", pf.resources());
            LldpNeighbor n = pf.neighbor();
            if (n != null) {
                Map<String, Object> l = new LinkedHashMap<>();
                putIfSet(l, "interface", n.localInterface());
                putIfSet(l, "systemName", n.chassisName());
                putIfSet(l, "chassisId", n.chassisId());
                l.put("portId", n.portId());
                l.put("portIdSubtype", n.portIdSubtype().lldpcliName());
                putIfSet(l, "portDescription", n.portDescription());
                m.put("lldp", l);
            }
            list.add(m);
        }
        status.put("physicalFunctions", list);
        status.put("problems", problems);
        return status;
    }

    /** The same content, ignoring {@link #observedAt()}: whether a write would change anything but the time. */
    public boolean sameContent(FabricBinderNode other) {
        return name.equals(other.name)
                && physicalFunctions.equals(other.physicalFunctions)
                && problems.equals(other.problems);
    }

    /** The neighbour as the status carries it: heard on the PF (any of its netdevs is the PF). */
    private static LldpNeighbor heardOn(LldpNeighbor n, PhysicalFunction pf) {
        return new LldpNeighbor(
                pf.name().isEmpty() ? n.localInterface() : pf.name(),
                n.chassisName(),
                n.chassisId(),
                "",
                n.portId(),
                n.portIdSubtype(),
                n.portDescription());
    }

    private static void putIfSet(Map<String, Object> m, String key, String value) {
        if (!value.isEmpty()) {
            m.put(key, value);
        }
    }

    /**
     * What {@link #parse(Map)} made of an object.
     *
     * @param name the object name, or {@code ""} when it has none
     * @param node the node's status, or null when the object is unusable (see errors) or has no
     *     status yet
     * @param errors why the object is unusable; empty when it is usable or merely has no status
     */
    public record Parsed(String name, @Nullable FabricBinderNode node, List<Diagnostic> errors) {
        /** Copies. */
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /**
     * Reads a {@code FabricBinderNode} object (as a JSON-like map, e.g. a fabric8 generic resource
     * converted to a map). Anything wrong — a field of the wrong type, a malformed PCI address, a PF
     * listed twice (by address or name), a neighbour heard on another interface than its PF, more than
     * {@link #MAX_PHYSICAL_FUNCTIONS} PFs, strings longer than {@link #MAX_STRING} — makes the whole
     * object unusable, with one error per problem (at most 20): a node that publishes nonsense is not
     * half-believed.
     */
    public static Parsed parse(Map<String, ?> resource) {
        Reader r = new Reader();
        String name = "";
        if (resource.get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String s) {
            name = s;
        }
        r.object = ObjectRef.clusterScoped(KIND, name);
        if (name.isEmpty()) {
            r.error("metadata.name", "is required");
            return new Parsed(name, null, r.errors);
        }
        Object rawStatus = resource.get("status");
        if (rawStatus == null) {
            return new Parsed(name, null, List.of()); // created, nothing published yet
        }
        if (!(rawStatus instanceof Map<?, ?> status)) {
            r.error("status", "must be an object");
            return new Parsed(name, null, r.errors);
        }
        Instant observedAt = null;
        Object at = status.get("observedAt");
        if (at != null) {
            if (at instanceof String s) {
                try {
                    observedAt = Instant.parse(s);
                } catch (DateTimeParseException e) {
                    r.error("status.observedAt", "is not an RFC 3339 time: '" + abbreviate(s) + "'");
                }
            } else {
                r.error("status.observedAt", "must be a string");
            }
        }
        List<PhysicalFunctionStatus> pfs = new ArrayList<>();
        Object rawPfs = status.get("physicalFunctions");
        if (rawPfs != null && !(rawPfs instanceof List<?>)) {
            r.error("status.physicalFunctions", "must be a list");
        } else if (rawPfs instanceof List<?> list) {
            if (list.size() > MAX_PHYSICAL_FUNCTIONS) {
                r.error(
                        "status.physicalFunctions",
                        list.size() + " PFs is more than the " + MAX_PHYSICAL_FUNCTIONS + " a node can have");
                return new Parsed(name, null, r.errors);
            }
            Set<PciAddress> seenPci = new HashSet<>();
            Set<String> seenName = new HashSet<>();
            for (int i = 0; i < list.size() && r.errors.size() < 20; i++) {
                String p = "status.physicalFunctions[" + i + "]";
                PhysicalFunctionStatus pf = r.pf(list.get(i), p);
                if (pf == null) {
                    continue;
                }
                if (!seenPci.add(pf.pciAddress())) {
                    r.error(p + ".pciAddress", "PF " + pf.pciAddress() + " is listed twice");
                } else if (!pf.name().isEmpty() && !seenName.add(pf.name())) {
                    r.error(p + ".name", "PF " + pf.name() + " is listed twice");
                } else {
                    pfs.add(pf);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        Object rawProblems = status.get("problems");
        if (rawProblems != null) {
            if (!(rawProblems instanceof List<?> list)) {
                r.error("status.problems", "must be a list of strings");
            } else if (list.size() > MAX_PROBLEMS) {
                r.error("status.problems", list.size() + " problems is more than " + MAX_PROBLEMS);
            } else {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof String s) {
                        problems.add(s.length() > 4 * MAX_STRING ? s.substring(0, 4 * MAX_STRING) + "..." : s);
                    } else {
                        r.error("status.problems[" + i + "]", "must be a string");
                    }
                }
            }
        }
        if (!r.errors.isEmpty()) {
            return new Parsed(name, null, r.errors);
        }
        pfs.sort((a, b) -> a.pciAddress().compareTo(b.pciAddress()));
        return new Parsed(name, new FabricBinderNode(name, observedAt, pfs, problems), List.of());
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }

    /** Collects errors for one object. */
    private static final class Reader {
        ObjectRef object = ObjectRef.clusterScoped(KIND, "");
        final List<Diagnostic> errors = new ArrayList<>();

        void error(String field, String message) {
            if (errors.size() < 20) {
                errors.add(new Diagnostic(object, field, message));
            }
        }

        @Nullable
        PhysicalFunctionStatus pf(@Nullable Object raw, String p) {
            if (!(raw instanceof Map<?, ?> m)) {
                error(p, "must be an object");
                return null;
            }
            int before = errors.size();
            PciAddress pci = null;
            String pciText = string(m, "pciAddress", p, true);
            if (pciText != null) {
                try {
                    pci = PciAddress.parse(pciText);
                } catch (IllegalArgumentException e) {
                    error(p + ".pciAddress", "is not a PCI address (dddd:bb:dd.f): '" + abbreviate(pciText) + "'");
                }
            }
            String name = string(m, "name", p, false);
            int numVfs = 0;
            Object n = m.get("numVfs");
            if (n != null) {
                if (n instanceof Integer i && i >= 0 && i <= 65535) {
                    numVfs = i;
                } else {
                    error(
                            p + ".numVfs",
                            "must be an integer from 0 to 65535, got '" + abbreviate(String.valueOf(n)) + "'");
                }
            }
            List<String> resources = new ArrayList<>();
            Object rs = m.get("resources");
            if (rs != null) {
                if (rs instanceof List<?> list && list.size() <= 64) {
                    for (int i = 0; i < list.size(); i++) {
                        if (list.get(i) instanceof String s && !s.isEmpty() && s.length() <= MAX_STRING) {
                            resources.add(s);
                        } else {
                            error(p + ".resources[" + i + "]", "must be a non-empty string");
                        }
                    }
                } else {
                    error(p + ".resources", "must be a list of at most 64 resource names");
                }
            }
            LldpNeighbor neighbor = null;
            Object l = m.get("lldp");
            if (l != null) {
                neighbor = neighbor(l, p + ".lldp", name == null ? "" : name);
            }
            if (errors.size() != before || pci == null) {
                return null;
            }
            return new PhysicalFunctionStatus(pci, name == null ? "" : name, numVfs, resources, neighbor);
        }

        @Nullable
        LldpNeighbor neighbor(Object raw, String p, String pfName) {
            if (!(raw instanceof Map<?, ?> m)) {
                error(p, "must be an object");
                return null;
            }
            String heardOn = string(m, "interface", p, false);
            String systemName = string(m, "systemName", p, false);
            String chassisId = string(m, "chassisId", p, false);
            String portId = string(m, "portId", p, true);
            String subtypeText = string(m, "portIdSubtype", p, false);
            String description = string(m, "portDescription", p, false);
            PortIdSubtype subtype = PortIdSubtype.UNKNOWN;
            if (subtypeText != null) {
                subtype = PortIdSubtype.fromLldpcli(subtypeText);
                if (subtype == PortIdSubtype.UNKNOWN && !subtypeText.equals(PortIdSubtype.UNKNOWN.lldpcliName())) {
                    error(p + ".portIdSubtype", "unknown subtype '" + abbreviate(subtypeText) + "'");
                }
            }
            if (heardOn != null && !heardOn.isEmpty() && !heardOn.equals(pfName)) {
                error(
                        p + ".interface",
                        "neighbour heard on " + heardOn + ", which is not this PF ("
                                + (pfName.isEmpty() ? "no name" : pfName) + ")");
            }
            if ((systemName == null || systemName.isEmpty()) && (chassisId == null || chassisId.isEmpty())) {
                error(p + ".systemName", "is required (or chassisId)");
            }
            if (portId == null) {
                return null;
            }
            return new LldpNeighbor(
                    heardOn == null || heardOn.isEmpty() ? pfName : heardOn,
                    systemName,
                    chassisId,
                    "",
                    portId,
                    subtype,
                    description);
        }

        @Nullable
        String string(Map<?, ?> m, String key, String p, boolean required) {
            Object v = m.get(key);
            if (v == null) {
                if (required) {
                    error(p + "." + key, "is required");
                }
                return null;
            }
            if (!(v instanceof String s)) {
                error(p + "." + key, "must be a string, got '" + abbreviate(String.valueOf(v)) + "'");
                return null;
            }
            if (s.length() > MAX_STRING) {
                error(p + "." + key, "is longer than " + MAX_STRING + " characters");
                return null;
            }
            if (required && s.isEmpty()) {
                error(p + "." + key, "must not be empty");
                return null;
            }
            return s;
        }
    }
}
