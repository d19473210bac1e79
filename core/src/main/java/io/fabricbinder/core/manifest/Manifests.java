package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Parses Kubernetes manifests (YAML, possibly multi-document, or JSON: one object or a {@code kind:
 * List}) into a {@link ManifestSet}.
 *
 * <p>Parsing never throws for bad content: every problem becomes a {@link ManifestError} and the
 * other objects are still returned. Example:
 *
 * <pre>{@code
 * ManifestSet set = Manifests.parse(Path.of("manifests"));   // *.yaml, *.yml, *.json, recursively
 * ManifestSet one = Manifests.parse("inline.yaml", yamlText);
 * ManifestSet fromController = Manifests.convert(genericResource.getAdditionalProperties()...);
 * }</pre>
 *
 * <p>Documents are numbered from 1: a YAML syntax error in the third document of {@code a.yaml}
 * is reported for object {@code a.yaml#3}. Objects without {@code metadata.namespace} go to {@code
 * default}. Stateless and thread-safe.
 */
public final class Manifests {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectReader YAML_READER = YAML.readerFor(Object.class);
    private static final int PARALLEL_THRESHOLD = 1 << 20;
    private static final int PARALLEL_CHUNK = 1 << 20;

    private Manifests() {}

    /**
     * Parses a file, or every {@code *.yaml}, {@code *.yml} and {@code *.json} file under a
     * directory (recursively, in sorted path order). A file that cannot be read is reported as an
     * error.
     *
     * @throws IllegalArgumentException if the path does not exist
     */
    public static ManifestSet parse(Path path) {
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such file or directory: " + path);
        }
        ManifestSet.Builder b = ManifestSet.builder();
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(path)) {
                files = s.filter(Files::isRegularFile)
                        .filter(Manifests::isManifestFile)
                        .sorted()
                        .toList();
            } catch (IOException | RuntimeException e) {
                b.error(new ManifestError(path.toString(), "", "cannot list directory: " + e.getMessage()));
                return b.build();
            }
            for (Path f : files) {
                parseFile(path.relativize(f).toString(), f, b);
            }
        } else {
            parseFile(String.valueOf(path.getFileName()), path, b);
        }
        return b.build();
    }

    /**
     * Parses manifest text; {@code name} (e.g. a file name) names documents that have errors.
     */
    public static ManifestSet parse(String name, String content) {
        ManifestSet.Builder b = ManifestSet.builder();
        parseInto(name, content, b);
        return b.build();
    }

    /**
     * Like {@link #parse(String, String)}, but turns large YAML text into objects on the given
     * executor, in chunks split at document markers ({@code ---}); validation and the order and
     * numbering of documents and errors are exactly those of the sequential parse. Worth it for
     * inputs of several megabytes (a CI job planning a whole GitOps repository); small texts and
     * JSON are parsed on the calling thread. Blocks until done; starts no threads of its own.
     *
     * @param executor runs the chunks, e.g. a {@link java.util.concurrent.ForkJoinPool}
     */
    public static ManifestSet parse(String name, String content, Executor executor) {
        Objects.requireNonNull(executor, "executor");
        String trimmed = content.stripLeading();
        if (content.length() < PARALLEL_THRESHOLD || trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return parse(name, content);
        }
        List<String> chunks = splitAtDocumentMarkers(content, PARALLEL_CHUNK);
        List<CompletableFuture<@Nullable List<Object>>> parts = new ArrayList<>();
        for (String chunk : chunks) {
            parts.add(CompletableFuture.supplyAsync(() -> readDocuments(chunk), executor));
        }
        // Validate each chunk as soon as it is read, while later chunks are still being parsed.
        ManifestSet.Builder b = ManifestSet.builder();
        int number = 0;
        for (CompletableFuture<@Nullable List<Object>> part : parts) {
            List<Object> chunkDocs = part.join();
            if (chunkDocs == null) {
                // A syntax error somewhere: the sequential path reports it and keeps the good documents.
                parts.forEach(f -> f.cancel(false));
                return parse(name, content);
            }
            for (Object doc : chunkDocs) {
                number++;
                accept(name + "#" + number, doc, b);
            }
        }
        return b.build();
    }

    /** Splits before a {@code ---} line once a chunk holds at least {@code minChunk} characters. */
    static List<String> splitAtDocumentMarkers(String content, int minChunk) {
        List<String> chunks = new ArrayList<>();
        int start = 0;
        int lineStart = 0;
        int len = content.length();
        while (lineStart < len) {
            int nl = content.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? len : nl;
            if (lineStart - start >= minChunk && isDocumentMarker(content, lineStart, lineEnd)) {
                chunks.add(content.substring(start, lineStart));
                start = lineStart;
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        chunks.add(content.substring(start));
        return chunks;
    }

    /**
     * The non-null documents of a YAML stream, or null if it has a syntax error. Each document
     * (the text between {@code ---} lines) is read by {@link BlockYamlReader} if it can; a document
     * it declines is parsed by SnakeYAML on its own (with its {@code ---} line), so a fallback costs
     * only that document. A stream with directives ({@code %} lines) or content on a {@code ---}
     * line goes to SnakeYAML whole, as before.
     */
    static @Nullable List<Object> readDocuments(String content) {
        List<Object> docs = new ArrayList<>();
        int len = content.length();
        int segmentStart = 0; // where the document's text starts, including its --- line
        int bodyStart = 0; // after the --- line
        int lineStart = 0;
        while (true) {
            int nl = content.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? len : nl;
            boolean marker = isDocumentMarker(content, lineStart, lineEnd);
            if (lineStart < len && content.charAt(lineStart) == '%') {
                return readDocumentsWithSnakeYaml(content);
            }
            if (marker || nl < 0) {
                int segmentEnd = marker ? lineStart : len;
                Object value = BlockYamlReader.read(content, bodyStart, segmentEnd);
                if (value == BlockYamlReader.DECLINED) {
                    List<Object> own = readDocumentsWithSnakeYaml(content.substring(segmentStart, segmentEnd));
                    if (own == null) {
                        return null;
                    }
                    docs.addAll(own);
                } else if (value != null) {
                    docs.add(value);
                }
                if (!marker) {
                    return docs;
                }
                if (!isSpacesOrComment(content, lineStart + 3, lineEnd)) {
                    return readDocumentsWithSnakeYaml(content); // e.g. "--- |" or a tab
                }
                segmentStart = lineStart;
                bodyStart = Math.min(lineEnd + 1, len);
            }
            if (nl < 0) {
                return docs;
            }
            lineStart = nl + 1;
        }
    }

    /** Whether {@code s[from, to)} is spaces, maybe followed by a comment after a space. */
    private static boolean isSpacesOrComment(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '#' && i > from && s.charAt(i - 1) == ' ') {
                return true;
            }
            if (c != ' ') {
                return false;
            }
        }
        return true;
    }

    /** {@link #readDocuments} without the fast reader: SnakeYAML over the whole stream. */
    static @Nullable List<Object> readDocumentsWithSnakeYaml(String content) {
        List<Object> docs = new ArrayList<>();
        // readValues(JsonParser), unlike readValues(String), does not unwrap a sequence that is the
        // first document: that made its items separate documents and dropped all later documents.
        try (JsonParser parser = YAML_READER.createParser(content)) {
            MappingIterator<Object> it = YAML_READER.readValues(parser);
            while (it.hasNextValue()) {
                Object v = it.nextValue();
                if (v != null) {
                    docs.add(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return docs;
    }

    /**
     * Validates one generic Kubernetes object (as from fabric8's {@code
     * GenericKubernetesResource}, or any JSON decoder) with the same rules as the file parser.
     */
    public static ManifestSet convert(Map<String, ?> resource) {
        return ManifestSet.builder().addResource("object", resource).build();
    }

    private static boolean isManifestFile(Path p) {
        String n = String.valueOf(p.getFileName()).toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
    }

    private static void parseFile(String name, Path file, ManifestSet.Builder b) {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            b.error(new ManifestError(name, "", "cannot read file: " + e));
            return;
        }
        parseInto(name, content, b);
    }

    static void parseInto(String name, String content, ManifestSet.Builder b) {
        parseInto(name, content, b, true);
    }

    /**
     * The sequential parse without {@link BlockYamlReader}: every YAML document goes through
     * SnakeYAML, as before the fast reader existed. Tests compare both paths.
     */
    static ManifestSet parseWithSnakeYamlOnly(String name, String content) {
        ManifestSet.Builder b = ManifestSet.builder();
        parseInto(name, content, b, false);
        return b.build();
    }

    private static void parseInto(String name, String content, ManifestSet.Builder b, boolean fast) {
        String trimmed = content.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            // JSON is YAML too, but the JSON parser is faster and gives better messages.
            document(name + "#1", content, ResourceConverter.JSON, false, b);
            return;
        }
        if (parseStream(name, content, fast, b)) {
            return;
        }
        int[] doc = {0};
        int start = 0;
        int len = content.length();
        int lineStart = 0;
        while (lineStart < len) {
            int nl = content.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? len : nl;
            if (isDocumentMarker(content, lineStart, lineEnd)) {
                emit(name, content.substring(start, lineStart), doc, fast, b);
                // Text after "--- " on the marker line belongs to the next document.
                boolean inline = !isBlank(content.substring(lineStart + 3, lineEnd));
                start = inline ? lineStart + 3 : Math.min(lineEnd + 1, len);
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
        }
        emit(name, content.substring(start), doc, fast, b);
    }

    /**
     * Fast path: all documents in one pass ({@link #readDocuments}). Returns false, having added
     * nothing, if any document has a syntax error; the caller then parses document by document so
     * that the good documents still count.
     */
    private static boolean parseStream(String name, String content, boolean fast, ManifestSet.Builder b) {
        List<Object> docs = fast ? readDocuments(content) : readDocumentsWithSnakeYaml(content);
        if (docs == null) {
            return false;
        }
        for (int i = 0; i < docs.size(); i++) {
            accept(name + "#" + (i + 1), docs.get(i), b);
        }
        return true;
    }

    /** Non-blank documents are numbered from 1, in order. */
    private static void emit(String name, String text, int[] doc, boolean fast, ManifestSet.Builder b) {
        if (!isBlank(text)) {
            doc[0]++;
            document(name + "#" + doc[0], text, YAML, fast, b);
        }
    }

    private static boolean isDocumentMarker(String s, int from, int to) {
        return to - from >= 3
                && s.startsWith("---", from)
                && (to - from == 3
                        || s.charAt(from + 3) == ' '
                        || s.charAt(from + 3) == '\t'
                        || s.charAt(from + 3) == '\r');
    }

    private static void document(String source, String text, ObjectMapper mapper, boolean fast, ManifestSet.Builder b) {
        if (isBlank(text)) {
            return;
        }
        // The fast reader accepts only documents that SnakeYAML reads to the same value.
        Object value = fast ? BlockYamlReader.read(text) : BlockYamlReader.DECLINED;
        if (value != BlockYamlReader.DECLINED) {
            if (value != null) {
                accept(source, value, b);
            }
            return;
        }
        try {
            value = mapper.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            b.error(new ManifestError(
                    source, "", "syntax error" + where + ": " + ResourceConverter.firstLine(e.getOriginalMessage())));
            return;
        } catch (RuntimeException e) {
            b.error(new ManifestError(source, "", "syntax error: " + ResourceConverter.firstLine(e.getMessage())));
            return;
        }
        if (value != null) {
            accept(source, value, b);
        }
    }

    private static void accept(String source, Object value, ManifestSet.Builder b) {
        if (value instanceof Map<?, ?> m) {
            b.addResource(source, ResourceConverter.asStringMap(m));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof Map<?, ?> m) {
                    b.addResource(source + "[" + i + "]", ResourceConverter.asStringMap(m));
                } else {
                    b.error(new ManifestError(source + "[" + i + "]", "", "is not an object"));
                }
            }
        } else {
            b.error(new ManifestError(source, "", "document is not an object"));
        }
    }

    private static boolean isBlank(String text) {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '#') {
                int nl = text.indexOf('\n', i);
                if (nl < 0) {
                    return true;
                }
                i = nl + 1;
            } else if (Character.isWhitespace(ch)) {
                i++;
            } else {
                return false;
            }
        }
        return true;
    }
}
