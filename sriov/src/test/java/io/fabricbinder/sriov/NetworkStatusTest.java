package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Objects;
import org.junit.jupiter.api.Test;

class NetworkStatusTest {

    @Test
    void readsEntriesWithDeviceInfo() {
        NetworkStatus.Parsed p = NetworkStatus.parseAnnotation("""
                [{"name":"ovn-kubernetes","interface":"eth0","ips":["10.128.0.5"],"default":true},
                 {"name":"apps/leaf","interface":"net1","mac":"aa:bb:cc:dd:ee:ff",
                  "device-info":{"type":"pci","version":"1.1.0",
                                 "pci":{"pci-address":"0000:3b:02.1","pf-pci-address":"0000:3b:00.0"}}},
                 {"name":"apps/vdpa","device-info":{"type":"vdpa","vdpa":{"pci-address":"0000:af:02.0"}}}]""");

        assertThat(p.problems()).isEmpty();
        assertThat(p.statuses()).hasSize(3);
        assertThat(p.statuses().get(0).isDefault()).isTrue();
        assertThat(p.statuses().get(0).findDeviceInfo()).isEmpty();
        NetworkStatus.Pci pci = Objects.requireNonNull(
                p.statuses().get(1).findDeviceInfo().orElseThrow().pci());
        assertThat(pci.pciAddress()).isEqualTo(PciAddress.parse("0000:3b:02.1"));
        assertThat(pci.pfPciAddress()).isEqualTo(PciAddress.parse("0000:3b:00.0"));
        assertThat(Objects.requireNonNull(p.statuses()
                                .get(2)
                                .findDeviceInfo()
                                .orElseThrow()
                                .vdpa())
                        .pciAddress())
                .isEqualTo(PciAddress.parse("0000:af:02.0"));
        assertThat(PodDevices.fromNetworkStatus("[{\"name\":\"a/v\",\"device-info\":{\"type\":\"vdpa\","
                        + "\"vdpa\":{\"pci-address\":\"0000:af:02.0\"}}}]"))
                .extracting(PodDevice::pciAddress)
                .containsExactly(PciAddress.parse("0000:af:02.0"));
    }

    @Test
    void everyProblemIsNamedByItsFieldAndTheRestIsKept() {
        NetworkStatus.Parsed p = NetworkStatus.parseAnnotation("""
                [{"interface":"eth0"},
                 {"name":"apps/a","default":"yes","device-info":{"type":"pci","pci":{}}},
                 {"name":"apps/b","ips":[5]},
                 7,
                 {"name":"apps/ok"}]""");

        assertThat(p.problems())
                .containsExactly(
                        new NetworkStatus.Problem("[0].name", "is required"),
                        new NetworkStatus.Problem("[1].default", "must be true or false, got 'yes'"),
                        new NetworkStatus.Problem("[1].device-info.pci.pci-address", "is required"),
                        new NetworkStatus.Problem("[2].ips[0]", "must be a string, got 5"),
                        new NetworkStatus.Problem("[3]", "must be an object"));
        assertThat(p.statuses()).extracting(NetworkStatus::name).containsExactly("apps/b", "apps/ok");
        assertThat(NetworkStatus.parseAnnotation("{}").problems())
                .containsExactly(new NetworkStatus.Problem("", "must be a JSON list"));
        assertThat(NetworkStatus.parseAnnotation("[").problems().get(0).message())
                .startsWith("malformed JSON: ");
    }
}
