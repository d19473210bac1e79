package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The emulated Apstra server state and its REST handlers. Every public entry point runs under this
 * object's monitor, so requests are applied one at a time, like Apstra's single blueprint
 * transaction queue.
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

    private record Session(String userId, String username, Instant expiresAt) {}

    static final int MIN_VNI = 4096;
    static final int MAX_VNI = 16_777_214;
    private static final Set<String> VN_TYPES = Set.of("vxlan", "vlan", "disabled");
    private static final Set<String> POLICY_TYPES = Set.of(
            "batch",
            "pipeline",
            "AttachSingleVLAN",
            "AttachMultipleVLAN",
            "AttachLogicalLink",
            "AttachStaticRoute",
            "AttachCustomStaticRoute",
            "AttachIpEndpointWithBgpNsxt",
            "AttachBgpOverSubinterfacesOrSvi",
            "AttachBgpWithPrefixPeeringForSviOrSubinterface",
            "AttachExistingRoutingPolicy",
            "AttachRoutingZoneConstraint");
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");
    private static final Pattern IPV4_CIDR =
            Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");

    final Settings settings;
    final String adminUserId;
    private final int[] version;
    private final Map<String, Session> sessions = new HashMap<>();
    private final Map<String, String> userIds = new HashMap<>();
    private Blueprint blueprint;
    private final Map<String, ObjectNode> designTags = new LinkedHashMap<>();
    private @Nullable String foreignLockUser;
    private final List<RecordedRequest> log = new ArrayList<>();
    private final Map<String, Integer> counts = new TreeMap<>();
    private int tagCounter;

    EmulatedApstra(Settings settings) {
        this.settings = settings;
        this.adminUserId = userId(settings.username());
        this.version = parseVersion(settings.apstraVersion());
        this.blueprint = newBlueprint();
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

    // ------------------------------------------------------------------ routing

    /** Finds the route for a request; {@code null} when no endpoint matches. */
    @Nullable
    Route route(Req r) {
        List<String> s = r.segments;
        String m = r.method;
        int n = s.size();
        if (n < 2 || !s.get(0).equals("api")) {
            return null;
        }
        String area = s.get(1);
        if ((area.equals("user") || area.equals("aaa")) && n == 3) {
            String base = "/api/" + area + "/";
            if (m.equals("POST") && s.get(2).equals("login")) {
                return new Route("POST " + base + "login", this::login, false);
            }
            if (m.equals("POST") && s.get(2).equals("logout")) {
                return new Route("POST " + base + "logout", this::logout, true);
            }
            return null;
        }
        if (m.equals("GET") && area.equals("version") && n == 2) {
            return new Route("GET /api/version", this::apiVersion, false);
        }
        if (m.equals("GET") && area.equals("versions") && n == 3) {
            return switch (s.get(2)) {
                case "api" -> new Route("GET /api/versions/api", this::apiVersion, false);
                case "server" -> new Route("GET /api/versions/server", this::serverVersion, false);
                default -> null;
            };
        }
        if (area.equals("design") && n >= 3 && s.get(2).equals("tags")) {
            if (n == 3 && m.equals("GET")) {
                return new Route("GET /api/design/tags", this::listTags, true);
            }
            if (n == 3 && m.equals("POST")) {
                return new Route("POST /api/design/tags", this::createTag, true);
            }
            if (n == 4 && m.equals("GET")) {
                return new Route("GET /api/design/tags/{tag}", this::getTag, true);
            }
            if (n == 4 && m.equals("PUT")) {
                return new Route("PUT /api/design/tags/{tag}", this::updateTag, true);
            }
            if (n == 4 && m.equals("DELETE")) {
                return new Route("DELETE /api/design/tags/{tag}", this::deleteTag, true);
            }
            return null;
        }
        if (!area.equals("blueprints")) {
            return null;
        }
        if (n == 2) {
            if (m.equals("GET")) {
                return new Route("GET /api/blueprints", this::listBlueprints, true);
            }
            if (m.equals("OPTIONS")) {
                return new Route("OPTIONS /api/blueprints", this::blueprintIds, true);
            }
            return null;
        }
        String bp = "/api/blueprints/{bp}";
        if (n == 3) {
            return m.equals("GET") ? new Route("GET " + bp, this::getBlueprint, true) : null;
        }
        String sub = s.get(3);
        String key = m + " " + sub + (n == 4 ? "" : n == 5 ? "/{}" : "/" + s.subList(4, n));
        return switch (key) {
            case "GET diff-status" -> new Route("GET " + bp + "/diff-status", this::diffStatus, true);
            case "GET lock-status" -> new Route("GET " + bp + "/lock-status", this::lockStatus, true);
            case "GET errors" -> new Route("GET " + bp + "/errors", this::buildErrors, true);
            case "PUT deploy" -> new Route("PUT " + bp + "/deploy", this::deploy, true);
            case "GET deploy" -> new Route("GET " + bp + "/deploy", this::deployStatus, true);
            case "GET revisions" -> new Route("GET " + bp + "/revisions", this::revisions, true);
            case "POST revert" -> new Route("POST " + bp + "/revert", this::revert, true);
            case "POST rollback" -> new Route("POST " + bp + "/rollback", this::rollback, true);
            case "GET tasks" -> new Route("GET " + bp + "/tasks", this::listTasks, true);
            case "GET tasks/{}" -> new Route("GET " + bp + "/tasks/{task}", this::getTask, true);
            case "GET virtual-networks" -> new Route("GET " + bp + "/virtual-networks", this::listVns, true);
            case "POST virtual-networks" -> new Route("POST " + bp + "/virtual-networks", this::createVn, true);
            case "GET virtual-networks/{}" -> new Route("GET " + bp + "/virtual-networks/{vn}", this::getVn, true);
            case "PUT virtual-networks/{}" -> new Route("PUT " + bp + "/virtual-networks/{vn}", this::putVn, true);
            case "PATCH virtual-networks/{}" ->
                new Route("PATCH " + bp + "/virtual-networks/{vn}", this::patchVn, true);
            case "DELETE virtual-networks/{}" ->
                new Route("DELETE " + bp + "/virtual-networks/{vn}", this::deleteVn, true);
            case "GET security-zones" -> new Route("GET " + bp + "/security-zones", this::listZones, true);
            case "POST security-zones" -> new Route("POST " + bp + "/security-zones", this::createZone, true);
            case "GET security-zones/{}" -> new Route("GET " + bp + "/security-zones/{sz}", this::getZone, true);
            case "PUT security-zones/{}" -> new Route("PUT " + bp + "/security-zones/{sz}", this::putZone, true);
            case "PATCH security-zones/{}" -> new Route("PATCH " + bp + "/security-zones/{sz}", this::patchZone, true);
            case "DELETE security-zones/{}" ->
                new Route("DELETE " + bp + "/security-zones/{sz}", this::deleteZone, true);
            case "PUT obj-policy-import" -> new Route("PUT " + bp + "/obj-policy-import", this::importPolicies, true);
            case "GET obj-policy-export" -> new Route("GET " + bp + "/obj-policy-export", this::exportPolicies, true);
            case "GET obj-policy-export/{}" ->
                new Route("GET " + bp + "/obj-policy-export/{ct}", this::exportPolicies, true);
            case "PATCH obj-policy-batch-apply" ->
                new Route("PATCH " + bp + "/obj-policy-batch-apply", this::batchApply, true);
            case "GET obj-policy-application-points" ->
                new Route("GET " + bp + "/obj-policy-application-points", this::applicationPoints, true);
            case "GET endpoint-policies" ->
                new Route("GET " + bp + "/endpoint-policies", this::listEndpointPolicies, true);
            case "GET endpoint-policies/{}" ->
                new Route("GET " + bp + "/endpoint-policies/{ct}", this::getEndpointPolicy, true);
            case "DELETE endpoint-policies/{}" ->
                new Route("DELETE " + bp + "/endpoint-policies/{ct}", this::deleteEndpointPolicy, true);
            case "POST qe" -> new Route("POST " + bp + "/qe", this::qe, true);
            case "GET cabling-map" -> new Route("GET " + bp + "/cabling-map", this::cablingMapLegacy, true);
            case "GET experience/[web, cabling-map]" ->
                new Route("GET " + bp + "/experience/web/cabling-map", this::cablingMap, true);
            case "GET nodes" -> new Route("GET " + bp + "/nodes", this::listNodes, true);
            case "GET nodes/{}" -> new Route("GET " + bp + "/nodes/{node}", this::getNode, true);
            case "GET resource_groups" -> new Route("GET " + bp + "/resource_groups", this::listResourceGroups, true);
            default -> routeResourceGroup(m, s);
        };
    }

    private @Nullable Route routeResourceGroup(String m, List<String> s) {
        if (m.equals("PUT") && s.size() == 6 && s.get(3).equals("resource_groups")) {
            return new Route("PUT /api/blueprints/{bp}/resource_groups/{type}/{name}", this::putResourceGroup, true);
        }
        return null;
    }

    /** Resolves the token and returns the session's user, or throws 401. */
    synchronized void authenticate(Req r, @Nullable String token) {
        Session s = token == null ? null : sessions.get(token);
        if (s == null || !now().isBefore(s.expiresAt())) {
            if (s != null) {
                sessions.remove(token);
            }
            // (inferred) No public source quotes the 401 body for a bad token; Apstra's error shape is used.
            throw new ApiException(401, Json.errors("Authentication failed: invalid or expired AuthToken"));
        }
        r.userId = s.userId();
        r.token = token;
        r.username = s.username();
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

    private Blueprint bp(Req r) {
        String id = r.seg(2);
        if (!id.equals(blueprint.id)) {
            String type = r.param("type") == null ? "staging" : r.param("type");
            throw ApiException.notFound("Blueprint " + id + " of type " + type + " not found");
        }
        return blueprint;
    }

    private boolean deployedType(Req r) {
        String t = r.param("type");
        if (t == null || t.equals("staging") || t.equals("config")) {
            return false;
        }
        if (t.equals("deployed") || t.equals("operation")) {
            return true;
        }
        throw ApiException.unprocessable("type", "Must be one of: staging, deployed, operation, config.");
    }

    private void changed(Req r, Blueprint b) {
        b.touch(
                r.userId == null ? adminUserId : r.userId,
                r.username == null ? settings.username() : r.username,
                now());
    }

    // ------------------------------------------------------------------ auth + versions

    private Response login(Req r) {
        ObjectNode body = r.json();
        String user = Json.text(body, "username");
        String pass = Json.text(body, "password");
        if (user == null
                || pass == null
                || !settings.username().equals(user)
                || !settings.password().equals(pass)) {
            return Response.json(401, Json.errors("Invalid credentials"));
        }
        Instant created = now();
        String session = UUID.randomUUID().toString();
        String token = jwt(user, created, session);
        sessions.put(token, new Session(adminUserId, user, created.plus(settings.tokenTtl())));
        ObjectNode out = Json.obj();
        out.put("token", token);
        out.put("id", adminUserId);
        return Response.json(201, out);
    }

    private String jwt(String user, Instant created, String session) {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = Json.obj();
        header.put("alg", "HS256");
        header.put("typ", "JWT");
        ObjectNode payload = Json.obj();
        payload.put("username", user);
        payload.put("user_session", session);
        payload.put("created_at", created.truncatedTo(ChronoUnit.MICROS).toString());
        payload.put("session", session);
        payload.put("exp", created.plus(settings.tokenTtl()).getEpochSecond());
        return enc.encodeToString(Json.bytes(header)) + "." + enc.encodeToString(Json.bytes(payload)) + "."
                + enc.encodeToString(session.getBytes(StandardCharsets.UTF_8));
    }

    private Response logout(Req r) {
        if (r.token != null) {
            sessions.remove(r.token);
        }
        return Response.json(200, Json.obj());
    }

    private Response apiVersion(Req r) {
        // Never a trailing empty part: the builder only accepts forms like 4.2.1.
        String[] parts = settings.apstraVersion().split("\\.", -1);
        ObjectNode o = Json.obj();
        o.put("major", parts[0]);
        o.put("version", settings.apstraVersion());
        o.put("build", parts.length > 2 ? parts[2] : "0");
        o.put("minor", parts.length > 1 ? parts[1] : "0");
        return Response.json(200, o);
    }

    private Response serverVersion(Req r) {
        ObjectNode o = Json.obj();
        o.put("version", settings.apstraVersion() + "-1");
        o.put("build_datetime", "2026-01-01_00:00:00_UTC");
        return Response.json(200, o);
    }

    synchronized void expireAllTokens() {
        sessions.clear();
    }

    // ------------------------------------------------------------------ blueprints

    private ObjectNode blueprintStatus(Blueprint b) {
        ObjectNode o = Json.obj();
        o.put("id", b.id);
        o.put("label", b.label);
        o.put("status", "succeeded");
        o.put("design", "two_stage_l3clos");
        o.put("has_uncommitted_changes", b.dirty);
        o.put("version", b.version);
        o.put("last_modified_at", b.lastModifiedAt.toString());
        o.put("build_errors_count", 0);
        o.put("build_warnings_count", 0);
        o.put(
                "leaf_count",
                b.fabric.graph().nodes().stream()
                        .filter(n -> "leaf".equals(Json.text(n, "role")))
                        .count());
        o.put(
                "spine_count",
                b.fabric.graph().nodes().stream()
                        .filter(n -> "spine".equals(Json.text(n, "role")))
                        .count());
        o.put(
                "generic_count",
                b.fabric.graph().nodes().stream()
                        .filter(n -> "generic".equals(Json.text(n, "role")))
                        .count());
        ObjectNode ds = o.putObject("deployment_status");
        ObjectNode sc = ds.putObject("service_config");
        sc.put("num_succeeded", 1);
        sc.put("num_failed", 0);
        sc.put("num_pending", 0);
        ObjectNode ac = o.putObject("anomaly_counts");
        ac.put("all", 0);
        return o;
    }

    private Response listBlueprints(Req r) {
        ObjectNode o = Json.obj();
        o.putArray("items").add(blueprintStatus(blueprint));
        return Response.json(200, o);
    }

    private Response blueprintIds(Req r) {
        ObjectNode o = Json.obj();
        o.putArray("items").add(blueprint.id);
        ArrayNode methods = o.putArray("methods");
        methods.add("GET").add("POST").add("OPTIONS");
        return Response.json(200, o);
    }

    private Response getBlueprint(Req r) {
        Blueprint b = bp(r);
        boolean dep = deployedType(r);
        Graph g = b.graph(dep);
        ObjectNode o = Json.obj();
        o.put("id", b.id);
        o.put("version", dep ? b.deployedVersion : b.version);
        o.put("design", "two_stage_l3clos");
        o.put("last_modified_at", b.lastModifiedAt.toString());
        o.put("label", b.label);
        ObjectNode nodes = o.putObject("nodes");
        g.nodes().forEach(n -> nodes.set(n.get("id").asText(), n));
        ObjectNode rels = o.putObject("relationships");
        for (Graph.Rel rel : g.relationships()) {
            ObjectNode ro = rels.putObject(rel.id());
            ro.put("id", rel.id());
            ro.put("type", rel.type());
            ro.put("source_id", rel.source());
            ro.put("target_id", rel.target());
        }
        o.putObject("source_versions").put("config_blueprint", dep ? b.deployedVersion : b.version);
        return Response.json(200, o);
    }

    private Response diffStatus(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        o.put("status", b.dirty ? "undeployed" : "completed");
        o.put("logical_diff_supported", true);
        o.put("deployed_version", b.deployedVersion);
        o.put("staging_version", b.version);
        o.put("cache_diff_supported", true);
        o.put("deploy_config_version", b.deployedVersion);
        o.put("deploy_status_version", b.deployedVersion);
        o.put("operation_version", b.deployedVersion);
        o.put("deploy_status", "success");
        o.putNull("deploy_error");
        return Response.json(200, o);
    }

    private Response lockStatus(Req r) {
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

    private Response buildErrors(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        o.putObject("nodes");
        o.putObject("relationships");
        if (atLeast(6, 1)) {
            o.put("version", b.version);
            o.put("errors_count", 0);
            o.put("warnings_count", 0);
        }
        return Response.json(200, o);
    }

    private Response deploy(Req r) {
        Blueprint b = bp(r);
        ObjectNode body = r.json();
        JsonNode v = body.get("version");
        if (v == null || v.isNull()) {
            throw ApiException.unprocessable("version", "Missing data for required field.");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw ApiException.unprocessable("version", "Not a valid integer.");
        }
        if (v.asInt() != b.version) {
            // (inferred) The exact stale-version error is not in any public source; 409 is what GO maps to ErrConflict.
            throw new ApiException(
                    409,
                    Json.errors("Deploy version " + v.asInt() + " does not match the current staging version "
                            + b.version + " of blueprint " + b.id));
        }
        b.deployed = b.staging.copy();
        b.deployedVersion = b.version;
        b.dirty = false;
        b.invalidateGraphs();
        String revId = String.valueOf(b.revisions.size() + 1);
        ObjectNode rev = Json.obj();
        rev.put("revision_id", revId);
        rev.put("description", body.path("description").asText(""));
        rev.put("created_at", now().toString());
        rev.put("auto_saved", false);
        rev.put("user_saved", false);
        rev.put("user", r.username);
        rev.put("user_ip", r.clientIp);
        b.revisions.add(rev);
        b.revisionSnapshots.put(revId, b.deployed.copy());
        b.deployStatus = Json.obj();
        b.deployStatus.put("state", "success");
        b.deployStatus.put("version", b.deployedVersion);
        return Response.empty(204);
    }

    private Response deployStatus(Req r) {
        return Response.json(200, bp(r).deployStatus.deepCopy());
    }

    private Response revisions(Req r) {
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        bp(r).revisions.forEach(items::add);
        return Response.json(200, o);
    }

    private Response revert(Req r) {
        Blueprint b = bp(r);
        b.staging = b.deployed.copy();
        changed(r, b);
        // (inferred) Revert is a staging change (new version) that leaves nothing uncommitted.
        b.dirty = false;
        return Response.empty(204);
    }

    private Response rollback(Req r) {
        Blueprint b = bp(r);
        String rev = r.json().path("revision_id").asText("");
        BlueprintState snap = b.revisionSnapshots.get(rev);
        if (snap == null) {
            throw ApiException.unprocessable("revision_id", "Revision " + rev + " does not exist");
        }
        b.staging = snap.copy();
        changed(r, b);
        return Response.empty(204);
    }

    private Response listTasks(Req r) {
        Blueprint b = bp(r);
        String filter = r.param("filter");
        Set<String> wanted = new LinkedHashSet<>();
        boolean byId = false;
        boolean byStatus = false;
        if (filter != null) {
            Matcher m = QUOTED.matcher(filter);
            while (m.find()) {
                wanted.add(m.group(1));
            }
            byId = filter.trim().startsWith("id");
            byStatus = filter.trim().startsWith("status");
        }
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        for (ObjectNode t : b.tasks.values()) {
            if ((byId && !wanted.contains(t.get("id").asText()))
                    || (byStatus && !wanted.contains(t.get("status").asText()))) {
                continue;
            }
            ObjectNode summary = t.deepCopy();
            summary.remove("detailed_status");
            items.add(summary);
        }
        return Response.json(200, o);
    }

    private Response getTask(Req r) {
        ObjectNode t = bp(r).tasks.get(r.seg(4));
        if (t == null) {
            throw ApiException.notFound("Task " + r.seg(4) + " not found");
        }
        return Response.json(200, t.deepCopy());
    }

    // ------------------------------------------------------------------ virtual networks

    private Response listVns(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        ObjectNode map = o.putObject("virtual_networks");
        b.state(deployedType(r)).vns.forEach((k, v) -> map.set(k, v.deepCopy()));
        return Response.json(200, o);
    }

    private ObjectNode vnOr404(Blueprint b, String id, boolean deployedStage) {
        ObjectNode vn = b.state(deployedStage).vns.get(id);
        if (vn == null) {
            throw ApiException.notFound("No virtual_network with id: " + id);
        }
        return vn;
    }

    private Response getVn(Req r) {
        Blueprint b = bp(r);
        return Response.json(200, vnOr404(b, r.seg(4), deployedType(r)).deepCopy());
    }

    private Response createVn(Req r) {
        Blueprint b = bp(r);
        ObjectNode body = r.json();
        String id = b.newId("vn");
        ObjectNode vn = normalizeVn(b, body, id, null);
        b.staging.putVn(id, vn);
        if (body.path("create_policy_tagged").asBoolean(false)) {
            createVlanCt(b, vn, "vlan_tagged");
        }
        if (body.path("create_policy_untagged").asBoolean(false)) {
            createVlanCt(b, vn, "untagged");
        }
        changed(r, b);
        ObjectNode out = Json.obj();
        out.put("id", id);
        // (inferred) Apstra's facade answers a create with 201 and {"id"}.
        return Response.json(201, out);
    }

    private void createVlanCt(Blueprint b, ObjectNode vn, String tagType) {
        String root = UUID.randomUUID().toString();
        String pipe = UUID.randomUUID().toString();
        String prim = UUID.randomUUID().toString();
        String label = vn.get("label").asText() + (tagType.equals("vlan_tagged") ? "-tagged" : "-untagged");
        ObjectNode batch = Json.obj();
        batch.put("id", root);
        batch.put("policy_type_name", "batch");
        batch.put("label", label);
        batch.put("description", "");
        batch.put("visible", true);
        batch.putArray("tags");
        batch.put("user_data", "{}");
        batch.putObject("attributes").putArray("subpolicies").add(pipe);
        ObjectNode p = Json.obj();
        p.put("id", pipe);
        p.put("policy_type_name", "pipeline");
        p.put("label", "Virtual Network (Single) (pipeline)");
        p.put("description", "");
        p.put("visible", false);
        p.putArray("tags");
        ObjectNode pa = p.putObject("attributes");
        pa.put("first_subpolicy", prim);
        pa.putNull("second_subpolicy");
        pa.putNull("resolver");
        ObjectNode v = Json.obj();
        v.put("id", prim);
        v.put("policy_type_name", "AttachSingleVLAN");
        v.put("label", "Virtual Network (Single)");
        v.put("description", "");
        v.put("visible", false);
        v.putArray("tags");
        ObjectNode va = v.putObject("attributes");
        va.put("vn_node_id", vn.get("id").asText());
        va.put("tag_type", tagType);
        b.staging.policies.put(root, batch);
        b.staging.policies.put(pipe, p);
        b.staging.policies.put(prim, v);
    }

    private Response putVn(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode old = vnOr404(b, id, false);
        ObjectNode body = r.json();
        if (atLeast(6, 2)) {
            for (String f : List.of("security_zone_id", "switching_zone_id")) {
                if (body.path(f).asText("").isEmpty()) {
                    throw ApiException.unprocessable(f, "Missing data for required field.");
                }
            }
        }
        return replaceVn(r, b, id, old, normalizeVn(b, body, id, old));
    }

    private Response patchVn(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode old = vnOr404(b, id, false);
        ObjectNode merged = old.deepCopy();
        r.json().properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        return replaceVn(r, b, id, old, normalizeVn(b, merged, id, old));
    }

    private Response replaceVn(Req r, Blueprint b, String id, ObjectNode old, ObjectNode updated) {
        if (!updated.equals(old)) {
            b.staging.putVn(id, updated);
            changed(r, b);
        }
        return Response.empty(204);
    }

    private Response deleteVn(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode vn = vnOr404(b, id, false);
        Set<String> cts = b.staging.ctsReferencing(id);
        if (!cts.isEmpty()) {
            throw ApiException.unprocessable("Virtual network "
                    + vn.get("label").asText() + " cannot be deleted because it is in use by connectivity templates: "
                    + String.join(", ", cts));
        }
        b.staging.removeVn(id);
        changed(r, b);
        return Response.empty(204);
    }

    /**
     * Validates a VN body against Apstra's rules and returns the stored (GET) shape. {@code existing}
     * is the stored VN a PUT or PATCH replaces ({@code null} on create): a VNI or VLAN the body
     * leaves to Apstra is then kept from it rather than allocated again.
     */
    private ObjectNode normalizeVn(Blueprint b, ObjectNode body, String id, @Nullable ObjectNode existing) {
        String label = body.path("label").asText("");
        if (label.isEmpty()) {
            throw ApiException.unprocessable("label", "Missing data for required field.");
        }
        String sameLabel = b.staging.vnIdByLabel(label);
        if (sameLabel != null && !sameLabel.equals(id)) {
            throw ApiException.unprocessable("label", "Virtual Network name '" + label + "' not unique");
        }
        String vnType = body.path("vn_type").asText("");
        if (!VN_TYPES.contains(vnType)) {
            throw ApiException.unprocessable("vn_type", "Must be one of: vxlan, vlan, disabled.");
        }
        ObjectNode vn = Json.obj();
        vn.put("id", id);
        vn.put("label", label);
        vn.put("description", body.path("description").asText(""));
        vn.put("vn_type", vnType);
        String zone = Json.text(body, "security_zone_id");
        if (vnType.equals("vxlan") && (zone == null || zone.isEmpty())) {
            throw ApiException.unprocessable(
                    "security_zone_id", "Routing zone is required for a vxlan virtual network");
        }
        if (zone != null && !zone.isEmpty() && !b.staging.zones.containsKey(zone)) {
            throw ApiException.unprocessable("security_zone_id", "No node with id: " + zone);
        }
        if (zone == null || zone.isEmpty()) {
            vn.putNull("security_zone_id");
        } else {
            vn.put("security_zone_id", zone);
        }
        if (atLeast(6, 2)) {
            String swz = Json.text(body, "switching_zone_id");
            vn.put("switching_zone_id", swz == null || swz.isEmpty() ? b.defaultSwitchingZoneId : swz);
        }
        // VNI: a string on the wire (ANS: "vn_id must remain a string per the API spec").
        JsonNode vni = body.get("vn_id");
        if (vnType.equals("vxlan")) {
            int value;
            if (vni == null || vni.isNull() || vni.asText().isEmpty()) {
                // (inferred) Apstra keeps a VN's pool allocation when an update leaves vn_id to it;
                // allocating again would change the VNI on every PUT that omits it.
                Integer kept = existing == null ? null : currentVni(existing);
                value = kept != null ? kept : allocateVni(b, id);
            } else {
                try {
                    value = Integer.parseInt(vni.asText());
                } catch (NumberFormatException e) {
                    throw ApiException.unprocessable("vn_id", "Not a valid integer.");
                }
                if (value < MIN_VNI || value > MAX_VNI) {
                    // (inferred) Apstra's VNI pools accept 4096..16777214.
                    throw ApiException.unprocessable(
                            "vn_id", "Value should be at least " + MIN_VNI + " and at most " + MAX_VNI);
                }
                if (vniInUse(b, value, id)) {
                    throw ApiException.unprocessable("vn_id", "VNI " + value + " is already in use");
                }
            }
            vn.put("vn_id", String.valueOf(value));
            vn.put("route_target", value + ":1");
        } else {
            vn.putNull("vn_id");
            vn.putNull("route_target");
        }
        JsonNode reserved = body.get("reserved_vlan_id");
        if (reserved != null && !reserved.isNull()) {
            vn.put("reserved_vlan_id", vlan(reserved, "reserved_vlan_id"));
        } else {
            vn.putNull("reserved_vlan_id");
        }
        ArrayNode bound = vn.putArray("bound_to");
        JsonNode bt = body.path("bound_to");
        if (!bt.isMissingNode() && !bt.isNull() && !bt.isArray()) {
            throw ApiException.unprocessable("bound_to", "Not a valid list.");
        }
        if (bt.size() == 0 && !atLeast(5, 0) && !vnType.equals("disabled")) {
            throw ApiException.unprocessable("bound_to", "Virtual network must be bound to at least one system");
        }
        if (vnType.equals("vlan") && bt.size() > 1) {
            throw ApiException.unprocessable("bound_to", "A vlan virtual network can be bound to one system only");
        }
        Integer vnVlan = null;
        Set<String> systems = new LinkedHashSet<>();
        for (int i = 0; i < bt.size(); i++) {
            JsonNode e = bt.get(i);
            String sys = e.path("system_id").asText("");
            if (!b.fabric.isLeaf(sys) && !b.fabric.isRedundancyGroup(sys)) {
                throw new ApiException(
                        422,
                        nested(
                                "bound_to",
                                String.valueOf(i),
                                "system_id",
                                "No node with id: " + sys + " (expected a leaf or a redundancy group)"));
            }
            if (!systems.add(sys)) {
                throw new ApiException(
                        422, nested("bound_to", String.valueOf(i), "system_id", "System " + sys + " is bound twice"));
            }
            ObjectNode out = bound.addObject();
            out.put("system_id", sys);
            ArrayNode acc = out.putArray("access_switch_node_ids");
            e.path("access_switch_node_ids").forEach(acc::add);
            JsonNode v = e.get("vlan_id");
            if (v != null && !v.isNull()) {
                int value;
                try {
                    value = vlan(v, "vlan_id");
                } catch (ApiException ex) {
                    throw new ApiException(
                            422,
                            nested(
                                    "bound_to",
                                    String.valueOf(i),
                                    "vlan_id",
                                    "Value should be at least 1 and at most 4094"));
                }
                out.put("vlan_id", value);
                if (vnVlan == null) {
                    vnVlan = value;
                }
            } else {
                out.putNull("vlan_id");
            }
        }
        // Apstra picks a VLAN when none is given; one per VN, reused on every binding and kept by updates.
        for (JsonNode e : bound) {
            if (e.get("vlan_id").isNull()) {
                if (vnVlan == null) {
                    Integer kept = existing == null ? null : currentVlan(existing);
                    if (reserved != null && !reserved.isNull()) {
                        vnVlan = reserved.asInt();
                    } else if (kept != null) {
                        vnVlan = kept;
                    } else {
                        vnVlan = b.nextVlan++;
                    }
                }
                ((ObjectNode) e).put("vlan_id", vnVlan);
            }
        }
        vn.put("ipv4_enabled", body.path("ipv4_enabled").asBoolean(false));
        String subnet = Json.text(body, "ipv4_subnet");
        if (subnet != null && !subnet.isEmpty()) {
            if (!validCidr(subnet)) {
                throw ApiException.unprocessable("ipv4_subnet", "Not a valid IPv4 network: " + subnet);
            }
            vn.put("ipv4_subnet", subnet);
        } else {
            vn.putNull("ipv4_subnet");
        }
        vn.put(
                "virtual_gateway_ipv4_enabled",
                body.path("virtual_gateway_ipv4_enabled").asBoolean(false));
        copyOrNull(body, vn, "virtual_gateway_ipv4");
        vn.put("ipv6_enabled", body.path("ipv6_enabled").asBoolean(false));
        copyOrNull(body, vn, "ipv6_subnet");
        vn.put(
                "virtual_gateway_ipv6_enabled",
                body.path("virtual_gateway_ipv6_enabled").asBoolean(false));
        copyOrNull(body, vn, "virtual_gateway_ipv6");
        String dhcp = body.path("dhcp_service").asText("dhcpServiceDisabled");
        if (!dhcp.equals("dhcpServiceEnabled") && !dhcp.equals("dhcpServiceDisabled")) {
            throw ApiException.unprocessable(
                    "dhcp_service", "Must be one of: dhcpServiceEnabled, dhcpServiceDisabled.");
        }
        vn.put("dhcp_service", dhcp);
        JsonNode mtu = body.get("l3_mtu");
        if (mtu != null && !mtu.isNull()) {
            int m = mtu.asInt(-1);
            if (!mtu.isIntegralNumber() || m < 1280 || m > 9216 || m % 2 != 0) {
                throw ApiException.unprocessable("l3_mtu", "Value must be an even number between 1280 and 9216");
            }
            vn.put("l3_mtu", m);
        } else {
            vn.putNull("l3_mtu");
        }
        ArrayNode svi = vn.putArray("svi_ips");
        body.path("svi_ips").forEach(svi::add);
        JsonNode rt = body.get("rt_policy");
        if (rt == null) {
            vn.putNull("rt_policy");
        } else {
            vn.set("rt_policy", rt);
        }
        copyOrNull(body, vn, "virtual_mac");
        if (atLeast(6, 2)) {
            ArrayNode tags = vn.putArray("tags");
            body.path("tags").forEach(tags::add);
        }
        return vn;
    }

    /** The VNI a stored VN holds, or {@code null} when it has none (not vxlan). */
    private static @Nullable Integer currentVni(ObjectNode vn) {
        JsonNode v = vn.get("vn_id");
        return v == null || v.isNull() ? null : Integer.valueOf(v.asText());
    }

    /** The VLAN a stored VN uses on its bindings, or {@code null} when it has none. */
    private static @Nullable Integer currentVlan(ObjectNode vn) {
        for (JsonNode e : vn.path("bound_to")) {
            if (e.path("vlan_id").isInt()) {
                return e.get("vlan_id").asInt();
            }
        }
        return null;
    }

    private static ObjectNode nested(String a, String b, String c, String message) {
        ObjectNode o = Json.obj();
        o.putObject("errors").putObject(a).putObject(b).put(c, message);
        return o;
    }

    private static void copyOrNull(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            to.putNull(field);
        } else {
            to.set(field, v);
        }
    }

    private static int vlan(JsonNode v, String field) {
        if (!v.isIntegralNumber() || v.asInt() < 1 || v.asInt() > 4094) {
            throw ApiException.unprocessable(field, "Value should be at least 1 and at most 4094");
        }
        return v.asInt();
    }

    private static boolean validCidr(String s) {
        Matcher m = IPV4_CIDR.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return Integer.parseInt(m.group(5)) <= 32;
    }

    private boolean vniInUse(Blueprint b, int vni, String exceptId) {
        String owner = b.staging.vnIdByVni(vni);
        if (owner != null && !owner.equals(exceptId)) {
            return true;
        }
        for (ObjectNode z : b.staging.zones.values()) {
            if (!z.get("id").asText().equals(exceptId) && z.path("vni_id").asInt(-1) == vni) {
                return true;
            }
        }
        return false;
    }

    private int allocateVni(Blueprint b, String id) {
        while (vniInUse(b, b.nextVni, id)) {
            b.nextVni++;
        }
        return b.nextVni++;
    }

    // ------------------------------------------------------------------ security zones

    private Response listZones(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        ObjectNode items = o.putObject("items");
        b.state(deployedType(r)).zones.forEach((k, v) -> items.set(k, v.deepCopy()));
        return Response.json(200, o);
    }

    private ObjectNode zoneOr404(Blueprint b, String id, boolean deployedStage) {
        ObjectNode z = b.state(deployedStage).zones.get(id);
        if (z == null) {
            throw ApiException.notFound("No security_zone with id: " + id);
        }
        return z;
    }

    private Response getZone(Req r) {
        Blueprint b = bp(r);
        return Response.json(200, zoneOr404(b, r.seg(4), deployedType(r)).deepCopy());
    }

    private Response createZone(Req r) {
        Blueprint b = bp(r);
        String id = b.newId("sz");
        ObjectNode z = normalizeZone(b, r.json(), id);
        b.staging.zones.put(id, z);
        changed(r, b);
        ObjectNode out = Json.obj();
        out.put("id", id);
        return Response.json(201, out);
    }

    private Response putZone(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode old = zoneOr404(b, id, false);
        return replaceZone(r, b, id, old, normalizeZone(b, r.json(), id));
    }

    private Response patchZone(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode old = zoneOr404(b, id, false);
        ObjectNode merged = old.deepCopy();
        r.json().properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        return replaceZone(r, b, id, old, normalizeZone(b, merged, id));
    }

    private Response replaceZone(Req r, Blueprint b, String id, ObjectNode old, ObjectNode updated) {
        if (id.equals(b.defaultZoneId)) {
            throw ApiException.unprocessable("The default routing zone cannot be modified");
        }
        if (!updated.equals(old)) {
            b.staging.zones.put(id, updated);
            changed(r, b);
        }
        return Response.empty(204);
    }

    private Response deleteZone(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        ObjectNode z = zoneOr404(b, id, false);
        if (id.equals(b.defaultZoneId)) {
            throw ApiException.unprocessable("The default routing zone cannot be deleted");
        }
        List<String> vns = new ArrayList<>();
        b.staging.vns.values().forEach(v -> {
            if (id.equals(Json.text(v, "security_zone_id"))) {
                vns.add(v.get("label").asText());
            }
        });
        if (!vns.isEmpty()) {
            throw ApiException.unprocessable("Routing zone " + z.get("label").asText()
                    + " cannot be deleted because it is in use by virtual networks: " + String.join(", ", vns));
        }
        Set<String> cts = b.staging.ctsReferencing(id);
        if (!cts.isEmpty()) {
            throw ApiException.unprocessable("Routing zone " + z.get("label").asText()
                    + " cannot be deleted because it is in use by connectivity templates: " + String.join(", ", cts));
        }
        b.staging.zones.remove(id);
        changed(r, b);
        return Response.empty(204);
    }

    private ObjectNode normalizeZone(Blueprint b, ObjectNode body, String id) {
        String label = body.path("label").asText("");
        if (label.isEmpty()) {
            throw ApiException.unprocessable("label", "Missing data for required field.");
        }
        String vrf = body.path("vrf_name").asText(label);
        String szType = body.path("sz_type").asText("");
        if (!szType.equals("evpn")) {
            throw ApiException.unprocessable("sz_type", "Must be one of: evpn.");
        }
        for (ObjectNode other : b.staging.zones.values()) {
            if (other.get("id").asText().equals(id)) {
                continue;
            }
            if (other.get("label").asText().equals(label)) {
                throw ApiException.unprocessable("label", "Security zone with label '" + label + "' already exists");
            }
            if (other.get("vrf_name").asText().equals(vrf)) {
                throw ApiException.unprocessable(
                        "vrf_name", "Security zone with vrf_name '" + vrf + "' already exists");
            }
        }
        ObjectNode z = Json.obj();
        z.put("id", id);
        z.put("label", label);
        z.put("vrf_name", vrf);
        z.put("sz_type", szType);
        JsonNode vni = body.get("vni_id");
        int vniValue;
        if (vni == null || vni.isNull()) {
            while (vniInUse(b, b.nextZoneVni, id)) {
                b.nextZoneVni++;
            }
            vniValue = b.nextZoneVni++;
        } else {
            if (!vni.isIntegralNumber() || vni.asInt() < MIN_VNI || vni.asInt() > MAX_VNI) {
                throw ApiException.unprocessable(
                        "vni_id", "Value should be at least " + MIN_VNI + " and at most " + MAX_VNI);
            }
            vniValue = vni.asInt();
            if (vniInUse(b, vniValue, id)) {
                throw ApiException.unprocessable("vni_id", "VNI " + vniValue + " is already in use");
            }
        }
        z.put("vni_id", vniValue);
        JsonNode vl = body.get("vlan_id");
        if (vl == null || vl.isNull()) {
            z.put("vlan_id", b.nextZoneVlan++);
        } else {
            if (!vl.isIntegralNumber() || vl.asInt() < 2 || vl.asInt() > 4094) {
                throw ApiException.unprocessable("vlan_id", "Value should be at least 2 and at most 4094");
            }
            z.put("vlan_id", vl.asInt());
        }
        z.put("route_target", vniValue + ":1");
        copyOrNull(body, z, "rt_policy");
        String rp = Json.text(body, "routing_policy_id");
        z.put("routing_policy_id", rp == null ? Json.opaqueId("rp:default:" + b.id) : rp);
        z.put("junos_evpn_irb_mode", body.path("junos_evpn_irb_mode").asText("asymmetric"));
        if (atLeast(5, 0)) {
            z.put("vrf_description", body.path("vrf_description").asText(""));
            ArrayNode tags = z.putArray("tags");
            body.path("tags").forEach(tags::add);
        }
        if (atLeast(6, 1)) {
            String as = body.path("addressing_support").asText("ipv4");
            boolean disable = body.path("disable_ipv4").asBoolean(false);
            if (disable && !as.equals("ipv6")) {
                throw ApiException.unprocessable(
                        "disable_ipv4", "IPv4 support can only be disabled when addressing_support=\"ipv6\"");
            }
            z.put("addressing_support", as);
            z.put("disable_ipv4", disable);
        }
        return z;
    }

    // ------------------------------------------------------------------ connectivity templates

    private Response importPolicies(Req r) {
        Blueprint b = bp(r);
        JsonNode list = r.json().get("policies");
        if (list == null || !list.isArray()) {
            throw ApiException.unprocessable("policies", "Missing data for required field.");
        }
        Map<String, ObjectNode> incoming = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode p = list.get(i);
            String pid = p.path("id").asText("");
            if (!(p instanceof ObjectNode po) || pid.isEmpty()) {
                throw new ApiException(
                        422, nested("policies", String.valueOf(i), "id", "Missing data for required field."));
            }
            String type = p.path("policy_type_name").asText("");
            if (!POLICY_TYPES.contains(type)) {
                throw new ApiException(
                        422,
                        nested(
                                "policies",
                                String.valueOf(i),
                                "policy_type_name",
                                "Unknown policy type '" + type + "'"));
            }
            incoming.put(pid, po.deepCopy());
        }
        Map<String, ObjectNode> all = new LinkedHashMap<>(b.staging.policies);
        all.putAll(incoming);
        int i = 0;
        for (ObjectNode p : incoming.values()) {
            String where = String.valueOf(i++);
            JsonNode a = p.path("attributes");
            switch (p.get("policy_type_name").asText()) {
                case "batch" -> {
                    for (JsonNode s : a.path("subpolicies")) {
                        ObjectNode sp = all.get(s.asText());
                        if (sp == null || !"pipeline".equals(Json.text(sp, "policy_type_name"))) {
                            throw new ApiException(
                                    422,
                                    nested(
                                            "policies",
                                            where,
                                            "attributes",
                                            "Endpoint policy with node id " + s.asText() + " does not exist"));
                        }
                    }
                }
                case "pipeline" -> {
                    for (String f : List.of("first_subpolicy", "second_subpolicy")) {
                        JsonNode ref = a.get(f);
                        if (ref != null && ref.isTextual() && !all.containsKey(ref.asText())) {
                            throw new ApiException(
                                    422,
                                    nested(
                                            "policies",
                                            where,
                                            "attributes",
                                            "Endpoint policy with node id " + ref.asText() + " does not exist"));
                        }
                    }
                }
                case "AttachSingleVLAN" -> {
                    String tag = a.path("tag_type").asText("");
                    if (!tag.equals("vlan_tagged") && !tag.equals("untagged")) {
                        throw new ApiException(
                                422,
                                nested(
                                        "policies",
                                        where,
                                        "attributes",
                                        "tag_type must be one of: vlan_tagged, untagged"));
                    }
                    checkVnRefs(b, p, where);
                }
                case "AttachMultipleVLAN" -> {
                    if (!a.path("tagged_vn_node_ids").isArray()) {
                        throw new ApiException(
                                422, nested("policies", where, "attributes", "tagged_vn_node_ids must be a list"));
                    }
                    checkVnRefs(b, p, where);
                }
                default -> {}
            }
        }
        boolean differs = false;
        for (ObjectNode p : incoming.values()) {
            ObjectNode old = b.staging.policies.put(p.get("id").asText(), p);
            differs |= !p.equals(old);
        }
        if (differs) {
            changed(r, b);
        }
        return Response.empty(204);
    }

    private static void checkVnRefs(Blueprint b, ObjectNode p, String where) {
        for (String vn : Blueprint.vlanPrimitiveVns(p)) {
            if (!b.staging.vns.containsKey(vn)) {
                throw new ApiException(
                        422, nested("policies", where, "attributes", "No virtual_network with id: " + vn));
            }
        }
    }

    private Response exportPolicies(Req r) {
        Blueprint b = bp(r);
        BlueprintState s = b.state(deployedType(r));
        ObjectNode o = Json.obj();
        ArrayNode out = o.putArray("policies");
        if (r.segments.size() == 5) {
            String ct = r.seg(4);
            ObjectNode root = s.policies.get(ct);
            if (root == null) {
                // Apstra answers an unknown CT id here with a 500 from its facade (see reference §5).
                throw new ApiException(
                        500,
                        Json.errors("Error executing facade API GET /obj-policy-export/" + ct
                                + ": 'NoneType' object has no attribute 'id'"));
            }
            s.tree(ct).values().forEach(p -> out.add(p.deepCopy()));
        } else {
            s.policies.values().forEach(p -> out.add(p.deepCopy()));
        }
        return Response.json(200, o);
    }

    private ObjectNode endpointPolicySummary(BlueprintState s, ObjectNode p) {
        String id = p.get("id").asText();
        ObjectNode o = Json.obj();
        o.put("id", id);
        o.put("label", p.path("label").asText(""));
        o.put("policy_type_name", p.path("policy_type_name").asText());
        int count = s.appPointsCount(id);
        o.put("status", count > 0 ? "assigned" : "ready");
        o.put("app_points_count", count);
        o.putObject("missing_attributes");
        o.put("visible", p.path("visible").asBoolean(false));
        return o;
    }

    private Response listEndpointPolicies(Req r) {
        Blueprint b = bp(r);
        BlueprintState s = b.state(deployedType(r));
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("endpoint_policies");
        s.policies.values().forEach(p -> items.add(endpointPolicySummary(s, p)));
        return Response.json(200, o);
    }

    private Response getEndpointPolicy(Req r) {
        Blueprint b = bp(r);
        BlueprintState s = b.state(deployedType(r));
        ObjectNode p = s.policies.get(r.seg(4));
        if (p == null) {
            throw ApiException.notFound("Endpoint policy with node id " + r.seg(4) + " does not exist");
        }
        ObjectNode o = Json.obj();
        o.set("endpoint_policy", endpointPolicySummary(s, p));
        return Response.json(200, o);
    }

    private Response deleteEndpointPolicy(Req r) {
        Blueprint b = bp(r);
        String id = r.seg(4);
        if (!b.staging.policies.containsKey(id)) {
            throw ApiException.notFound("Endpoint policy with node id " + id + " does not exist");
        }
        int count = b.staging.appPointsCount(id);
        if (count > 0) {
            // (inferred) Apstra refuses to delete an assigned CT; clients unassign first (reference §5, delete order).
            throw ApiException.unprocessable(
                    "Endpoint policy " + id + " is assigned to " + count + " application point(s); unassign it first");
        }
        boolean recursive = "true".equalsIgnoreCase(String.valueOf(r.param("delete_recursive")));
        List<String> ids = recursive ? b.staging.treeOf(id) : List.of(id);
        ids.forEach(b.staging.policies::remove);
        changed(r, b);
        return Response.empty(204);
    }

    private Response batchApply(Req r) {
        Blueprint b = bp(r);
        JsonNode aps = r.json().get("application_points");
        if (aps == null || !aps.isArray()) {
            throw ApiException.unprocessable("application_points", "Missing data for required field.");
        }
        ObjectNode byIndex = Json.obj();
        ObjectNode conflicts = Json.obj();
        Map<String, Set<String>> next = new LinkedHashMap<>();
        b.staging.assignments.forEach((k, v) -> next.put(k, new LinkedHashSet<>(v)));
        for (int i = 0; i < aps.size(); i++) {
            JsonNode ap = aps.get(i);
            String apId = ap.path("id").asText("");
            JsonNode pols = ap.path("policies");
            boolean validAp = b.fabric.isApplicationPoint(apId);
            for (int j = 0; j < pols.size(); j++) {
                JsonNode pol = pols.get(j);
                String ct = pol.path("policy").asText("");
                String err = null;
                if (!validAp) {
                    err = "Not a valid application point";
                } else {
                    ObjectNode root = b.staging.policies.get(ct);
                    if (root == null || !root.path("visible").asBoolean(false)) {
                        err = "Endpoint policy with node id " + ct + " does not exist";
                    }
                }
                if (err != null) {
                    ObjectNode slot = byIndex.has(String.valueOf(i))
                            ? (ObjectNode) byIndex.get(String.valueOf(i))
                            : byIndex.putObject(String.valueOf(i));
                    ObjectNode ps =
                            slot.has("policies") ? (ObjectNode) slot.get("policies") : slot.putObject("policies");
                    ps.put(String.valueOf(j), err);
                    continue;
                }
                Set<String> current = next.computeIfAbsent(apId, k -> new LinkedHashSet<>());
                if (pol.path("used").asBoolean(false)) {
                    if (!current.contains(ct)) {
                        addConflicts(b, apId, ct, current, conflicts);
                        current.add(ct);
                    }
                } else {
                    current.remove(ct);
                }
            }
        }
        if (byIndex.size() > 0 || conflicts.size() > 0) {
            ObjectNode err = Json.obj();
            err.put("error_code", 422);
            ObjectNode apErr = err.putObject("errors").putObject("application_points");
            apErr.setAll(byIndex);
            apErr.setAll(conflicts);
            throw new ApiException(422, err);
        }
        next.values().removeIf(Set::isEmpty);
        if (!next.equals(b.staging.assignments)) {
            b.staging.assignments.clear();
            b.staging.assignments.putAll(next);
            for (Map.Entry<String, Set<String>> e : next.entrySet()) {
                for (String ct : e.getValue()) {
                    autoBind(b, e.getKey(), ct);
                }
            }
            changed(r, b);
        }
        return Response.empty(204);
    }

    /** Adds TF #1065-style conflicts when a VN of {@code ct} is already on {@code apId} through another CT. */
    private void addConflicts(Blueprint b, String apId, String ct, Set<String> current, ObjectNode conflicts) {
        Map<String, String> vnToPrimitive = new LinkedHashMap<>();
        b.staging.tree(ct).forEach((pid, p) -> {
            for (String vn : Blueprint.vlanPrimitiveVns(p)) {
                vnToPrimitive.putIfAbsent(vn, pid);
            }
        });
        for (String other : current) {
            for (ObjectNode p : b.staging.tree(other).values()) {
                for (String vn : Blueprint.vlanPrimitiveVns(p)) {
                    String prim = vnToPrimitive.get(vn);
                    if (prim == null) {
                        continue;
                    }
                    String host = b.fabric.hostOf(apId);
                    ObjectNode hostNode = host == null ? null : b.fabric.graph().node(host);
                    String vnLabel = b.staging.vns.containsKey(vn)
                            ? b.staging.vns.get(vn).get("label").asText()
                            : vn;
                    ObjectNode slot =
                            conflicts.has(apId) ? (ObjectNode) conflicts.get(apId) : conflicts.putObject(apId);
                    ObjectNode c = Json.obj();
                    c.put("policy", other);
                    c.put(
                            "error",
                            "Unable to apply Virtual Network template. VN " + vnLabel
                                    + " is already configured on interface of system "
                                    + (hostNode == null
                                            ? ""
                                            : hostNode.path("label").asText()));
                    slot.withObjectProperty(ct)
                            .putObject(prim)
                            .putArray("conflicts")
                            .add(c);
                }
            }
        }
    }

    /**
     * (inferred) Applying a VN CT on a leaf where the VN is not bound makes Apstra instantiate it
     * there; the emulator adds the binding (on the redundancy group for ESI pairs).
     */
    private void autoBind(Blueprint b, String apId, String ct) {
        String host = b.fabric.hostOf(apId);
        if (host == null) {
            return;
        }
        String rg = b.fabric.isRedundancyGroup(host) ? null : b.fabric.redundancyGroupOf(host);
        String target = rg != null ? rg : host;
        for (ObjectNode p : b.staging.tree(ct).values()) {
            for (String vnId : Blueprint.vlanPrimitiveVns(p)) {
                ObjectNode vn = b.staging.vns.get(vnId);
                if (vn == null) {
                    continue;
                }
                boolean bound = false;
                for (JsonNode e : vn.path("bound_to")) {
                    String sys = e.path("system_id").asText();
                    bound |= sys.equals(target) || sys.equals(host);
                }
                if (!bound) {
                    ObjectNode e = ((ArrayNode) vn.get("bound_to")).addObject();
                    e.put("system_id", target);
                    e.putArray("access_switch_node_ids");
                    e.put("vlan_id", vlanOf(b, vn));
                }
            }
        }
    }

    private static int vlanOf(Blueprint b, ObjectNode vn) {
        for (JsonNode e : vn.path("bound_to")) {
            if (e.path("vlan_id").isInt()) {
                return e.get("vlan_id").asInt();
            }
        }
        if (vn.path("reserved_vlan_id").isInt()) {
            return vn.get("reserved_vlan_id").asInt();
        }
        return b.nextVlan++;
    }

    private Response applicationPoints(Req r) {
        Blueprint b = bp(r);
        BlueprintState s = b.state(deployedType(r));
        String policy = r.param("policy");
        int max = parseInt(r.param("max_count"), Integer.MAX_VALUE);
        int offset = parseInt(r.param("offset_max_count"), 0);
        List<String> roots = new ArrayList<>();
        if (policy != null) {
            roots.add(policy);
        } else {
            s.policies.values().forEach(p -> {
                if (p.path("visible").asBoolean(false)) {
                    roots.add(p.get("id").asText());
                }
            });
        }
        List<String> aps = b.fabric.applicationPoints();
        List<String> page = aps.subList(Math.min(offset, aps.size()), (int) Math.min((long) offset + max, aps.size()));
        Map<String, ArrayNode> bySystem = new LinkedHashMap<>();
        Graph g = b.fabric.graph();
        for (String ap : page) {
            String host = b.fabric.requireHostOf(ap);
            ArrayNode children = bySystem.computeIfAbsent(host, k -> Json.arr());
            ObjectNode n = children.addObject();
            n.put("id", ap);
            n.put("label", g.require(ap).path("if_name").asText());
            n.put("type", "interface");
            n.putArray("tags");
            n.putArray("children");
            n.put("children_count", 0);
            ArrayNode ps = n.putArray("policies");
            Set<String> assigned = s.assignments.getOrDefault(ap, Set.of());
            for (String root : roots) {
                ObjectNode pe = ps.addObject();
                pe.put("policy", root);
                pe.put("state", assigned.contains(root) ? "used-directly" : "unused");
            }
        }
        ArrayNode systems = Json.arr();
        bySystem.forEach((sys, children) -> {
            ObjectNode n = systems.addObject();
            n.put("id", sys);
            n.put("label", g.require(sys).path("label").asText());
            n.put("type", b.fabric.isRedundancyGroup(sys) ? "redundancy_group" : "system");
            n.putArray("tags");
            n.set("children", children);
            n.put("children_count", children.size());
            n.putArray("policies");
        });
        ObjectNode rack = Json.obj();
        rack.put("id", Json.opaqueId("rack:" + b.id));
        rack.put("label", "rack_1");
        rack.put("type", "rack");
        rack.putArray("tags");
        rack.set("children", systems);
        rack.put("children_count", systems.size());
        rack.putArray("policies");
        ObjectNode pod = Json.obj();
        pod.put("id", Json.opaqueId("pod:" + b.id));
        pod.put("label", "pod_1");
        pod.put("type", "pod");
        pod.putArray("tags");
        pod.putArray("children").add(rack);
        pod.put("children_count", 1);
        pod.putArray("policies");
        ObjectNode o = Json.obj();
        ObjectNode root = o.putObject("application_points");
        root.putArray("children").add(pod);
        root.put("children_count", aps.size());
        ArrayNode types = o.putArray("node_types");
        types.add("pod").add("rack").add("system").add("redundancy_group").add("interface");
        return Response.json(200, o);
    }

    private static int parseInt(@Nullable String s, int dflt) {
        if (s == null) {
            return dflt;
        }
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw ApiException.unprocessable("max_count", "Not a valid integer.");
        }
    }

    // ------------------------------------------------------------------ graph reads

    private Response qe(Req r) {
        Blueprint b = bp(r);
        String q = r.json().path("query").asText("");
        if (q.isEmpty()) {
            throw ApiException.unprocessable("query", "Missing data for required field.");
        }
        try {
            return Response.json(200, Qe.run(b.graph(deployedType(r)), q));
        } catch (Qe.QeException e) {
            // (inferred) The status of a qe parse error is not in the sources; Apstra's 422 field shape is used.
            throw ApiException.unprocessable("query", e.getMessage());
        }
    }

    private ObjectNode cablingLink(Blueprint b, String linkId) {
        Graph g = b.fabric.graph();
        ObjectNode l = g.require(linkId);
        ObjectNode o = Json.obj();
        o.put("id", linkId);
        o.put("label", l.path("label").asText());
        o.put("role", l.path("role").asText());
        o.put("type", l.path("link_type").asText());
        o.put("speed", l.path("speed").asText());
        String agg = null;
        ArrayNode eps = Json.arr();
        for (String ifId : g.inIds(linkId, "link")) {
            ObjectNode ifn = g.require(ifId);
            ObjectNode ep = eps.addObject();
            ObjectNode i = ep.putObject("interface");
            i.put("id", ifId);
            i.put("if_name", ifn.path("if_name").asText());
            i.put("if_type", ifn.path("if_type").asText());
            i.set("port_channel_id", ifn.get("port_channel_id"));
            i.set("lag_mode", ifn.get("lag_mode"));
            i.putNull("ipv4_addr");
            String host = b.fabric.hostOf(ifId);
            ObjectNode hn = host == null ? null : g.node(host);
            ObjectNode sys = ep.putObject("system");
            sys.put("id", host);
            sys.put("role", hn == null ? null : Json.text(hn, "role"));
            sys.put("label", hn == null ? null : Json.text(hn, "label"));
            for (String bond : g.inIds(ifId, "composed_of")) {
                if (hn != null && b.fabric.hostOf(bond) != null && "server".equals(Json.text(hn, "system_type"))) {
                    List<String> aggLinks = g.outIds(bond, "link");
                    if (!aggLinks.isEmpty()) {
                        agg = aggLinks.get(0);
                    }
                }
            }
        }
        if (agg == null) {
            o.putNull("aggregate_link_id");
        } else {
            o.put("aggregate_link_id", agg);
        }
        o.putNull("group_label");
        ArrayNode tags = o.putArray("tags");
        b.fabric.tagsOf(linkId).forEach(tags::add);
        o.set("endpoints", eps);
        return o;
    }

    private ArrayNode cablingLinks(Req r, Blueprint b) {
        boolean aggregates = "true".equalsIgnoreCase(String.valueOf(r.param("aggregate_links")));
        String only = r.param("system_node_id");
        ArrayNode links = Json.arr();
        for (String id : b.fabric.linkIds()) {
            ObjectNode link = cablingLink(b, id);
            if (!aggregates && "aggregate_link".equals(Json.text(link, "type"))) {
                continue;
            }
            if (only != null) {
                boolean touches = false;
                for (JsonNode ep : link.path("endpoints")) {
                    touches |= only.equals(ep.path("system").path("id").asText());
                }
                if (!touches) {
                    continue;
                }
            }
            links.add(link);
        }
        return links;
    }

    private Response cablingMap(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        o.set("links", cablingLinks(r, b));
        return Response.json(200, o);
    }

    private Response cablingMapLegacy(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        o.put("version", b.version);
        o.set("links", cablingLinks(r, b));
        return Response.json(200, o);
    }

    private Response listNodes(Req r) {
        Blueprint b = bp(r);
        String type = r.param("node_type");
        ObjectNode o = Json.obj();
        ObjectNode nodes = o.putObject("nodes");
        for (ObjectNode n : b.graph(deployedType(r)).nodes()) {
            if (type == null || type.equals(Json.text(n, "type"))) {
                nodes.set(n.get("id").asText(), n.deepCopy());
            }
        }
        return Response.json(200, o);
    }

    private Response getNode(Req r) {
        Blueprint b = bp(r);
        ObjectNode n = b.graph(deployedType(r)).node(r.seg(4));
        if (n == null) {
            throw ApiException.notFound("No node with id: " + r.seg(4));
        }
        return Response.json(200, n.deepCopy());
    }

    private Response listResourceGroups(Req r) {
        Blueprint b = bp(r);
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        b.state(deployedType(r)).resourceGroups.values().forEach(items::add);
        return Response.json(200, o);
    }

    private Response putResourceGroup(Req r) {
        Blueprint b = bp(r);
        JsonNode pools = r.json().get("pool_ids");
        if (pools == null || !pools.isArray()) {
            throw ApiException.unprocessable("pool_ids", "Missing data for required field.");
        }
        ObjectNode g = Json.obj();
        g.put("type", r.seg(4));
        g.put("name", r.seg(5));
        g.set("pool_ids", pools);
        ObjectNode old = b.staging.resourceGroups.put(r.seg(4) + "/" + r.seg(5), g);
        if (!g.equals(old)) {
            changed(r, b);
        }
        return Response.empty(204);
    }

    // ------------------------------------------------------------------ design tags (cooperative lock)

    private ObjectNode tagOr404(String id) {
        ObjectNode t = designTags.get(id);
        if (t == null) {
            throw ApiException.notFound("Tag with id " + id + " not found");
        }
        return t;
    }

    private Response listTags(Req r) {
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        designTags.values().forEach(t -> items.add(t.deepCopy()));
        return Response.json(200, o);
    }

    private Response getTag(Req r) {
        return Response.json(200, tagOr404(r.seg(3)).deepCopy());
    }

    private Response createTag(Req r) {
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
    private Response updateTag(Req r) {
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

    private Response deleteTag(Req r) {
        tagOr404(r.seg(3));
        designTags.remove(r.seg(3));
        return Response.empty(204);
    }

    // ------------------------------------------------------------------ faults + inspection

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
