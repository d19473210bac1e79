package io.fabricbinder.apstra;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A path in Apstra's graph query language (QE), built without string concatenation: every value is
 * rendered as an escaped Python literal, and names, types and relationships must be identifiers, so
 * no input (a label holding a quote, say) can change the query's structure. Immutable.
 *
 * <pre>{@code
 * Qe leafs = Qe.node("system").where("role", "leaf").name("leaf");
 * QeResult r = blueprint.graph().query(Qe.match(leafs));
 * }</pre>
 */
public final class Qe {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private sealed interface Step permits NodeStep, EdgeStep {}

    private record NodeStep(@Nullable String type, Map<String, String> attrs) implements Step {
        NodeStep {
            attrs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attrs));
        }
    }

    private record EdgeStep(String rendered) implements Step {}

    private final List<Step> steps;
    private final boolean optional;

    private Qe(List<Step> steps, boolean optional) {
        this.steps = List.copyOf(steps);
        this.optional = optional;
    }

    /** Starts a path at a node of {@code type}. */
    public static Qe node(String type) {
        return new Qe(List.of(new NodeStep(identifier(type, "node type"), Map.of())), false);
    }

    /** Starts a path at a node of any type (usually followed by {@link #name} to refer to an earlier one). */
    public static Qe anyNode() {
        return new Qe(List.of(new NodeStep(null, Map.of())), false);
    }

    /** Marks a path optional inside {@link #match}: rows are kept when it does not match. */
    public static Qe optional(Qe path) {
        return new Qe(path.steps, true);
    }

    /** Combines paths: {@code match(p1, optional(p2), ...)}. */
    public static QeQuery match(Qe... paths) {
        return new QeQuery("match(" + List.of(paths).stream().map(Qe::render).collect(Collectors.joining(", ")) + ")");
    }

    /** The query of this single path. */
    public QeQuery toQuery() {
        return new QeQuery(render());
    }

    /** Adds {@code attribute=value} to the last node. Value: String, Boolean, Integer, Long or a {@link Value}. */
    public Qe where(String attribute, Object value) {
        identifier(attribute, "attribute");
        Objects.requireNonNull(value, "value");
        return withLastNodeAttr(attribute, literal(value));
    }

    /** Names the last node, so results carry it under {@code name}. */
    public Qe name(String name) {
        return withLastNodeAttr("name", quote(identifier(name, "name")));
    }

    /** Follows an outgoing relationship of {@code relationship} type. */
    public Qe out(String relationship) {
        return append(new EdgeStep(".out(" + quote(identifier(relationship, "relationship")) + ")"));
    }

    /** Follows an incoming relationship of {@code relationship} type. */
    public Qe in(String relationship) {
        return append(new EdgeStep(".in_(" + quote(identifier(relationship, "relationship")) + ")"));
    }

    /** Continues to a node of {@code type}. */
    public Qe to(String type) {
        return append(new NodeStep(identifier(type, "node type"), Map.of()));
    }

    /** Continues to a node of any type. */
    public Qe toAny() {
        return append(new NodeStep(null, Map.of()));
    }

    /** The rendered path, e.g. {@code node('system', role='leaf', name='leaf')}. */
    public String render() {
        StringBuilder path = new StringBuilder();
        for (Step step : steps) {
            if (step instanceof NodeStep n) {
                path.append(path.length() == 0 ? "" : ".").append(renderNode(n.type(), n.attrs()));
            } else if (step instanceof EdgeStep e) {
                path.append(e.rendered());
            }
        }
        return optional ? "optional(" + path + ")" : path.toString();
    }

    @Override
    public String toString() {
        return render();
    }

    /** A non-literal matcher value: {@link #isIn}, {@link #notNone()}, {@link #isNone()}. */
    public static final class Value {
        private final String rendered;

        private Value(String rendered) {
            this.rendered = rendered;
        }

        @Override
        public String toString() {
            return rendered;
        }
    }

    /** Matches any of {@code values}: {@code is_in(['a','b'])}. */
    public static Value isIn(Collection<?> values) {
        return new Value("is_in([" + values.stream().map(Qe::literal).collect(Collectors.joining(", ")) + "])");
    }

    /** Matches a set attribute: {@code not_none()}. */
    public static Value notNone() {
        return new Value("not_none()");
    }

    /** Matches an unset attribute: {@code is_none()}. */
    public static Value isNone() {
        return new Value("is_none()");
    }

    private Qe append(Step step) {
        List<Step> next = new ArrayList<>(steps);
        next.add(step);
        return new Qe(next, optional);
    }

    private Qe withLastNodeAttr(String key, String rendered) {
        int last = steps.size() - 1;
        if (!(steps.get(last) instanceof NodeStep n)) {
            throw new IllegalStateException("where()/name() must follow node(), to() or toAny()");
        }
        Map<String, String> attrs = new LinkedHashMap<>(n.attrs());
        attrs.put(key, rendered);
        List<Step> next = new ArrayList<>(steps);
        next.set(last, new NodeStep(n.type(), attrs));
        return new Qe(next, optional);
    }

    private static String renderNode(@Nullable String type, Map<String, String> attrs) {
        List<String> args = new ArrayList<>();
        if (type != null) {
            args.add(quote(type));
        }
        attrs.forEach((k, v) -> args.add(k + "=" + v));
        return "node(" + String.join(", ", args) + ")";
    }

    private static String identifier(String s, String what) {
        Objects.requireNonNull(s, what);
        if (!IDENTIFIER.matcher(s).matches()) {
            throw new IllegalArgumentException("QE " + what + " must be an identifier, got '" + s + "'");
        }
        return s;
    }

    static String literal(Object value) {
        if (value instanceof Value v) {
            return v.rendered;
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof String s) {
            return quote(s);
        }
        throw new IllegalArgumentException("QE value must be String, Boolean, Integer, Long or Qe.Value, got "
                + value.getClass().getName());
    }

    /** A single-quoted Python string literal; backslash, quotes and control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('\'').toString();
    }
}
