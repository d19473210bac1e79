package io.fabricbinder.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabricbinder.core.TestSeed;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Differential property tests: {@link BlockYamlReader} must give exactly what SnakeYAML + Jackson
 * give (same tree, same Java types, same key order), or decline. The seed is printed; rerun one
 * with {@code -Dfabricbinder.seed=<seed>}.
 */
class BlockYamlDifferentialTest {

    private static final ObjectReader SNAKE = new ObjectMapper(new YAMLFactory()).readerFor(Object.class);

    /** Scalars whose typing or syntax is easy to get wrong. */
    static final String[] AWKWARD = {
        "",
        " ",
        "yes",
        "Yes",
        "YES",
        "yEs",
        "no",
        "No",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "y",
        "Y",
        "n",
        "N",
        "true",
        "True",
        "TRUE",
        "tRUE",
        "false",
        "False",
        "FALSE",
        "~",
        "~x",
        "null",
        "Null",
        "NULL",
        "nULL",
        "nil",
        "0",
        "-0",
        "+0",
        "00",
        "007",
        "08",
        "0o7",
        "0x1F",
        "0X1f",
        "-0x1F",
        "0b101",
        "1_000",
        "-1_0",
        "+1",
        "+12",
        "1e3",
        "1E3",
        "1e+3",
        "1e-3",
        "-1e3",
        "1.5",
        "-2.5",
        "-2.5e+10",
        "1.0E10",
        ".5",
        "-.5",
        "1.",
        "1.5e",
        "01.5",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        ".NaN",
        "12:30",
        "-12:30",
        "1:30.5",
        "190:20:30",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
        "2024-1-1 10:00:00",
        "2147483647",
        "2147483648",
        "-2147483648",
        "-2147483649",
        "999999999",
        "1000000000",
        "9223372036854775807",
        "9223372036854775808",
        "123456789012345678",
        "1234567890123456789",
        "<<",
        "=",
        "!",
        "&",
        "*",
        "a: b",
        "a:b",
        "a:",
        "a :b",
        "a #b",
        "a#b",
        "#a",
        "- a",
        "-a",
        "-",
        "--",
        "---",
        "--- a",
        "...",
        "....",
        "[a]",
        "{a}",
        "a[0]",
        "a,b",
        "a, b",
        "&a",
        "*a",
        "!a",
        "!!str a",
        "|",
        ">",
        "|-",
        "'",
        "''",
        "\"",
        "%a",
        "@a",
        "`a",
        "?a",
        "? a",
        ":a",
        ": a",
        "ä",
        "日本語",
        "emoji 😀",
        "tab\there",
        "\ttab",
        "back\\slash",
        "quote'in",
        "dq\"in",
        "line\nbreak",
        "two\n\nbreaks",
        "trailing\n",
        "trailing ",
        " leading",
        "  ",
        "a  b",
        "\u0085",
        "a\u00a0b",
        "\u2028",
        "\u0001",
        "\u007f",
        "\ufeff",
        "\r",
        "a\r\nb",
        "1.2.3",
        "10.0.0.1",
        "10.0.0.0/24",
        "02:00:00:00:00:01",
        "app:1",
        "http://x/y?z=1#f",
        "intel.com/intel_sriov_netdevice",
        "[{\"name\":\"a\"}]",
        "{\"type\":\"sriov\"}",
    };

    private static final String[] KEYS = {
        "a",
        "b",
        "name",
        "apiVersion",
        "kind",
        "metadata",
        "a b",
        "k8s.v1.cni.cncf.io/networks",
        "1",
        "-1",
        "true",
        "yes",
        "null",
        "~",
        "<<",
        "-x",
        "a:b",
        "a#b",
        "é",
        "x y z",
        "key",
        "0x1F",
        "1.5",
        "app:1",
    };

    private static final String MUTATION_ALPHABET = "{}[]:,-'\"\n #&*!|>?%@`\\/.~\tab0123456789 ";

    private long seed;
    private SplittableRandom random;

    @BeforeEach
    void seed() {
        seed = TestSeed.announce("BlockYamlDifferentialTest");
        random = new SplittableRandom(seed);
    }

