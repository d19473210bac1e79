package io.fabricbinder.core.manifest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * A strict, fast reader for the block-YAML subset that {@code kubectl get -o yaml} and hand-written
 * manifests use: block mappings and sequences (including {@code - key: value} compact maps and
 * sequences at the same indentation as their key), single-line plain, single- and double-quoted
 * scalars, {@code |} and {@code >} block scalars with {@code -}/{@code +} chomping, comments and a
 * {@code ...} document end.
 *
 * <p>It reads ONE document and produces exactly the tree that Jackson's YAML parser (SnakeYAML
 * events plus Jackson's scalar typing) gives for it: {@link LinkedHashMap}, {@link ArrayList},
 * {@link String}, {@link Integer}, {@link Long}, {@link BigInteger}, {@link Double}, {@link Boolean} and null; keys
 * are always strings. Whenever a document uses anything outside the subset (flow collections,
 * anchors, aliases, tags, multi-line plain or quoted scalars, complex keys, tabs in indentation,
 * duplicate keys, numbers in forms other than plain decimal, unusual characters, ...) or is not
 * valid YAML, {@link #read} returns {@link #DECLINED} and the caller parses that document with
 * SnakeYAML, so correctness and error messages never depend on this reader. Stateless (each call
 * uses a fresh instance); thread-safe.
 */
final class BlockYamlReader {

    /** Returned by {@link #read} when the document must be parsed by SnakeYAML. */
    static final Object DECLINED = new Object();

    /**
     * SnakeYAML's default code point limit per document is 3 MiB; larger documents are left to it
     * so that it reports the limit as today.
     */
    static final int MAX_DOCUMENT_CHARS = 3_000_000;

    private static final int MAX_DEPTH = 100;
    private static final int MAX_KEY_CHARS = 1000;
    private static final int MAX_FLOAT_CHARS = 32;
    private static final int MAX_INTEGER_DIGITS = 100;

    /**
     * Jackson's YAMLParser resolves plain scalars with a default SnakeYAML resolver, too. Only read
     * after construction (a map lookup and regex matches), so it is shared across threads.
     */
    private static final Resolver RESOLVER = new Resolver();

    private final String s;
    private int end;
    private int pos;
    private int lineStart;
    private int indent;
    private int depth;
    private boolean started;

    private BlockYamlReader(String s, int from, int to) {
        this.s = s;
        this.pos = from;
        this.end = to;
    }

    /**
     * Reads the document in {@code s[from, to)} (the text after its {@code ---} line, if any).
     *
     * @return the document's value (null for an empty document or a null scalar), or {@link
     *     #DECLINED}
     */
    static @Nullable Object read(String s, int from, int to) {
        if (to - from > MAX_DOCUMENT_CHARS) {
            return DECLINED;
        }
        try {
            return new BlockYamlReader(s, from, to).document();
        } catch (Decline d) {
            return DECLINED;
        }
    }

    /** Convenience for tests: the whole string as one document. */
    static @Nullable Object read(String s) {
        return read(s, 0, s.length());
    }

    private @Nullable Object document() {
        checkCharacters();
        if (!nextContentLine()) {
            return null;
        }
        started = true;
        Object root = blockNode(-1);
        if (nextContentLine()) {
            throw new Decline(); // content after the root node ended (a dedent below its column)
        }
        return root;
    }

    /**
     * SnakeYAML rejects non-printable characters; other line breaks than LF, and a byte order mark,
     * change how lines are counted. All of these go to SnakeYAML.
     */
    private void checkCharacters() {
        for (int i = pos; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (c != '\n' && c != '\t') {
                    throw new Decline();
                }
            } else if (c >= 0x7F) {
                if (c <= 0x9F || c == 0x2028 || c == 0x2029 || c >= 0xFEFF) {
                    throw new Decline();
                }
                if (Character.isHighSurrogate(c)) {
                    if (i + 1 >= end || !Character.isLowSurrogate(s.charAt(i + 1))) {
                        throw new Decline();
                    }
                    i++;
                } else if (Character.isLowSurrogate(c)) {
                    throw new Decline();
                }
            }
        }
    }

    /**
     * Moves {@link #pos} to the start of the next line that holds content (skipping blank and
     * comment lines; {@code pos} must be at a line start) and sets {@link #indent}. Returns false
     * at the end of the document.
     */
    private boolean nextContentLine() {
        while (pos < end) {
            int i = pos;
            while (i < end && s.charAt(i) == ' ') {
                i++;
            }
            if (i == end) {
                pos = end;
                return false;
            }
            char c = s.charAt(i);
            if (c == '\n') {
                pos = i + 1;
            } else if (c == '#') {
                pos = afterLine(i);
            } else if (c == '\t') {
                throw new Decline();
            } else if (i == pos && c == '.' && isMarker(i, '.')) {
                if (depth == 0 && !started) {
                    throw new Decline(); // "..." before any content: an error in an implicit document
                }
                documentEnd(i + 3);
                return false;
            } else if (i == pos && c == '-' && isMarker(i, '-')) {
                throw new Decline(); // not expected inside a split document
            } else {
                lineStart = pos;
                indent = i - pos;
                return true;
            }
        }
        return false;
    }

    private boolean isMarker(int i, char c) {
        if (i + 3 > end || s.charAt(i + 1) != c || s.charAt(i + 2) != c) {
            return false;
        }
        return i + 3 == end || s.charAt(i + 3) == ' ' || s.charAt(i + 3) == '\n';
    }

    /** After {@code ...}: only a comment on that line and blank or comment lines may follow. */
    private void documentEnd(int i) {
        endOfLine(i);
        while (pos < end) {
            int j = pos;
            while (j < end && s.charAt(j) == ' ') {
                j++;
            }
            if (j == end) {
                break;
            }
            char c = s.charAt(j);
            if (c == '\n') {
                pos = j + 1;
            } else if (c == '#') {
                pos = afterLine(j);
            } else {
                throw new Decline();
            }
        }
        pos = end;
        end = pos;
    }

    /** A block collection whose first line is the current content line; its column is > parent. */
    private Object blockNode(int parentIndent) {
        int col = indent;
        if (col <= parentIndent) {
            throw new Decline();
        }
        int p = lineStart + col;
        if (isSequenceEntry(p)) {
            return sequence(col, p);
        }
        return mapping(col, p);
    }

    private boolean isSequenceEntry(int p) {
        if (s.charAt(p) != '-') {
            return false;
        }
        return p + 1 == end || s.charAt(p + 1) == ' ' || s.charAt(p + 1) == '\n';
    }

    /** A block mapping at column {@code col}; its first key starts at {@code p} (maybe mid-line). */
    private Map<String, @Nullable Object> mapping(int col, int p) {
        if (++depth > MAX_DEPTH) {
            throw new Decline();
        }
        Map<String, @Nullable Object> map = new LinkedHashMap<>();
        while (true) {
            char c = s.charAt(p);
            String key;
            int afterColon;
            if (c == '"' || c == '\'') {
                int q = quotedEnd(p, false);
                if (q >= end || s.charAt(q) != ':' || !isBlankOrEnd(q + 1)) {
                    throw new Decline();
                }
                key = c == '"' ? doubleQuoted(p, q) : singleQuoted(p, q);
                afterColon = q + 1;
            } else {
                checkPlainStart(p);
                int colon = -1;
                for (int i = p; i < end; i++) {
                    char ch = s.charAt(i);
                    if (ch == ':' && isBlankOrEnd(i + 1)) {
                        colon = i;
                        break;
                    }
                    if (ch == '\n' || ch == '\t' || (ch == '#' && s.charAt(i - 1) == ' ')) {
                        throw new Decline();
                    }
                }
                if (colon < 0) {
                    throw new Decline();
                }
                int k = colon;
                while (s.charAt(k - 1) == ' ') {
                    k--;
                }
                key = s.substring(p, k);
                afterColon = colon + 1;
            }
            if (key.length() > MAX_KEY_CHARS) {
                throw new Decline();
            }
            Object value = valueAfterIndicator(afterColon, col, true);
            int size = map.size();
            map.put(key, value);
            if (map.size() == size) {
                throw new Decline(); // duplicate key
            }
            if (!nextContentLine() || indent < col) {
                depth--;
                return map;
            }
            if (indent > col) {
                throw new Decline();
            }
            p = lineStart + col;
        }
    }

    /** A block sequence at column {@code col}; its first {@code -} is at {@code p} (maybe mid-line). */
    private List<@Nullable Object> sequence(int col, int p) {
        if (++depth > MAX_DEPTH) {
            throw new Decline();
        }
        List<@Nullable Object> list = new ArrayList<>();
        while (true) {
            list.add(valueAfterIndicator(p + 1, col, false));
            if (!nextContentLine() || indent < col) {
                depth--;
                return list;
            }
            if (indent > col) {
                throw new Decline();
            }
            p = lineStart + col;
            if (!isSequenceEntry(p)) {
                // a key at the column of a sequence: ends a sequence that is a mapping value at the
                // mapping's own column; anything else is an error the caller declines
                depth--;
                return list;
            }
        }
    }

    /**
     * The value after a {@code key:} or a {@code -} that ends at {@code q}, in a collection at
     * column {@code col}. Leaves {@link #pos} at the start of a line.
     */
    private @Nullable Object valueAfterIndicator(int q, int col, boolean inMapping) {
        int r = q;
        while (r < end && s.charAt(r) == ' ') {
            r++;
        }
        char c = r < end ? s.charAt(r) : '\n';
        if (c == '\n' || (c == '#' && r > q)) {
            pos = afterLine(r);
            if (!nextContentLine()) {
                return null;
            }
            if (indent > col) {
                return blockNode(col);
            }
            if (inMapping && indent == col && isSequenceEntry(lineStart + col)) {
                return sequence(col, lineStart + col);
            }
            return null;
        }
        if (r == q) {
            throw new Decline(); // "-x" is not an entry; keys always end with ": " or ":\n"
        }
        switch (c) {
            case '"', '\'' -> {
                if (!inMapping && isKeyLine(r)) {
                    return mapping(r - lineStart, r);
                }
                int qe = quotedEnd(r, true);
                String v = c == '"' ? doubleQuoted(r, qe) : singleQuoted(r, qe);
                endOfLine(qe);
                return v;
            }
            case '|', '>' -> {
                return blockScalar(r, col);
            }
            case '-' -> {
                if (isSequenceEntry(r)) {
                    if (inMapping) {
                        throw new Decline();
                    }
                    return sequence(r - lineStart, r);
                }
            }
            default -> {}
        }
        if (!inMapping && isKeyLine(r)) {
            return mapping(r - lineStart, r);
        }
        return plain(r);
    }

    /** Whether the line from {@code r} is {@code key: ...} or {@code key:}. */
    private boolean isKeyLine(int r) {
        char c = s.charAt(r);
        if (c == '"' || c == '\'') {
            int q;
            try {
                q = quotedEnd(r, false);
            } catch (Decline d) {
                return false;
            }
            return q < end && s.charAt(q) == ':' && isBlankOrEnd(q + 1);
        }
        for (int i = r; i < end; i++) {
            char ch = s.charAt(i);
            if (ch == '\n' || (ch == '#' && s.charAt(i - 1) == ' ')) {
                return false;
            }
            if (ch == ':' && isBlankOrEnd(i + 1)) {
                return true;
            }
        }
        return false;
    }

    private boolean isBlankOrEnd(int i) {
        return i >= end || s.charAt(i) == ' ' || s.charAt(i) == '\n';
    }

    private void checkPlainStart(int p) {
        char c = s.charAt(p);
        switch (c) {
            case '-' -> {
                if (isBlankOrEnd(p + 1) || s.charAt(p + 1) == '\t') {
                    throw new Decline();
                }
            }
            case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ', '\t' ->
                throw new Decline();
            default -> {}
        }
    }

    /** A single-line plain scalar value from {@code r}; typed like Jackson types it. */
    private @Nullable Object plain(int r) {
        checkPlainStart(r);
        int last = r;
        int i = r;
        for (; i < end; i++) {
            char ch = s.charAt(i);
            if (ch == '\n') {
                break;
            }
            if (ch == ' ') {
                if (i + 1 < end && s.charAt(i + 1) == '#') {
                    break;
                }
            } else if (ch == '\t') {
                throw new Decline();
            } else if (ch == ':' && isBlankOrEnd(i + 1)) {
                throw new Decline(); // "mapping values are not allowed here"
            } else {
                last = i + 1;
            }
        }
        pos = afterLine(i);
        return resolvePlain(s.substring(r, last));
    }

    /** After a scalar: spaces, then the end of the line or a comment. */
    private void endOfLine(int i) {
        int j = i;
        while (j < end && s.charAt(j) == ' ') {
            j++;
        }
        if (j < end && s.charAt(j) != '\n' && !(s.charAt(j) == '#' && j > i)) {
            throw new Decline();
        }
        pos = afterLine(j);
    }

    private int afterLine(int i) {
        int nl = s.indexOf('\n', i);
        return nl < 0 || nl >= end ? end : nl + 1;
    }

    /**
     * The index after the closing quote of the quoted scalar at {@code p}; keys (and anything
     * unterminated) must close on the same line.
     */
    private int quotedEnd(int p, boolean multiLine) {
        char quote = s.charAt(p);
        int i = p + 1;
        while (i < end) {
            char ch = s.charAt(i);
            if (ch == '\n' && !multiLine) {
                break;
            }
            if (ch == quote) {
                if (quote == '\'' && i + 1 < end && s.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if (ch == '\\' && quote == '"') {
                i += 2;
                continue;
            }
            i++;
        }
        throw new Decline(); // unterminated, or a multi-line key
    }

    private String singleQuoted(int p, int qe) {
        int from = p + 1;
        int to = qe - 1;
        if (indexOf('\n', from, to) >= 0) {
            return multiLineQuoted(p, qe);
        }
        int q = indexOf('\'', from, to);
        if (q < 0) {
            return s.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        int chunk = from;
        while (q >= 0) {
            sb.append(s, chunk, q + 1); // a doubled quote stands for one
            chunk = q + 2;
            q = indexOf('\'', chunk, to);
        }
        return sb.append(s, chunk, to).toString();
    }

    /** Bounded: an unbounded indexOf would scan the rest of a large stream for a rare char. */
    private int indexOf(char c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private String doubleQuoted(int p, int qe) {
        int from = p + 1;
        int to = qe - 1;
        if (indexOf('\n', from, to) >= 0) {
            return multiLineQuoted(p, qe);
        }
        if (indexOf('\\', from, to) < 0) {
            return s.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char ch = s.charAt(i);
            if (ch != '\\') {
                sb.append(ch);
                i++;
            } else {
                i = escape(i, to, sb);
            }
        }
        return sb.toString();
    }

    /** Decodes the escape at {@code i} (a backslash) into {@code sb}; returns the index after it. */
    private int escape(int i, int to, StringBuilder sb) {
        char e = s.charAt(i + 1);
        i += 2;
        switch (e) {
            case '0' -> sb.append('\0');
            case 'a' -> sb.append('\u0007');
            case 'b' -> sb.append('\b');
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'v' -> sb.append('\u000B');
            case 'f' -> sb.append('\f');
            case 'r' -> sb.append('\r');
            case 'e' -> sb.append('\u001B');
            case ' ' -> sb.append(' ');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'N' -> sb.append('\u0085');
            case '_' -> sb.append('\u00A0');
            case 'L' -> sb.append('\u2028');
            case 'P' -> sb.append('\u2029');
            case 'x' -> {
                sb.append((char) hex(i, 2, to));
                i += 2;
            }
            case 'u' -> {
                int v = hex(i, 4, to);
                if (Character.isSurrogate((char) v)) {
                    throw new Decline();
                }
                sb.append((char) v);
                i += 4;
            }
            default -> throw new Decline();
        }
        return i;
    }

    /**
     * A quoted scalar over several lines, folded as SnakeYAML folds it: whitespace around a line
     * break is dropped, a single break becomes a space, each empty line a newline, and in double
     * quotes an escaped break joins the lines.
     */
    private String multiLineQuoted(int p, int qe) {
        boolean dq = s.charAt(p) == '"';
        int to = qe - 1;
        StringBuilder sb = new StringBuilder(to - p);
        int i = p + 1;
        while (i < to) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t') {
                int j = i;
                while (j < to && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
                    j++;
                }
                if (j < to && s.charAt(j) == '\n') {
                    i = foldBreaks(j + 1, to, sb, true);
                } else {
                    sb.append(s, i, j);
                    i = j;
                }
            } else if (c == '\n') {
                i = foldBreaks(i + 1, to, sb, true);
            } else if (dq && c == '\\') {
                if (s.charAt(i + 1) == '\n') {
                    i = foldBreaks(i + 2, to, sb, false);
                } else {
                    i = escape(i, to, sb);
                }
            } else if (!dq && c == '\'') {
                sb.append('\'');
                i += 2;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** After a line break in a quoted scalar at {@code i}: empty lines, then leading whitespace. */
    private int foldBreaks(int i, int to, StringBuilder sb, boolean spaceIfNone) {
        int breaks = 0;
        while (true) {
            if (isDocumentMarkerAt(i)) {
                throw new Decline(); // SnakeYAML: "found unexpected document separator"
            }
            while (i < to && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i < to && s.charAt(i) == '\n') {
                breaks++;
                i++;
            } else {
                break;
            }
        }
        if (breaks == 0) {
            if (spaceIfNone) {
                sb.append(' ');
            }
        } else {
            appendBreaks(sb, breaks);
        }
        return i;
    }

    private boolean isDocumentMarkerAt(int i) {
        if (i + 3 > end) {
            return false;
        }
        char c = s.charAt(i);
        return (c == '-' || c == '.') && isMarker(i, c);
    }

    private int hex(int i, int digits, int to) {
        if (i + digits > to) {
            throw new Decline();
        }
        int v = 0;
        for (int k = i; k < i + digits; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0 || s.charAt(k) > 'f') {
                throw new Decline();
            }
            v = v * 16 + d;
        }
        return v;
    }

    /**
     * A {@code |} or {@code >} block scalar whose indicator is at {@code r}, in a collection at
     * column {@code col}; follows SnakeYAML's scanning rules for indentation, folding and chomping.
     */
    private String blockScalar(int r, int col) {
        boolean folded = s.charAt(r) == '>';
        int i = r + 1;
        char chomp = ' ';
        if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            chomp = s.charAt(i);
            i++;
        }
        if (i < end && s.charAt(i) != ' ' && s.charAt(i) != '\n') {
            throw new Decline(); // indentation indicator, or junk
        }
        endOfLine(i);
        int minIndent = Math.max(col + 1, 1);
        // leading empty lines, and the indentation of the first content line
        int leadingBreaks = 0;
        int maxIndent = 0;
        int sp;
        while (true) {
            sp = 0;
            while (pos + sp < end && s.charAt(pos + sp) == ' ') {
                sp++;
            }
            maxIndent = Math.max(maxIndent, sp);
            if (pos + sp < end && s.charAt(pos + sp) == '\n') {
                leadingBreaks++;
                pos += sp + 1;
            } else {
                break;
            }
        }
        int blockIndent = Math.max(minIndent, maxIndent);
        if (pos + sp >= end || sp < blockIndent) {
            throw new Decline(); // empty block scalar, or more-indented leading empty lines
        }
        StringBuilder sb = new StringBuilder();
        appendBreaks(sb, leadingBreaks);
        boolean lineBreak;
        int breaks;
        while (true) {
            int contentStart = pos + blockIndent;
            char first = s.charAt(contentStart);
            boolean leadingNonSpace = first != ' ' && first != '\t';
            int nl = s.indexOf('\n', contentStart);
            int lineEnd = nl < 0 || nl >= end ? end : nl;
            sb.append(s, contentStart, lineEnd);
            lineBreak = lineEnd < end;
            pos = lineBreak ? lineEnd + 1 : end;
            breaks = 0;
            while (true) {
                sp = 0;
                while (sp < blockIndent && pos + sp < end && s.charAt(pos + sp) == ' ') {
                    sp++;
                }
                if (pos + sp < end && s.charAt(pos + sp) == '\n') {
                    breaks++;
                    pos += sp + 1;
                } else {
                    break;
                }
            }
            if (sp == blockIndent && pos + sp < end) {
                char next = s.charAt(pos + sp);
                if (folded && lineBreak && leadingNonSpace && next != ' ' && next != '\t') {
                    if (breaks == 0) {
                        sb.append(' ');
                    }
                } else if (lineBreak) {
                    sb.append('\n');
                }
                appendBreaks(sb, breaks);
            } else {
                break;
            }
        }
        if (chomp != '-' && lineBreak) {
            sb.append('\n');
        }
        if (chomp == '+') {
            appendBreaks(sb, breaks);
        }
        return sb.toString();
    }

    private static void appendBreaks(StringBuilder sb, int n) {
        for (int k = 0; k < n; k++) {
            sb.append('\n');
        }
    }

    /**
     * Types a plain scalar as Jackson's YAMLParser does (YAML 1.1 core schema through SnakeYAML's
     * resolver): null, booleans, decimal integers (Integer, else Long) and simple decimal floats
     * are converted here; other forms that resolve to a non-string (octal, hex, binary,
     * underscores, sexagesimal, {@code .inf}, {@code +1}, long integers) are declined.
     */
    static @Nullable Object resolvePlain(String v) {
        char c = v.charAt(0);
        switch (c) {
            case 'y', 'Y', 'n', 'N', 't', 'T', 'f', 'F', 'o', 'O' -> {
                return word(v);
            }
            case '~' -> {
                return v.length() == 1 ? null : v;
            }
            case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                return number(v);
            }
            default -> {
                return v;
            }
        }
    }

    private static @Nullable Object word(String v) {
        return switch (v) {
            case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" -> true;
            case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" -> false;
            case "null", "Null", "NULL" -> null;
            default -> v;
        };
    }

    private static Object number(String v) {
        int n = v.length();
        int i = v.charAt(0) == '-' ? 1 : 0;
        int digitsStart = i;
        while (i < n && isDigit(v.charAt(i))) {
            i++;
        }
        int digits = i - digitsStart;
        if (digits > 0) {
            if (i == n) {
                if (digits == 1 || v.charAt(digitsStart) != '0') {
                    // Jackson: Integer if it fits, else Long, else BigInteger
                    if (digits <= 18) {
                        long l = Long.parseLong(v);
                        return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
                    }
                    if (digits <= MAX_INTEGER_DIGITS) {
                        BigInteger big = new BigInteger(v);
                        return big.bitLength() <= 63 ? (Object) big.longValue() : (Object) big;
                    }
                }
            } else if (n <= MAX_FLOAT_CHARS && isSimpleFloat(v, i)) {
                return Double.valueOf(v);
            }
        }
        Tag tag = RESOLVER.resolve(NodeId.scalar, v, true);
        if (tag.equals(Tag.STR) || tag.equals(Tag.TIMESTAMP)) {
            return v; // Jackson reports timestamps as strings, too
        }
        if (tag.equals(Tag.INT) && v.indexOf(':') > 0) {
            return v; // sexagesimal: Jackson's number decoder stops at ':' and keeps the text
        }
        throw new Decline();
    }

    /** After leading digits at {@code [.., i)}: {@code .digits} and/or {@code e[+-]digits}. */
    private static boolean isSimpleFloat(String v, int i) {
        int n = v.length();
        boolean fraction = false;
        if (v.charAt(i) == '.') {
            int j = ++i;
            while (i < n && isDigit(v.charAt(i))) {
                i++;
            }
            if (i == j) {
                return false;
            }
            fraction = true;
        }
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '+' || v.charAt(i) == '-')) {
                i++;
            }
            int j = i;
            while (i < n && isDigit(v.charAt(i))) {
                i++;
            }
            return i == n && i > j;
        }
        return fraction && i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Thrown to give up on a document. Created at each throw (no shared Throwable in a static field);
     * it records no stack trace, so that costs one small allocation, on a path where SnakeYAML then
     * parses the whole document anyway.
     */
    private static final class Decline extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Decline() {
            super("declined", null, false, false);
        }
    }
}
