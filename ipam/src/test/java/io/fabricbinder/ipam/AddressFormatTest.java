package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressFormatTest {

    @Test
    void ipv6IsWrittenInRfc5952Form() throws UnknownHostException {
        assertThat(canonical("fd00:0:0:1:0:0:0:1")).isEqualTo("fd00:0:0:1::1");
        assertThat(canonical("1:0:2:0:3:0:4:0")).isEqualTo("1:0:2:0:3:0:4:0");
        assertThat(canonical("1:0:0:2:0:0:0:3")).isEqualTo("1:0:0:2::3");
        assertThat(canonical("1:0:0:2:0:0:3:4")).isEqualTo("1::2:0:0:3:4");
        assertThat(canonical("::")).isEqualTo("::");
        assertThat(canonical("::1")).isEqualTo("::1");
        assertThat(canonical("FD00:AB::")).isEqualTo("fd00:ab::");
        assertThat(canonical("2001:db8:0:0:0:0:0:0")).isEqualTo("2001:db8::");
    }

    @Test
    void ipv4IsADottedQuad() throws UnknownHostException {
        assertThat(canonical("10.1.0.255")).isEqualTo("10.1.0.255");
        assertThat(canonical("0.0.0.0")).isEqualTo("0.0.0.0");
    }

    private static String canonical(String literal) throws UnknownHostException {
        return AddressFormat.canonical(InetAddress.getByName(literal));
    }
}
