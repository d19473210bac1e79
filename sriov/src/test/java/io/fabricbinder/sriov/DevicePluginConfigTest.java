package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DevicePluginConfigTest {

    @Test
    void parsesReferenceConfigWithObjectAndListSelectors() {
        String json = """
                {"resourceList": [
                  {"resourceName": "intel_sriov_netdevice",
                   "selectors": {"vendors": ["8086"], "devices": ["154c","10ed"], "drivers": ["iavf"]}},
                  {"resourceName": "sriov_leaf_a", "resourcePrefix": "example.com", "excludeTopology": true,
                   "selectors": [{"pfNames": ["ens1f0#0-3,6"], "linkTypes": ["ether"]},
                                 {"rootDevices": ["0000:86:00.0#0-1,3"], "isRdma": true, "needVhostNet": true}],
                   "additionalInfo": {"*": {"token": "abc"}, "0000:86:00.0": {"token": "specific"}}}
                ]}""";

        DevicePluginConfig config = DevicePluginConfig.parse(json);

        assertThat(config.defaultResourcePrefix()).isEqualTo("intel.com");
        assertThat(config.resourceList()).hasSize(2);
        ResourceConfig first = config.resourceList().get(0);
        assertThat(first.deviceType()).isEqualTo("netDevice");
        assertThat(first.effectivePrefix(config.defaultResourcePrefix())).isEqualTo("intel.com");
        assertThat(first.selectors()).singleElement().satisfies(s -> {
            assertThat(s.vendors()).containsExactly("8086");
            assertThat(s.devices()).containsExactly("154c", "10ed");
            assertThat(s.drivers()).containsExactly("iavf");
        });
        ResourceConfig second = config.resourceList().get(1);
        assertThat(second.effectivePrefix("intel.com")).isEqualTo("example.com");
        assertThat(second.excludeTopology()).isTrue();
        assertThat(second.selectors()).hasSize(2);
        assertThat(second.selectors().get(1).isRdma()).isTrue();
        assertThat(second.selectors().get(1).needVhostNet()).isTrue();
        assertThat(second.additionalInfo().get("*")).containsEntry("token", "abc");
    }

    @Test
    void deploymentPrefixOverridesTheBuiltInDefault() {
        DevicePluginConfig config = DevicePluginConfig.parse(
                "{\"resourceList\":[{\"resourceName\":\"a\",\"selectors\":[]}]}", "openshift.io");

        assertThat(config.resourceList().get(0).effectivePrefix(config.defaultResourcePrefix()))
                .isEqualTo("openshift.io");
    }

    @Test
    void invalidConfigsNameTheEntryAndField() {
        assertThatThrownBy(() -> DevicePluginConfig.parse("{\"resourceList\":[{\"resourceName\":\"bad name\"}]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resourceList[0]")
                .hasMessageContaining("resourceName");
        assertThatThrownBy(() -> DevicePluginConfig.parse("{\"resourceList\":[{\"selectors\":{}}]}"))
                .hasMessageContaining("resourceList[0].resourceName is required");
        assertThatThrownBy(() -> DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"a\",\"selectors\":{\"vendors\":\"8086\"}}]}"))
                .hasMessageContaining("resourceList[0] (a).selectors.vendors must be a list of strings");
        assertThatThrownBy(() -> DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"a\",\"selectors\":[{\"isRdma\":\"yes\"}]}]}"))
                .hasMessageContaining("selectors[0].isRdma must be true or false");
        assertThatThrownBy(() -> DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"a\",\"deviceType\":\"gpu\"}]}"))
                .hasMessageContaining("deviceType 'gpu'");
        assertThatThrownBy(() -> DevicePluginConfig.parse(
                        "{\"resourceList\":[{\"resourceName\":\"a\"},{\"resourceName\":\"a\"}]}"))
                .hasMessageContaining("duplicate resource intel.com/a");
        assertThatThrownBy(() -> DevicePluginConfig.parse("{\"resourceList\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> DevicePluginConfig.parse("[]")).hasMessageContaining("resourceList");
    }

    @Test
    void samePrefixedNameTwiceIsDuplicateButDifferentPrefixesAreNot() {
        DevicePluginConfig ok = DevicePluginConfig.parse(
                "{\"resourceList\":[{\"resourceName\":\"a\"},{\"resourceName\":\"a\",\"resourcePrefix\":\"x.io\"}]}");

        assertThat(ok.resourceList()).hasSize(2);
    }

    @Test
    void unknownKeysAreIgnoredLikeGoJsonDoes() {
        DevicePluginConfig config = DevicePluginConfig.parse(
                "{\"resourceList\":[{\"resourceName\":\"a\",\"future\":1,\"selectors\":{\"drivers\":[\"iavf\"],\"x\":2}}]}");

        assertThat(config.resourceList().get(0).selectors().get(0).drivers()).containsExactly("iavf");
        assertThat(config.warnings())
                .containsExactly(
                        "resourceList[0] (a).future: unknown key, ignored",
                        "resourceList[0] (a).selectors.x: unknown key, ignored");
    }

    @Test
    void auxTypesOutsideAnAuxNetDevicePoolIsAWarningNamingThePoolAndField() {
        DevicePluginConfig config = DevicePluginConfig.parse("""
                {"resourceList":[{"resourceName":"net","selectors":[{"drivers":["iavf"]},{"auxTypes":["sf"]}]},
                                 {"resourceName":"aux","deviceType":"auxNetDevice","selectors":{"auxTypes":["sf"]}}],
                 "extra":true}""");

        assertThat(config.warnings())
                .containsExactly(
                        "config.extra: unknown key, ignored",
                        "resourceList[0] (net).selectors[1].auxTypes: applies only to deviceType auxNetDevice;"
                                + " ignored (the device plugin ignores it too)");
        assertThat(DevicePluginConfig.parse("{\"resourceList\":[]}").warnings()).isEmpty();
    }
}
