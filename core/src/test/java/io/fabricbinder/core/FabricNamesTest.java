package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FabricNamesTest {

    @Test
    void labelsAreShortSafeDeterministicAndReversibleThroughTheDescription() {
        String name = "a-very-long-namespace-name-for-tenants/and.a.dotted.network.name.that.goes.on";
        String label = FabricNames.virtualNetworkLabel(name);

        assertThat(label).startsWith("fb-").matches("[a-z0-9-]+").hasSizeLessThanOrEqualTo(40);
        assertThat(FabricNames.virtualNetworkLabel(name)).isEqualTo(label);
        assertThat(FabricNames.networkFromDescription(label, FabricNames.networkDescription(name)))
                .contains(name);
        assertThat(FabricNames.networkFromDescription("fb-other-00000000", FabricNames.networkDescription(name)))
                .isEmpty();
        assertThat(FabricNames.networkFromDescription(label, "made by hand")).isEmpty();
    }

    @Test
    void namesThatSanitiseAlikeStillGetDifferentLabels() {
        assertThat(FabricNames.virtualNetworkLabel("a-b/c")).isNotEqualTo(FabricNames.virtualNetworkLabel("a/b-c"));
        assertThat(FabricNames.routingZoneLabel("ns/mesh"))
                .hasSizeLessThanOrEqualTo(FabricNames.MAX_ZONE_LABEL)
                .isNotEqualTo(FabricNames.routingZoneLabel("ns/mesh2"));
        assertThat(FabricNames.zoneFromDescription(
                        FabricNames.routingZoneLabel("ns/mesh"), FabricNames.zoneDescription("ns/mesh")))
                .contains("ns/mesh");
    }
}
