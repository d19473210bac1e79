package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PoolSpecTest {
    private static BigInteger capacity(IpRange r) {
        return r.compile().capacity;
    }

    private static BigInteger pow2(int n) {
        return BigInteger.ONE.shiftLeft(n);
    }

    @Test
    void ipv4ReservesNetworkAndBroadcastExceptOn31And32() {
        assertThat(capacity(IpRange.ofSubnet("10.0.0.0/24"))).isEqualTo(254);
        assertThat(capacity(IpRange.ofSubnet("10.0.0.0/30"))).isEqualTo(2);
        assertThat(capacity(IpRange.ofSubnet("10.0.0.0/31"))).isEqualTo(2);
        assertThat(capacity(IpRange.ofSubnet("10.0.0.7/32"))).isEqualTo(1);
        assertThat(capacity(IpRange.ofSubnet("0.0.0.0/0"))).isEqualTo(pow2(32).subtract(BigInteger.TWO));
    }

    @Test
    void ipv6ReservesSubnetRouterAnycastExceptOn127And128() {
        assertThat(capacity(IpRange.ofSubnet("fd00::/64"))).isEqualTo(pow2(64).subtract(BigInteger.ONE));
        assertThat(capacity(IpRange.ofSubnet("fd00::/127"))).isEqualTo(2);
        assertThat(capacity(IpRange.ofSubnet("fd00::1/128"))).isEqualTo(1);
        assertThat(capacity(IpRange.ofSubnet("::/0"))).isEqualTo(pow2(128).subtract(BigInteger.ONE));
    }

    @Test
    void capacityIsExactForEveryPrefixLength() {
        for (int p = 0; p <= 128; p++) {
            BigInteger expected = p >= 127 ? pow2(128 - p) : pow2(128 - p).subtract(BigInteger.ONE);
            assertThat(capacity(IpRange.ofSubnet("::/" + p))).as("/%d", p).isEqualTo(expected);
        }
        for (int p = 0; p <= 32; p++) {
            BigInteger expected = p >= 31 ? pow2(32 - p) : pow2(32 - p).subtract(BigInteger.TWO);
            assertThat(capacity(IpRange.ofSubnet("0.0.0.0/" + p))).as("/%d", p).isEqualTo(expected);
        }
    }

    @Test
    void exclusionsAndGatewayAreSubtractedOnceEvenWhenTheyOverlap() {
        IpRange r = new IpRange(
                "10.0.0.0/24",
                "10.0.0.10",
                "10.0.0.99",
                List.of("10.0.0.16/28", "10.0.0.20", "10.0.0.200/29", "10.0.0.0/30"),
                "10.0.0.50");

        assertThat(capacity(r)).isEqualTo(90 - 16 - 1);
    }

    @Test
    void randomExclusionSetsGiveExactCapacities() {
        long seed = Long.getLong("ipam.seed", new SplittableRandom().nextLong());
        System.out.println("randomExclusionSetsGiveExactCapacities seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            boolean[] excluded = new boolean[256];
            excluded[0] = true;
            excluded[255] = true;
            List<String> ex = new java.util.ArrayList<>();
            int n = rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                int len = 28 + rnd.nextInt(5);
                int size = 1 << (32 - len);
                int base = rnd.nextInt(256 / size) * size;
                ex.add(len == 32 ? "192.168.5." + base : "192.168.5." + base + "/" + len);
                for (int a = base; a < base + size; a++) {
                    excluded[a] = true;
                }
            }
            int free = 0;
            for (boolean e : excluded) {
                free += e ? 0 : 1;
            }
            if (free == 0) {
                continue;
            }
            IpRange r = new IpRange("192.168.5.0/24", null, null, ex, null);
            assertThat(capacity(r)).as("seed %d round %d %s", seed, round, ex).isEqualTo(free);
        }
    }

    @Test
    void invalidConfigurationsAreRejectedWithTheFieldNamed() {
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.5/24"))
                .hasMessageContaining("host bits")
                .hasMessageContaining("10.0.0.0/24");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.0")).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> IpRange.ofSubnet("10.0.0.256/24")).hasMessageContaining("subnet is not an IP");
        assertThatThrownBy(() -> IpRange.ofSubnet("localhost/24")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", "10.0.1.5", null, List.of(), null))
                .hasMessageContaining("rangeStart 10.0.1.5 is outside subnet");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", "10.0.0.0", null, List.of(), null))
                .hasMessageContaining("rangeStart")
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, "10.0.0.255", List.of(), null))
                .hasMessageContaining("rangeEnd");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", "10.0.0.50", "10.0.0.40", List.of(), null))
                .hasMessageContaining("after rangeEnd");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of("10.0.1.0/28"), null))
                .hasMessageContaining("exclude[0] 10.0.1.0/28 is outside subnet");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of("fd00::1"), null))
                .hasMessageContaining("exclude[0]")
                .hasMessageContaining("family");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of(), "10.0.1.1"))
                .hasMessageContaining("gateway 10.0.1.1");
        assertThatThrownBy(() -> new IpRange("10.0.0.0/24", null, null, List.of(), "10.0.0.255"))
                .hasMessageContaining("gateway");
        assertThatThrownBy(() -> new IpRange("10.0.0.1/32", null, null, List.of("10.0.0.1"), null))
                .hasMessageContaining("no allocatable address");
        assertThatThrownBy(() -> new IpRange("fd00::/64", "fd00::", null, List.of(), null))
                .hasMessageContaining("subnet-router anycast");
    }

    @Test
    void poolsRejectOverlappingRangesBadNamesAndNoRanges() {
        assertThatThrownBy(() -> new PoolSpec(
                        "net", List.of(IpRange.ofSubnet("10.0.0.0/24"), IpRange.ofSubnet("10.0.0.128/25"))))
                .hasMessageContaining("ranges[0] and ranges[1] overlap");
        assertThatThrownBy(() -> new PoolSpec("bad/name", List.of(IpRange.ofSubnet("10.0.0.0/24"))))
                .hasMessageContaining("pool name");
        assertThatThrownBy(() -> new PoolSpec("net", List.of())).hasMessageContaining("1..16 ranges");
    }

    @Test
    void ipv4MappedAndCompressedIpv6AreCanonicalised() {
        assertThat(Addresses.format(Addresses.parse("::ffff:1.2.3.4", "a"))).isEqualTo("::ffff:102:304");
        assertThat(Addresses.format(Addresses.parse("2001:DB8:0:0:1:0:0:1", "a")))
                .isEqualTo("2001:db8::1:0:0:1");
        assertThat(Addresses.format(Addresses.parse("fd00:0:0:0:0:0:0:0", "a"))).isEqualTo("fd00::");
        assertThat(Addresses.format(Addresses.parse("0:0:0:0:0:0:0:1", "a"))).isEqualTo("::1");
        assertThat(Addresses.format(Addresses.parse("1:0:2:0:3:0:4:0", "a"))).isEqualTo("1:0:2:0:3:0:4:0");
    }
}
