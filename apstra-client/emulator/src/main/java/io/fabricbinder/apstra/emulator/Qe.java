package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A small interpreter for Apstra's graph query language (qe), covering the forms clients issue:
 * {@code node(type, attr=value, name=...)}, {@code .out(rel)}, {@code .in_(rel)}, {@code
 * .node(...)}, {@code match(q, ..., optional(q))}, {@code .where(lambda a, b: ...)}, {@code
 * .distinct([...])} and the value matchers {@code is_in}, {@code not_in}, {@code is_none}, {@code
 * not_none}, {@code eq}, {@code ne}, {@code gt}, {@code ge}, {@code lt}, {@code le}. Strings are
 * Python literals: single or double quoted with backslash escapes, so a quoted value containing an
 * escaped quote is matched literally and never re-parsed as query text.
 */
final class Qe {
    /** A query the interpreter cannot parse or run; reported as 422. */
    static final class QeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String detail;

        QeException(String message) {
            super(message);
            this.detail = message;
        }

        /** Never null: every QeException is made with a message. */
        @Override
        public String getMessage() {
            return detail;
        }
    }

    private enum None {
        NONE
    }

    record Call(String name, List<Object> args, Map<String, Object> kwargs) {}

    record Chain(List<Call> calls) {}

    record Lambda(List<String> params, Object body) {}

    record Cmp(String op, Object left, Object right) {}

    record AttrRef(String var, String attr) {}

    record BoolOp(String op, List<Object> operands) {}

    // ------------------------------------------------------------------ parsing

    private final String src;
    private int pos;

    private Qe(String src) {
        this.src = src;
    }

    static Chain parse(String query) {
        Qe p = new Qe(Objects.requireNonNull(query, "query"));
        p.skipWs();
        Chain c = p.chain();
        p.skipWs();
        if (p.pos != p.src.length()) {
            throw p.error("unexpected text");
        }
        return c;
    }

    private QeException error(String what) {
        return new QeException("Invalid query: " + what + " at offset " + pos);
    }

    private void skipWs() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        skipWs();
        return pos < src.length() && src.charAt(pos) == c;
    }

    private void expect(char c) {
        skipWs();
        if (pos >= src.length() || src.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private String ident() {
        skipWs();
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos || Character.isDigit(src.charAt(start))) {
            throw error("expected a name");
        }
        return src.substring(start, pos);
    }

    private Chain chain() {
        List<Call> calls = new ArrayList<>();
        calls.add(call(ident()));
        while (peek('.')) {
            pos++;
            calls.add(call(ident()));
        }
        return new Chain(calls);
    }

    private Call call(String name) {
        expect('(');
        List<Object> args = new ArrayList<>();
        Map<String, Object> kwargs = new LinkedHashMap<>();
        while (!peek(')')) {
            skipWs();
            int save = pos;
            if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
                String id = ident();
                skipWs();
                if (peek('=') && !src.startsWith("==", pos)) {
                    pos++;
                    kwargs.put(id, value());
                } else {
                    pos = save;
                    args.add(value());
                }
            } else {
                args.add(value());
            }
            if (peek(',')) {
                pos++;
            } else if (!peek(')')) {
                throw error("expected ',' or ')'");
            }
        }
        expect(')');
        return new Call(name, args, kwargs);
    }

    private Object value() {
        skipWs();
        if (pos >= src.length()) {
            throw error("unexpected end");
        }
        char c = src.charAt(pos);
        if (c == '\'' || c == '"') {
            return string();
        }
        if (c == '[' || c == '(') {
            char close = c == '[' ? ']' : ')';
            pos++;
            List<Object> items = new ArrayList<>();
            while (!peek(close)) {
                items.add(value());
                if (peek(',')) {
                    pos++;
                } else if (!peek(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
            expect(close);
            return items;
        }
        if (c == '-' || Character.isDigit(c)) {
            return number();
        }
        int save = pos;
        String id = ident();
        Object literal = literal(id);
        if (literal != null) {
            return literal;
        }
        if (id.equals("lambda")) {
            return lambda();
        }
        pos = save;
        return chain();
    }

    /** The value of Python's {@code True}, {@code False} or {@code None}; null for any other name. */
    private static @Nullable Object literal(String name) {
        return switch (name) {
            case "True" -> true;
            case "False" -> false;
            case "None" -> None.NONE;
            default -> null;
        };
    }

    private BigDecimal number() {
        int start = pos;
        if (src.charAt(pos) == '-') {
            pos++;
        }
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
            pos++;
        }
        try {
            return new BigDecimal(src.substring(start, pos));
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number");
        }
    }

    private String string() {
        char quote = src.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw error("unterminated string");
            }
            char c = src.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos >= src.length()) {
                    throw error("unterminated string");
                }
                char e = src.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\', '\'', '"' -> sb.append(e);
                    default -> sb.append('\\').append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private Lambda lambda() {
        List<String> params = new ArrayList<>();
        while (!peek(':')) {
            params.add(ident());
            if (peek(',')) {
                pos++;
            }
        }
        expect(':');
        return new Lambda(params, orExpr());
    }

    private boolean keyword(String kw) {
        skipWs();
        if (src.startsWith(kw, pos)
                && (pos + kw.length() >= src.length() || !Character.isLetterOrDigit(src.charAt(pos + kw.length())))) {
            pos += kw.length();
            return true;
        }
        return false;
    }

    private Object orExpr() {
        List<Object> ops = new ArrayList<>(List.of(andExpr()));
        while (keyword("or")) {
            ops.add(andExpr());
        }
        return ops.size() == 1 ? ops.get(0) : new BoolOp("or", ops);
    }

    private Object andExpr() {
        List<Object> ops = new ArrayList<>(List.of(notExpr()));
        while (keyword("and")) {
            ops.add(notExpr());
        }
        return ops.size() == 1 ? ops.get(0) : new BoolOp("and", ops);
    }

    private Object notExpr() {
        if (keyword("not")) {
            return new BoolOp("not", List.of(notExpr()));
        }
        if (peek('(')) {
            pos++;
            Object inner = orExpr();
            expect(')');
            return inner;
        }
        Object left = operand();
        skipWs();
        for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return new Cmp(op, left, operand());
            }
        }
        if (keyword("in")) {
            return new Cmp("in", left, operand());
        }
        return new Cmp("truthy", left, true);
    }

    private Object operand() {
        skipWs();
        char c = pos < src.length() ? src.charAt(pos) : '\0';
        if (c == '\'' || c == '"' || c == '[' || c == '-' || Character.isDigit(c)) {
            return value();
        }
        String var = ident();
        Object literal = literal(var);
        if (literal != null) {
            return literal;
        }
        if (peek('.')) {
            pos++;
            return new AttrRef(var, ident());
        }
        if (peek('[')) {
            pos++;
            Object key = value();
            expect(']');
            return new AttrRef(var, String.valueOf(key));
        }
        return new AttrRef(var, "id");
    }

    // ------------------------------------------------------------------ evaluation

    /** A partial match: names bound to node ids, plus the cursor of the path being walked. */
    private record Binding(
            Map<String, String> names, @Nullable String current) {
        Binding with(@Nullable String name, String nodeId) {
            Map<String, String> m = names;
            if (name != null && !nodeId.equals(names.get(name))) {
                m = new LinkedHashMap<>(names);
                m.put(name, nodeId);
            }
            return new Binding(m, nodeId);
        }
    }

    /** Runs {@code query} against {@code graph}, returning Apstra's {@code {"count", "items"}} body. */
    static ObjectNode run(Graph graph, String query) {
        Chain chain = parse(query);
        Set<String> names = new LinkedHashSet<>();
        collectNames(chain, names);
        List<Binding> result = evalTop(graph, chain);
        ArrayNode items = Json.arr();
        for (Binding b : result) {
            ObjectNode item = items.addObject();
            for (String n : names) {
                String id = b.names().get(n);
                ObjectNode node = id == null ? null : graph.node(id);
                if (node == null) {
                    item.putNull(n);
                } else {
                    item.set(n, node);
                }
            }
        }
        ObjectNode out = Json.obj();
        out.put("count", items.size());
        out.set("items", items);
        return out;
    }

    private static void collectNames(Object v, Set<String> names) {
        if (v instanceof Chain c) {
            for (Call call : c.calls()) {
                if (call.name().equals("node") && call.kwargs().get("name") instanceof String s) {
                    names.add(s);
                }
                call.args().forEach(a -> collectNames(a, names));
            }
        }
    }

    private static List<Binding> evalTop(Graph g, Chain chain) {
        List<Call> calls = chain.calls();
        Call first = calls.get(0);
        List<Binding> bindings;
        int rest;
        if (first.name().equals("match")) {
            bindings = match(g, first, List.of(new Binding(Map.of(), null)));
            rest = 1;
        } else if (first.name().equals("node")) {
            bindings = path(g, calls, List.of(new Binding(Map.of(), null)));
            rest = calls.size();
        } else {
            throw new QeException("Invalid query: must start with node() or match(), found " + first.name() + "()");
        }
        for (Call c : calls.subList(rest, calls.size())) {
            bindings = switch (c.name()) {
                case "where" -> where(g, c, bindings);
                case "distinct" -> distinct(c, bindings);
                default -> throw new QeException("Invalid query: unsupported " + c.name() + "() after match()");
            };
        }
        return bindings;
    }

    private static List<Binding> match(Graph g, Call match, List<Binding> start) {
        List<Binding> bindings = start;
        for (Object arg : match.args()) {
            if (!(arg instanceof Chain sub)) {
                throw new QeException("Invalid query: match() takes queries");
            }
            Call head = sub.calls().get(0);
            if (head.name().equals("optional")) {
                if (head.args().size() != 1 || !(head.args().get(0) instanceof Chain opt)) {
                    throw new QeException("Invalid query: optional() takes one query");
                }
                List<Binding> next = new ArrayList<>();
                for (Binding b : bindings) {
                    List<Binding> ext = path(g, opt.calls(), List.of(new Binding(b.names(), null)));
                    next.addAll(ext.isEmpty() ? List.of(b) : ext);
                }
                bindings = next;
            } else if (head.name().equals("node")) {
                List<Binding> reset = new ArrayList<>();
                bindings.forEach(b -> reset.add(new Binding(b.names(), null)));
                bindings = path(g, sub.calls(), reset);
            } else if (head.name().equals("match")) {
                bindings = match(g, head, bindings);
            } else {
                throw new QeException("Invalid query: unsupported " + head.name() + "() inside match()");
            }
        }
        return bindings;
    }

    private static List<Binding> path(Graph g, List<Call> calls, List<Binding> start) {
        List<Binding> bindings = start;
        String pendingDir = null;
        String pendingType = null;
        boolean first = true;
        for (Call c : calls) {
            switch (c.name()) {
                case "node" -> {
                    bindings = step(g, c, bindings, first, pendingDir, pendingType);
                    pendingDir = null;
                    pendingType = null;
                }
                case "out", "in_" -> {
                    if (first) {
                        throw new QeException("Invalid query: a path must start with node()");
                    }
                    if (pendingDir != null) {
                        bindings = step(
                                g, new Call("node", List.of(), Map.of()), bindings, false, pendingDir, pendingType);
                    }
                    pendingDir = c.name();
                    Object t =
                            !c.args().isEmpty() ? c.args().get(0) : c.kwargs().get("type");
                    pendingType = t instanceof String s ? s : null;
                }
                case "where" -> {
                    if (pendingDir != null) {
                        bindings = step(
                                g, new Call("node", List.of(), Map.of()), bindings, false, pendingDir, pendingType);
                        pendingDir = null;
                    }
                    bindings = where(g, c, bindings);
                }
                case "distinct" -> bindings = distinct(c, bindings);
                default -> throw new QeException("Invalid query: unsupported " + c.name() + "()");
            }
            first = false;
        }
        if (pendingDir != null) {
            bindings = step(g, new Call("node", List.of(), Map.of()), bindings, false, pendingDir, pendingType);
        }
        return bindings;
    }

    private static List<Binding> step(
            Graph g, Call node, List<Binding> in, boolean first, @Nullable String dir, @Nullable String relType) {
        Map<String, Object> filters = new LinkedHashMap<>(node.kwargs());
        Object nameObj = filters.remove("name");
        if (nameObj != null && !(nameObj instanceof String)) {
            throw new QeException("Invalid query: name must be a string");
        }
        String name = (String) nameObj;
        if (!node.args().isEmpty()) {
            filters.put("type", node.args().get(0));
        }
        List<Binding> out = new ArrayList<>();
        for (Binding b : in) {
            List<String> candidates;
            String bound = name == null ? null : b.names().get(name);
            if (first || b.current() == null) {
                candidates = new ArrayList<>();
                if (bound != null) {
                    candidates.add(bound);
                } else {
                    g.nodes().forEach(n -> candidates.add(n.get("id").asText()));
                }
            } else {
                candidates = new ArrayList<>();
                List<Graph.Rel> rels = "out".equals(dir) ? g.out(b.current()) : g.in(b.current());
                for (Graph.Rel r : rels) {
                    if (relType == null || relType.equals(r.type())) {
                        candidates.add("out".equals(dir) ? r.target() : r.source());
                    }
                }
                if (bound != null) {
                    candidates.removeIf(c -> !c.equals(bound));
                }
            }
            for (String id : candidates) {
                ObjectNode n = g.node(id);
                if (n != null && matches(n, filters)) {
                    out.add(b.with(name, id));
                }
            }
        }
        return out;
    }

    private static boolean matches(ObjectNode node, Map<String, Object> filters) {
        for (Map.Entry<String, Object> f : filters.entrySet()) {
            if (!test(node.get(f.getKey()), f.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static boolean test(@Nullable JsonNode attr, Object want) {
        // null when the attribute is missing or JSON null, which qe treats alike
        JsonNode value = attr == null || attr.isNull() ? null : attr;
        if (want == None.NONE) {
            return value == null;
        }
        if (want instanceof Chain c) {
            Call m = c.calls().get(0);
            List<Object> a = m.args();
            return switch (m.name()) {
                case "not_none" -> value != null;
                case "is_none" -> value == null;
                case "is_in", "not_in" -> {
                    if (a.size() != 1 || !(a.get(0) instanceof List<?> options)) {
                        throw new QeException("Invalid query: " + m.name() + "() takes a list");
                    }
                    boolean any = false;
                    for (Object o : options) {
                        any |= value != null && equalsValue(value, o);
                    }
                    yield m.name().equals("is_in") == any;
                }
                case "eq", "ne", "gt", "ge", "lt", "le" -> {
                    if (a.size() != 1) {
                        throw new QeException("Invalid query: " + m.name() + "() takes one value");
                    }
                    yield compare(m.name(), value, a.get(0));
                }
                default -> throw new QeException("Invalid query: unknown matcher " + m.name() + "()");
            };
        }
        return value != null && equalsValue(value, want);
    }

    /** {@code eq}, {@code ne}, {@code gt}, {@code ge}, {@code lt} or {@code le} of a present or missing value. */
    private static boolean compare(String op, @Nullable JsonNode value, Object want) {
        if (op.equals("eq")) {
            return value != null && equalsValue(value, want);
        }
        if (op.equals("ne")) {
            return value == null || !equalsValue(value, want);
        }
        if (value == null || !(want instanceof BigDecimal bound) || !isNumeric(value)) {
            return false;
        }
        int cmp = new BigDecimal(value.asText()).compareTo(bound);
        return switch (op) {
            case "gt" -> cmp > 0;
            case "ge" -> cmp >= 0;
            case "lt" -> cmp < 0;
            default -> cmp <= 0;
        };
    }

    private static boolean isNumeric(JsonNode n) {
        if (n.isNumber()) {
            return true;
        }
        try {
            new BigDecimal(n.asText());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean equalsValue(JsonNode attr, Object want) {
        if (want instanceof String s) {
            return attr.isValueNode() && attr.asText().equals(s);
        }
        if (want instanceof Boolean bo) {
            return attr.isBoolean() && attr.booleanValue() == bo;
        }
        if (want instanceof BigDecimal d) {
            return isNumeric(attr) && new BigDecimal(attr.asText()).compareTo(d) == 0;
        }
        return false;
    }

    private static List<Binding> distinct(Call c, List<Binding> in) {
        List<String> keys = new ArrayList<>();
        if (!c.args().isEmpty() && c.args().get(0) instanceof List<?> l) {
            l.forEach(o -> keys.add(String.valueOf(o)));
        }
        Set<List<String>> seen = new HashSet<>();
        List<Binding> out = new ArrayList<>();
        for (Binding b : in) {
            List<String> key = new ArrayList<>();
            if (keys.isEmpty()) {
                key.addAll(b.names().values());
            } else {
                keys.forEach(k -> key.add(String.valueOf(b.names().get(k))));
            }
            if (seen.add(key)) {
                out.add(b);
            }
        }
        return out;
    }

    private static List<Binding> where(Graph g, Call c, List<Binding> in) {
        if (c.args().size() != 1 || !(c.args().get(0) instanceof Lambda lambda)) {
            throw new QeException("Invalid query: where() takes one lambda");
        }
        List<Binding> out = new ArrayList<>();
        for (Binding b : in) {
            if (truth(eval(g, lambda.body(), lambda, b))) {
                out.add(b);
            }
        }
        return out;
    }

    private static @Nullable Object eval(Graph g, Object expr, Lambda lambda, Binding b) {
        if (expr instanceof BoolOp op) {
            return switch (op.op()) {
                case "not" -> !truth(eval(g, op.operands().get(0), lambda, b));
                case "and" -> {
                    for (Object o : op.operands()) {
                        if (!truth(eval(g, o, lambda, b))) {
                            yield false;
                        }
                    }
                    yield true;
                }
                default -> {
                    for (Object o : op.operands()) {
                        if (truth(eval(g, o, lambda, b))) {
                            yield true;
                        }
                    }
                    yield false;
                }
            };
        }
        if (expr instanceof Cmp cmp) {
            Object l = eval(g, cmp.left(), lambda, b);
            Object r = eval(g, cmp.right(), lambda, b);
            return switch (cmp.op()) {
                case "truthy" -> truth(l);
                case "==" -> Objects.equals(l, r);
                case "!=" -> !Objects.equals(l, r);
                case "in" -> r instanceof List<?> list && list.contains(l);
                default -> {
                    int k;
                    if (l instanceof BigDecimal a && r instanceof BigDecimal z) {
                        k = a.compareTo(z);
                    } else if (l instanceof String a && r instanceof String z) {
                        k = a.compareTo(z);
                    } else {
                        yield false;
                    }
                    yield switch (cmp.op()) {
                        case "<" -> k < 0;
                        case ">" -> k > 0;
                        case "<=" -> k <= 0;
                        default -> k >= 0;
                    };
                }
            };
        }
        if (expr instanceof AttrRef ref) {
            if (!lambda.params().contains(ref.var())) {
                throw new QeException("Invalid query: unknown name " + ref.var() + " in where()");
            }
            String id = b.names().get(ref.var());
            ObjectNode node = id == null ? null : g.node(id);
            JsonNode v = node == null ? null : node.get(ref.attr());
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isNumber()) {
                return v.decimalValue();
            }
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            return v.asText();
        }
        if (expr == None.NONE) {
            return null;
        }
        if (expr instanceof List<?> list) {
            List<Object> vals = new ArrayList<>();
            for (Object o : list) {
                vals.add(eval(g, o, lambda, b));
            }
            return vals;
        }
        return expr;
    }

    private static boolean truth(@Nullable Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean bo) {
            return bo;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof BigDecimal d) {
            return d.signum() != 0;
        }
        return true;
    }
}
