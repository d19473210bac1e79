package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A tiny JDK HttpClient wrapper speaking to the emulator like an Apstra client would. */
final class Http {
    static final ObjectMapper MAPPER = new ObjectMapper();

    record Resp(int status, JsonNode json, String body, HttpHeaders headers) {}

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private @Nullable String token;
    final String bp;

    Http(ApstraEmulator emulator) {
        this.base = emulator.baseUrl();
        this.bp = "/api/blueprints/" + emulator.blueprintId();
    }

    static Http loggedIn(ApstraEmulator emulator) {
        Http h = new Http(emulator);
        h.login(emulator.username(), emulator.password());
        return h;
    }

    Resp login(String user, String pass) {
        Resp r = send("POST", "/api/aaa/login", "{\"username\":\"" + user + "\",\"password\":\"" + pass + "\"}");
        if (r.status() == 201) {
            token = r.json().get("token").asText();
        }
        return r;
    }

    void token(String t) {
        this.token = t;
    }

    @Nullable
    String token() {
        return token;
    }

    Resp get(String path) {
        return send("GET", path, null);
    }

    Resp post(String path, @Nullable String json) {
        return send("POST", path, json);
    }

    Resp put(String path, String json) {
        return send("PUT", path, json);
    }

    Resp patch(String path, String json) {
        return send("PATCH", path, json);
    }

    Resp delete(String path) {
        return send("DELETE", path, null);
    }

    Resp send(String method, String path, @Nullable String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("AuthToken", token);
        }
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = r.body().isEmpty() ? MissingNode.getInstance() : MAPPER.readTree(r.body());
            return new Resp(r.statusCode(), n, r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- convenience for the blueprint under test

    String createZone(String label) {
        Resp r = post(
                bp + "/security-zones",
                "{\"label\":\"" + label + "\",\"vrf_name\":\"" + label + "\",\"sz_type\":\"evpn\"}");
        if (r.status() != 201) {
            throw new AssertionError("zone create failed: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asText();
    }

    String createVn(String label, String zoneId, String systemId, int vlan) {
        Resp r = post(bp + "/virtual-networks", vnBody(label, zoneId, systemId, vlan));
        if (r.status() != 201) {
            throw new AssertionError("vn create failed: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asText();
    }

    static String vnBody(String label, String zoneId, String systemId, int vlan) {
        return "{\"label\":\"" + label + "\",\"vn_type\":\"vxlan\",\"security_zone_id\":\"" + zoneId
                + "\",\"vn_id\":null,\"ipv4_enabled\":true,\"ipv4_subnet\":\"10.1.1.0/24\","
                + "\"virtual_gateway_ipv4_enabled\":true,\"virtual_gateway_ipv4\":\"10.1.1.1\","
                + "\"dhcp_service\":\"dhcpServiceDisabled\",\"bound_to\":[{\"system_id\":\"" + systemId
                + "\",\"access_switch_node_ids\":[],\"vlan_id\":" + vlan + "}],\"svi_ips\":[],\"rt_policy\":null}";
    }

    /** Imports a single-VLAN tagged CT (batch / pipeline / AttachSingleVLAN) and returns its root id. */
    String createTaggedCt(String label, String vnId) {
        String root = "ct-" + label;
        String body = "{\"policies\":["
                + "{\"id\":\"" + root + "\",\"policy_type_name\":\"batch\",\"label\":\"" + label
                + "\",\"description\":\"\",\"visible\":true,\"tags\":[],\"user_data\":\"{}\","
                + "\"attributes\":{\"subpolicies\":[\"" + root + "-p\"]}},"
                + "{\"id\":\"" + root + "-p\",\"policy_type_name\":\"pipeline\",\"label\":\"p\",\"visible\":false,"
                + "\"attributes\":{\"first_subpolicy\":\"" + root + "-v\",\"second_subpolicy\":null}},"
                + "{\"id\":\"" + root
                + "-v\",\"policy_type_name\":\"AttachSingleVLAN\",\"label\":\"v\",\"visible\":false,"
                + "\"attributes\":{\"vn_node_id\":\"" + vnId + "\",\"tag_type\":\"vlan_tagged\"}}]}";
        Resp r = put(bp + "/obj-policy-import", body);
        if (r.status() != 204) {
            throw new AssertionError("ct import failed: " + r.status() + " " + r.body());
        }
        return root;
    }

    Resp apply(String apId, String ct, boolean used) {
        return patch(
                bp + "/obj-policy-batch-apply",
                "{\"application_points\":[{\"id\":\"" + apId + "\",\"policies\":[{\"policy\":\"" + ct + "\",\"used\":"
                        + used + "}]}]}");
    }

    /** The leaf-side interface id facing a server NIC, found with the reference's qe query. */
    String leafPortFacing(String server, String nic) {
        String q = "match(node('system', system_type='server', label='" + server + "', name='gs')"
                + ".out('hosted_interfaces').node('interface', if_name='" + nic + "', name='gs_if')"
                + ".out('link').node('link', name='link')"
                + ".in_('link').node('interface', if_type='ethernet', name='leaf_if')"
                + ".in_('hosted_interfaces').node('system', system_type='switch', name='leaf'))";
        Resp r = post(bp + "/qe", MAPPER.createObjectNode().put("query", q).toString());
        if (r.status() != 200 || r.json().get("count").asInt() != 1) {
            throw new AssertionError("qe failed: " + r.status() + " " + r.body());
        }
        return r.json().get("items").get(0).get("leaf_if").get("id").asText();
    }

    int stagingVersion() {
        return get(bp + "/diff-status").json().get("staging_version").asInt();
    }
}
