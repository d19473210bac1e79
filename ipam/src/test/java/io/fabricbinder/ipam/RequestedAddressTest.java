package io.fabricbinder.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requested addresses: NPWG {@code ips} and CNI {@code runtimeConfig.ips} are granted or refused, never replaced. */
class RequestedAddressTest {
    private final InMemoryIpPoolStore store = new InMemoryIpPoolStore();
    private final IpAllocator alloc = IpAllocator.builder(store).randomSeed(5).build();
    private final PoolSpec dual = new PoolSpec(
            "dual",
            List.of(
                    new IpRange("10.0.0.0/24", "10.0.0.10", "10.0.0.200", List.of("10.0.0.64/28"), "10.0.0.1"),
                    IpRange.ofSubnet("fd00::/64")));
    private final Owner a = new Owner("ns", "a", "uid-a", "net1");
    private final Owner b = new Owner("ns", "b", "uid-b", "net1");

    private static RequestedAddressException.Reason reason(Throwable t) {
        return ((RequestedAddressException) t).reason();
    }

    @Test
    void aFreeAddressInRangeIsGrantedAndTheOtherRangeGetsAnyAddress() {
        Allocation got = alloc.allocate(dual, a, List.of("10.0.0.42/24"));

        assertThat(got.addresses().get(0).cidr()).isEqualTo("10.0.0.42/24");
        assertThat(got.addresses().get(1).cidr()).startsWith("fd00::").endsWith("/64");
        // Idempotent for the same owner, with or without the request.
        assertThat(alloc.allocate(dual, a, List.of("10.0.0.42"))).isEqualTo(got);
        assertThat(alloc.allocate(dual, a)).isEqualTo(got);
        // Both families requested, IPv6 in non-canonical text.
        Allocation both = alloc.allocate(dual, b, List.of("FD00:0:0:0:0:0:0:77", "10.0.0.43"));
        assertThat(both.addresses()).extracting(AssignedAddress::cidr).containsExactly("10.0.0.43/24", "fd00::77/64");
    }

    @Test
    void anAddressHeldByAnotherOwnerIsRefusedNamingTheHolder() {
        alloc.allocate(dual, a, List.of("10.0.0.42"));

        assertThatThrownBy(() -> alloc.allocate(dual, b, List.of("10.0.0.42")))
                .isInstanceOf(RequestedAddressException.class)
                .hasMessage("requested address 10.0.0.42 in pool dual is held by ns/a/uid-a/net1")
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.HELD));
        assertThat(alloc.find(dual, b)).isEmpty();
        // Released, it can be requested again.
        alloc.release(dual, a);
        assertThat(alloc.allocate(dual, b, List.of("10.0.0.42"))
                        .addresses()
                        .get(0)
                        .cidr())
                .isEqualTo("10.0.0.42/24");
    }

    @Test
    void outsideTheRangesOrReservedIsRefusedAndNothingIsAllocated() {
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("10.0.1.5")))
                .hasMessage("requested address 10.0.1.5 is outside the ranges of pool dual [10.0.0.0/24 (allocatable"
                        + " 10.0.0.10-10.0.0.200)]")
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.OUTSIDE_RANGES));
        // Inside the subnet but outside rangeStart..rangeEnd.
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("10.0.0.5")))
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.OUTSIDE_RANGES));
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("10.0.0.70")))
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.RESERVED));
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("fd00::")))
                .hasMessageContaining("is a reserved address of fd00::/64")
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.RESERVED));
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("10.0.0.20", "10.0.0.21")))
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.SAME_RANGE));
        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("web-0")))
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.OUTSIDE_RANGES));
        assertThat(alloc.list(dual)).isEmpty();
    }

    @Test
    void anOwnerHoldingAnotherAddressCannotSwitchWithoutRelease() {
        alloc.allocate(dual, a, List.of("10.0.0.42"));

        assertThatThrownBy(() -> alloc.allocate(dual, a, List.of("10.0.0.43")))
                .hasMessage(
                        "ns/a/uid-a/net1 already holds 10.0.0.42 in pool dual, not the requested 10.0.0.43 (release it"
                                + " to change the address)")
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.OWNER_HOLDS_ANOTHER));
    }

    @Test
    void theRequestCheckWithoutAStoreMatchesTheAllocator() {
        assertThat(dual.requestedPerRange(List.of("fd00::5/64")))
                .isEqualTo(Arrays.asList(null, IpPrefix.parseAddress("fd00::5")));
        assertThat(dual.requestedPerRange(List.of())).isEqualTo(Arrays.asList(null, null));
        assertThatThrownBy(() -> dual.requestedPerRange(List.of("10.0.0.1")))
                .satisfies(t -> assertThat(reason(t)).isEqualTo(RequestedAddressException.Reason.RESERVED));
    }
}
