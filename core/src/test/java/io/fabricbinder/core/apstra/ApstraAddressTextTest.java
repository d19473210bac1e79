package io.fabricbinder.core.apstra;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.IpPrefix;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/**
 * Apstra's subnet and gateway text is read as values (ipam's parser), so spellings of one prefix or
 * address compare equal; text that is neither never fails a read or an apply.
 */
class ApstraAddressTextTest {

    @Test
    void apstraSpellingsOfOnePrefixReadAsTheSameValue() {
        assertThat(StagingRead.subnet("ns/a", "fd00:0200:0000::/64")).isEqualTo(IpPrefix.parse("fd00:200::/64"));
        assertThat(StagingRead.subnet("ns/a", "FD00:200::/64")).isEqualTo(IpPrefix.parse("fd00:200::/64"));
        assertThat(StagingRead.subnet("ns/a", " 10.1.0.0/24 ")).isEqualTo(IpPrefix.parse("10.1.0.0/24"));
    }

    @Test
    void textThatIsNoPrefixReadsAsNullSoThePlannerRewritesIt() {
        assertThat(StagingRead.subnet("ns/a", null)).isNull();
        assertThat(StagingRead.subnet("ns/a", "")).isNull();
        assertThat(StagingRead.subnet("ns/a", "10.1.0.5/24")).isNull();
        assertThat(StagingRead.subnet("ns/a", "not-a-subnet")).isNull();
    }

    @Test
    void apstraSpellingsOfOneGatewayReadAsTheSameAddress() {
        assertThat(StagingRead.gateway("ns/a", "FD00:0200:0000::0001")).isEqualTo(IpPrefix.parseAddress("fd00:200::1"));
        assertThat(StagingRead.gateway("ns/a", " 10.1.0.1 ")).isEqualTo(IpPrefix.parseAddress("10.1.0.1"));
        assertThat(StagingRead.gateway("ns/a", null)).isNull();
        assertThat(StagingRead.gateway("ns/a", "10.1.0.1/24")).isNull();
        assertThat(StagingRead.gateway("ns/a", "gateway")).isNull();
    }

    @Test
    void aGatewayMatchesAsAnAddressAndTextThatIsNoAddressMatchesNothing() {
        InetAddress want = IpPrefix.parseAddress("fd00:200::1");
        assertThat(NetworkStep.gatewayMatches(want, true, "FD00:200:0::1")).isTrue();
        assertThat(NetworkStep.gatewayMatches(want, true, "fd00:200::2")).isFalse();
        assertThat(NetworkStep.gatewayMatches(want, false, "fd00:200::1")).isFalse();
        assertThat(NetworkStep.gatewayMatches(want, true, null)).isFalse();
        assertThat(NetworkStep.gatewayMatches(want, true, "not-an-address")).isFalse();
        assertThat(NetworkStep.gatewayMatches(null, true, "not-an-address")).isFalse();
        assertThat(NetworkStep.gatewayMatches(null, true, "10.0.0.1")).isFalse();
        assertThat(NetworkStep.gatewayMatches(null, false, "10.0.0.1")).isTrue();
        assertThat(NetworkStep.gatewayMatches(null, null, null)).isTrue();
        assertThat(NetworkStep.gatewayMatches(IpPrefix.parseAddress("10.0.0.1"), true, "::ffff:10.0.0.1"))
                .isFalse();
    }
}
