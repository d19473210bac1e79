package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ipam block as peer projects write it. Each input is the JSON text the project publishes (its
 * README, its tests, what its operator renders), with only {@code type} changed to ours, read the
 * way a CNI runtime hands it over.
 */
class IpamBlockTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The {@code ipam} object of a full CNI config, as the plugin and the planner see it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> ipamOf(String cniConfig) throws Exception {
        Map<String, Object> config = JSON.readValue(cniConfig, Map.class);
        return (Map<String, Object>) java.util.Objects.requireNonNull(config.get("ipam"), "ipam");
    }

    @SuppressWarnings("unchecked")
    private static IpamBlock parse(String ipamJson) throws Exception {
        return IpamBlock.parse(JSON.readValue(ipamJson, Map.class));
    }

    @Test
    void theSriovOperatorsEmptyIpamObjectMeansNoIpam() throws Exception {
        // sriov-network-operator renders "ipam":{} for a SriovNetwork without IPAM.
        IpamBlock b = IpamBlock.parse(ipamOf("{\"cniVersion\":\"1.0.0\",\"name\":\"sriov-network\",\"type\":\"sriov\","
                + "\"vlan\":100,\"vlanQoS\":0,\"logLevel\":\"info\",\"ipam\":{}}"));

        assertThat(b.type()).isNull();
        assertThat(b.isFabricBinder()).isFalse();
        assertThat(b.ranges()).isEmpty();
        assertThat(b.warnings()).isEmpty();
    }

    @Test
    void aNonEmptyBlockWithoutTypeIsAnError() throws Exception {
        assertThatThrownBy(() -> parse("{\"subnet\":\"10.0.0.0/24\"}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessageStartingWith("ipam.type: is required")
                .extracting(e -> ((IpamBlockException) e).field())
                .isEqualTo("ipam.type");
    }

    @Test
    void anotherPluginsBlockKeepsOnlyItsType() throws Exception {
        // sriov-network-operator's docs: a SriovNetwork with host-local IPAM.
        IpamBlock b = parse("{\"type\":\"host-local\",\"subnet\":\"10.56.217.0/24\",\"rangeStart\":\"10.56.217.171\","
                + "\"rangeEnd\":\"10.56.217.181\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],\"gateway\":\"10.56.217.1\"}");

        assertThat(b.type()).isEqualTo("host-local");
        assertThat(b.isFabricBinder()).isFalse();
        assertThat(b.ranges()).isEmpty();
        assertThatThrownBy(() -> b.pool("net")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theHostLocalShapeTheSriovOperatorRendersIsReadStrictly() throws Exception {
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.56.217.0/24\",\"rangeStart\":"
                + "\"10.56.217.171\",\"rangeEnd\":\"10.56.217.181\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
                + "\"gateway\":\"10.56.217.1\"}");

        assertThat(b.ranges())
                .containsExactly(
                        new IpRange("10.56.217.0/24", "10.56.217.171", "10.56.217.181", List.of(), "10.56.217.1"));
        assertThat(b.routes()).containsExactly(new IpamBlock.Route("0.0.0.0/0", null));
        assertThat(b.warnings()).isEmpty();
    }

    @Test
    void whereaboutsReadmeRangeIsTheNetworkContainingItWithAWarning() throws Exception {
        // whereabouts README, "Example Configuration".
        IpamBlock b = IpamBlock.parse(ipamOf("{\"cniVersion\":\"0.3.0\",\"name\":\"whereaboutsexample\","
                + "\"type\":\"macvlan\",\"master\":\"eth0\",\"mode\":\"bridge\",\"ipam\":{\"type\":\"fabricbinder-ipam\","
                + "\"range\":\"192.168.2.225/28\",\"exclude\":[\"192.168.2.229/30\",\"192.168.2.236/32\"]}}"));

        assertThat(b.ranges())
                .containsExactly(new IpRange(
                        "192.168.2.224/28", null, null, List.of("192.168.2.228/30", "192.168.2.236/32"), null));
        assertThat(b.warnings())
                .anySatisfy(w -> assertThat(w)
                        .startsWith("ipam.range: 192.168.2.225/28 has host bits set; read as 192.168.2.224/28"))
                .anySatisfy(w -> assertThat(w).startsWith("ipam.exclude[0]: 192.168.2.229/30 has host bits set"))
                .hasSize(2);
    }

    @Test
    void fabricbinderSubnetStaysStrict() throws Exception {
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"192.168.2.225/28\"}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessageContaining("did you mean 192.168.2.224/28")
                .extracting(e -> ((IpamBlockException) e).field())
                .isEqualTo("ipam.subnet");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"subnet\":\"10.0.0.0/24\"},"
                        + "{\"subnet\":\"fd00::1/64\"}]}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessageStartingWith(
                        "ipam.ipRanges[1].subnet: fd00::1/64 has host bits set; did you mean fd00::/64");
    }

    @Test
    void whereaboutsIpv6ReadmeExampleHasAGatewayOutsideItsRange() throws Exception {
        // whereabouts README, IPv6: "range": "2001::0/116", "gateway": "2001::f:1". The /116 ends at
        // 2001::fff, so the gateway is off-link; whereabouts passes it on unchecked, we name it.
        assertThatThrownBy(() -> parse(
                        "{\"type\":\"fabricbinder-ipam\",\"range\":\"2001::0/116\"," + "\"gateway\":\"2001::f:1\"}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessage("ipam.gateway: gateway 2001::f:1 is outside subnet 2001::/116");

        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"2001::0/116\",\"gateway\":\"2001::1\"}");
        assertThat(b.ranges()).containsExactly(new IpRange("2001::/116", null, null, List.of(), "2001::1"));
        assertThat(b.warnings()).isEmpty();
    }

    @Test
    void whereaboutsIpv6TestCaseWithHostBitsAndSingleAddressExclusions() throws Exception {
        // whereabouts cmd/whereabouts_test.go: "range": "2001::1/116" excluding three /128s.
        IpamBlock b = IpamBlock.parse(ipamOf("{\"cniVersion\":\"0.3.1\",\"name\":\"mynet\",\"type\":\"ipvlan\","
                + "\"master\":\"foo0\",\"ipam\":{\"type\":\"fabricbinder-ipam\",\"log_file\":\"/tmp/whereabouts.log\","
                + "\"log_level\":\"debug\",\"range\":\"2001::1/116\",\"exclude\":[\"2001::0/128\",\"2001::1/128\","
                + "\"2001::2/128\"],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}"));

        assertThat(b.ranges())
                .containsExactly(new IpRange(
                        "2001::/116", null, null, List.of("2001::/128", "2001::1/128", "2001::2/128"), null));
        assertThat(b.warnings())
                .containsExactly("ipam.range: 2001::1/116 has host bits set; read as 2001::/116, the network containing"
                        + " it (as whereabouts does)");
        assertThat(b.routes()).containsExactly(new IpamBlock.Route("0.0.0.0/0", null));
    }

    @Test
    void whereaboutsDualStackIpRangesWithHostBits() throws Exception {
        // whereabouts README, "ipRanges": one address per range.
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"192.168.10.1/24\"},"
                + "{\"range\":\"abcd::1/64\"}]}");

        assertThat(b.ranges()).extracting(IpRange::subnet).containsExactly("192.168.10.0/24", "abcd::/64");
        assertThat(b.warnings())
                .containsExactly(
                        "ipam.ipRanges[0].range: 192.168.10.1/24 has host bits set; read as 192.168.10.0/24, the network"
                                + " containing it (as whereabouts does)",
                        "ipam.ipRanges[1].range: abcd::1/64 has host bits set; read as abcd::/64, the network"
                                + " containing it (as whereabouts does)");
    }

    @Test
    void whereaboutsRangeFormSetsBothBounds() throws Exception {
        // whereabouts README: "range": "192.168.2.225-192.168.2.230/28".
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"192.168.2.225-192.168.2.230/28\"}");

        assertThat(b.ranges())
                .containsExactly(new IpRange("192.168.2.224/28", "192.168.2.225", "192.168.2.230", List.of(), null));
        assertThat(b.warnings()).isEmpty();

        IpamBlock v6 = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"2001:db8:0:0::10-2001:db8::0020/64\","
                + "\"range_start\":\"2001:db8::5\"}");
        assertThat(v6.ranges())
                .containsExactly(new IpRange("2001:db8::/64", "2001:db8::10", "2001:db8::20", List.of(), null));
        assertThat(v6.warnings()).singleElement().asString().startsWith("ipam.range_start: ignored");
    }

    @Test
    void whereaboutsRangeFormWithAStartOutsideTheNetworkIsAnError() throws Exception {
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"10.0.1.5-10.0.0.9/24\"}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessage("ipam.range: range start 10.0.1.5 is outside 10.0.0.0/24 (in '10.0.1.5-10.0.0.9/24')");
    }

    @Test
    void whereaboutsSnakeCaseBoundsAndExcludedBareAddresses() throws Exception {
        // whereabouts README: range_start / range_end, exclude with a bare address.
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"192.168.2.0/24\",\"range_start\":"
                + "\"192.168.2.10\",\"range_end\":\"192.168.2.100\",\"exclude\":[\"192.168.2.50\",\"10.0.0.0/8\"]}");

        assertThat(b.ranges())
                .containsExactly(
                        new IpRange("192.168.2.0/24", "192.168.2.10", "192.168.2.100", List.of("192.168.2.50"), null));
        assertThat(b.warnings())
                .containsExactly(
                        "ipam.exclude[1]: 10.0.0.0/8 is outside 192.168.2.0/24 and is ignored (whereabouts does"
                                + " not check it either)");
    }

    @Test
    void errorsNameTheFieldPathAsWritten() throws Exception {
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"10.0.0.0/24\"},"
                        + "{\"range\":\"10.1.0.0/24\",\"range_start\":\"10.2.0.1\"}]}"))
                .isInstanceOf(IpamBlockException.class)
                .extracting(e -> ((IpamBlockException) e).field())
                .isEqualTo("ipam.ipRanges[1].range_start");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"exclude\":"
                        + "[\"10.0.0.0/30\",\"10.9.0.0/30\"]}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessageStartingWith("ipam.exclude[1]: ");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"1.2.3.4/33\"}]}"))
                .isInstanceOf(IpamBlockException.class)
                .hasMessageStartingWith("ipam.ipRanges[0].range: ");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"gateway\":\"x\"}"))
                .hasMessage("ipam.gateway: 'x' is not an IP address");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":24}"))
                .hasMessageStartingWith("ipam.subnet: must be a string");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\"}")).hasMessageStartingWith("ipam.subnet: ");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"10.0.0.0/24\"}],"
                        + "\"exclude\":[\"10.0.0.1\"]}"))
                .hasMessageStartingWith("ipam.exclude: belongs to a top-level range");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"10.0.0.0/24\"},"
                        + "{\"range\":\"10.0.0.0/25\"}]}"))
                .hasMessageContaining("overlap");
    }

    @Test
    void aTopLevelGatewayBelongsToTheIpRangeThatContainsIt() throws Exception {
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"10.0.0.0/24\"},"
                + "{\"range\":\"fd00::/64\"}],\"gateway\":\"FD00:0:0:0:0:0:0:1\"}");

        assertThat(b.ranges()).extracting(IpRange::gateway).containsExactly(null, "fd00::1");
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"range\":\"10.0.0.0/24\"}],"
                        + "\"gateway\":\"10.9.0.1\"}"))
                .hasMessage("ipam.gateway: 10.9.0.1 is in none of the ipRanges");
    }

    @Test
    void everyAddressIsCanonical() throws Exception {
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"ipRanges\":[{\"subnet\":\"2001:0DB8:0:0:0:0:0:0/116\","
                + "\"rangeStart\":\"2001:db8:0:0:0:0:0:10\",\"exclude\":[\"2001:DB8::0:20/126\"],\"gateway\":"
                + "\"2001:db8:0000::1\"}],\"routes\":[{\"dst\":\"0:0:0:0:0:0:0:0/0\",\"gw\":\"2001:DB8::1\"}],"
                + "\"dns\":{\"nameservers\":[\"2001:4860:4860:0:0:0:0:8888\"],\"domain\":\"example.com\","
                + "\"search\":[\"a.example.com\"],\"options\":[\"ndots:2\"]}}");

        assertThat(b.ranges())
                .containsExactly(new IpRange(
                        "2001:db8::/116", "2001:db8::10", null, List.of("2001:db8::20/126"), "2001:db8::1"));
        assertThat(b.routes()).containsExactly(new IpamBlock.Route("::/0", "2001:db8::1"));
        assertThat(b.dns())
                .isEqualTo(new IpamBlock.Dns(
                        List.of("2001:4860:4860::8888"), "example.com", List.of("a.example.com"), List.of("ndots:2")));
    }

    @Test
    void routeDestinationsAreStrict() throws Exception {
        assertThatThrownBy(() -> parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"routes\":"
                        + "[{\"dst\":\"10.1.0.1/16\"}]}"))
                .hasMessage("ipam.routes[0].dst: 10.1.0.1/16 has host bits set; did you mean 10.1.0.0/16?");
        assertThatThrownBy(
                        () -> parse(
                                "{\"type\":\"fabricbinder-ipam\",\"subnet\":\"10.0.0.0/24\",\"routes\":[{\"gw\":\"10.0.0.1\"}]}"))
                .hasMessage("ipam.routes[0].dst: is required (a CIDR)");
    }

    @Test
    void thePoolIsAPureFunctionOfTheNetworkNameAndTheRanges() throws Exception {
        IpamBlock a = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"192.168.2.225/28\"}");
        IpamBlock same = parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"192.168.2.224/28\","
                + "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}");
        IpamBlock other = parse("{\"type\":\"fabricbinder-ipam\",\"subnet\":\"192.168.3.224/28\"}");

        PoolSpec pool = a.pool("sriov-net-a");
        assertThat(pool.name()).matches("fb-sriov-net-a-[0-9a-f]{8}");
        assertThat(same.pool("sriov-net-a")).isEqualTo(pool);
        assertThat(a.pool("sriov-net-b").name()).isNotEqualTo(pool.name());
        assertThat(other.pool("sriov-net-a").name()).isNotEqualTo(pool.name());
        // Any CNI name gives a valid pool name (PoolSpec checks its rules), also a long odd one.
        String odd = "Net_with.Dots and spaces/" + "x".repeat(200);
        assertThat(a.pool(odd).name()).hasSizeLessThanOrEqualTo(63).startsWith("fb-net-with-dots-and-spaces-");
        // Stable across releases: plugins already running and the planner must agree on it. The
        // digits are SHA-256 over the name and the canonical range text, independently computed:
        // python3 -c "import hashlib; print(hashlib.sha256(b'sriov-net-a\\n192.168.2.224/28
        // 192.168.2.225-192.168.2.238').hexdigest()[:8])"
        assertThat(pool.name()).isEqualTo("fb-sriov-net-a-07a33ff8");
    }

    @Test
    void ignoredWhereaboutsKeysSayWhy() throws Exception {
        IpamBlock b = parse("{\"type\":\"fabricbinder-ipam\",\"range\":\"10.0.0.0/24\",\"network_name\":\"blue\","
                + "\"kubernetes\":{\"kubeconfig\":\"/etc/cni/net.d/whereabouts.d/whereabouts.kubeconfig\"},"
                + "\"log_level\":\"debug\",\"enable_overlapping_ranges\":false}");

        assertThat(b.warnings()).singleElement().asString().startsWith("ipam.network_name: ignored");
    }
}
