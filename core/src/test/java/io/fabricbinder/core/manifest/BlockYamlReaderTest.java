package io.fabricbinder.core.manifest;

import static io.fabricbinder.core.manifest.BlockYamlDifferentialTest.canonical;
import static io.fabricbinder.core.manifest.BlockYamlDifferentialTest.snakeDocuments;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every construct the fast reader reads, and every kind of document it leaves to SnakeYAML. */
class BlockYamlReaderTest {

    /** Reads with the fast reader, checks it did not decline and that SnakeYAML agrees. */
    private static @Nullable Object read(String yaml) {
        Object fast = BlockYamlReader.read(yaml);
        assertThat(fast).as("declined:%n%s", yaml).isNotSameAs(BlockYamlReader.DECLINED);
        List<@Nullable Object> snake = snakeDocuments(yaml);
        assertThat(snake).as("SnakeYAML failed on%n%s", yaml).isNotNull();
        assertThat(canonical(snake.stream().filter(d -> d != null).toList()))
                .as("SnakeYAML differs on%n%s", yaml)
                .isEqualTo(canonical(fast == null ? List.of() : List.of(fast)));
        return fast;
    }

    private static Map<String, @Nullable Object> map(@Nullable Object... kv) {
        Map<String, @Nullable Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<@Nullable Object> list(@Nullable Object... items) {
        return new ArrayList<>(Arrays.asList(items));
    }

    private static void assertSame(String yaml, Object expected) {
        assertThat(canonical(read(yaml))).isEqualTo(canonical(expected));
    }

    @Test
    void nestedMappingsAndSequences() {
        assertSame(
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  labels:
                    app: web
                spec:
                  containers:
                  - name: app
                    image: app:1
                    ports:
                      - containerPort: 80
                        protocol: TCP
                  - name: side
                """,
                map(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Pod",
                        "metadata",
                        map("name", "p", "labels", map("app", "web")),
                        "spec",
                        map(
                                "containers",
                                list(
                                        map(
                                                "name", "app",
                                                "image", "app:1",
                                                "ports", list(map("containerPort", 80, "protocol", "TCP"))),
                                        map("name", "side")))));
    }

    @Test
    void sequencesOfSequencesAndRootSequences() {
        assertSame("- - a\n  - b\n- c\n-\n  - d\n", list(list("a", "b"), "c", list("d")));
        assertSame("-\n- x\n-   # c\n", list(null, "x", null));
    }

    @Test
    void emptyValuesAreNullAndEmptyDocumentsAreNull() {
        assertSame(
                "a:\nb: # comment\nc: ~\nd: null\ne: \"\"\nf: ''\n",
                map("a", null, "b", null, "c", null, "d", null, "e", "", "f", ""));
        assertThat(read("")).isNull();
        assertThat(read("# only a comment\n\n")).isNull();
    }

    @Test
    void scalarTypesFollowJackson() {
        assertSame(
                """
                vlan: 100
                quoted: "100"
                single: '100'
                neg: -7
                zero: -0
                big: 2147483648
                long: 9223372036854775807
                huge: 9223372036854775808
                float: 1.5
                exp: 1e3
                yes: yes
                on: On
                off: OFF
                t: True
                y: y
                n: N
                date: 2024-01-01
                ip: 10.0.0.1
                version: 1.2.3
                mac: 02:00:00:00:00:01
                time: 12:30
                merge: <<
                tilde: ~x
                octal12: 0o17
                """,
                map(
                        "vlan",
                        100,
                        "quoted",
                        "100",
                        "single",
                        "100",
                        "neg",
                        -7,
                        "zero",
                        0,
                        "big",
                        2147483648L,
                        "long",
                        Long.MAX_VALUE,
                        "huge",
                        new BigInteger("9223372036854775808"),
                        "float",
                        1.5,
                        "exp",
                        1000.0,
                        "yes",
                        true,
                        "on",
                        true,
                        "off",
                        false,
                        "t",
                        true,
                        "y",
                        "y",
                        "n",
                        "N",
                        "date",
                        "2024-01-01",
                        "ip",
                        "10.0.0.1",
                        "version",
                        "1.2.3",
                        "mac",
                        "02:00:00:00:00:01",
                        "time",
                        "12:30",
                        "merge",
                        "<<",
                        "tilde",
                        "~x",
                        "octal12",
                        "0o17"));
    }

    @Test
    void keysAreAlwaysStrings() {
        assertSame(
                "1: a\ntrue: b\nnull: c\n~: d\n\"q k\": e\n'it''s': f\na b: g\n",
                map("1", "a", "true", "b", "null", "c", "~", "d", "q k", "e", "it's", "f", "a b", "g"));
    }

    @Test
    void plainScalarsKeepInnerSpacesAndDropComments() {
        assertSame(
                "a: x  y   # comment\nb: c#d\nc: http://h/p?q=1#f\nd: net-a,net-b\ne: a[0]{1}\n",
                map("a", "x  y", "b", "c#d", "c", "http://h/p?q=1#f", "d", "net-a,net-b", "e", "a[0]{1}"));
    }

    @Test
    void quotedScalarsWithEscapes() {
        assertSame(
                """
                a: "tab\\there \\"q\\" \\\\ \\x41\\u00e9 \\n\\0\\a\\b\\v\\f\\r\\e\\ \\N\\_\\L\\P"
                b: 'it''s \\n # not a comment'
                c: "  spaces  "   # comment
                d: '{"cniVersion":"1.0.0","vlan":7}'
                """,
                map(
                        "a", "tab\there \"q\" \\ Aé \n\0\u0007\b\u000b\f\r\u001b \u0085\u00a0\u2028\u2029",
                        "b", "it's \\n # not a comment",
                        "c", "  spaces  ",
                        "d", "{\"cniVersion\":\"1.0.0\",\"vlan\":7}"));
    }

    @Test
    void multiLineQuotedScalarsAreFolded() {
        assertSame("a: 'one\n  two\n\n  three'\nb: 1\n", map("a", "one two\nthree", "b", 1));
        assertSame("a: \"one  \n    two\\\n  three \\\n four\"\n", map("a", "one twothree four"));
        assertSame("- '{\"a\": 1,\n   \"b\": 2}'\n", list("{\"a\": 1, \"b\": 2}"));
    }

    @Test
    void literalAndFoldedBlockScalars() {
        assertSame("a: |\n  one\n   two\n\n  three\nb: 1\n", map("a", "one\n two\n\nthree\n", "b", 1));
        assertSame("a: |-\n  one\n  two\n\n\nb: 1\n", map("a", "one\ntwo", "b", 1));
        assertSame("a: |+\n  one\n\n\nb: 1\n", map("a", "one\n\n\n", "b", 1));
        assertSame("a: >\n  one\n  two\n\n  three\n    more\n  four\n", map("a", "one two\nthree\n  more\nfour\n"));
        assertSame("a: >-\n  folded\n  text\n", map("a", "folded text"));
        assertSame("- |\n  in a list\n- >+ # comment\n  kept\n\n", list("in a list\n", "kept\n\n"));
        assertSame("a: |\n  # not a comment\n  x\n", map("a", "# not a comment\nx\n"));
        assertSame("a: |\n  no newline at the end", map("a", "no newline at the end"));
        assertSame("a: |\n\n  after a blank line\n", map("a", "\nafter a blank line\n"));
    }

    @Test
    void documentEndMarkerAndCommentsAnywhere() {
        assertSame("# head\na: 1\n   # indented comment\nb: 2\n...\n# tail\n", map("a", 1, "b", 2));
        assertSame("  a: 1\n  b: 2\n", map("a", 1, "b", 2));
    }

    @Test
    void indentlessSequencesUnderCompactKeys() {
        assertSame("- a:\n  - x\n  b: 1\n", list(map("a", list("x"), "b", 1)));
    }

    /** Each of these is left to SnakeYAML (valid or not); the stream result is still SnakeYAML's. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "a: {b: 1}",
                "a: [1, 2]",
                "- [a]",
                "{a: 1}",
                "a: &x 1\nb: *x",
                "a: !!str 1",
                "a: !custom x",
                "a: multi\n  line plain",
                "? complex\n: key",
                "%YAML 1.1\n---\na: 1",
                "a:\n\tb: 1",
                "a:\t1",
                "a: 1\na: 2",
                "a: 0x1F",
                "a: 017",
                "a: 0b101",
                "a: 1_000",
                "a: +1",
                "a: .inf",
                "a: .NaN",
                "a: 1.",
                "a: 1:30.5",
                "a: \"\\U0001F600\"",
                "a: \"\\/\"",
                "a: \"\\q\"",
                "a: \"\\ud800\"",
                "a: x\u0001y",
                "a: x\u007fy",
                "\ufeffa: 1",
                "a: 1\r\nb: 2\r\n",
                "a: x\u0085y",
                "a: x\u2028y",
                "a: \ud800",
                "...\n",
                "a: 1\n...\nb: 2",
                "a: 1\n---\nb: 2",
                "a: 'x\n...\n  y'",
                "'multi\n line': key",
                "- 'unterminated\n",
                "a:\n    b: 1\n  c: 2",
                "a: 1\n  b: 2",
                "  a: 1\nb: 2",
                "a: b: c",
                "a: b:",
                "a: - b",
                "a: -",
                "plain scalar document",
                "\"quoted scalar document\"",
                "a: 1\n- b",
                "- a\nb: 1",
                "a: |2\n   x",
                "a: |\nb: 1",
                "a: |\n   \n  x",
                "a: >#c\n  x",
                "a: \"x\" y",
                "a: 'x'#c",
                "a: @x",
                "a: `x",
                "a: %x",
                "a: ?x",
                "a: :x",
                "a: ,x",
                "a: |x",
                "a #c: 1",
                "[a]: 1",
                ": 1",
                "\"a\" : 1",
                "key:value",
                "a:\n  - x\n   - y",
            })
    void declinesWhatItDoesNotCover(String yaml) {
        assertThat(BlockYamlReader.read(yaml)).as(yaml).isSameAs(BlockYamlReader.DECLINED);
        // and the stream reader falls back for that document only, giving SnakeYAML's answer
        String stream = "a: 1\n---\n" + yaml + "\n---\nz: 2\n";
        List<Object> fast = Manifests.readDocuments(stream);
        List<Object> snake = Manifests.readDocumentsWithSnakeYaml(stream);
        assertThat(fast == null ? "error" : canonical(fast)).isEqualTo(snake == null ? "error" : canonical(snake));
    }

    @Test
    void declinesDeepNestingAndHugeDocuments() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            deep.append(" ".repeat(i)).append("k:\n");
        }
        deep.append(" ".repeat(150)).append("k: 1\n");
        assertThat(BlockYamlReader.read(deep.toString())).isSameAs(BlockYamlReader.DECLINED);
        String big = "a: " + "x".repeat(BlockYamlReader.MAX_DOCUMENT_CHARS) + "\n";
        assertThat(BlockYamlReader.read(big)).isSameAs(BlockYamlReader.DECLINED);
    }

    @Test
    void aListFirstDocumentNoLongerSwallowsTheDocumentsAfterIt() {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: ns\n";
        String text = "- a\n---\n" + pod;

        ManifestSet fast = Manifests.parse("f.yaml", text);
        ManifestSet snake = Manifests.parseWithSnakeYamlOnly("f.yaml", text);

        assertThat(fast.pods()).hasSize(1);
        assertThat(fast.errors())
                .containsExactly(new ManifestError("f.yaml#1[0]", "", "is not an object"))
                .isEqualTo(snake.errors());
        assertThat(snake.pods()).isEqualTo(fast.pods());
    }
}
