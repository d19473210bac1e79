package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QeTest {
    private final Fabric fabric = new Fabric(Topology.defaultTopology());
    private final Graph g = fabric.graph();

    private JsonNode run(String q) {
        return Qe.run(g, q);
    }

    @Test
    void nodeByTypeAndAttribute() {
        JsonNode r = run("match(node('system', name='leaf', role='leaf'))");

        assertThat(r.get("count").asInt()).isEqualTo(2);
        assertThat(r.get("items").findValuesAsText("label")).containsExactly("leaf1", "leaf2");
    }

    @Test
    void typeAsKeywordAndNotNone() {
        JsonNode r = run(
                "node(type='system',id='" + fabric.systemId("leaf1") + "')"
                        + ".out(type='hosted_interfaces').node(type='interface',name='n_interface',id=not_none(),if_name=not_none())");

        assertThat(r.get("items").findValuesAsText("if_name")).contains("xe-0/0/10", "xe-0/0/11", "xe-0/0/12");
    }

    @Test
    void isInAndNotIn() {
        JsonNode in = run("node('system', name='s', label=is_in(['worker-1','worker-3']))");
        JsonNode notIn = run("node('system', name='s', role='generic', label=not_in(['worker-1']))");

        assertThat(in.get("items").findValuesAsText("label")).containsExactlyInAnyOrder("worker-1", "worker-3");
        assertThat(notIn.get("items").findValuesAsText("label")).containsExactlyInAnyOrder("worker-2", "worker-3");
    }

    @Test
    void noneMatchesMissingOrNullAttribute() {
        JsonNode r = run("node('system', name='s', system_id=None)");

        assertThat(r.get("items").findValuesAsText("role")).containsOnly("generic");
    }

    @Test
    void referenceServerToLeafPortQuery() {
        JsonNode r = run("""
                match(
                  node('system', system_type='server', label='worker-1', name='gs')
                    .out('hosted_interfaces').node('interface', name='gs_if')
                    .out('link').node('link', name='link')
                    .in_('link').node('interface', if_type='ethernet', name='leaf_if')
                    .in_('hosted_interfaces').node('system', system_type='switch', name='leaf'),
                  optional(node(name='leaf_if').in_('composed_of').node('interface', name='ae')),
                  optional(node(name='ae').in_('composed_of').node('interface', name='mc_ae'))
                )""");

        assertThat(r.get("count").asInt()).isEqualTo(2);
        assertThat(r.get("items").get(0).get("ae").isNull()).isTrue();
        assertThat(r.get("items").get(0).get("mc_ae").isNull()).isTrue();
        assertThat(r.get("items"))
                .extracting(i -> i.get("leaf").get("label").asText() + " "
                        + i.get("leaf_if").get("if_name").asText())
                .containsExactlyInAnyOrder("leaf1 xe-0/0/10", "leaf2 xe-0/0/10");
    }

    @Test
    void whereLambdaComparesNamedNodes() {
        JsonNode r = run("match(node('system', name='a', role='leaf'), node('system', name='b', role='leaf'))"
                + ".where(lambda a, b: a.id != b.id and a.label < b.label or a.label == 'nope')");
        JsonNode all = run("match(node('system', name='a', role='leaf'), node('system', name='b', role='leaf'))");
        JsonNode distinctPairs =
                run("match(node('system', name='a', role='leaf'), node('system', name='b', role='leaf'))"
                        + ".where(lambda a, b: a.id != b.id)");

        assertThat(all.get("count").asInt()).isEqualTo(4);
        assertThat(distinctPairs.get("count").asInt()).isEqualTo(2);
        assertThat(r.get("count").asInt()).isEqualTo(1);
        assertThat(r.at("/items/0/a/label").asText()).isEqualTo("leaf1");
    }

    @Test
    void distinctRemovesDuplicates() {
        JsonNode r = run("match(node('system', name='leaf', role='leaf').out('hosted_interfaces').node('interface'))"
                + ".distinct(['leaf'])");

        assertThat(r.get("count").asInt()).isEqualTo(2);
    }

    @Test
    void escapedQuoteInsideValueIsALiteral() {
        ObjectNode odd = g.add("odd", "system");
        odd.put("label", "it's ') or node('system");
        odd.put("role", "generic");

        JsonNode hit = run("node('system', name='s', label='it\\'s \\') or node(\\'system')");
        JsonNode doubleQuoted = run("node(\"system\", name=\"s\", label=\"it's ') or node('system\")");
        JsonNode noInjection = run("node('system', name='s', label='it\\'s ')");

        assertThat(hit.get("count").asInt()).isEqualTo(1);
        assertThat(hit.at("/items/0/s/id").asText()).isEqualTo("odd");
        assertThat(doubleQuoted.get("count").asInt()).isEqualTo(1);
        assertThat(noInjection.get("count").asInt()).isZero();
    }

    @Test
    void backslashEscapesRoundTripForGeneratedLabels() {
        long seed = Long.getLong("qe.seed", System.nanoTime());
        System.out.println("QeTest seed=" + seed + " (rerun with -Dqe.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "ab'\"\\() ,.=_-[]";
        for (int i = 0; i < 200; i++) {
            StringBuilder label = new StringBuilder();
            int len = 1 + random.nextInt(12);
            for (int k = 0; k < len; k++) {
                label.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            Graph graph = new Graph();
            graph.add("n", "tag").put("label", label.toString());
            graph.add("m", "tag").put("label", label + "x");
            String escaped = label.toString().replace("\\", "\\\\").replace("'", "\\'");

            JsonNode r = Qe.run(graph, "node('tag', name='t', label='" + escaped + "')");

            assertThat(r.get("count").asInt())
                    .as("seed %d label %s", seed, label)
                    .isEqualTo(1);
            assertThat(r.at("/items/0/t/id").asText()).isEqualTo("n");
        }
    }

    @Test
    void taggedLinksQueryFromTheReference() {
        JsonNode r = run("node('tag', label='sriov').out('tag').node('link', name='n_link')");

        assertThat(r.get("count").asInt()).isEqualTo(5);
        assertThat(r.get("items").findValuesAsText("role")).containsOnly("to_generic");
    }

    @Test
    void mlagPairIsARedundancyGroupOfTypeMlag() {
        Graph mg = new Fabric(Topology.builder()
                        .mlagPair("pair", "leaf1", "leaf2")
                        .esiLag(
                                "w",
                                "bond0",
                                new Topology.Cable("w", "e0", "leaf1", "xe-0/0/1"),
                                new Topology.Cable("w", "e1", "leaf2", "xe-0/0/1"))
                        .build())
                .graph();

        JsonNode r = Qe.run(
                mg,
                "match(node('redundancy_group', name='rg', rg_type='mlag')"
                        + ".out('composed_of_systems').node('system', role='leaf', name='leaf'))");

        assertThat(r.get("count").asInt()).isEqualTo(2);
    }

    @Test
    void malformedQueriesAreRejected() {
        assertThatThrownBy(() -> run("node('system'")).isInstanceOf(Qe.QeException.class);
        assertThatThrownBy(() -> run("node('system', label='x)")).isInstanceOf(Qe.QeException.class);
        assertThatThrownBy(() -> run("drop_all()")).isInstanceOf(Qe.QeException.class);
        assertThatThrownBy(() -> run("node('system').frobnicate()")).isInstanceOf(Qe.QeException.class);
    }

    @Test
    void qeOverHttpReadsStagingOrDeployed() {
        try (ApstraEmulator emulator = ApstraEmulator.start()) {
            Http h = Http.loggedIn(emulator);
            h.createZone("blue");
            String q = Http.MAPPER
                    .createObjectNode()
                    .put("query", "node('security_zone', name='sz', label='blue')")
                    .toString();

            Http.Resp staging = h.post(h.bp + "/qe?type=staging", q);
            Http.Resp deployed = h.post(h.bp + "/qe?type=deployed", q);
            Http.Resp bad = h.post(h.bp + "/qe", "{\"query\":\"node(\"}");

            assertThat(staging.json().get("count").asInt()).isEqualTo(1);
            assertThat(staging.json().at("/items/0/sz/vrf_name").asText()).isEqualTo("blue");
            assertThat(deployed.json().get("count").asInt()).isZero();
            assertThat(bad.status()).isEqualTo(422);
        }
    }
}
