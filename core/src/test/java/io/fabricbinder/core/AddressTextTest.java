package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.core.manifest.IpPrefix;
import org.junit.jupiter.api.Test;

class AddressTextTest {

    @Test
    void ipv6IsWrittenInRfc5952Form() {
        assertThat(AddressText.of(IpPrefix.parse("fd00:200:0:0:0:0:0:0/64"))).isEqualTo("fd00:200::/64");
        assertThat(AddressText.of(IpPrefix.parseAddress("fd00:0:0:1:0:0:0:1"))).isEqualTo("fd00:0:0:1::1");
        assertThat(AddressText.of(IpPrefix.parseAddress("1:0:2:0:3:0:4:0"))).isEqualTo("1:0:2:0:3:0:4:0");
        assertThat(AddressText.of(IpPrefix.parseAddress("::"))).isEqualTo("::");
        assertThat(AddressText.of(IpPrefix.parseAddress("::1"))).isEqualTo("::1");
        assertThat(AddressText.of(IpPrefix.parseAddress("FD00:AB::"))).isEqualTo("fd00:ab::");
        assertThat(AddressText.of(IpPrefix.parse("10.1.0.0/16"))).isEqualTo("10.1.0.0/16");
    }
}
