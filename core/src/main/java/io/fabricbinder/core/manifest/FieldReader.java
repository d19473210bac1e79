package io.fabricbinder.core.manifest;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabricbinder.core.Diagnostic;
import io.fabricbinder.core.ObjectRef;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the fields of one object's JSON-like map (as parsed from YAML or JSON, or a fabric8 generic
 * resource) and collects its errors and warnings, each naming the object and the dotted field path.
 * Shared by the per-kind converters.
 */
final class FieldReader {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final ObjectMapper STRICT_STRINGS = strictStrings();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};

    final ObjectRef object;
    final List<Diagnostic> errors = new ArrayList<>();
    final List<Diagnostic> warnings = new ArrayList<>();

    FieldReader(ObjectRef object) {
        this.object = object;
    }

    void error(String field, String message) {
        errors.add(new Diagnostic(object, field, message));
    }

    void warning(String field, String message) {
        warnings.add(new Diagnostic(object, field, message));
    }

    boolean ok() {
        return errors.isEmpty();
    }

    @Nullable
    String required(Map<String, Object> m, String key, String path) {
        String v = string(m, key, path + "." + key);
        if (v == null && !m.containsKey(key)) {
            error(path + "." + key, "is required");
        } else if (v != null && v.isEmpty()) {
            error(path + "." + key, "must not be empty");
            return null;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asStringMap(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                Map<String, Object> copy = new LinkedHashMap<>();
                m.forEach((kk, v) -> copy.put(String.valueOf(kk), v));
                return copy;
            }
        }
        return (Map<String, Object>) m;
    }

    @Nullable
    Map<String, Object> map(Map<String, ?> m, String key, String path) {
        Map<?, ?> v = typed(m, key, path, Map.class, "must be an object");
        return v == null ? null : asStringMap(v);
    }

    @Nullable
    List<?> list(Map<String, ?> m, String key, String path) {
        return typed(m, key, path, List.class, "must be a list");
    }

    @Nullable
    String string(Map<String, ?> m, String key, String path) {
        return typed(m, key, path, String.class, "must be a string");
    }

    /** {@code m.get(key)} if absent or of {@code type}; otherwise an error at {@code path} and null. */
    <T> @Nullable T typed(Map<String, ?> m, String key, String path, Class<T> type, String expectation) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        error(path, expectation + ", got " + describe(v));
        return null;
    }

    @Nullable
    Integer integer(Map<String, ?> m, String key, String path) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Integer i) {
            return i;
        }
        if (v instanceof Long || v instanceof BigInteger || v instanceof Short || v instanceof Byte) {
            BigInteger b = new BigInteger(v.toString());
            if (b.bitLength() < 32) {
                return b.intValue();
            }
            error(path, "integer " + v + " is too large");
            return null;
        }
        error(path, "must be an integer, got " + describe(v));
        return null;
    }

    /**
     * A list of strings, converted by Jackson ({@link #STRICT_STRINGS}); empty when absent. When an
     * element is not a string, Jackson stops there: the error names that element by the index in
     * Jackson's path, and the list is read as empty.
     */
    List<String> stringList(Map<String, ?> m, String key, String path) {
        List<?> l = list(m, key, path);
        if (l == null) {
            return List.of();
        }
        try {
            return STRICT_STRINGS.convertValue(l, STRING_LIST);
        } catch (IllegalArgumentException e) {
            int i = e.getCause() instanceof JsonMappingException jm
                            && !jm.getPath().isEmpty()
                    ? jm.getPath().get(0).getIndex()
                    : -1;
            if (i < 0 || i >= l.size()) {
                error(path, "must be a list of strings");
            } else {
                error(path + "[" + i + "]", "must be a string, got " + describe(l.get(i)));
            }
            return List.of();
        }
    }

    /**
     * Jackson for lists of strings, with none of its lenient coercions: a number, boolean or null
     * element is an error, not text.
     */
    private static ObjectMapper strictStrings() {
        ObjectMapper mapper = new ObjectMapper();
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.setDefaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
        return mapper;
    }

    /** Labels and annotations: scalar values are taken as their text (YAML may type them). */
    Map<String, String> stringMap(Map<String, ?> m, String key, String path) {
        Map<String, Object> raw = map(m, key, path);
        if (raw == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Object v = e.getValue();
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                out.put(e.getKey(), v.toString());
            } else if (v == null) {
                out.put(e.getKey(), "");
            } else {
                error(path + "[" + e.getKey() + "]", "must be a string, got " + describe(v));
            }
        }
        return out;
    }

    static String describe(@Nullable Object v) {
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "a list";
        }
        if (v instanceof String s) {
            return KubernetesNames.echo(s);
        }
        return KubernetesNames.echo(String.valueOf(v)).replace("'", "");
    }

    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
