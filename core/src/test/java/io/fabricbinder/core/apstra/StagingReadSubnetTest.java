package io.fabricbinder.core.apstra;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.IpPrefix;
import org.junit.jupiter.api.Test;

/** Apstra's subnet text is read as a value, so spellings of one prefix compare equal. */
class StagingReadSubnetTest {

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
}
