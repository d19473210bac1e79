package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabricbinder.sriov.LldpNeighbor.PortSource;
import java.util.List;
import org.junit.jupiter.api.Test;

class LldpNeighborsTest {

    static final String JSON0_JUNOS_LOCAL = """
            {"lldp":[{"interface":[
              {"name":"ens1f0","via":"LLDP","rid":"1","age":"0 day, 00:10:00",
               "chassis":[{"id":[{"type":"mac","value":"00:00:5e:00:53:01"}],"name":[{"value":"leaf1.dc1.example.com"}],
                           "descr":[{"value":"Juniper Networks, Inc. qfx5120"}]}],
               "port":[{"id":[{"type":"local","value":"531"}],"descr":[{"value":"xe-0/0/12"}],"ttl":[{"value":"120"}]}]},
              {"name":"ens1f1","via":"LLDP","rid":"2",
               "chassis":[{"id":[{"type":"mac","value":"00:00:5e:00:53:02"}],"name":[{"value":"leaf2"}]}],
               "port":[{"id":[{"type":"ifname","value":"et-0/0/3"}],"descr":[{"value":"to server7 port 2"}]}]}
            ]}]}""";

    /** Plain json with one interface: objects keyed by name, one-element lists folded. */
    static final String JSON_ONE = """
            {"lldp":{"interface":{"ens1f0":{"via":"LLDP","rid":"1",
              "chassis":{"leaf1.example.com":{"id":{"type":"mac","value":"00:00:00:00:00:02"},"descr":"Juniper Networks",
                         "capability":[{"type":"Bridge","enabled":true},{"type":"Router","enabled":true}]}},
              "port":{"id":{"type":"ifname","value":"xe-0/0/12"},"descr":"xe-0/0/12","ttl":"120"}}}}}""";

    /** Plain json with two interfaces: "interface" turns into a list of one-key objects. */
    static final String JSON_TWO = """
            {"lldp":{"interface":[
              {"ens1f0":{"via":"LLDP","chassis":{"leaf1":{"id":{"type":"mac","value":"00:00:00:00:00:02"}}},
                         "port":{"id":{"type":"local","value":"531"},"descr":"xe-0/0/12"}}},
              {"ens1f1":{"via":"LLDP","chassis":{"id":{"type":"mac","value":"00:00:00:00:00:03"}},
                         "port":{"id":{"type":"mac","value":"00:00:00:00:00:33"}}}}]}}""";

    static final String NMSTATE = """
            {"apiVersion":"nmstate.io/v1beta1","kind":"NodeNetworkState","metadata":{"name":"worker-1"},
             "status":{"currentState":{"interfaces":[
               {"name":"eno1","type":"ethernet","lldp":{"enabled":false}},
               {"name":"ens1f0","type":"ethernet","lldp":{"enabled":true,"neighbors":[[
                 {"type":5,"system-name":"leaf1.dc1.example.com"},
                 {"type":6,"system-description":"Juniper Networks"},
                 {"type":1,"_description":"MAC address","chassis-id":"00:00:5E:00:53:01","chassis-id-type":4},
                 {"type":2,"_description":"Locally assigned","port-id":"531","port-id-type":7},
                 {"type":8,"management-addresses":[]}
               ]]}},
               {"name":"ens1f1","type":"ethernet","lldp":{"enabled":true,"neighbors":[[
                 {"type":2,"_description":"Interface name","port-id":"et-0/0/3","port-id-type":5},
                 {"type":5,"system-name":"leaf2"},
                 {"type":1,"chassis-id":"00:00:5E:00:53:02","chassis-id-type":4}
               ]]}}]}}}""";

    @Test
    void json0LocallyAssignedNumberFallsBackToPortDescriptionAndSaysSo() {
        List<LldpNeighbor> ns = LldpNeighbors.parseLldpcliJson(JSON0_JUNOS_LOCAL);

        assertThat(ns).hasSize(2);
        LldpNeighbor a = ns.get(0);
        assertThat(a.localInterface()).isEqualTo("ens1f0");
        assertThat(a.chassisName()).isEqualTo("leaf1.dc1.example.com");
        assertThat(a.switchHostname()).isEqualTo("leaf1");
        assertThat(a.chassisId()).isEqualTo("00:00:5e:00:53:01");
        assertThat(a.chassisIdType()).isEqualTo("mac");
        assertThat(a.portId()).isEqualTo("531");
        assertThat(a.portIdSubtype()).isEqualTo(PortIdSubtype.LOCALLY_ASSIGNED);
        assertThat(a.switchPort()).isEqualTo("xe-0/0/12");
        assertThat(a.switchPortSource()).isEqualTo(PortSource.PORT_DESCRIPTION);
        LldpNeighbor b = ns.get(1);
        assertThat(b.portIdSubtype()).isEqualTo(PortIdSubtype.INTERFACE_NAME);
        assertThat(b.switchPort()).isEqualTo("et-0/0/3");
        assertThat(b.switchPortSource()).isEqualTo(PortSource.PORT_ID);
    }

