package io.fabricbinder.apstra.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReqTest {
    @Test
    void emptyPathSegmentsAreSkippedAndSegmentsAreDecoded() {
        Req r = new Req("GET", "//api/blueprints/bp%201/", null, "");

        assertThat(r.segments).containsExactly("api", "blueprints", "bp 1");
    }

    @Test
    void emptyQueryPartsAddNoParameterAndTheFirstValueWins() {
        Req r = new Req("GET", "/api/blueprints", "&type=deployed&&type=staging&flag&", "");

        assertThat(r.query).containsExactly(Map.entry("type", "deployed"), Map.entry("flag", ""));
        assertThat(r.param("type")).isEqualTo("deployed");
    }
}
