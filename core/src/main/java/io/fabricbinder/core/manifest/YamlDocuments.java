package io.fabricbinder.core.manifest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads YAML the way Kubernetes types it: YAML 1.2, core schema, through SnakeYAML Engine.
 *
 * <p>Plain scalars are typed by the YAML 1.2 core schema only: {@code true}/{@code false} are
 * booleans, {@code null}/{@code ~}/empty are null, decimal, {@code 0o} and {@code 0x} integers are
 * numbers, and everything else is a string. So {@code pciAddress: 0000:18:02.0} is the string
 * {@code "0000:18:02.0"} (YAML 1.1, which Jackson's YAML module and SnakeYAML 1.x/2.x implement,
 * reads it as a base-60 number), and {@code yes}, {@code on}, {@code y} are strings. Duplicate keys
 * are a syntax error. Values come back as {@link java.util.Map} (insertion-ordered), {@link List},
 * {@link String}, {@link Integer}/{@link Long}/{@link java.math.BigInteger}, {@link Double},
 * {@link Boolean} and null.
 *
 * <p>Example:
 *
 * <pre>{@code
 * for (YamlDocuments.Document d : YamlDocuments.read(text)) {
 *     if (d.error() != null) { log.warn("document {}: {}", d.number(), d.error()); }
 *     else { use(d.value()); }
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class YamlDocuments {

    private YamlDocuments() {}

    /**
     * A YAML syntax error with its position in the text (lines and columns from 1).
     *
     * @param line the line of the problem, from 1 (0 when the parser gave no position)
     * @param column the column, from 1 (0 when unknown)
     * @param problem what is wrong, one line
     */
    public record SyntaxError(int line, int column, String problem) {
        /** Validates. */
        public SyntaxError {
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public String toString() {
            return "syntax error" + (line > 0 ? " (line " + line + ", column " + column + ")" : "") + ": " + problem;
        }
    }

    /**
     * One document of a YAML stream.
     *
     * @param number its number in the stream, from 1 (an explicit empty document counts)
     * @param value the document's value (null for an empty document or on error)
     * @param error the syntax error that made it unreadable, or null
     */
    public record Document(
            int number, @Nullable Object value, @Nullable SyntaxError error) {}

    /**
     * Every document of a YAML stream, in order. Never throws for bad content: a document with a
     * syntax error is returned with its {@link Document#error()}, and the documents after it (split
     * at {@code ---} lines) are still read.
     */
    public static List<Document> read(String text) {
        List<Document> docs = new ArrayList<>();
        try {
            Iterator<Object> it = load().loadAllFromString(text).iterator();
            while (it.hasNext()) {
                docs.add(new Document(docs.size() + 1, it.next(), null));
            }
            return docs;
        } catch (YamlEngineException e) {
            // Recover document by document so that the good documents still count.
            return readPieces(text);
        }
    }

    /**
     * The single document of a text (e.g. a configuration file).
     *
     * @throws IllegalArgumentException naming line and column if the text is not one valid document
     */
    public static @Nullable Object readOne(String text) {
        try {
            return load().loadFromString(text);
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(syntaxError(e, 0).toString(), e);
        }
    }

    private static Load load() {
        // A new Load per stream: Load keeps parser state. The code point limit defaults to 3 MB;
        // GitOps repositories can hold larger files, and the whole file is in memory anyway.
        return new Load(LoadSettings.builder()
                .setSchema(new CoreSchema())
                .setCodePointLimit(Integer.MAX_VALUE)
                .setAllowDuplicateKeys(false)
                .build());
    }

    /** The error path: each piece between {@code ---} lines parsed on its own. */
    private static List<Document> readPieces(String text) {
        List<Document> docs = new ArrayList<>();
        List<int[]> pieces = new ArrayList<>(); // {start offset, end offset, first line (0-based)}
        int start = 0;
        int startLine = 0;
        int line = 0;
        int lineStart = 0;
        int len = text.length();
        while (lineStart < len) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? len : nl;
            if (isDocumentMarker(text, lineStart, lineEnd) && lineStart > start) {
                pieces.add(new int[] {start, lineStart, startLine});
                start = lineStart;
                startLine = line;
            }
            if (nl < 0) {
                break;
            }
            lineStart = nl + 1;
            line++;
        }
        pieces.add(new int[] {start, len, startLine});
        // A leading piece of directives only (%YAML ...) belongs to the document after it.
        if (pieces.size() > 1 && directivesOnly(text, pieces.get(0)[0], pieces.get(0)[1])) {
            int[] first = pieces.remove(0);
            pieces.get(0)[0] = first[0];
            pieces.get(0)[2] = first[2];
        }
        for (int[] p : pieces) {
            String piece = text.substring(p[0], p[1]);
            int before = docs.size();
            try {
                for (Object value : load().loadAllFromString(piece)) {
                    docs.add(new Document(docs.size() + 1, value, null));
                }
            } catch (YamlEngineException e) {
                docs.add(new Document(docs.size() + 1, null, syntaxError(e, p[2])));
            }
            if (docs.size() == before && p[0] > 0) {
                // "---" followed by nothing readable is still a document of the stream.
                docs.add(new Document(docs.size() + 1, null, null));
            }
        }
        return docs;
    }

    private static boolean directivesOnly(String text, int from, int to) {
        boolean any = false;
        for (String l : text.substring(from, to).split("\n", -1)) {
            String s = l.strip();
            if (s.startsWith("%")) {
                any = true;
            } else if (!s.isEmpty() && !s.startsWith("#")) {
                return false;
            }
        }
        return any;
    }

    static SyntaxError syntaxError(YamlEngineException e, int lineOffset) {
        if (e instanceof MarkedYamlEngineException m) {
            Mark mark = m.getProblemMark().or(m::getContextMark).orElse(null);
            String problem = m.getProblem();
            if (problem == null || problem.isBlank()) {
                problem = String.valueOf(m.getContext());
            }
            if (mark != null) {
                return new SyntaxError(mark.getLine() + 1 + lineOffset, mark.getColumn() + 1, firstLine(problem));
            }
            return new SyntaxError(0, 0, firstLine(problem));
        }
        return new SyntaxError(0, 0, firstLine(e.getMessage()));
    }

    private static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    static boolean isDocumentMarker(String s, int from, int to) {
        return to - from >= 3
                && s.startsWith("---", from)
                && (to - from == 3
                        || s.charAt(from + 3) == ' '
                        || s.charAt(from + 3) == '\t'
                        || s.charAt(from + 3) == '\r');
    }
}
