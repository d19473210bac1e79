package io.fabricbinder.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuickstartCommandTest {

    @Test
    void runsTheSeedWorkflowEndToEndAndUntagsAfterTheLastPod() {
        CliRun run = CliRun.of("quickstart");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out())
                .contains("[1/6] Starting the Apstra emulator")
                .contains("+ routing zone tenant-blue/blue-mesh")
                .contains("1 commit (deploy)")
                .containsPattern("leaf1 xe-0/0/10 +VLAN 101 \\(fb-tenant-blue-blue-web-[0-9a-f]+\\) tagged")
                .containsPattern("tenant-blue/web-1 +net1 +10\\.10\\.1\\.\\d+/24 +on tenant-blue/blue-web")
                .contains("kept     leaf1 xe-0/0/10 VLAN 101 (tenant-blue/blue-web): still used by tenant-blue/web-3")
                .contains(
                        "untagged leaf1 xe-0/0/10 VLAN 101 (tenant-blue/blue-web): tenant-blue/web-3 was the last pod")
                .contains("untagged leaf2 xe-0/0/12 VLAN 102 (tenant-blue/blue-db): tenant-blue/db-1 was the last pod");
        String after = run.out().substring(run.out().indexOf("[6/6]"));
        assertThat(after).contains("(no VLAN on any server port)");
    }
}