    @Test
    void cleanBlockYamlIsReadAndEqualsTheTreeAndSnakeYaml() {
        for (int i = 0; i < 1500; i++) {
            Map<String, @Nullable Object> tree = cleanMap(3);
            StringBuilder sb = new StringBuilder();
            int step = 1 + random.nextInt(4);
            renderMap(sb, tree, 0, step, false);
            String doc = sb.toString();
            Object fast = BlockYamlReader.read(doc);
            assertThat(fast)
                    .as("seed %d: the reader must accept clean block YAML:%n%s", seed, doc)
                    .isNotSameAs(BlockYamlReader.DECLINED);
            assertThat(canonical(fast)).as("seed %d%n%s", seed, doc).isEqualTo(canonical(tree));
            assertThat(canonical(snakeDocuments(doc)))
                    .as("seed %d%n%s", seed, doc)
                    .isEqualTo(canonical(List.of(tree)));
        }
    }

    @Test
    void wildBlockYamlIsReadLikeSnakeYamlOrDeclined() {
        int accepted = 0;
        int snakeErrors = 0;
        int n = 4000;
        for (int i = 0; i < n; i++) {
            String doc = wildDocument();
            if (random.nextInt(10) < 3) {
                doc = mutate(doc);
            }
            Object fast = BlockYamlReader.read(doc);
            List<@Nullable Object> snake = snakeDocuments(doc);
            if (snake == null) {
                snakeErrors++;
            }
            if (fast == BlockYamlReader.DECLINED) {
                continue;
            }
            accepted++;
            assertThat(snake)
                    .as("seed %d: the reader accepted what SnakeYAML rejects:%n%s", seed, doc)
                    .isNotNull();
            assertThat(canonical(nonNull(snake)))
                    .as("seed %d: document%n%s", seed, doc)
                    .isEqualTo(canonical(fast == null ? List.of() : List.of(fast)));
        }
        System.out.printf(
                Locale.ROOT,
                "wild documents: %d, accepted by the fast reader: %d, SnakeYAML errors: %d%n",
                n,
                accepted,
                snakeErrors);
        // The property must not hold vacuously: most generated documents are in the subset.
        assertThat(accepted).as("seed %d", seed).isGreaterThan(n / 5);
        assertThat(snakeErrors).as("seed %d", seed).isGreaterThan(0);
    }

    @Test
    void streamsOfDocumentsAreSplitAndReadLikeOneSnakeYamlStream() {
        String[] separators = {"---\n", "--- # next\n", "---   \n", "...\n---\n", "---\t\n", "\n---\n"};
        for (int i = 0; i < 400; i++) {
            StringBuilder sb = new StringBuilder();
            if (random.nextInt(8) == 0) {
                sb.append("%YAML 1.1\n---\n");
            } else if (random.nextInt(4) == 0) {
                sb.append("# leading comment\n");
            } else if (random.nextBoolean()) {
                sb.append("---\n");
            }
            int docs = 1 + random.nextInt(5);
            for (int d = 0; d < docs; d++) {
                if (d > 0) {
                    sb.append(random.nextInt(20) == 0 ? "--- |\n  inline\n---\n" : pick(separators));
                }
                String doc = random.nextInt(6) == 0 ? wildDocument() : cleanDocument();
                sb.append(random.nextInt(8) == 0 ? mutate(doc) : doc);
            }
            String text = random.nextInt(10) == 0 ? sb.toString().stripTrailing() : sb.toString();
            List<Object> fast = Manifests.readDocuments(text);
            List<Object> snake = Manifests.readDocumentsWithSnakeYaml(text);
            assertThat(fast == null ? "syntax error" : canonical(fast))
                    .as("seed %d stream%n%s", seed, text)
                    .isEqualTo(snake == null ? "syntax error" : canonical(snake));
        }
    }

    // ---- the oracle

