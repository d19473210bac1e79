package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpPrefixTest {

    @Test
    void containsAddressesAndPrefixesOfItsFamilyOnly() {
        assertThat(IpPrefix.parse("10.0.0.0/8").contains(IpPrefix.parseAddress("10.255.1.1")))
                .isTrue();
        assertThat(IpPrefix.parse("10.0.0.0/8").contains(IpPrefix.parseAddress("11.0.0.1")))
                .isFalse();
        assertThat(IpPrefix.parse("10.0.0.0/8").contains(IpPrefix.parseAddress("::1")))
                .isFalse();
        assertThat(IpPrefix.parse("0.0.0.0/0").contains(IpPrefix.parse("1.2.3.0/24")))
                .isTrue();
        assertThat(IpPrefix.parse("1.2.3.0/24").contains(IpPrefix.parse("0.0.0.0/0")))
                .isFalse();
        assertThat(IpPrefix.parse("2001:db8::/32").contains(IpPrefix.parseAddress("2001:db8:ffff::1")))
                .isTrue();
    }

    @Test
    void ipv4MappedIpv6StaysIpv6AsInIpRange() {
        IpPrefix mapped = IpPrefix.parse("::ffff:10.0.0.0/120");
        assertThat(mapped.isIpv4()).isFalse();
        assertThat(mapped.contains(IpPrefix.parseAddress("10.0.0.1"))).isFalse();
        assertThat(mapped.contains(IpPrefix.parseAddress("::ffff:10.0.0.1"))).isTrue();
        assertThat(mapped).hasToString("::ffff:a00:0/120");
    }

    @Test
    void lastContainingHostAndCanonicalText() {
        assertThat(IpPrefix.parse("10.1.0.0/16").last()).isEqualTo(IpPrefix.parseAddress("10.1.255.255"));
        assertThat(IpPrefix.parse("fd00::/8").isIpv4()).isFalse();
        assertThat(IpPrefix.parse("10.1.0.0/16").isIpv4()).isTrue();
        assertThat(IpPrefix.containing(IpPrefix.parseAddress("10.1.2.3"), 16)).hasToString("10.1.0.0/16");
        assertThat(IpPrefix.host(IpPrefix.parseAddress("fd00::7"))).hasToString("fd00::7/128");
        assertThat(IpPrefix.parse("FD00:0:0:0::/64")).hasToString("fd00::/64");
    }

    @Test
    void aRangesSubnetIsItsPrefix() {
        assertThat(IpRange.ofSubnet("10.20.0.0/16").prefix()).isEqualTo(IpPrefix.parse("10.20.0.0/16"));
        assertThat(IpRange.ofSubnet("fd00:20::/64").prefix().prefixLength()).isEqualTo(64);
        assertThat(IpRange.ofSubnet("FD00:20:0::/64").prefix()).hasToString("fd00:20::/64");
    }

    @Test
    void badTextIsRejectedNamingIt() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.1/24"))
                .hasMessage("host bits are set in 10.0.0.1/24 (did you mean 10.0.0.0/24?)");
        assertThatThrownBy(() -> IpPrefix.parse("fd00::1/64"))
                .hasMessage("host bits are set in fd00::1/64 (did you mean fd00::/64?)");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/33")).hasMessage("prefix length 33 is out of range 0..32");
        assertThatThrownBy(() -> IpPrefix.containing(IpPrefix.parseAddress("10.0.0.0"), -1))
                .hasMessage("prefix length -1 is out of range 0..32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0"))
                .hasMessage("'10.0.0.0' is not a CIDR (expected address/length)");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/x")).hasMessage("'10.0.0.0/x' has a bad prefix length 'x'");
        assertThatThrownBy(() -> IpPrefix.parseAddress("example.com"))
                .hasMessage("address is not an IP address: 'example.com'");
        assertThatThrownBy(() -> IpPrefix.parseAddress("256.0.0.1"))
                .hasMessage("address is not an IP address: '256.0.0.1'");
        assertThatThrownBy(() -> IpPrefix.parseAddress("fd00:::zz"))
                .hasMessage("address is not an IP address: 'fd00:::zz'");
    }

    @Test
    void aSignedPrefixLengthIsRejected() {
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/+24")).hasMessage("prefix length +24 is out of range 0..32");
        assertThatThrownBy(() -> IpPrefix.parse("10.0.0.0/-0")).hasMessage("prefix length -0 is out of range 0..32");
    }

    @Test
    void aRangeParsesItsSubnetAndExclusionsWithTheSameParserInItsOwnWords() {
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.0"))
                .hasMessage("subnet must be a CIDR like 10.0.0.0/24: '10.0.0.0'");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.x/24")).hasMessage("subnet is not an IP address: '10.0.0.x'");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.0/x"))
                .hasMessage("subnet '10.0.0.0/x' has an invalid prefix length 'x'");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.0/+24"))
                .hasMessage("subnet '10.0.0.0/+24' prefix length must be 0..32: '+24'");
        assertThatThrownBy(() -> IpRange.ofSubnet("fd00::/129"))
                .hasMessage("subnet 'fd00::/129' prefix length must be 0..128: '129'");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.1/24"))
                .hasMessage("subnet 10.0.0.1/24 has host bits set; did you mean 10.0.0.0/24?");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of("10.0.0.1/30"), null))
                .hasMessage("exclude[0] 10.0.0.1/30 has host bits set");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of("10.0.0.0/33"), null))
                .hasMessage("exclude[0] '10.0.0.0/33' prefix length must be 0..32: '33'");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of("fd00::/64"), null))
                .hasMessage("exclude[0] fd00::/64 is not of the same family as subnet 10.0.0.0/24");
        assertThat(new IpRange("10.0.0.0/24", null, null, List.of("10.0.0.8/29", "10.0.0.20"), null).compile().capacity)
                .hasToString("245");
    }
}
