package io.fabricbinder.sriov;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DevicePluginEnvTest {

    @Test
    void variableNameReplacesOnlyDotsAndUpperCasesInRootLocale() {
        assertThat(DevicePluginEnv.variableName("intel.com", "sriov")).isEqualTo("PCIDEVICE_INTEL_COM_SRIOV");
        assertThat(DevicePluginEnv.variableName("openshift.io", "leaf-a_vfs"))
                .isEqualTo("PCIDEVICE_OPENSHIFT_IO_LEAF-A_VFS");
        // Turkish locale would turn "i" into a dotted capital I; Locale.ROOT must not
        assertThat(DevicePluginEnv.variableName("example.io", "iavf")).isEqualTo("PCIDEVICE_EXAMPLE_IO_IAVF");
    }

    @Test
    void parsesAllocationsAndAttachesInfo() {
        Map<String, String> env = Map.of(
                "PCIDEVICE_INTEL_COM_SRIOV", "0000:03:02.1,0000:03:04.3",
                "PCIDEVICE_INTEL_COM_SRIOV_INFO",
                        "{\"0000:03:02.1\":{\"generic\":{\"deviceID\":\"0000:03:02.1\"},\"extraInfo\":{\"token\":\"abc\"}}}",
                "PATH", "/usr/bin");

        List<DevicePluginEnv.Allocation> allocations = DevicePluginEnv.parse(env);

        assertThat(allocations).singleElement().satisfies(a -> {
            assertThat(a.variable()).isEqualTo("PCIDEVICE_INTEL_COM_SRIOV");
            assertThat(a.devices()).containsExactly(PciAddress.parse("0000:03:02.1"), PciAddress.parse("0000:03:04.3"));
            assertThat(a.extraInfo(PciAddress.parse("0000:03:02.1"))).containsEntry("token", "abc");
            assertThat(a.extraInfo(PciAddress.parse("0000:03:04.3"))).isEmpty();
        });
        assertThat(DevicePluginEnv.resourceFor(
                        "PCIDEVICE_INTEL_COM_SRIOV", List.of("example.com/x", "intel.com/sriov")))
                .contains("intel.com/sriov");
    }

    @Test
    void badAddressNamesTheVariable() {
        assertThatThrownBy(() -> DevicePluginEnv.parse(Map.of("PCIDEVICE_X_Y", "0000:03:02.1,eth0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PCIDEVICE_X_Y")
                .hasMessageContaining("eth0");
    }

    /** Property: a generated {@code pf#list} selects exactly the indices a brute-force model says. */
    @Test
    void generatedRangesSelectExactlyTheirIndices() {
        long seed = TestSeed.announce("generatedRangesSelectExactlyTheirIndices");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 500; round++) {
            BitSet expected = new BitSet();
            StringBuilder list = new StringBuilder();
            int items = 1 + rnd.nextInt(4);
            for (int i = 0; i < items; i++) {
                if (i > 0) {
                    list.append(',');
                }
                int a = rnd.nextInt(64);
                if (rnd.nextBoolean()) {
                    int b = a + rnd.nextInt(8);
                    list.append(a).append('-').append(b);
                    expected.set(a, b + 1);
                } else {
                    list.append(a);
                    expected.set(a);
                }
            }
            String entry = (rnd.nextBoolean() ? "Ens1F0" : "ens1f0") + "#" + list;
            VfRange range = VfRange.parse(entry);
            for (int vf = 0; vf < 80; vf++) {
                assertThat(range.selectsByName("ens1f0", vf))
                        .as("seed %d entry %s vf %d", seed, entry, vf)
                        .isEqualTo(expected.get(vf));
                assertThat(range.selectsByName("ens1f1", vf)).isFalse();
            }
            String pfName = "p" + rnd.nextInt(10) + (rnd.nextBoolean() ? ".x" : "-y");
            String name = "n" + rnd.nextInt(100);
            assertThat(DevicePluginEnv.resourceFor(
                            DevicePluginEnv.variableName(pfName, name), List.of(pfName + "/" + name)))
                    .contains(pfName + "/" + name);
        }
    }
}