    /** All documents SnakeYAML + Jackson read from {@code text} (nulls included), or null on error. */
    static @Nullable List<@Nullable Object> snakeDocuments(String text) {
        List<@Nullable Object> out = new ArrayList<>();
        try (JsonParser parser = SNAKE.createParser(text)) {
            MappingIterator<Object> it = SNAKE.readValues(parser); // no unwrapping of a first sequence
            while (it.hasNextValue()) {
                out.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return out;
    }

    private static List<Object> nonNull(List<@Nullable Object> docs) {
        List<Object> out = new ArrayList<>();
        for (Object d : docs) {
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** A rendering that shows Java types and key order, which {@code Map.equals} would not. */
    static String canonical(@Nullable Object v) {
        StringBuilder sb = new StringBuilder();
        canonical(v, sb);
        return sb.toString();
    }

    private static void canonical(@Nullable Object v, StringBuilder sb) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            sb.append("Map{");
            m.forEach((k, x) -> {
                canonical(k, sb);
                sb.append('=');
                canonical(x, sb);
                sb.append(", ");
            });
            sb.append('}');
        } else if (v instanceof List<?> l) {
            sb.append("List[");
            for (Object x : l) {
                canonical(x, sb);
                sb.append(", ");
            }
            sb.append(']');
        } else if (v instanceof String s) {
            sb.append("String\"");
            s.chars().forEach(c -> {
                if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", c));
                } else {
                    sb.append((char) c);
                }
            });
            sb.append('"');
        } else {
            sb.append(v.getClass().getSimpleName()).append(':').append(v);
        }
    }

    // ---- clean generator: only what the fast reader must accept

    private Map<String, @Nullable Object> cleanMap(int depth) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            m.put(
                    random.nextInt(5) == 0 ? "k" + random.nextInt(1000) + " x" : "k" + random.nextInt(1000),
                    cleanValue(depth - 1));
        }
        return m;
    }

    private @Nullable Object cleanValue(int depth) {
        int pick = random.nextInt(depth > 0 ? 10 : 8);
        return switch (pick) {
            case 0 -> null;
            case 1 -> random.nextInt();
            case 2 -> random.nextLong();
            case 3 -> random.nextBoolean();
            case 4 -> random.nextInt(3) == 0 ? (double) random.nextInt(1000) : random.nextDouble() * 1e6;
            case 5, 6 -> cleanString();
            case 7 -> pick(AWKWARD);
            case 8 -> cleanMap(depth);
            default -> {
                List<@Nullable Object> l = new ArrayList<>();
                for (int i = 1 + random.nextInt(3); i > 0; i--) {
                    l.add(cleanValue(depth - 1));
                }
                yield l;
            }
        };
    }

    private String cleanString() {
        String alphabet = "abcxyzABC0123456789-_./: é日";
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private String cleanDocument() {
        StringBuilder sb = new StringBuilder();
        renderMap(sb, cleanMap(3), 0, 2, false);
        return sb.toString();
    }

    /** Block style; with {@code wild}, random layout choices, comments and risky scalar styles. */
    private void renderMap(StringBuilder sb, Map<String, @Nullable Object> m, int indent, int step, boolean wild) {
        boolean first = true;
        for (Map.Entry<String, @Nullable Object> e : m.entrySet()) {
            if (!first || sb.length() == 0 || sb.charAt(sb.length() - 1) == '\n') {
                sb.append(" ".repeat(indent));
            }
            first = false;
            sb.append(wild ? wildKey(e.getKey()) : safeScalar(e.getKey(), true));
            sb.append(':');
            renderValue(sb, e.getValue(), indent, step, wild, true);
            if (wild) {
                noise(sb, indent);
            }
        }
    }

    private void renderList(StringBuilder sb, List<@Nullable Object> l, int indent, int step, boolean wild) {
        boolean first = true;
        for (Object v : l) {
            if (!first || sb.length() == 0 || sb.charAt(sb.length() - 1) == '\n') {
                sb.append(" ".repeat(indent));
            }
            first = false;
            sb.append('-');
            renderValue(sb, v, indent, step, wild, false);
            if (wild) {
                noise(sb, indent);
            }
        }
    }

    /** After "key:" or "-": the value, ending with a newline. */
    private void renderValue(
            StringBuilder sb, @Nullable Object v, int indent, int step, boolean wild, boolean inMapping) {
        String space = wild && random.nextInt(6) == 0 ? "   " : " ";
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) m;
            if (!inMapping && random.nextBoolean()) {
                // compact: "- key: value" with the other keys under the first
                sb.append(space);
                renderMap(sb, map, indent + 1 + space.length(), step, wild);
            } else {
                sb.append(wild && random.nextInt(5) == 0 ? " # comment\n" : "\n");
                renderMap(sb, map, indent + step, step, wild);
            }
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<@Nullable Object> list = (List<@Nullable Object>) l;
            if (!inMapping && random.nextBoolean()) {
                sb.append(space);
                renderList(sb, list, indent + 1 + space.length(), step, wild);
            } else {
                sb.append("\n");
                boolean indentless = inMapping && random.nextBoolean();
                renderList(sb, list, indentless ? indent : indent + step, step, wild);
            }
        } else if (v instanceof Map<?, ?> || v instanceof List<?>) {
            sb.append(space).append(v instanceof Map<?, ?> ? "{}" : "[]").append('\n');
        } else if (v == null && random.nextBoolean()) {
            sb.append('\n');
        } else if (wild && v instanceof String s && random.nextInt(4) == 0) {
            blockScalar(sb, s, indent, step);
        } else {
            sb.append(space).append(wild ? wildScalar(v) : safeScalar(v, false)).append('\n');
        }
    }

    private static String safeScalar(@Nullable Object v, boolean key) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return d.toString();
        }
        if (!(v instanceof String s)) {
            return v.toString();
        }
        if (s.matches("[a-zA-Z][a-zA-Z0-9_/.-]*") && (key || BlockYamlReader.resolvePlain(s) == s)) {
            return s;
        }
        return doubleQuote(s, null);
    }

    private static String doubleQuote(String s, @Nullable SplittableRandom r) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append(r != null && r.nextBoolean() ? "\t" : "\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else if (r != null && r.nextInt(10) == 0) {
                        sb.append(
                                c < 0x100
                                        ? String.format(Locale.ROOT, "\\x%02X", (int) c)
                                        : String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        if (r != null && r.nextInt(8) == 0) {
            sb.append(pick(
                    r, new String[] {"\\0", "\\a", "\\e", "\\N", "\\_", "\\L", "\\P", "\\ ", "\\/", "\\q", "\\U0001F600"
                    }));
        }
        return sb.append('"').toString();
    }

    // ---- wild generator: anything goes; SnakeYAML is the judge

    private String wildDocument() {
        StringBuilder sb = new StringBuilder();
        if (random.nextInt(5) == 0) {
            sb.append("# a comment\n");
        }
        if (random.nextInt(6) == 0) {
            List<@Nullable Object> l = new ArrayList<>();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                l.add(wildValue(2));
            }
            renderList(sb, l, random.nextInt(8) == 0 ? 2 : 0, 1 + random.nextInt(3), true);
        } else {
            renderMap(sb, wildMap(3), random.nextInt(8) == 0 ? 2 : 0, 1 + random.nextInt(3), true);
        }
        if (random.nextInt(10) == 0) {
            sb.append(random.nextBoolean() ? "...\n" : "... # end\n# after\n");
        }
        return random.nextInt(10) == 0 ? sb.toString().stripTrailing() : sb.toString();
    }

    private Map<String, @Nullable Object> wildMap(int depth) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            m.put(random.nextInt(3) == 0 ? pick(KEYS) : "k" + random.nextInt(100), wildValue(depth - 1));
        }
        return m;
    }

    private @Nullable Object wildValue(int depth) {
        int pick = random.nextInt(depth > 0 ? 12 : 9);
        return switch (pick) {
            case 0 -> null;
            case 1 -> random.nextInt(-100_000, 100_000);
            case 2 -> random.nextLong();
            case 3 -> random.nextDouble() * Math.pow(10, random.nextInt(-5, 20));
            case 4, 5, 6 -> pick(AWKWARD);
            case 7 -> cleanString();
            case 8 -> random.nextBoolean() ? "first line\nsecond line\n" : "  indented\nx\n\n\ny  \n";
            case 9 -> random.nextInt(10) == 0 ? new LinkedHashMap<>() : wildMap(depth);
            default -> {
                List<@Nullable Object> l = new ArrayList<>();
                for (int i = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3); i > 0; i--) {
                    l.add(wildValue(depth - 1));
                }
                yield l;
            }
        };
    }

    private String wildKey(String k) {
        return switch (random.nextInt(8)) {
            case 0 -> doubleQuote(k, random);
            case 1 -> "'" + k.replace("'", "''") + "'";
            case 2 -> k + " ";
            default -> k;
        };
    }

    private String wildScalar(@Nullable Object v) {
        String text = v == null
                ? pick(new String[] {"null", "~", "", "Null"})
                : v instanceof Double d && random.nextBoolean() ? String.format(Locale.ROOT, "%.3f", d) : v.toString();
        return switch (random.nextInt(12)) {
            case 0, 1 -> doubleQuote(text, random);
            case 2 -> "'" + text.replace("'", "''") + "'";
            case 10 -> foldLines(doubleQuote(text + " a b  c", random));
            case 11 -> foldLines("'" + (text + " a b  c").replace("'", "''") + "'");
            case 3 -> text + "   # trailing comment";
            case 4 -> text + "  ";
            default -> text;
        };
    }

    /** Breaks a quoted scalar over lines at some of its spaces (and sometimes after a backslash). */
    private String foldLines(String quoted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < quoted.length(); i++) {
            char c = quoted.charAt(i);
            if (c == ' ' && i > 0 && i < quoted.length() - 1 && random.nextInt(3) == 0) {
                sb.append(pick(new String[] {"\n", " \n", "\n\n", "\n \n", "\\\n", "\t\n"}));
                sb.append(" ".repeat(random.nextInt(6)));
                if (random.nextInt(10) == 0) {
                    sb.append('\t');
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private void blockScalar(StringBuilder sb, String s, int indent, int step) {
        sb.append(' ')
                .append(random.nextBoolean() ? '|' : '>')
                .append(pick(new String[] {"", "-", "+", "", "2", "-1"}))
                .append(random.nextInt(5) == 0 ? " # c" : "")
                .append('\n');
        int contentIndent = indent + step + (random.nextInt(6) == 0 ? 1 : 0);
        for (String line : s.split("\n", -1)) {
            if (line.isEmpty()) {
                sb.append(random.nextInt(4) == 0 ? " ".repeat(random.nextInt(contentIndent + 3)) : "")
                        .append('\n');
            } else {
                sb.append(" ".repeat(contentIndent + (random.nextInt(8) == 0 ? 2 : 0)))
                        .append(line)
                        .append('\n');
            }
        }
        if (random.nextInt(4) == 0) {
            sb.append('\n');
        }
    }

    /** Comments and blank lines between entries. */
    private void noise(StringBuilder sb, int indent) {
        switch (random.nextInt(12)) {
            case 0 -> sb.append('\n');
            case 1 -> sb.append(" ".repeat(random.nextInt(indent + 4))).append("# note: x\n");
            case 2 -> sb.append(" ".repeat(random.nextInt(indent + 2))).append('\n');
            default -> {}
        }
    }

    private String mutate(String doc) {
        StringBuilder sb = new StringBuilder(doc);
        int edits = 1 + random.nextInt(3);
        for (int j = 0; j < edits && sb.length() > 0; j++) {
            int at = random.nextInt(sb.length());
            char c = MUTATION_ALPHABET.charAt(random.nextInt(MUTATION_ALPHABET.length()));
            switch (random.nextInt(4)) {
                case 0 -> sb.deleteCharAt(at);
                case 1 -> sb.setCharAt(at, c);
                case 2 -> sb.insert(at, c);
                default -> {
                    int lineStart = sb.lastIndexOf("\n", at) + 1;
                    sb.insert(lineStart, random.nextBoolean() ? " " : "  ");
                }
            }
        }
        return sb.toString();
    }

    private String pick(String[] options) {
        return pick(random, options);
    }

    private static String pick(SplittableRandom r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
