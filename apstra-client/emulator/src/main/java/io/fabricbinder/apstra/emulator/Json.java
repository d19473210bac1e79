package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.jspecify.annotations.Nullable;

/** Shared JSON helpers; the mapper is thread-safe once configured. */
final class Json {
    /** Created on first use, so that starting the emulator does not pay for ObjectMapper's setup. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Json() {}

    static ObjectMapper mapper() {
        return Mapper.INSTANCE;
    }

    static ObjectNode obj() {
        return F.objectNode();
    }

    static ArrayNode arr() {
        return F.arrayNode();
    }

    /** Apstra's error body with a plain string: {@code {"errors": "..."}}. */
    static ObjectNode errors(String message) {
        ObjectNode o = obj();
        o.put("errors", message);
        return o;
    }

    /** Apstra's error body keyed by field: {@code {"errors": {"field": "..."}}}. */
    static ObjectNode fieldError(String field, String message) {
        ObjectNode o = obj();
        o.putObject("errors").put(field, message);
        return o;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return mapper().writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deterministic opaque id in Apstra's style (18 letters/digits), derived from a seed string so
     * that the same topology yields the same ids on every run.
     */
    static String opaqueId(String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder(18);
            for (int i = 0; i < 18; i++) {
                sb.append(ALPHABET[(h[i] & 0xff) % ALPHABET.length]);
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of {@code n.field}, or {@code null} when the field is absent or JSON null. */
    static @Nullable String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** Apstra's error body for a nested field: {@code {"errors": {a: {b: {c: message}}}}}. */
    static ObjectNode nested(String a, String b, String c, String message) {
        ObjectNode o = Json.obj();
        o.putObject("errors").putObject(a).putObject(b).put(c, message);
        return o;
    }

    /** Copies {@code from.field} to {@code to}, or sets it to JSON null when absent or null. */
    static void copyOrNull(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null || v.isNull()) {
            to.putNull(field);
        } else {
            to.set(field, v);
        }
    }
}
