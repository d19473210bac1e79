package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The mutable content of one blueprint stage (staging or deployed) apart from the static fabric:
 * virtual networks, security zones, endpoint policies (connectivity templates) and their
 * application-point assignments, as the API bodies Apstra returns for them. Guarded by the
 * emulator's lock.
 */
final class BlueprintState {
    static final int MIN_VNI = 4096;
    static final int MAX_VNI = 16_777_214;

    final Map<String, ObjectNode> vns = new LinkedHashMap<>();
    final Map<String, ObjectNode> zones = new LinkedHashMap<>();
    final Map<String, ObjectNode> policies = new LinkedHashMap<>();
    /** Application point id to the CT root ids assigned to it. */
    final Map<String, Set<String>> assignments = new LinkedHashMap<>();

    final Map<String, ObjectNode> resourceGroups = new LinkedHashMap<>();
    /** Indexes over {@link #vns} so that creating many VNs stays linear; kept by putVn/removeVn. */
    private final Map<String, String> vnIdByLabel = new HashMap<>();

    private final Map<String, String> vnIdByVni = new HashMap<>();

    void putVn(String id, ObjectNode vn) {
        removeVn(id);
        vns.put(id, vn);
        vnIdByLabel.put(vn.get("label").asText(), id);
        JsonNode vni = vn.get("vn_id");
        if (vni != null && !vni.isNull()) {
            vnIdByVni.put(vni.asText(), id);
        }
    }

    void removeVn(String id) {
        ObjectNode old = vns.remove(id);
        if (old != null) {
            vnIdByLabel.remove(old.get("label").asText(), id);
            JsonNode vni = old.get("vn_id");
            if (vni != null && !vni.isNull()) {
                vnIdByVni.remove(vni.asText(), id);
            }
        }
    }

    @Nullable
    String vnIdByLabel(String label) {
        return vnIdByLabel.get(label);
    }

    @Nullable
    String vnIdByVni(int vni) {
        return vnIdByVni.get(String.valueOf(vni));
    }

    /** Whether a VN or zone other than {@code exceptId} holds {@code vni}; VNs and zones share one space. */
    boolean vniInUse(int vni, String exceptId) {
        String owner = vnIdByVni(vni);
        if (owner != null && !owner.equals(exceptId)) {
            return true;
        }
        for (ObjectNode z : zones.values()) {
            if (!z.get("id").asText().equals(exceptId) && z.path("vni_id").asInt(-1) == vni) {
                return true;
            }
        }
        return false;
    }

    BlueprintState copy() {
        BlueprintState c = new BlueprintState();
        vns.forEach((k, v) -> c.putVn(k, v.deepCopy()));
        zones.forEach((k, v) -> c.zones.put(k, v.deepCopy()));
        policies.forEach((k, v) -> c.policies.put(k, v.deepCopy()));
        assignments.forEach((k, v) -> c.assignments.put(k, new LinkedHashSet<>(v)));
        resourceGroups.forEach((k, v) -> c.resourceGroups.put(k, v.deepCopy()));
        return c;
    }

    /** Ids of the CT roots (visible batches) whose tree references {@code id} anywhere in its attributes. */
    Set<String> ctsReferencing(String id) {
        Set<String> out = new LinkedHashSet<>();
        for (ObjectNode p : policies.values()) {
            if (mentions(p.path("attributes"), id)) {
                out.add(rootOf(p.get("id").asText()));
            }
        }
        return out;
    }

    private static boolean mentions(JsonNode n, String id) {
        if (n.isTextual()) {
            return n.asText().equals(id);
        }
        for (JsonNode c : n) {
            if (mentions(c, id)) {
                return true;
            }
        }
        return false;
    }

    /** Walks subpolicy references upward to the visible root batch. */
    String rootOf(String policyId) {
        String current = policyId;
        for (int guard = 0; guard < 64; guard++) {
            String parent = parentOf(current);
            if (parent == null) {
                return current;
            }
            current = parent;
        }
        return current;
    }

    private @Nullable String parentOf(String id) {
        for (ObjectNode p : policies.values()) {
            JsonNode a = p.path("attributes");
            if (id.equals(a.path("first_subpolicy").asText(null))
                    || id.equals(a.path("second_subpolicy").asText(null))) {
                return p.get("id").asText();
            }
            for (JsonNode s : a.path("subpolicies")) {
                if (id.equals(s.asText())) {
                    return p.get("id").asText();
                }
            }
        }
        return null;
    }

    /** The ids of a CT tree rooted at {@code rootId}, root first. */
    List<String> treeOf(String rootId) {
        return List.copyOf(tree(rootId).keySet());
    }

    /**
     * The policies of a CT tree rooted at {@code rootId} by id, root first; references to policies
     * that do not exist are skipped.
     */
    Map<String, ObjectNode> tree(String rootId) {
        Map<String, ObjectNode> out = new LinkedHashMap<>();
        collect(rootId, out);
        return out;
    }

    private void collect(String id, Map<String, ObjectNode> out) {
        ObjectNode p = policies.get(id);
        if (p == null || out.putIfAbsent(id, p) != null) {
            return;
        }
        JsonNode a = p.path("attributes");
        for (JsonNode s : a.path("subpolicies")) {
            collect(s.asText(), out);
        }
        for (String f : List.of("first_subpolicy", "second_subpolicy")) {
            JsonNode v = a.get(f);
            if (v != null && v.isTextual()) {
                collect(v.asText(), out);
            }
        }
    }

    /** Application points a CT root is assigned to. */
    int appPointsCount(String ctId) {
        int n = 0;
        for (Set<String> s : assignments.values()) {
            if (s.contains(ctId)) {
                n++;
            }
        }
        return n;
    }
}
