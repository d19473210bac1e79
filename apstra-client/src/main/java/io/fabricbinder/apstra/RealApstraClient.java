package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

final class RealApstraClient implements ApstraClient {
    private final Transport transport;
    private final Duration taskTimeout;
    private final ConcurrentMap<String, AtomicLong> configVersions = new ConcurrentHashMap<>();

    RealApstraClient(Transport transport, Duration taskTimeout) {
        this.transport = transport;
        this.taskTimeout = taskTimeout;
    }

    @Override
    public ApstraVersion version() {
        return transport.version();
    }

    @Override
    public String userId() {
        return transport.userId();
    }

    @Override
    public List<BlueprintSummary> blueprints() {
        JsonNode items = transport.get(List.of("api", "blueprints")).path("items");
        List<BlueprintSummary> out = new ArrayList<>();
        for (JsonNode item : items) {
            out.add(Json.convert(item, BlueprintSummary.class, "blueprint status"));
        }
        return List.copyOf(out);
    }

    @Override
    public BlueprintClient blueprint(String blueprintId) {
        Objects.requireNonNull(blueprintId, "blueprintId");
        if (blueprintId.isBlank()) {
            throw new IllegalArgumentException("blueprintId is blank");
        }
        return new RealBlueprintClient(this, transport, blueprintId, taskTimeout);
    }

    /** Per blueprint: the last config_blueprint_version seen in a task, -1 before any. */
    AtomicLong configVersion(String blueprintId) {
        return configVersions.computeIfAbsent(blueprintId, k -> new AtomicLong(-1));
    }

    @Override
    public ResourcePools resourcePools() {
        return new RealResourcePools(transport);
    }

    @Override
    public void close() {
        transport.close();
    }
}
