package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A parsed HTTP request as the handlers see it. */
final class Req {
    final String method;
    final String path;
    final List<String> segments;
    final Map<String, String> query = new LinkedHashMap<>();
    final String body;

    @Nullable
    String userId;

    @Nullable
    String username;

    @Nullable
    String clientIp;

    @Nullable
    String token;

    Req(String method, String path, @Nullable String rawQuery, String body) {
        this.method = method;
        this.path = path;
        this.body = body;
        List<String> segs = new ArrayList<>();
        // Empty segments are skipped, so keeping trailing ones (-1) changes nothing.
        for (String s : path.split("/", -1)) {
            if (!s.isEmpty()) {
                segs.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        this.segments = segs;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String kv : rawQuery.split("&", -1)) {
                if (kv.isEmpty()) {
                    continue; // "a=1&&b=2" or a trailing '&': no parameter there
                }
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                query.putIfAbsent(k, v);
            }
        }
    }

    String seg(int i) {
        return segments.get(i);
    }

    @Nullable
    String param(String name) {
        return query.get(name);
    }

    boolean async() {
        String a = query.get("async");
        return "full".equals(a) || "partial".equals(a);
    }

    /** The body as a JSON object; 400 with Apstra's error shape when it is not one. */
    ObjectNode json() {
        if (body.isBlank()) {
            return Json.obj();
        }
        JsonNode n;
        try {
            n = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, Json.errors("Request body is not valid JSON: " + e.getOriginalMessage()));
        }
        if (!(n instanceof ObjectNode o)) {
            throw new ApiException(400, Json.errors("Request body must be a JSON object"));
        }
        return o;
    }
}
