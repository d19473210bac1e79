package io.fabricbinder.apstra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QeTest {

    @Test
    void rendersPathsAndValues() {
        Qe q = Qe.node("system")
                .where("role", "leaf")
                .where("deploy_mode", Qe.isIn(List.of("deploy", "ready")))
                .where("external", false)
                .where("port", 3)
                .where("hostname", Qe.notNone())
                .name("leaf")
                .in("composed_of_systems")
                .toAny()
                .name("rg");

        assertThat(q.render())
                .isEqualTo(
                        "node('system', role='leaf', deploy_mode=is_in(['deploy', 'ready']), external=False, port=3, "
                                + "hostname=not_none(), name='leaf').in_('composed_of_systems').node(name='rg')");
        assertThat(Qe.match(q, Qe.optional(Qe.anyNode().name("x"))).text()).endsWith(", optional(node(name='x')))");
    }

    @Test
    void aLabelWithAQuoteStaysOneLiteral() {
        String evil = "a'), node('system', name='x";

        String rendered = Qe.node("system").where("label", evil).render();

        assertThat(rendered).isEqualTo("node('system', label='a\\'), node(\\'system\\', name=\\'x')");
        assertThat(decodeSingleLiteral(rendered, "node('system', label=")).isEqualTo(evil);
    }

    @Test
    void namesTypesAndRelationshipsMustBeIdentifiers() {
        assertThatThrownBy(() -> Qe.node("system')")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Qe.node("system").name("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Qe.node("system").out("x'")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Qe.node("system").where("a=1,b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Qe.node("system").where("a", 1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Property: for any string, the rendered query is the fixed prefix, exactly one literal that
     * decodes back to the string, and the fixed suffix. Seed: -Dqe.seed=N.
     */
    @Test
    void anyValueDecodesBackAndNeverEscapesItsLiteral() {
        long seed = Long.getLong("qe.seed", System.nanoTime());
        System.out.println("QeTest seed: " + seed + " (rerun with -Dqe.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        String alphabet = "ab'\"\\\n\r\t),(=_ \u0000\u007f\u00e9\u4e2d";
        for (int i = 0; i < 2000; i++) {
            StringBuilder s = new StringBuilder();
            int len = random.nextInt(0, 24);
            for (int j = 0; j < len; j++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String value = s.toString();

            String rendered = Qe.node("system").where("label", value).name("n").render();

            assertThat(decodeSingleLiteral(rendered, "node('system', label="))
                    .as("seed %d value %s", seed, value)
                    .isEqualTo(value);
        }
    }

    /** Decodes the literal after {@code prefix} and checks the rest is exactly {@code , name='n')} or {@code )}. */
    private static String decodeSingleLiteral(String rendered, String prefix) {
        assertThat(rendered).startsWith(prefix + "'");
        StringBuilder out = new StringBuilder();
        int i = prefix.length() + 1;
        while (true) {
            char c = rendered.charAt(i);
            if (c == '\'') {
                break;
            }
            if (c == '\\') {
                char e = rendered.charAt(i + 1);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'x' -> {
                        out.append((char) Integer.parseInt(rendered.substring(i + 2, i + 4), 16));
                        i += 2;
                    }
                    default -> out.append(e);
                }
                i += 2;
                continue;
            }
            out.append(c);
            i++;
        }
        String rest = rendered.substring(i + 1);
        assertThat(rest).isIn(")", ", name='n')");
        return out.toString();
    }
}
