package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

final class RealBlueprintClient implements BlueprintClient {
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration POLL = Duration.ofMillis(500);

    private final RealApstraClient client;
    private final Transport transport;
    private final String id;
    private final Duration taskTimeout;
    private final AtomicLong configVersion;

    RealBlueprintClient(RealApstraClient client, Transport transport, String id, Duration taskTimeout) {
        this.client = client;
        this.transport = transport;
        this.id = id;
        this.taskTimeout = taskTimeout;
        this.configVersion = client.configVersion(id);
    }

    Transport transport() {
        return transport;
    }

    RealApstraClient client() {
        return client;
    }

    List<String> path(String... more) {
        List<String> segments = new ArrayList<>(List.of("api", "blueprints", id));
        segments.addAll(List.of(more));
        return segments;
    }

    JsonNode get(String... more) {
        return transport.get(path(more));
    }

    JsonNode get(Map<String, String> query, String... more) {
        return transport.get(path(more), query);
    }

    /**
     * A write with {@code ?async=full}: waits for the task when Apstra returns one and returns the
     * task's {@code api_response} (or the plain body when Apstra answered synchronously).
     */
    JsonNode write(String method, List<String> segments, @Nullable JsonNode body, boolean idempotent) {
        return write(method, segments, Map.of(), body, idempotent);
    }

