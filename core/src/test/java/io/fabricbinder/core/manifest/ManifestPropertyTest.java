package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.fabricbinder.core.TestSeed;
import io.fabricbinder.ipam.AddressFormat;
import io.fabricbinder.ipam.IpRange;
import io.fabricbinder.ipam.IpamBlock;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Property tests over generated manifests. The seed is printed; rerun one with {@code
 * -Dfabricbinder.seed=<seed>}.
 */
class ManifestPropertyTest {

    private SplittableRandom random;
    private long seed;

    @BeforeEach
    void seed() {
        seed = TestSeed.announce("ManifestPropertyTest");
        random = new SplittableRandom(seed);
    }

    @Test
    void generatedValidNadsRoundTrip() {
        List<NetworkAttachmentDefinition> expected = new ArrayList<>();
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            NetworkAttachmentDefinition nad = randomNad(random, i);
            expected.add(nad);
            yaml.append("---\n").append(render(nad, random.nextBoolean()));
        }
        ManifestSet set = Manifests.parse("gen.yaml", yaml.toString());
        assertThat(set.errors()).as("seed %d", seed).isEmpty();
        assertThat(set.nads()).as("seed %d", seed).hasSameSizeAs(expected);
        for (NetworkAttachmentDefinition want : expected) {
            NetworkAttachmentDefinition got =
                    set.findNad(want.namespace(), want.name()).orElseThrow();
            assertThat(got.labels()).as("seed %d %s", seed, want.key()).isEqualTo(want.labels());
            assertThat(got.extendToFabric()).isEqualTo(want.extendToFabric());
            assertThat(got.vni()).isEqualTo(want.vni());
            assertThat(got.vlan()).isEqualTo(want.vlan());
            assertThat(got.resourceName()).isEqualTo(want.resourceName());
            assertThat(got.ipam()).as("seed %d %s", seed, want.key()).isEqualTo(want.ipam());
        }
    }

    @Test
    void randomGarbageNeverThrows() {
        String valid = ManifestsTest.nad("{\"type\":\"sriov\",\"vlan\":7,\"ipam\":{\"type\":\"fabricbinder-ipam\","
                        + "\"subnet\":\"10.0.0.0/24\",\"gateway\":\"10.0.0.1\",\"exclude\":[\"10.0.0.9\"]}}")
                + "---\n" + render(randomNad(random, 0), true);
        String alphabet = "{}[]:,-'\"\n #&*!|>?%@`\\/.abcdnmsptype0123456789";
        for (int i = 0; i < 1500; i++) {
            String text;
            if (i % 2 == 0) {
                StringBuilder sb = new StringBuilder();
                int n = random.nextInt(200);
                for (int j = 0; j < n; j++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                text = sb.toString();
            } else {
                StringBuilder sb = new StringBuilder(valid);
                int edits = 1 + random.nextInt(4);
                for (int j = 0; j < edits && sb.length() > 0; j++) {
                    int at = random.nextInt(sb.length());
                    switch (random.nextInt(3)) {
                        case 0 -> sb.deleteCharAt(at);
                        case 1 -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        default -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                text = sb.toString();
            }
            String input = text;
            String file = i % 4 == 1 ? "g.json" : "g.yaml";
            assertThatCode(() -> {
                        ManifestSet set = Manifests.parse(file, input);
                        assertThat(set.errors())
                                .allSatisfy(
                                        e -> assertThat(e.object().toString()).isNotEmpty());
                    })
                    .as("seed %d input %s", seed, input)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void randomGenericMapsNeverThrow() {
        String[] kinds = {"NetworkAttachmentDefinition", "Pod", "VirtualNetworkRouter", "SriovNetworkNodeState", "List"
        };
        String[] apis = {"k8s.cni.cncf.io/v1", "v1", "fabricbinder.io/v1alpha1", "sriovnetwork.openshift.io/v1"};
        for (int i = 0; i < 1500; i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", kinds[random.nextInt(kinds.length)]);
            m.put("apiVersion", apis[random.nextInt(apis.length)]);
            m.put("metadata", randomValue(random, 3, true));
            m.put("spec", randomValue(random, 4, false));
            m.put("status", randomValue(random, 4, false));
            m.put("items", randomValue(random, 2, false));
            assertThatCode(() -> Manifests.convert(m))
                    .as("seed %d map %s", seed, m)
                    .doesNotThrowAnyException();
        }
    }

    private static @Nullable Object randomValue(SplittableRandom r, int depth, boolean named) {
        String[] keys = {
            "name",
            "namespace",
            "config",
            "type",
            "plugins",
            "ipam",
            "interfaces",
            "Vfs",
            "vfGroups",
            "pciAddress",
            "virtualNetworkSelector",
            "matchLabels",
            "matchExpressions",
            "annotations",
            "labels",
            "operator",
            "values",
            "key",
            "k8s.v1.cni.cncf.io/networks",
            "k8s.v1.cni.cncf.io/network-status"
        };
        int pick = depth <= 0 ? r.nextInt(4) : r.nextInt(6);
        return switch (pick) {
            case 0 -> null;
            case 1 -> r.nextInt(-5, 5000);
            case 2 -> r.nextBoolean() ? "{\"type\":\"sriov\",\"vlan\":" + r.nextInt(5000) + "}" : "[{\"name\":\"x\"}]";
            case 3 -> List.of("a", "b").get(r.nextInt(2));
            case 4 -> {
                List<@Nullable Object> l = new ArrayList<>();
                for (int i = r.nextInt(3); i > 0; i--) {
                    l.add(randomValue(r, depth - 1, false));
                }
                yield l;
            }
            default -> {
                Map<String, @Nullable Object> m = new LinkedHashMap<>();
                if (named) {
                    m.put("name", "n" + r.nextInt(3));
                }
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put(keys[r.nextInt(keys.length)], randomValue(r, depth - 1, false));
                }
                yield m;
            }
        };
    }

    static NetworkAttachmentDefinition randomNad(SplittableRandom r, int i) {
        Map<String, String> labels = new TreeMap<>();
        for (int j = r.nextInt(4); j > 0; j--) {
            labels.put("k" + r.nextInt(5), "v" + r.nextInt(5));
        }
        Integer vni = r.nextBoolean()
                ? r.nextInt(NetworkAttachmentDefinition.MIN_VNI, NetworkAttachmentDefinition.MAX_VNI + 1)
                : null;
        Integer vlan = r.nextInt(4) == 0 ? null : r.nextInt(0, 4095);
        List<IpRange> ranges = new ArrayList<>();
        boolean v4 = r.nextBoolean();
        ranges.add(randomRange(r, v4));
        if (r.nextBoolean()) {
            ranges.add(randomRange(r, !v4));
        }
        return new NetworkAttachmentDefinition(
                "ns" + r.nextInt(3),
                "net-" + i,
                labels,
                r.nextBoolean() ? "intel.com/res" + r.nextInt(3) : null,
                r.nextBoolean(),
                vni,
                null,
                vlan,
                new IpamBlock(IpamBlock.TYPE, ranges, List.of(), null, List.of()));
    }

    /** A random valid range (the ipam module's rules), in canonical text. */
    private static IpRange randomRange(SplittableRandom r, boolean v4) {
        while (true) {
            int bits = v4 ? 32 : 128;
            int prefix = v4 ? r.nextInt(8, 31) : r.nextInt(48, 127);
            BigInteger size = BigInteger.ONE.shiftLeft(bits - prefix);
            BigInteger base = new BigInteger(bits, new java.util.Random(r.nextLong()))
                    .shiftRight(bits - prefix)
                    .shiftLeft(bits - prefix);
            // Usable addresses: not the network address (nor the IPv4 broadcast).
            BigInteger usable = size.subtract(BigInteger.TWO);
            BigInteger a = base.add(BigInteger.ONE).add(randomBelow(r, usable));
            BigInteger b = base.add(BigInteger.ONE).add(randomBelow(r, usable));
            List<String> exclude = new ArrayList<>();
            for (int j = r.nextInt(3); j > 0; j--) {
                exclude.add(text(base.add(randomBelow(r, size)), bits));
            }
            try {
                return new IpRange(
                        text(base, bits) + "/" + prefix,
                        r.nextBoolean() ? text(a.min(b), bits) : null,
                        r.nextBoolean() ? text(a.max(b), bits) : null,
                        exclude,
                        r.nextBoolean() ? text(base.add(BigInteger.ONE), bits) : null);
            } catch (IllegalArgumentException e) {
                // e.g. nothing left to allocate after the exclusions: draw again
            }
        }
    }

    private static String text(BigInteger v, int bits) {
        return AddressFormat.canonical(addr(v, bits));
    }

    private static BigInteger randomBelow(SplittableRandom r, BigInteger bound) {
        return BigInteger.valueOf(r.nextLong(Long.MAX_VALUE)).mod(bound);
    }

    private static InetAddress addr(BigInteger v, int bits) {
        byte[] raw = v.toByteArray();
        byte[] out = new byte[bits / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Renders a NAD as YAML; whereabouts spellings when asked. */
    static String render(NetworkAttachmentDefinition nad, boolean whereabouts) {
        StringBuilder sb = new StringBuilder();
        sb.append("apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata:\n");
        sb.append("  name: ")
                .append(nad.name())
                .append("\n  namespace: ")
                .append(nad.namespace())
                .append('\n');
        if (!nad.labels().isEmpty()) {
            sb.append("  labels:\n");
            nad.labels()
                    .forEach((k, v) ->
                            sb.append("    ").append(k).append(": ").append(v).append('\n'));
        }
        sb.append("  annotations:\n");
        sb.append("    fabricbinder.io/extend-to-fabric: \"")
                .append(nad.extendToFabric())
                .append("\"\n");
        if (nad.vni() != null) {
            sb.append("    fabricbinder.io/vni: \"").append(nad.vni()).append("\"\n");
        }
        if (nad.resourceName() != null) {
            sb.append("    k8s.v1.cni.cncf.io/resourceName: ")
                    .append(nad.resourceName())
                    .append('\n');
        }
        StringBuilder cfg = new StringBuilder("{\"cniVersion\":\"1.0.0\",\"type\":\"sriov\"");
        if (nad.vlan() != null) {
            cfg.append(",\"vlan\":").append(nad.vlan());
        }
        IpamBlock ipam = nad.ipam();
        if (ipam != null) {
            cfg.append(",\"ipam\":{\"type\":\"").append(ipam.type()).append("\",\"ipRanges\":[");
            for (int i = 0; i < ipam.ranges().size(); i++) {
                IpRange r = ipam.ranges().get(i);
                cfg.append(i == 0 ? "" : ",").append('{');
                cfg.append(q(whereabouts ? "range" : "subnet", r.subnet()));
                if (r.rangeStart() != null) {
                    cfg.append(',').append(q(whereabouts ? "range_start" : "rangeStart", r.rangeStart()));
                }
                if (r.rangeEnd() != null) {
                    cfg.append(',').append(q(whereabouts ? "range_end" : "rangeEnd", r.rangeEnd()));
                }
                if (r.gateway() != null) {
                    cfg.append(',').append(q("gateway", r.gateway()));
                }
                if (!r.exclude().isEmpty()) {
                    cfg.append(",\"exclude\":[");
                    for (int j = 0; j < r.exclude().size(); j++) {
                        cfg.append(j == 0 ? "" : ",")
                                .append('"')
                                .append(r.exclude().get(j))
                                .append('"');
                    }
                    cfg.append(']');
                }
                cfg.append('}');
            }
            cfg.append("]}");
        }
        cfg.append('}');
        sb.append("spec:\n  config: '").append(cfg).append("'\n");
        return sb.toString();
    }

    private static String q(String k, String v) {
        return "\"" + k + "\":\"" + v + "\"";
    }
}
