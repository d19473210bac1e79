package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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

/**
 * Parses Kubernetes manifests (YAML, possibly multi-document, or JSON: one object or a {@code kind:
 * List}) into a {@link ManifestSet}.
 *
 * <p>YAML is read with Kubernetes' typing (YAML 1.2 core schema, see {@link YamlDocuments}):
 * {@code pciAddress: 0000:18:02.0} is a string, {@code yes} and {@code on} are strings.
 *
 * <p>Two kinds of problems are told apart. A <b>source</b> that cannot be read at all — a path that
 * does not exist, a directory without manifest files, an empty file, a file that cannot be read or
 * is not UTF-8 — throws {@link UnreadableManifestException} before anything is returned: such input
 * is not an empty cluster, and planning against it would delete what FabricBinder owns. Bad
 * <b>content</b> never throws: every problem becomes a {@link Diagnostic} and the other objects
 * are still returned; a document that cannot be read as an object (a YAML syntax error, a document
 * that is not a mapping, an object without {@code kind} or {@code metadata.name}) is also listed in
 * {@link ManifestSet#unreadable()}, and the planner then deletes and untags nothing (it cannot
 * know which objects the document held). Example:
 *
 * <pre>{@code
 * ManifestSet set = Manifests.parse(Path.of("manifests"));   // *.yaml, *.yml, *.json, recursively
 * ManifestSet one = Manifests.parse("inline.yaml", yamlText);
 * ManifestSet fromController = Manifests.convert(genericResource.getAdditionalProperties()...);
 * }</pre>
 *
 * <p>Documents are numbered from 1: a YAML syntax error in the third document of {@code a.yaml}
 * is reported for object {@code a.yaml#3}, with the line and column in the file. Objects without
 * {@code metadata.namespace} go to {@code default}. Stateless and thread-safe.
 */
public final class Manifests {

    private static final int PARALLEL_THRESHOLD = 1 << 20;
    private static final int PARALLEL_CHUNK = 1 << 20;

    private Manifests() {}

    /**
     * Parses a file, or every {@code *.yaml}, {@code *.yml} and {@code *.json} file under a
     * directory (recursively, in sorted path order).
     *
     * @throws UnreadableManifestException if the path does not exist, a directory holds no manifest
     *     file, or a file is empty (only white space), cannot be read, or is not valid UTF-8 (the
     *     message names the file and the byte offset and line of the first bad byte)
     */
    public static ManifestSet parse(Path path) {
        if (!Files.exists(path)) {
            throw new UnreadableManifestException(path.toString(), "no such file or directory");
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
                throw new UnreadableManifestException(path.toString(), "cannot list directory: " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new UnreadableManifestException(
                        path.toString(), "the directory holds no *.yaml, *.yml or *.json file");
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
        List<CompletableFuture<List<YamlDocuments.Document>>> parts = new ArrayList<>();
        for (String chunk : chunks) {
            parts.add(CompletableFuture.supplyAsync(() -> YamlDocuments.read(chunk), executor));
        }
        // Validate each chunk as soon as it is read, while later chunks are still being parsed.
        ManifestSet.Builder b = ManifestSet.builder();
        int number = 0;
        for (CompletableFuture<List<YamlDocuments.Document>> part : parts) {
            List<YamlDocuments.Document> chunkDocs = part.join();
            if (chunkDocs.stream().anyMatch(d -> d.error() != null)) {
                // A syntax error somewhere: the sequential path reports it with lines in the file.
                parts.forEach(f -> f.cancel(false));
                return parse(name, content);
            }
            for (YamlDocuments.Document doc : chunkDocs) {
                number++;
                if (doc.value() != null) {
                    accept(name + "#" + number, doc.value(), b);
                }
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
            if (lineStart - start >= minChunk && YamlDocuments.isDocumentMarker(content, lineStart, lineEnd)) {
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableManifestException(file.toString(), "cannot read file: " + e);
        }
        String content = decodeUtf8(file.toString(), bytes);
        if (content.isBlank()) {
            throw new UnreadableManifestException(
                    file.toString(),
                    "the file is empty (a file meant to hold no objects must say so, e.g. with a comment)");
        }
        parseInto(name, content, b);
    }

    /**
     * Strict UTF-8 decoding (a leading byte order mark is dropped).
     *
     * @throws UnreadableManifestException naming the byte offset and line of the first bad byte
     */
    static String decodeUtf8(String file, byte[] bytes) {
        int from =
                bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf
                        ? 3
                        : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new UnreadableManifestException(
                    file,
                    String.format(
                            Locale.ROOT,
                            "not valid UTF-8: byte 0x%02x at byte offset %d (line %d)",
                            bytes[offset] & 0xff,
                            offset,
                            line));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    static void parseInto(String name, String content, ManifestSet.Builder b) {
        String trimmed = content.stripLeading();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            // JSON is YAML too, but the JSON parser is faster and gives better messages.
            json(name + "#1", content, b);
            return;
        }
        for (YamlDocuments.Document doc : YamlDocuments.read(content)) {
            String source = name + "#" + doc.number();
            YamlDocuments.SyntaxError error = doc.error();
            if (error != null) {
                b.unreadable(new Diagnostic(ObjectRef.document(source), "", error.toString()));
            } else if (doc.value() != null) {
                accept(source, doc.value(), b);
            }
        }
    }

    private static void json(String source, String text, ManifestSet.Builder b) {
        Object value;
        try {
            value = FieldReader.JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")";
            b.unreadable(new Diagnostic(
                    ObjectRef.document(source),
                    "",
                    "syntax error" + where + ": " + FieldReader.firstLine(e.getOriginalMessage())));
            return;
        }
        if (value != null) {
            accept(source, value, b);
        }
    }

    private static void accept(String source, Object value, ManifestSet.Builder b) {
        if (value instanceof Map<?, ?> m) {
            b.addResource(source, FieldReader.asStringMap(m));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                if (l.get(i) instanceof Map<?, ?> m) {
                    b.addResource(source + "[" + i + "]", FieldReader.asStringMap(m));
                } else {
                    b.unreadable(new Diagnostic(ObjectRef.document(source + "[" + i + "]"), "", "is not an object"));
                }
            }
        } else {
            b.unreadable(new Diagnostic(ObjectRef.document(source), "", "document is not an object"));
        }
    }
}
