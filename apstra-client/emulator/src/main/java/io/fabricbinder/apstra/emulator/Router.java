package io.fabricbinder.apstra.emulator;

import io.fabricbinder.apstra.emulator.EmulatedApstra.Route;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Maps a request (method and path) to its endpoint template and handler. The handlers live in one
 * class per resource ({@code *Handler}); the cooperative lock (lock status and design tags) is
 * served by {@link EmulatedApstra} itself, which owns its state.
 */
final class Router {
    private final EmulatedApstra apstra;
    private final AuthHandler auth;
    private final BlueprintHandler blueprints;
    private final VirtualNetworkHandler virtualNetworks;
    private final SecurityZoneHandler securityZones;
    private final ConnectivityTemplateHandler connectivityTemplates;
    private final GraphHandler graph;
    private final ResourceGroupHandler resourceGroups;

    Router(EmulatedApstra apstra, AuthHandler auth) {
        this.apstra = apstra;
        this.auth = auth;
        this.blueprints = new BlueprintHandler(apstra);
        this.virtualNetworks = new VirtualNetworkHandler(apstra);
        this.securityZones = new SecurityZoneHandler(apstra);
        this.connectivityTemplates = new ConnectivityTemplateHandler(apstra);
        this.graph = new GraphHandler(apstra);
        this.resourceGroups = new ResourceGroupHandler(apstra);
    }

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
                return new Route("POST " + base + "login", auth::login, false);
            }
            if (m.equals("POST") && s.get(2).equals("logout")) {
                return new Route("POST " + base + "logout", auth::logout, true);
            }
            return null;
        }
        if (m.equals("GET") && area.equals("version") && n == 2) {
            return new Route("GET /api/version", auth::apiVersion, false);
        }
        if (m.equals("GET") && area.equals("versions") && n == 3) {
            return switch (s.get(2)) {
                case "api" -> new Route("GET /api/versions/api", auth::apiVersion, false);
                case "server" -> new Route("GET /api/versions/server", auth::serverVersion, false);
                default -> null;
            };
        }
        if (area.equals("design") && n >= 3 && s.get(2).equals("tags")) {
            if (n == 3 && m.equals("GET")) {
                return new Route("GET /api/design/tags", apstra::listTags, true);
            }
            if (n == 3 && m.equals("POST")) {
                return new Route("POST /api/design/tags", apstra::createTag, true);
            }
            if (n == 4 && m.equals("GET")) {
                return new Route("GET /api/design/tags/{tag}", apstra::getTag, true);
            }
            if (n == 4 && m.equals("PUT")) {
                return new Route("PUT /api/design/tags/{tag}", apstra::updateTag, true);
            }
            if (n == 4 && m.equals("DELETE")) {
                return new Route("DELETE /api/design/tags/{tag}", apstra::deleteTag, true);
            }
            return null;
        }
        if (!area.equals("blueprints")) {
            return null;
        }
        if (n == 2) {
            if (m.equals("GET")) {
                return new Route("GET /api/blueprints", blueprints::listBlueprints, true);
            }
            if (m.equals("OPTIONS")) {
                return new Route("OPTIONS /api/blueprints", blueprints::blueprintIds, true);
            }
            return null;
        }
        String bp = "/api/blueprints/{bp}";
        if (n == 3) {
            return m.equals("GET") ? new Route("GET " + bp, blueprints::getBlueprint, true) : null;
        }
        String sub = s.get(3);
        String key = m + " " + sub + (n == 4 ? "" : n == 5 ? "/{}" : "/" + s.subList(4, n));
        return switch (key) {
            case "GET diff-status" -> new Route("GET " + bp + "/diff-status", blueprints::diffStatus, true);
            case "GET lock-status" -> new Route("GET " + bp + "/lock-status", apstra::lockStatus, true);
            case "GET errors" -> new Route("GET " + bp + "/errors", blueprints::buildErrors, true);
            case "PUT deploy" -> new Route("PUT " + bp + "/deploy", blueprints::deploy, true);
            case "GET deploy" -> new Route("GET " + bp + "/deploy", blueprints::deployStatus, true);
            case "GET revisions" -> new Route("GET " + bp + "/revisions", blueprints::revisions, true);
            case "POST revert" -> new Route("POST " + bp + "/revert", blueprints::revert, true);
            case "POST rollback" -> new Route("POST " + bp + "/rollback", blueprints::rollback, true);
            case "GET tasks" -> new Route("GET " + bp + "/tasks", blueprints::listTasks, true);
            case "GET tasks/{}" -> new Route("GET " + bp + "/tasks/{task}", blueprints::getTask, true);
            case "GET virtual-networks" -> new Route("GET " + bp + "/virtual-networks", virtualNetworks::listVns, true);
            case "POST virtual-networks" ->
                new Route("POST " + bp + "/virtual-networks", virtualNetworks::createVn, true);
            case "GET virtual-networks/{}" ->
                new Route("GET " + bp + "/virtual-networks/{vn}", virtualNetworks::getVn, true);
            case "PUT virtual-networks/{}" ->
                new Route("PUT " + bp + "/virtual-networks/{vn}", virtualNetworks::putVn, true);
            case "PATCH virtual-networks/{}" ->
                new Route("PATCH " + bp + "/virtual-networks/{vn}", virtualNetworks::patchVn, true);
            case "DELETE virtual-networks/{}" ->
                new Route("DELETE " + bp + "/virtual-networks/{vn}", virtualNetworks::deleteVn, true);
            case "GET security-zones" -> new Route("GET " + bp + "/security-zones", securityZones::listZones, true);
            case "POST security-zones" -> new Route("POST " + bp + "/security-zones", securityZones::createZone, true);
            case "GET security-zones/{}" ->
                new Route("GET " + bp + "/security-zones/{sz}", securityZones::getZone, true);
            case "PUT security-zones/{}" ->
                new Route("PUT " + bp + "/security-zones/{sz}", securityZones::putZone, true);
            case "PATCH security-zones/{}" ->
                new Route("PATCH " + bp + "/security-zones/{sz}", securityZones::patchZone, true);
            case "DELETE security-zones/{}" ->
                new Route("DELETE " + bp + "/security-zones/{sz}", securityZones::deleteZone, true);
            case "PUT obj-policy-import" ->
                new Route("PUT " + bp + "/obj-policy-import", connectivityTemplates::importPolicies, true);
            case "GET obj-policy-export" ->
                new Route("GET " + bp + "/obj-policy-export", connectivityTemplates::exportPolicies, true);
            case "GET obj-policy-export/{}" ->
                new Route("GET " + bp + "/obj-policy-export/{ct}", connectivityTemplates::exportPolicies, true);
            case "PATCH obj-policy-batch-apply" ->
                new Route("PATCH " + bp + "/obj-policy-batch-apply", connectivityTemplates::batchApply, true);
            case "GET obj-policy-application-points" ->
                new Route(
                        "GET " + bp + "/obj-policy-application-points", connectivityTemplates::applicationPoints, true);
            case "GET endpoint-policies" ->
                new Route("GET " + bp + "/endpoint-policies", connectivityTemplates::listEndpointPolicies, true);
            case "GET endpoint-policies/{}" ->
                new Route("GET " + bp + "/endpoint-policies/{ct}", connectivityTemplates::getEndpointPolicy, true);
            case "DELETE endpoint-policies/{}" ->
                new Route(
                        "DELETE " + bp + "/endpoint-policies/{ct}", connectivityTemplates::deleteEndpointPolicy, true);
            case "POST qe" -> new Route("POST " + bp + "/qe", graph::qe, true);
            case "GET cabling-map" -> new Route("GET " + bp + "/cabling-map", graph::cablingMapLegacy, true);
            case "GET experience/[web, cabling-map]" ->
                new Route("GET " + bp + "/experience/web/cabling-map", graph::cablingMap, true);
            case "GET nodes" -> new Route("GET " + bp + "/nodes", graph::listNodes, true);
            case "GET nodes/{}" -> new Route("GET " + bp + "/nodes/{node}", graph::getNode, true);
            case "GET resource_groups" ->
                new Route("GET " + bp + "/resource_groups", resourceGroups::listResourceGroups, true);
            default -> routeResourceGroup(m, s);
        };
    }

    private @Nullable Route routeResourceGroup(String m, List<String> s) {
        if (m.equals("PUT") && s.size() == 6 && s.get(3).equals("resource_groups")) {
            return new Route(
                    "PUT /api/blueprints/{bp}/resource_groups/{type}/{name}", resourceGroups::putResourceGroup, true);
        }
        return null;
    }
}
