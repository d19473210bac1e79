package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

final class RealRoutingZones implements RoutingZones {
    private final RealBlueprintClient bp;

    RealRoutingZones(RealBlueprintClient bp) {
        this.bp = bp;
    }

    @Override
    public String create(RoutingZone zone) {
        Objects.requireNonNull(zone, "zone");
        validate(zone);
        JsonNode resp = bp.write("POST", bp.path("security-zones"), body(zone), false);
        String id = resp.path("id").asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("Apstra created RoutingZone '" + zone.label() + "' in blueprint " + bp.id()
                    + " but returned no id");
        }
        return id;
    }

    @Override
    public RoutingZone get(String zoneId) {
        Objects.requireNonNull(zoneId, "zoneId");
        return read(zoneId, bp.get("security-zones", zoneId));
    }

    @Override
    public Optional<RoutingZone> find(String zoneId) {
        try {
            return Optional.of(get(zoneId));
        } catch (ApstraNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Map<String, RoutingZone> list() {
        Map<String, RoutingZone> out = new LinkedHashMap<>();
        bp.get("security-zones")
                .path("items")
                .properties()
                .forEach(e -> out.put(e.getKey(), read(e.getKey(), e.getValue())));
        return out;
    }

    @Override
    public Optional<RoutingZone> findByLabel(String label) {
        Objects.requireNonNull(label, "label");
        return list().values().stream().filter(z -> label.equals(z.label())).findFirst();
    }

    @Override
    public Optional<RoutingZone> findByVrfName(String vrfName) {
        Objects.requireNonNull(vrfName, "vrfName");
        return list().values().stream().filter(z -> vrfName.equals(z.vrfName())).findFirst();
    }

    @Override
    public RoutingZone getDefault() {
        Map<String, RoutingZone> all = list();
        return all.values().stream()
                .filter(z -> "default".equals(z.vrfName()))
                .findFirst()
                .or(() -> all.values().stream().filter(RoutingZone::isDefault).findFirst())
                .orElseThrow(() -> new ApstraNotFoundException(
                        404,
                        "GET",
                        "/api/blueprints/" + bp.id() + "/security-zones",
                        "blueprint " + bp.id() + " has no default routing zone"));
    }

    @Override
    public void update(RoutingZone zone) {
        Objects.requireNonNull(zone, "zone");
        String id = zone.id();
        if (id == null) {
            throw new IllegalArgumentException("RoutingZone '" + zone.label() + "': id is required for update");
        }
        validate(zone);
        bp.write("PUT", bp.path("security-zones", id), body(zone), true);
    }

    @Override
    public void delete(String zoneId) {
        Objects.requireNonNull(zoneId, "zoneId");
        bp.write("DELETE", bp.path("security-zones", zoneId), null, true);
    }

    private static RoutingZone read(String id, JsonNode n) {
        RoutingZone z = Json.convert(n, RoutingZone.class, "routing zone " + id);
        return z.id() == null ? z.withId(id) : z;
    }

    private static ObjectNode body(RoutingZone zone) {
        ObjectNode body = (ObjectNode) Json.tree(zone);
        body.remove("id");
        body.remove("route_target");
        body.remove("tags");
        return body;
    }

    private void validate(RoutingZone zone) {
        String what = "RoutingZone '" + zone.label() + "'";
        if (zone.label().isBlank()) {
            throw new IllegalArgumentException("RoutingZone: label is blank");
        }
        if (zone.vrfName().isBlank()) {
            throw new IllegalArgumentException(what + ": vrfName is blank");
        }
        Integer vlan = zone.vlanId();
        if (vlan != null && (vlan < 2 || vlan > 4094)) {
            throw new IllegalArgumentException(what + ": vlanId must be 2..4094, got " + vlan);
        }
        String description = zone.vrfDescription();
        if (description != null
                && !description.isEmpty()
                && !bp.transport().version().atLeast("5.0")) {
            throw new IllegalArgumentException(what + ": vrfDescription needs Apstra 5.0+, server runs "
                    + bp.transport().version());
        }
    }
}