    @Test
    void switchPortNameIsThePortOnlyWhenItNamesAnInterface() {
        assertThat(neighbor(PortIdSubtype.LOCALLY_ASSIGNED, "531", "xe-0/0/12").switchPortName())
                .contains("xe-0/0/12");
        assertThat(neighbor(PortIdSubtype.INTERFACE_NAME, "Ethernet1/1", "").switchPortName())
                .contains("Ethernet1/1");
        assertThat(neighbor(PortIdSubtype.INTERFACE_NAME, "swp12", "uplink").switchPortName())
                .contains("swp12");
        // A number with no description, or a description that is prose, names no port.
        assertThat(neighbor(PortIdSubtype.LOCALLY_ASSIGNED, "531", "").switchPortName())
                .isEmpty();
        assertThat(neighbor(PortIdSubtype.LOCALLY_ASSIGNED, "532", "uplink to server 7")
                        .switchPortName())
                .isEmpty();
        assertThat(neighbor(PortIdSubtype.MAC_ADDRESS, "00:00:5e:00:53:01", "").switchPortName())
                .isEmpty();
    }

    private static LldpNeighbor neighbor(PortIdSubtype subtype, String portId, String description) {
        return new LldpNeighbor("ens1f0", "leaf1", "", "", portId, subtype, description);
    }

    @Test
    void plainJsonWithOneInterfaceUsesNamesAsKeys() {
        assertThat(LldpNeighbors.parseLldpcliJson(JSON_ONE)).singleElement().satisfies(n -> {
            assertThat(n.localInterface()).isEqualTo("ens1f0");
            assertThat(n.chassisName()).isEqualTo("leaf1.example.com");
            assertThat(n.chassisId()).isEqualTo("00:00:00:00:00:02");
            assertThat(n.portIdSubtype()).isEqualTo(PortIdSubtype.INTERFACE_NAME);
            assertThat(n.switchPort()).isEqualTo("xe-0/0/12");
            assertThat(n.portDescription()).isEqualTo("xe-0/0/12");
        });
    }

    @Test
    void plainJsonWithTwoInterfacesIsAListOfOneKeyObjects() {
        List<LldpNeighbor> ns = LldpNeighbors.parseLldpcliJson(JSON_TWO);

        assertThat(ns).extracting(LldpNeighbor::localInterface).containsExactly("ens1f0", "ens1f1");
        assertThat(ns.get(0).switchPort()).isEqualTo("xe-0/0/12");
        assertThat(ns.get(0).chassisName()).isEqualTo("leaf1");
        // unnamed chassis: switch known only by chassis id; MAC port id without description stays the id
        assertThat(ns.get(1).chassisName()).isEmpty();
        assertThat(ns.get(1).switchName()).isEqualTo("00:00:00:00:00:03");
        assertThat(ns.get(1).switchPort()).isEqualTo("00:00:00:00:00:33");
        assertThat(ns.get(1).switchPortSource()).isEqualTo(PortSource.PORT_ID);
    }

    @Test
    void nmstateTlvsAreFoundByTypeNotPosition() {
        List<LldpNeighbor> ns = LldpNeighbors.parseNmstate(NMSTATE);

        assertThat(ns).hasSize(2);
        assertThat(ns.get(0).localInterface()).isEqualTo("ens1f0");
        assertThat(ns.get(0).chassisName()).isEqualTo("leaf1.dc1.example.com");
        assertThat(ns.get(0).chassisIdType()).isEqualTo("mac");
        assertThat(ns.get(0).portIdSubtype()).isEqualTo(PortIdSubtype.LOCALLY_ASSIGNED);
        assertThat(ns.get(0).switchPort()).isEqualTo("531"); // no port description TLV: the number, said so
        assertThat(ns.get(0).switchPortSource()).isEqualTo(PortSource.PORT_ID);
        assertThat(ns.get(1).switchHostname()).isEqualTo("leaf2");
        assertThat(ns.get(1).switchPort()).isEqualTo("et-0/0/3");
    }

    @Test
    void emptyAndNeighbourlessOutputsGiveNoNeighbours() {
        assertThat(LldpNeighbors.parseLldpcliJson("")).isEmpty();
        assertThat(LldpNeighbors.parseLldpcliJson("{\"lldp\":[{}]}")).isEmpty();
        assertThat(LldpNeighbors.parseLldpcliJson("{\"lldp\":{}}")).isEmpty();
    }

    @Test
    void garbageIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> LldpNeighbors.parseLldpcliJson("Interface: eth0"))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> LldpNeighbors.parseLldpcliJson("{\"x\":1}")).hasMessageContaining("'lldp'");
        assertThatThrownBy(() -> LldpNeighbors.parseNmstate("{\"x\":1}")).hasMessageContaining("interface list");
    }
}
