package io.fabricbinder.apstra;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class RealResourcePools implements ResourcePools {
    private final Transport transport;

    RealResourcePools(Transport transport) {
        this.transport = transport;
    }

    @Override
    public List<ResourcePool> vniPools() {
        return intPools("vni-pools");
    }

    @Override
    public List<ResourcePool> vlanPools() {
        return intPools("vlan-pools");
    }

    private List<ResourcePool> intPools(String kind) {
        List<ResourcePool> out = new ArrayList<>();
        for (JsonNode p : items(kind)) {
            List<ResourcePool.Range> ranges = new ArrayList<>();
            for (JsonNode r : p.path("ranges")) {
                ranges.add(new ResourcePool.Range(
                        r.path("first").asLong(), r.path("last").asLong()));
            }
            out.add(new ResourcePool(
                    p.path("id").asText(""),
                    RealBlueprintClient.text(p, "display_name"),
                    RealBlueprintClient.text(p, "status"),
                    p.path("used").asLong(0),
                    p.path("total").asLong(0),
                    ranges,
                    tags(p)));
        }
        return List.copyOf(out);
    }

    @Override
    public List<IpPool> ipPools() {
        List<IpPool> out = new ArrayList<>();
        for (JsonNode p : items("ip-pools")) {
            List<String> subnets = new ArrayList<>();
            p.path("subnets").forEach(s -> subnets.add(s.path("network").asText("")));
            out.add(new IpPool(
                    p.path("id").asText(""),
                    RealBlueprintClient.text(p, "display_name"),
                    RealBlueprintClient.text(p, "status"),
                    p.path("used").asLong(0),
                    p.path("total").asLong(0),
                    subnets,
                    tags(p)));
        }
        return List.copyOf(out);
    }

    @Override
    public Optional<ResourcePool> findVniPoolContaining(long vni) {
        return vniPools().stream().filter(p -> p.contains(vni)).findFirst();
    }

    private JsonNode items(String kind) {
        // (inferred) The list responses wrap pools in "items", like the other list endpoints.
        JsonNode resp = transport.get(List.of("api", "resources", kind));
        return resp.has("items") ? resp.path("items") : resp;
    }

    private static List<String> tags(JsonNode p) {
        List<String> tags = new ArrayList<>();
        p.path("tags").forEach(t -> tags.add(t.asText()));
        return tags;
    }
}
