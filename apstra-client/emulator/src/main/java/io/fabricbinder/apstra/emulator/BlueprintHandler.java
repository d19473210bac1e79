package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The blueprint itself: its status and graph, diff and build errors, deploy, revisions, revert,
 * rollback and tasks. The lock status is the cooperative lock's and lives in {@link EmulatedApstra}.
 */
final class BlueprintHandler {
    private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

    private final EmulatedApstra apstra;

    BlueprintHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

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

    Response listBlueprints(Req r) {
        ObjectNode o = Json.obj();
        o.putArray("items").add(blueprintStatus(apstra.blueprint()));
        return Response.json(200, o);
    }

    Response blueprintIds(Req r) {
        ObjectNode o = Json.obj();
        o.putArray("items").add(apstra.blueprint().id);
        ArrayNode methods = o.putArray("methods");
        methods.add("GET").add("POST").add("OPTIONS");
        return Response.json(200, o);
    }

    Response getBlueprint(Req r) {
        Blueprint b = apstra.bp(r);
        boolean dep = apstra.deployedType(r);
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

    Response diffStatus(Req r) {
        Blueprint b = apstra.bp(r);
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

    Response buildErrors(Req r) {
        Blueprint b = apstra.bp(r);
        ObjectNode o = Json.obj();
        o.putObject("nodes");
        o.putObject("relationships");
        if (apstra.atLeast(6, 1)) {
            o.put("version", b.version);
            o.put("errors_count", 0);
            o.put("warnings_count", 0);
        }
        return Response.json(200, o);
    }

    Response deploy(Req r) {
        Blueprint b = apstra.bp(r);
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
                            + b.version + " of apstra.blueprint() " + b.id));
        }
        b.deployed = b.staging.copy();
        b.deployedVersion = b.version;
        b.dirty = false;
        b.invalidateGraphs();
        String revId = String.valueOf(b.revisions.size() + 1);
        ObjectNode rev = Json.obj();
        rev.put("revision_id", revId);
        rev.put("description", body.path("description").asText(""));
        rev.put("created_at", apstra.now().toString());
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

    Response deployStatus(Req r) {
        return Response.json(200, apstra.bp(r).deployStatus.deepCopy());
    }

    Response revisions(Req r) {
        ObjectNode o = Json.obj();
        ArrayNode items = o.putArray("items");
        apstra.bp(r).revisions.forEach(items::add);
        return Response.json(200, o);
    }

    Response revert(Req r) {
        Blueprint b = apstra.bp(r);
        b.staging = b.deployed.copy();
        apstra.changed(r, b);
        // (inferred) Revert is a staging change (new version) that leaves nothing uncommitted.
        b.dirty = false;
        return Response.empty(204);
    }

    Response rollback(Req r) {
        Blueprint b = apstra.bp(r);
        String rev = r.json().path("revision_id").asText("");
        BlueprintState snap = b.revisionSnapshots.get(rev);
        if (snap == null) {
            throw ApiException.unprocessable("revision_id", "Revision " + rev + " does not exist");
        }
        b.staging = snap.copy();
        apstra.changed(r, b);
        return Response.empty(204);
    }

    Response listTasks(Req r) {
        Blueprint b = apstra.bp(r);
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

    Response getTask(Req r) {
        ObjectNode t = apstra.bp(r).tasks.get(r.seg(4));
        if (t == null) {
            throw ApiException.notFound("Task " + r.seg(4) + " not found");
        }
        return Response.json(200, t.deepCopy());
    }
}
