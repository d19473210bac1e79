package io.fabricbinder.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabricbinder.ipam.IpPrefix;
import io.fabricbinder.ipam.Owner;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ObjectRefTest {

    @Test
    void textIsWhatPlansShowAndPartsAreTyped() {
        ObjectRef pod = ObjectRef.of("Pod", "tenant-blue", "web-0");
        assertThat(pod).hasToString("Pod tenant-blue/web-0");
        assertThat(pod.kind()).isEqualTo("Pod");
        assertThat(pod.namespace()).isEqualTo("tenant-blue");
        assertThat(pod.name()).isEqualTo("web-0");
        assertThat(pod.key()).isEqualTo("tenant-blue/web-0");
        assertThat(pod.is("Pod")).isTrue();
        assertThat(ObjectRef.clusterScoped("FabricBinderNode", "w1")).hasToString("FabricBinderNode w1");
        assertThat(ObjectRef.clusterScoped("FabricBinderNode", "w1").namespace())
                .isNull();
        assertThat(ObjectRef.clusterScoped("Plan", "")).hasToString("Plan");
        assertThat(ObjectRef.document("nads.yaml#2")).hasToString("nads.yaml#2");
        assertThat(ObjectRef.document("nads.yaml#2").kind()).isEmpty();
        assertThat(ObjectRef.document("Pod", "nads.yaml#2")).hasToString("Pod nads.yaml#2");
        assertThat(ObjectRef.ofKey("NetworkAttachmentDefinition", "ns/red"))
                .isEqualTo(ObjectRef.of("NetworkAttachmentDefinition", "ns", "red"));
    }

    @Test
    void sortsAsItsText() {
        // '-' and '.' sort before '/': by text, a namespace "a-b" comes before "a".
        ObjectRef ab = ObjectRef.of("Pod", "a-b", "x");
        ObjectRef a = ObjectRef.of("Pod", "a", "x");
        assertThat(ab.compareTo(a)).isNegative();
        assertThat(ab.toString().compareTo(a.toString())).isNegative();
    }

    /** Allocation entries sort by the pod key's text without building it: the same order, seeded. */
    @Test
    void allocationEntriesSortByPodKeyText() {
        long seed = System.nanoTime();
        System.out.println("ObjectRefTest seed " + seed);
        SplittableRandom r = new SplittableRandom(seed);
        String alphabet = "ab-.z0";
        for (int i = 0; i < 20_000; i++) {
            Owner x = new Owner(word(r, alphabet), word(r, alphabet), "u", "net1");
            Owner y = new Owner(word(r, alphabet), word(r, alphabet), "u", "net1");
            IpAllocationEntry ex = entry(x);
            IpAllocationEntry ey = entry(y);
            assertThat(Integer.signum(ex.compareTo(ey)))
                    .as("seed %d: %s vs %s", seed, ex.pod(), ey.pod())
                    .isEqualTo(Integer.signum(ex.pod().compareTo(ey.pod())));
        }
    }

    private static IpAllocationEntry entry(Owner o) {
        return new IpAllocationEntry(
                o,
                "ns/net",
                IpPrefix.parse("10.0.0.0/24"),
                IpPrefix.parseAddress("10.0.0.1"),
                "pool",
                AllocationAction.UNCHANGED);
    }

    private static String word(SplittableRandom r, String alphabet) {
        int n = 1 + r.nextInt(4);
        StringBuilder b = new StringBuilder();
        b.append('a');
        for (int i = 1; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        b.append('z');
        return b.toString();
    }
}
