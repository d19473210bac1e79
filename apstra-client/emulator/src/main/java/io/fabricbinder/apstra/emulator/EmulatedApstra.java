package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The emulated Apstra server: its state, authentication and dispatch, the cooperative blueprint
 * lock (lock status and design tags) and the inspection and fault hooks behind {@link
 * ApstraEmulator}. {@link Router} maps a request to a handler; the handlers live in one class per
 * resource ({@link AuthHandler}, {@link BlueprintHandler}, {@link VirtualNetworkHandler}, {@link
 * SecurityZoneHandler}, {@link ConnectivityTemplateHandler}, {@link GraphHandler}, {@link
 * ResourceGroupHandler}) and reach the shared state through this object. Every entry point runs
 * under this object's monitor, so requests are applied one at a time, like Apstra's single
 * blueprint transaction queue.
 */
final class EmulatedApstra {
    record Settings(
            String username,
            String password,
            String apstraVersion,
            Duration tokenTtl,
            InstantSource clock,
            String blueprintId,
            String blueprintLabel,
            Topology topology) {}

    record Response(int status, @Nullable JsonNode body, Map<String, String> headers) {
        static Response json(int status, JsonNode body) {
            return new Response(status, body, Map.of());
        }

        static Response empty(int status) {
            return new Response(status, null, Map.of());
        }
    }

    record Route(String template, Function<Req, Response> handler, boolean authenticated) {}

    final Settings settings;
    final String adminUserId;
    private final int[] version;
    private final Map<String, String> userIds = new HashMap<>();
    private Blueprint blueprint;
    private final Map<String, ObjectNode> designTags = new LinkedHashMap<>();
    private @Nullable String foreignLockUser;
    private final List<RecordedRequest> log = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int tagCounter;
    private final AuthHandler auth;
    private final Router router;

    EmulatedApstra(Settings settings) {
        this.settings = settings;
        this.adminUserId = userId(settings.username());
        this.version = parseVersion(settings.apstraVersion());
        this.blueprint = newBlueprint();
        this.auth = new AuthHandler(this);
        this.router = new Router(this, auth);
    }

    private Blueprint newBlueprint() {
        return new Blueprint(settings.blueprintId(), settings.blueprintLabel(), settings.topology(), now());
    }

