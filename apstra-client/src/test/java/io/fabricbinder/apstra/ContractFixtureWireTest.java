package io.fabricbinder.apstra;

import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client against the emulator's contract fixtures, so that the two cannot drift apart. The
 * fixtures ({@code apstra-client/emulator/src/test/resources/contract}, one request and the
 * reference's example answer each) pin the emulator in its {@code ContractTest}; this module's pom
 * adds the same directory to its test resources. Here each fixture's answer is what WireMock sends
 * back to the client's request, and the client must read it; where a fixture has a request body,
 * the client's body must have every field of it with the same JSON type (a {@code null} example
 * field accepts anything). Writes the client sends with {@code ?async=full} get the fixture's
 * answer as the task's {@code api_response}, which is where Apstra puts the synchronous answer.
 *
 * <p>{@link #everyFixtureIsReadByTheClientOrListedAsNotUsed} makes a new fixture fail this build
 * until it is used here or listed in {@link #NOT_USED} with the reason.
 */
class ContractFixtureWireTest extends WireMockSupport {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Values the fixtures' placeholders stand for here. */
    private static final Map<String, String> VARS =
            Map.of("{bp}", BP, "{sz}", "sz-1", "{vn}", "vn-1", "{leaf1}", "leaf-1", "{task}", "t-1");

    /** Fixtures for endpoints the client does not call, or calls only in a way covered elsewhere. */
    private static final Map<String, String> NOT_USED = Map.ofEntries(
            Map.entry("01-login.json", "the client logs in at /api/aaa/login (02-login-alias)"),
            Map.entry("04-version.json", "the client reads /api/versions/api (05-versions-api)"),
            Map.entry("07-blueprint-ids.json", "the client lists blueprints with GET (06-blueprints)"),
            Map.entry("21-vn-reserved-vlan.json", "a server-side rule on a body the client's builder refuses"),
            Map.entry("22-ct-import.json", "the body is the emulator's test tree; ConnectivityTemplateTest pins ours"),
            Map.entry("24-ct-export-missing.json", "the client never exports an unknown id"),
            Map.entry("25-vn-delete-in-use.json", "an error the client passes through like 20-vn-label-not-unique"),
            Map.entry("26-batch-apply.json", "204 without a body; ConnectivityTemplateTest pins the request"),
            Map.entry("27-batch-apply-invalid.json", "ConnectivityTemplateTest pins ApstraAssignmentException"),
            Map.entry("30-application-points.json", "the tree is read by ConnectivityTemplateTest"),
            Map.entry("33-cabling-map-legacy.json", "the client reads the experience/web cabling map (32)"),
            Map.entry("35-deploy-async.json", "BlueprintTest pins deploy's task handling"),
            Map.entry("37-tasks.json", "the client reads one task at a time (36-task)"),
            Map.entry("40-tag-create.json", "the blueprint mutex's tag calls are pinned by MutexAndPoolsTest"),
            Map.entry("41-tag-exists.json", "the blueprint mutex's tag calls are pinned by MutexAndPoolsTest"),
            Map.entry("42-unauthorized.json", "SessionTest pins the re-login on 401"));

    /** Fixtures the tests below serve; checked against the directory. */
    private static final Set<String> USED = Set.of(
            "02-login-alias.json",
            "03-login-bad.json",
            "05-versions-api.json",
            "06-blueprints.json",
            "08-blueprint-404.json",
            "09-blueprint-graph.json",
            "10-diff-status.json",
            "11-errors-clean.json",
            "12-lock-status.json",
            "13-sz-create.json",
            "14-sz-list.json",
            "15-sz-get.json",
            "16-vn-create.json",
            "17-vn-list.json",
            "18-vn-get.json",
            "19-vn-404.json",
            "20-vn-label-not-unique.json",
            "23-ct-export.json",
            "28-endpoint-policies.json",
            "29-endpoint-policy.json",
            "31-qe.json",
            "32-cabling-map.json",
            "34-deploy-stale.json",
            "36-task.json",
            "38-deploy-status.json",
            "39-revisions.json");

    @Test
    void everyFixtureIsReadByTheClientOrListedAsNotUsed() throws IOException, URISyntaxException {
        URL dir = Objects.requireNonNull(getClass().getResource("/contract"), "contract fixtures on the classpath");
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .forEach(files::add);
        }
        Set<String> classified = new TreeSet<>(USED);
        classified.addAll(NOT_USED.keySet());

        assertThat(files).hasSizeGreaterThan(40);
        assertThat(classified).as("fixtures used or listed here").isEqualTo(files);
        assertThat(USED).doesNotContainAnyElementsOf(NOT_USED.keySet());
    }

    @Test
    void loginSendsTheFixtureFieldsAndReadsTheUserId() {
        JsonNode f = fixture("02-login-alias.json");
        serve(f);
        ApstraClient c = builder().build();
        try {
            assertThat(c.userId()).isEqualTo(f.path("response").path("id").asText());
        } finally {
            c.close();
        }
        assertRequestHasFixtureFields(f);
    }

    @Test
    void badCredentialsAreAnHttpErrorWithApstrasText() {
        JsonNode f = fixture("03-login-bad.json");
        serve(f);

        assertThatThrownBy(() -> {
                    ApstraClient c = builder().build();
                    try {
                        c.userId();
                    } finally {
                        c.close();
                    }
                })
                .isInstanceOfSatisfying(ApstraHttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(401);
                    assertThat(e.errorText()).contains(f.at("/response/errors").asText());
                });
    }

    @Test
    void versionIsReadFromVersionsApi() {
        JsonNode f = fixture("05-versions-api.json");
        serve(f);
        // the reference's example is an old version, which the client refuses unless told otherwise
        ApstraClient c = builder().allowUnsupportedVersion(true).build();
        try {
            assertThat(c.version().text()).isEqualTo(f.at("/response/version").asText());
        } finally {
            c.close();
        }
    }

    @Test
    void blueprintListAndGraph() {
        JsonNode list = fixture("06-blueprints.json");
        JsonNode graph = fixture("09-blueprint-graph.json");
        serve(list);
        serve(graph);
        JsonNode item = list.at("/response/items/0");

        BlueprintSummary s = client.blueprints().get(0);
        Blueprint b = client.blueprint(BP).get();

        assertThat(s.id()).isEqualTo(item.get("id").asText());
        assertThat(s.version()).isEqualTo(item.get("version").asLong());
        assertThat(b.version()).isEqualTo(graph.at("/response/version").asLong());
        assertThat(b.label()).isEqualTo(graph.at("/response/label").asText());
    }

    @Test
    void unknownBlueprintIsNotFound() {
        JsonNode f = fixture("08-blueprint-404.json");
        serve(f);

        assertThatThrownBy(() -> client.blueprint("BP-does-not-exist").get())
                .isInstanceOfSatisfying(
                        ApstraNotFoundException.class,
                        e -> assertThat(e.errorText())
                                .isEqualTo(f.at("/response/errors").asText()));
    }

    @Test
    void diffStatusErrorsAndLockStatus() {
        JsonNode diff = fixture("10-diff-status.json");
        JsonNode errors = fixture("11-errors-clean.json");
        JsonNode lock = fixture("12-lock-status.json");
        serve(diff);
        serve(errors);
        serve(lock);
        BlueprintClient bp = client.blueprint(BP);

        DiffStatus d = bp.diffStatus();

        assertThat(d.status()).isEqualTo(diff.at("/response/status").asText());
        assertThat(d.stagingVersion())
                .isEqualTo(diff.at("/response/staging_version").asLong());
        assertThat(d.deployedVersion())
                .isEqualTo(diff.at("/response/deployed_version").asLong());
        assertThat(bp.errors().isClean()).isTrue();
        assertThat(bp.lockStatus().lockStatus())
                .isEqualTo(lock.at("/response/lock_status").asText());
    }

    @Test
    void routingZoneCreateListAndGet() {
        JsonNode create = fixture("13-sz-create.json");
        JsonNode list = fixture("14-sz-list.json");
        JsonNode get = fixture("15-sz-get.json");
        serveAsTask(create);
        serve(list);
        serve(get);
        JsonNode body = create.get("requestBody");
        RoutingZones zones = client.blueprint(BP).routingZones();

        String id = zones.create(RoutingZone.evpn(
                body.get("label").asText(), body.get("vrf_name").asText()));
        Map<String, RoutingZone> all = zones.list();
        RoutingZone one = zones.get("sz-1");

        assertThat(id).isEqualTo(create.at("/response/id").asText());
        assertRequestHasFixtureFields(create);
        JsonNode listed = list.at("/response/items").elements().next();
        assertThat(all.values())
                .extracting(RoutingZone::vrfName)
                .contains(listed.get("vrf_name").asText());
        assertThat(one.label()).isEqualTo(get.at("/response/label").asText());
        assertThat(one.vrfName()).isEqualTo(get.at("/response/vrf_name").asText());
    }

    @Test
    void virtualNetworkCreateListGetAndNotFound() {
        JsonNode create = fixture("16-vn-create.json");
        JsonNode list = fixture("17-vn-list.json");
        JsonNode get = fixture("18-vn-get.json");
        JsonNode missing = fixture("19-vn-404.json");
        serveAsTask(create);
        serve(list);
        serve(get);
        serve(missing);
        VirtualNetworks vns = client.blueprint(BP).virtualNetworks();

        String id = vns.create(vnFrom(create.get("requestBody")));
        Map<String, VirtualNetwork> all = vns.list();
        VirtualNetwork one = vns.get("vn-1");

        assertThat(id).isEqualTo(create.at("/response/id").asText());
        assertRequestHasFixtureFields(create);
        JsonNode listed = list.at("/response/virtual_networks").elements().next();
        assertThat(all.values())
                .extracting(VirtualNetwork::label)
                .contains(listed.get("label").asText());
        assertThat(one.label()).isEqualTo(get.at("/response/label").asText());
        assertThat(one.vnType()).isEqualTo(get.at("/response/vn_type").asText());
        assertThat(vns.find("nope")).isEmpty();
    }

    @Test
    void aRefusedVirtualNetworkCarriesApstrasFieldErrors() {
        JsonNode f = fixture("20-vn-label-not-unique.json");
        serve(f);

        assertThatThrownBy(() -> client.blueprint(BP).virtualNetworks().create(vnFrom(f.get("requestBody"))))
                .isInstanceOfSatisfying(ApstraHttpException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(422);
                    assertThat(e.errorText())
                            .contains(f.at("/response/errors/label").asText());
                });
        assertRequestHasFixtureFields(f);
    }

    @Test
    void connectivityTemplatesFromExportAndEndpointPolicies() {
        JsonNode export = fixture("23-ct-export.json");
        JsonNode policies = fixture("28-endpoint-policies.json");
        JsonNode policy = fixture("29-endpoint-policy.json");
        serve(export);
        serve(policies);
        serve(policy);
        serveAll("/obj-policy-export", export);
        ConnectivityTemplates cts = client.blueprint(BP).connectivityTemplates();

        assertThat(cts.find("B")).hasValueSatisfying(ct -> assertThat(ct.id()).isEqualTo("B"));
        assertThat(cts.list()).extracting(ConnectivityTemplate::id).contains("B");
    }

    @Test
    void qeAndCablingMap() {
        JsonNode qe = fixture("31-qe.json");
        JsonNode cabling = fixture("32-cabling-map.json");
        serve(qe);
        serve(cabling);
        Graph g = client.blueprint(BP).graph();

        QeResult r = g.query(new QeQuery(qe.at("/requestBody/query").asText()));
        List<CablingLink> links = g.cablingMap();

        assertThat(r.count()).isEqualTo(qe.at("/response/count").asInt());
        assertThat(links)
                .extracting(CablingLink::id)
                .contains(cabling.at("/response/links/0/id").asText());
    }

    @Test
    void deployStaleVersionTaskDeployStatusAndRevisions() {
        JsonNode stale = fixture("34-deploy-stale.json");
        JsonNode task = fixture("36-task.json");
        JsonNode status = fixture("38-deploy-status.json");
        JsonNode revisions = fixture("39-revisions.json");
        serve(task);
        serve(status);
        serve(revisions);
        BlueprintClient bp = client.blueprint(BP);

        Task t = bp.task("t-1");
        DeployStatus ds = bp.deployStatus();
        List<Revision> revs = bp.revisions();

        assertThat(t.status()).isEqualTo(task.at("/response/status").asText());
        assertThat(ds.state()).isEqualTo(status.at("/response/state").asText());
        assertThat(revs)
                .extracting(Revision::revisionId)
                .contains(revisions.at("/response/items/0/revision_id").asText());
        // the blueprint as 06-blueprints shows it, at the stale request's version with changes staged
        ObjectNode listed = fixture("06-blueprints.json").deepCopy();
        ObjectNode item = (ObjectNode) listed.at("/response/items/0");
        item.put("id", BP).put("has_uncommitted_changes", true).set("version", stale.at("/requestBody/version"));
        serve(listed);
        serve(stale);

        assertThatThrownBy(() -> bp.deploy(
                        stale.at("/requestBody/version").asLong(),
                        stale.at("/requestBody/description").asText(),
                        Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        ApstraDeployException.class,
                        e -> assertThat(e.reason()).isEqualTo(ApstraDeployException.Reason.STAGING_CHANGED));
        assertRequestHasFixtureFields(stale);
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode fixture(String name) {
        try (InputStream in = ContractFixtureWireTest.class.getResourceAsStream("/contract/" + name)) {
            return MAPPER.readTree(Objects.requireNonNull(in, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String substitute(String text) {
        String out = text.replace("\"{version}\"", "7");
        for (Map.Entry<String, String> e : VARS.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String method(JsonNode f) {
        return f.get("request").asText().split(" ", 2)[0];
    }

    /** The fixture's path with placeholders filled in and without its query. */
    private static String path(JsonNode f) {
        String p = substitute(f.get("request").asText().split(" ", 2)[1]);
        int q = p.indexOf('?');
        return q < 0 ? p : p.substring(0, q);
    }

    private static String responseBody(JsonNode f) {
        JsonNode r = f.get("response");
        return r == null ? "" : substitute(r.toString());
    }

    /** WireMock answers the fixture's request with the fixture's status and answer. */
    private void serve(JsonNode f) {
        wm.stubFor(request(method(f), urlPathEqualTo(path(f)))
                .willReturn(json(f.get("status").asInt(), responseBody(f))));
    }

    /** Also answers {@code rest} below the blueprint (another path the client reads the same answer from). */
    private void serveAll(String rest, JsonNode f) {
        wm.stubFor(request(method(f), urlPathEqualTo(bpPath(rest)))
                .willReturn(json(f.get("status").asInt(), responseBody(f))));
    }

    /** The fixture's synchronous answer as the {@code api_response} of the task an async write gets. */
    private void serveAsTask(JsonNode f) {
        String task = "t-" + f.get("request").asText().hashCode();
        wm.stubFor(request(method(f), urlPathEqualTo(path(f))).willReturn(json(202, taskAccepted(task))));
        stubTask(task, succeededTask(task, responseBody(f), 8));
    }

    /** The client's request to the fixture's endpoint has every field of the fixture's body. */
    private void assertRequestHasFixtureFields(JsonNode f) {
        List<LoggedRequest> sent = wm.findAll(
                RequestPatternBuilder.newRequestPattern(RequestMethod.fromString(method(f)), urlPathEqualTo(path(f))));
        assertThat(sent).as("requests to " + path(f)).isNotEmpty();
        LoggedRequest last = sent.get(sent.size() - 1);
        assertThat(last.getMethod().getName()).isEqualTo(method(f));
        JsonNode actual;
        try {
            actual = MAPPER.readTree(last.getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode expected;
        try {
            expected = MAPPER.readTree(substitute(f.get("requestBody").toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sameShape(expected, actual, "$", f.get("source").asText());
    }

    /** Every field of {@code expected} is in {@code actual} with the same JSON type; a null field may be absent. */
    private static void sameShape(JsonNode expected, JsonNode actual, String where, String source) {
        if (expected.isNull()) {
            return;
        }
        String why = where + " (" + source + ") in " + actual;
        assertThat(actual).as(why).isNotNull();
        assertThat(actual.getNodeType()).as(why).isEqualTo(expected.getNodeType());
        if (expected.isObject()) {
            expected.properties().forEach(e -> {
                if (e.getValue().isNull()) {
                    return; // "any value, or none": Apstra fills it in (vn_id, rt_policy)
                }
                assertThat(actual.has(e.getKey()))
                        .as(where + "." + e.getKey() + " missing (" + source + ")")
                        .isTrue();
                sameShape(e.getValue(), actual.get(e.getKey()), where + "." + e.getKey(), source);
            });
        } else if (expected.isArray() && !expected.isEmpty()) {
            assertThat(actual.size()).as(why).isPositive();
            for (int i = 0; i < actual.size(); i++) {
                sameShape(expected.get(0), actual.get(i), where + "[" + i + "]", source);
            }
        }
    }

    /** The VN a fixture's create body describes, built with the client's builder. */
    private static VirtualNetwork vnFrom(JsonNode body) {
        JsonNode b = body;
        VirtualNetwork.Builder vn = VirtualNetwork.vxlan(
                b.get("label").asText(), substitute(b.get("security_zone_id").asText()));
        List<VnBinding> bindings = new java.util.ArrayList<>();
        for (JsonNode e : b.path("bound_to")) {
            bindings.add(VnBinding.of(
                    substitute(e.get("system_id").asText()),
                    e.path("vlan_id").isInt() ? e.get("vlan_id").asInt() : null));
        }
        vn.boundTo(bindings);
        if (b.hasNonNull("ipv4_subnet")) {
            vn.ipv4Subnet(b.get("ipv4_subnet").asText());
        }
        if (b.hasNonNull("virtual_gateway_ipv4")) {
            vn.virtualGatewayIpv4(b.get("virtual_gateway_ipv4").asText());
        }
        return vn.build();
    }
}
