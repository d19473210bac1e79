package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabricbinder.sriov.LldpNeighbor.PortSource;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real LLDP: two network namespaces joined by a veth pair, Debian's lldpd in each (own control
 * socket), and the real lldpcli output parsed. "alpha" sends its ifname as port id; "bravo" sends
 * a locally assigned number (531) with description xe-0/0/12, like a Junos leaf. Skipped (not
 * failed) only when not root or when ip/lldpd/lldpcli are missing.
 */
class LldpdIntegrationTest {
    @TempDir
    static Path tmp;

    private static @Nullable LldpdPair pair;
    private static String ifA = "";
    private static String ifB = "";
    private static Path sockA = Path.of("");
    private static Path sockB = Path.of("");

    @BeforeAll
    static void startTwoLldpdsJoinedByVeth() throws Exception {
        assumeTrue(LldpdPair.available(), "needs root, ip, lldpd and lldpcli");
        LldpdPair p = LldpdPair.start(
                tmp,
                List.of(
                        "configure system hostname alpha",
                        "configure lldp tx-interval 1",
                        "configure lldp portidsubtype ifname"),
                List.of(
                        "configure system hostname bravo.example.com",
                        "configure lldp tx-interval 1",
                        "configure ports " + LldpdPair.B + " lldp portidsubtype local 531 description xe-0/0/12"));
        pair = p;
        ifA = p.interfaceA();
        ifB = p.interfaceB();
        sockA = p.socketA();
        sockB = p.socketB();
    }

    @AfterAll
    static void stopDaemonsAndDeleteNamespaces() throws Exception {
        LldpdPair p = pair;
        if (p != null) {
            p.close();
        }
    }

    @Test
    void json0FromRealLldpdGivesChassisAndPortWithSubtype() throws Exception {
        LldpNeighbor seenByA = awaitNeighbor(
                sockA,
                "json0",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);
        LldpNeighbor seenByB = awaitNeighbor(
                sockB,
                "json0",
                n -> n.chassisName().equals("alpha") && n.portIdSubtype() == PortIdSubtype.INTERFACE_NAME);

        assertThat(seenByA.localInterface()).isEqualTo(ifA);
        assertThat(seenByA.portId()).isEqualTo("531");
        assertThat(seenByA.portDescription()).isEqualTo("xe-0/0/12");
        assertThat(seenByA.switchPort()).isEqualTo("xe-0/0/12");
        assertThat(seenByA.switchPortSource()).isEqualTo(PortSource.PORT_DESCRIPTION);
        assertThat(seenByA.switchHostname()).isEqualTo("bravo");
        assertThat(seenByA.chassisIdType()).isEqualTo("mac");
        assertThat(seenByB.localInterface()).isEqualTo(ifB);
        assertThat(seenByB.portId()).isEqualTo(ifA);
        assertThat(seenByB.switchPort()).isEqualTo(ifA);
        assertThat(seenByB.switchPortSource()).isEqualTo(PortSource.PORT_ID);
    }

    @Test
    void plainJsonFromRealLldpdParsesToTheSameNeighbour() throws Exception {
        LldpNeighbor viaJson0 = awaitNeighbor(
                sockA,
                "json0",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);

        LldpNeighbor viaJson = awaitNeighbor(
                sockA,
                "json",
                n -> n.chassisName().equals("bravo.example.com")
                        && n.portIdSubtype() == PortIdSubtype.LOCALLY_ASSIGNED);

        assertThat(viaJson).isEqualTo(viaJson0);
    }

    private static LldpNeighbor awaitNeighbor(Path sock, String format, Predicate<LldpNeighbor> wanted)
            throws Exception {
        return java.util.Objects.requireNonNull(pair, "pair").awaitNeighbor(sock, format, wanted);
    }
}