    private static int[] parseVersion(String v) {
        // The builder only accepts digits separated by dots, so no part is empty and -1 (keep
        // trailing empty parts) splits exactly as the one-argument form would.
        String[] parts = v.split("[.\\-]", -1);
        int[] out = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("apstraVersion '" + v + "' is not of the form 4.2.1", e);
            }
        }
        return out;
    }

    boolean atLeast(int major, int minor) {
        return version[0] > major || (version[0] == major && version[1] >= minor);
    }

    Instant now() {
        return settings.clock().instant();
    }

    private String userId(String username) {
        return userIds.computeIfAbsent(
                username,
                u -> UUID.nameUUIDFromBytes(("user:" + u).getBytes(StandardCharsets.UTF_8))
                        .toString());
    }

    /** Finds the route for a request; {@code null} when no endpoint matches. */
    @Nullable
    Route route(Req r) {
        return router.route(r);
    }

    /** Resolves the token and returns the session's user, or throws 401. */
    synchronized void authenticate(Req r, @Nullable String token) {
        auth.authenticate(r, token);
    }

    /** Runs a route's handler under the lock, wrapping writes sent with {@code ?async=full} in a task. */
    synchronized Response invoke(Route route, Req r) {
        boolean blueprintWrite = r.segments.size() > 3
                && !r.method.equals("GET")
                && !route.template().endsWith("/qe");
        if (r.segments.size() >= 3 && r.seg(1).equals("blueprints")) {
            bp(r);
        }
        Response resp = route.handler().apply(r);
        if (blueprintWrite && r.async()) {
            return taskResponse(r, route, resp);
        }
        return resp;
    }

    private Response taskResponse(Req r, Route route, Response done) {
        Blueprint b = blueprint;
        String taskId = UUID.randomUUID().toString();
        Instant t = now();
        ObjectNode task = Json.obj();
        task.put("id", taskId);
        task.put("status", "succeeded");
        String type = route.template().replace("/api/blueprints/{bp}", "");
        int sp = type.indexOf(' ');
        task.put("type", "blueprint.facade." + type.substring(0, sp) + "." + type.substring(sp + 1));
        ObjectNode rd = task.putObject("request_data");
        rd.put("url", r.path);
        rd.put("method", r.method);
        task.put("user_id", r.userId);
        task.put("user_name", r.username);
        task.put("user_ip", r.clientIp);
        task.put("created_at", t.toString());
        task.put("begin_at", t.toString());
        task.put("last_updated_at", t.toString());
        task.put("config_last_updated_at", t.toString());
        ObjectNode ds = task.putObject("detailed_status");
        if (done.body() == null) {
            ds.putNull("api_response");
        } else {
            ds.set("api_response", done.body());
        }
        ds.put("config_blueprint_version", b.version);
        ds.putNull("errors");
        ds.put("error_code", 0);
        b.tasks.put(taskId, task);
        ObjectNode body = Json.obj();
        body.put("id", b.id);
        body.put("task_id", taskId);
        // (inferred) The status of an async accept is not in the sources; 202 is what HTTP means.
        return Response.json(202, body);
    }

    /** The blueprint a {@code /api/blueprints/{bp}/...} request names, or 404. */
    Blueprint bp(Req r) {
        String id = r.seg(2);
        if (!id.equals(blueprint.id)) {
            String type = r.param("type") == null ? "staging" : r.param("type");
            throw ApiException.notFound("Blueprint " + id + " of type " + type + " not found");
        }
        return blueprint;
    }

    /** Whether {@code ?type=} asks for the deployed stage rather than staging. */
    boolean deployedType(Req r) {
        String t = r.param("type");
        if (t == null || t.equals("staging") || t.equals("config")) {
            return false;
        }
        if (t.equals("deployed") || t.equals("operation")) {
            return true;
        }
        throw ApiException.unprocessable("type", "Must be one of: staging, deployed, operation, config.");
    }

    /** Records a staging change by the request's user. */
    void changed(Req r, Blueprint b) {
        b.touch(
                r.userId == null ? adminUserId : r.userId,
                r.username == null ? settings.username() : r.username,
                now());
    }

    // ------------------------------------------------------------------ blueprint lock status

    Response lockStatus(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        String holder = foreignLockUser != null ? foreignLockUser : b.dirty ? b.lastChangedByUsername : null;
        if (holder == null) {
            o.put("lock_status", "unlocked");
            o.put("lock_type", "unlocked");
            o.put("username", "");
            o.put("first_name", "");
            o.put("last_name", "");
            o.put("user_id", "");
            o.put("possible_override", false);
        } else {
            // "locked" exists from 4.2 on (TF #367); older versions reported the admin variant.
            o.put("lock_status", atLeast(4, 2) ? "locked" : "locked_by_admin");
            o.put("lock_type", "lock_by_changes");
            o.put("username", holder);
            o.put("first_name", "");
            o.put("last_name", "");
            o.put("user_id", userId(holder));
            o.put("possible_override", true);
        }
        return Response.json(200, o);
    }

    // ------------------------------------------------------------------ design tags (cooperative lock)

    private ObjectNode tagOr404(String id) {
        ObjectNode t = designTags.get(id);
        if (t == null) {
            throw ApiException.notFound("Tag with id " + id + " not found");
        }
        return t;
    }

    Response listTags(Req r) {
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        designTags.values().forEach(t -> items.add(t.deepCopy()));
        return Response.json(200, o);
    }

    Response getTag(Req r) {
        return Response.json(200, tagOr404(r.seg(3)).deepCopy());
    }

    Response createTag(Req r) {
        ObjectNode body = r.json();
        String label = body.path("label").asText("");
        if (label.isEmpty()) {
            throw ApiException.unprocessable("label", "Missing data for required field.");
        }
        if (label.length() > 64) {
            throw ApiException.unprocessable("label", "Longer than maximum length 64.");
        }
        String id = addTag(label, body.path("description").asText(""));
        if (id == null) {
            throw ApiException.unprocessable("Tag with label '" + label + "' already exists");
        }
        ObjectNode out = Json.obj();
        out.put("id", id);
        return Response.json(201, out);
    }

    private @Nullable String addTag(String label, String description) {
        for (ObjectNode t : designTags.values()) {
            if (t.get("label").asText().equals(label)) {
                return null;
            }
        }
        tagCounter++;
        String id = Json.opaqueId("tag:" + tagCounter + ":" + label);
        ObjectNode t = Json.obj();
        t.put("id", id);
        t.put("label", label);
        t.put("description", description);
        t.put("created_at", now().toString());
        t.put("last_modified_at", now().toString());
        designTags.put(id, t);
        return id;
    }

    /** {@code PUT /api/design/tags/{id}} as apstra-go-sdk's {@code updateTag} sends it: label and description. */
    Response updateTag(Req r) {
        ObjectNode t = tagOr404(r.seg(3));
        ObjectNode body = r.json();
        String label = body.path("label").asText(t.get("label").asText());
        if (!label.equals(t.get("label").asText())) {
            for (ObjectNode other : designTags.values()) {
                if (!other.get("id").asText().equals(r.seg(3))
                        && other.get("label").asText().equals(label)) {
                    throw ApiException.unprocessable("Tag with label '" + label + "' already exists");
                }
            }
        }
        t.put("label", label);
        t.put("description", body.path("description").asText(""));
        t.put("last_modified_at", now().toString());
        return Response.empty(204);
    }

    Response deleteTag(Req r) {
        tagOr404(r.seg(3));
        designTags.remove(r.seg(3));
        return Response.empty(204);
    }

    // ------------------------------------------------------------------ faults + inspection

    /** The current blueprint; handlers call it under this object's monitor. */
    Blueprint blueprint() {
        return blueprint;
    }

    synchronized void expireAllTokens() {
        auth.expireAllTokens();
    }

    synchronized void lockByForeignUser(String username) {
        foreignLockUser = username;
        addTag("blueprint " + blueprint.id + " locked", "locked by " + username + " (emulated foreign writer)");
    }

    synchronized void releaseForeignLock() {
        foreignLockUser = null;
        String label = "blueprint " + blueprint.id + " locked";
        designTags
                .values()
                .removeIf(t -> t.get("label").asText().equals(label)
                        && t.path("description").asText().endsWith("(emulated foreign writer)"));
    }

    /** Another user changes staging: a (harmless) rename of the default zone's routing-policy attribute. */
    synchronized void foreignChange() {
        String user = foreignLockUser != null ? foreignLockUser : "foreign-writer";
        Blueprint b = blueprint;
        ObjectNode dz = b.staging.zones.get(b.defaultZoneId);
        if (dz == null) {
            // The API refuses to change or delete the default zone, and every stage starts with it.
            throw new IllegalStateException("blueprint " + b.id + " has lost its default routing zone");
        }
        dz.put("vrf_description", "changed by " + user + " at version " + (b.version + 1));
        b.touch(userId(user), user, now());
    }

    synchronized void record(RecordedRequest rr) {
        log.add(rr);
        counts.merge(rr.endpoint(), 1, Integer::sum);
    }

    synchronized List<RecordedRequest> requestLog() {
        return List.copyOf(log);
    }

    synchronized Map<String, Integer> callCounts() {
        return Map.copyOf(counts);
    }

    synchronized void reset() {
        blueprint = newBlueprint();
        designTags.clear();
        foreignLockUser = null;
        log.clear();
        counts.clear();
    }

    synchronized @Nullable String systemId(String label) {
        return blueprint.fabric.systemId(label);
    }

    synchronized String blueprintId() {
        return blueprint.id;
    }

    synchronized int stagingVersion() {
        return blueprint.version;
    }

    synchronized int deployedVersion() {
        return blueprint.deployedVersion;
    }

    synchronized boolean hasUncommittedChanges() {
        return blueprint.dirty;
    }

    synchronized Map<String, String> designTagDescriptions() {
        Map<String, String> out = new LinkedHashMap<>();
        designTags
                .values()
                .forEach(t ->
                        out.put(t.get("label").asText(), t.path("description").asText("")));
        return out;
    }

    synchronized List<String> designTagLabels() {
        List<String> out = new ArrayList<>();
        designTags.values().forEach(t -> out.add(t.get("label").asText()));
        return out;
    }

    synchronized List<VirtualNetworkView> virtualNetworks(Stage stage) {
        Blueprint b = blueprint;
        List<VirtualNetworkView> out = new ArrayList<>();
        for (ObjectNode vn : b.state(stage == Stage.DEPLOYED).vns.values()) {
            Map<String, Integer> vlans = new LinkedHashMap<>();
            for (JsonNode e : vn.path("bound_to")) {
                ObjectNode sys = b.fabric.graph().node(e.path("system_id").asText());
                if (sys != null && e.path("vlan_id").isInt()) {
                    vlans.put(sys.path("label").asText(), e.get("vlan_id").asInt());
                }
            }
            out.add(new VirtualNetworkView(
                    vn.get("id").asText(),
                    vn.get("label").asText(),
                    vn.get("vn_type").asText(),
                    Json.text(vn, "vn_id"),
                    Json.text(vn, "security_zone_id"),
                    vlans));
        }
        return out;
    }

    synchronized List<SecurityZoneView> securityZones(Stage stage) {
        List<SecurityZoneView> out = new ArrayList<>();
        for (ObjectNode z : blueprint.state(stage == Stage.DEPLOYED).zones.values()) {
            out.add(new SecurityZoneView(
                    z.get("id").asText(),
                    z.get("label").asText(),
                    z.get("vrf_name").asText(),
                    z.get("sz_type").asText(),
                    z.path("vni_id").isInt() ? z.get("vni_id").asInt() : null));
        }
        return out;
    }

    synchronized List<PortVlan> taggedVlans(Stage stage) {
        Blueprint b = blueprint;
        BlueprintState s = b.state(stage == Stage.DEPLOYED);
        Graph g = b.fabric.graph();
        List<PortVlan> out = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : s.assignments.entrySet()) {
            for (String ct : e.getValue()) {
                for (ObjectNode p : s.tree(ct).values()) {
                    JsonNode a = p.path("attributes");
                    String type = p.path("policy_type_name").asText();
                    List<String> tagged = new ArrayList<>();
                    List<String> untagged = new ArrayList<>();
                    if (type.equals("AttachSingleVLAN")) {
                        (a.path("tag_type").asText().equals("untagged") ? untagged : tagged)
                                .add(a.path("vn_node_id").asText());
                    } else if (type.equals("AttachMultipleVLAN")) {
                        if (a.path("untagged_vn_node_id").isTextual()) {
                            untagged.add(a.get("untagged_vn_node_id").asText());
                        }
                        a.path("tagged_vn_node_ids").forEach(v -> tagged.add(v.asText()));
                    }
                    for (String port : b.fabric.physicalLeafPorts(e.getKey())) {
                        String leaf = b.fabric.requireHostOf(port);
                        String leafLabel = g.require(leaf).path("label").asText();
                        String ifName = g.require(port).path("if_name").asText();
                        for (String vnId : tagged) {
                            addPortVlan(b, s, out, leaf, leafLabel, ifName, vnId, true);
                        }
                        for (String vnId : untagged) {
                            addPortVlan(b, s, out, leaf, leafLabel, ifName, vnId, false);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void addPortVlan(
            Blueprint b,
            BlueprintState s,
            List<PortVlan> out,
            String leaf,
            String leafLabel,
            String ifName,
            String vnId,
            boolean tagged) {
        ObjectNode vn = s.vns.get(vnId);
        if (vn == null) {
            return;
        }
        int vlan = -1;
        String rg = b.fabric.redundancyGroupOf(leaf);
        for (JsonNode e : vn.path("bound_to")) {
            String sys = e.path("system_id").asText();
            if ((sys.equals(leaf) || sys.equals(rg)) && e.path("vlan_id").isInt()) {
                vlan = e.get("vlan_id").asInt();
            }
        }
        if (vlan < 0) {
            vlan = vn.path("reserved_vlan_id").asInt(-1);
        }
        out.add(new PortVlan(leafLabel, ifName, vlan, vnId, vn.get("label").asText(), tagged));
    }
}