    JsonNode write(
            String method,
            List<String> segments,
            Map<String, String> query,
            @Nullable JsonNode body,
            boolean idempotent) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("async", "full");
        Transport.Req req = new Transport.Req(method, segments, q, body, idempotent, true);
        JsonNode resp = transport.call(req);
        String taskId = resp.path("task_id").asText("");
        if (taskId.isEmpty()) {
            return resp;
        }
        return awaitTask(taskId, req);
    }

    private JsonNode awaitTask(String taskId, Transport.Req req) {
        Instant deadline = transport.clock().instant().plus(taskTimeout);
        Duration pause = FIRST_POLL;
        while (true) {
            transport.pollPause(req.path(), pause);
            pause = POLL;
            JsonNode raw = get("tasks", taskId);
            Task task = toTask(raw);
            if (task.isFinished()) {
                if (task.configBlueprintVersion() != null) {
                    long v = task.configBlueprintVersion();
                    configVersion.accumulateAndGet(v, Math::max);
                }
                if (task.status().equals("timeout")) {
                    throw new ApstraTimeoutException("Apstra task " + taskId + " for " + req.method() + " " + req.path()
                            + " timed out on the server");
                }
                if (task.isFailure()) {
                    JsonNode errors = raw.path("detailed_status").path("errors");
                    int code = task.errorCode() != 0 ? task.errorCode() : 500;
                    ObjectNode body = Json.object();
                    if (!errors.isMissingNode() && !errors.isNull()) {
                        body.set("errors", errors);
                    } else {
                        body.put("errors", "task " + taskId + " " + task.status());
                    }
                    throw Errors.from(req.method(), req.path(), code, body.toString());
                }
                JsonNode api = raw.path("detailed_status").path("api_response");
                return api.isNull() ? MissingNode.getInstance() : api;
            }
            if (!transport.clock().instant().isBefore(deadline)) {
                throw new ApstraTimeoutException("Apstra task " + taskId + " for " + req.method() + " " + req.path()
                        + " still " + task.status() + " after " + taskTimeout);
            }
        }
    }

    static Task toTask(JsonNode raw) {
        JsonNode ds = raw.path("detailed_status");
        JsonNode version = ds.path("config_blueprint_version");
        JsonNode errors = ds.path("errors");
        String errorText;
        if (errors.isTextual()) {
            errorText = errors.asText();
        } else if ((errors.isObject() || errors.isArray()) && !errors.isEmpty()) {
            errorText = Json.flatten(errors).toString();
        } else {
            errorText = "";
        }
        return new Task(
                raw.path("id").asText(""),
                raw.path("status").asText(""),
                text(raw, "type"),
                version.isNumber() || version.isTextual() ? version.asLong() : null,
                ds.path("error_code").asInt(0),
                errorText);
    }

    static @Nullable String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Blueprint get() {
        JsonNode n = get(new String[0]);
        JsonNode cfg = n.path("source_versions").path("config_blueprint");
        return new Blueprint(
                n.path("id").asText(id),
                text(n, "label"),
                text(n, "design"),
                n.path("version").asLong(),
                text(n, "last_modified_at"),
                cfg.isNumber() ? cfg.asLong() : null);
    }

    @Override
    public BlueprintSummary status() {
        for (BlueprintSummary s : client.blueprints()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new ApstraNotFoundException(404, "GET", "/api/blueprints", "Blueprint " + id + " is not listed");
    }

    @Override
    public DiffStatus diffStatus() {
        JsonNode n = get("diff-status");
        return new DiffStatus(
                text(n, "status"),
                n.path("staging_version").asLong(),
                n.path("deployed_version").asLong(),
                text(n, "deploy_status"),
                text(n, "deploy_error"));
    }

    @Override
    public LockStatus lockStatus() {
        JsonNode n = get("lock-status");
        return new LockStatus(
                n.path("lock_status").asText("unlocked"),
                text(n, "lock_type"),
                text(n, "username"),
                text(n, "user_id"),
                n.path("possible_override").asBoolean(false));
    }

    @Override
    public BuildErrors errors() {
        JsonNode n = get("errors");
        return new BuildErrors(errorMap(n.path("nodes")), errorMap(n.path("relationships")));
    }

    private static Map<String, List<BuildError>> errorMap(JsonNode n) {
        Map<String, List<BuildError>> out = new LinkedHashMap<>();
        n.properties().forEach(e -> {
            List<BuildError> list = new ArrayList<>();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                for (JsonNode item : v) {
                    list.add(
                            item.isTextual()
                                    ? new BuildError(item.asText(), null)
                                    : new BuildError(item.path("message").asText(""), text(item, "severity")));
                }
            } else if (v.isObject()) {
                // Some versions key errors by attribute instead of listing them.
                v.properties()
                        .forEach(a -> list.add(
                                new BuildError(a.getKey() + ": " + a.getValue().asText(), null)));
            } else if (v.isTextual()) {
                list.add(new BuildError(v.asText(), null));
            }
            if (!list.isEmpty()) {
                out.put(e.getKey(), List.copyOf(list));
            }
        });
        return out;
    }

    @Override
    public List<Revision> revisions() {
        List<Revision> out = new ArrayList<>();
        for (JsonNode r : get("revisions").path("items")) {
            out.add(new Revision(
                    r.path("revision_id").asText(""),
                    text(r, "description"),
                    text(r, "created_at"),
                    text(r, "user"),
                    r.path("auto_saved").asBoolean(false),
                    r.path("user_saved").asBoolean(false)));
        }
        return List.copyOf(out);
    }

    @Override
    public void revert() {
        write("POST", path("revert"), Json.object(), false);
    }

    @Override
    public DeployStatus deployStatus() {
        JsonNode n = get("deploy");
        return new DeployStatus(text(n, "state"), n.path("version").asLong(), text(n, "error"));
    }

    @Override
    public DeployResult deploy(String description, Duration timeout) {
        BlueprintSummary status = status();
        return deploy(status, status.version(), description, timeout);
    }

    @Override
    public DeployResult deploy(long verifiedStagingVersion, String description, Duration timeout) {
        return deploy(status(), verifiedStagingVersion, description, timeout);
    }

    private DeployResult deploy(BlueprintSummary status, long version, String description, Duration timeout) {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(timeout, "timeout");
        if (status.version() != version) {
            throw new ApstraDeployException(
                    id,
                    ApstraDeployException.Reason.STAGING_CHANGED,
                    "staging is at version " + status.version() + ", expected " + version);
        }
        if (status.buildErrorsCount() > 0) {
            throw new ApstraDeployException(
                    id,
                    ApstraDeployException.Reason.BUILD_ERRORS,
                    status.buildErrorsCount() + " build error(s) in staging version " + version);
        }
        if (!status.hasUncommittedChanges()) {
            return new DeployResult(id, version, false);
        }
        Instant deadline = transport.clock().instant().plus(timeout);
        ObjectNode body = Json.object().put("version", version).put("description", description);
        try {
            write("PUT", path("deploy"), body, true);
        } catch (ApstraHttpException e) {
            // (inferred) Apstra's answer to a stale version is not documented; 409 is the likely one.
            if (e.statusCode() == 409) {
                throw new ApstraDeployException(id, ApstraDeployException.Reason.STAGING_CHANGED, e.errorText());
            }
            throw e;
        }
        while (true) {
            DeployStatus ds = deployStatus();
            if ("failure".equals(ds.state()) && ds.version() >= version) {
                throw new ApstraDeployException(
                        id,
                        ApstraDeployException.Reason.FAILED,
                        ds.error() == null ? "Apstra reported failure for version " + ds.version() : ds.error());
            }
            if ("success".equals(ds.state()) && ds.version() >= version) {
                return new DeployResult(id, ds.version(), true);
            }
            if (!transport.clock().instant().isBefore(deadline)) {
                throw new ApstraTimeoutException("deploy of blueprint " + id + " version " + version
                        + " not finished after " + timeout + " (state " + ds.state() + ", version " + ds.version()
                        + ")");
            }
            transport.pollPause("/api/blueprints/" + id + "/deploy", POLL);
        }
    }

    @Override
    public Task task(String taskId) {
        Objects.requireNonNull(taskId, "taskId");
        return toTask(get("tasks", taskId));
    }

    @Override
    public OptionalLong lastConfigBlueprintVersion() {
        long v = configVersion.get();
        return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
    }

    @Override
    public VirtualNetworks virtualNetworks() {
        return new RealVirtualNetworks(this);
    }

    @Override
    public RoutingZones routingZones() {
        return new RealRoutingZones(this);
    }

    @Override
    public ConnectivityTemplates connectivityTemplates() {
        return new RealConnectivityTemplates(this);
    }

    @Override
    public Graph graph() {
        return new RealGraph(this);
    }

    @Override
    public BlueprintMutex mutex() {
        return new RealBlueprintMutex(this);
    }
}
