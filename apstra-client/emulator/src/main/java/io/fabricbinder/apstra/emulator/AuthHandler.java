package io.fabricbinder.apstra.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabricbinder.apstra.emulator.EmulatedApstra.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Logging in and out ({@code /api/user}, {@code /api/aaa}) and the version endpoints. Owns the
 * sessions; {@link EmulatedApstra} calls {@link #authenticate} under its monitor.
 */
final class AuthHandler {
    private record Session(String userId, String username, Instant expiresAt) {}

    private final Map<String, Session> sessions = new HashMap<>();

    private final EmulatedApstra apstra;

    AuthHandler(EmulatedApstra apstra) {
        this.apstra = apstra;
    }

    /** Resolves the token and returns the session's user, or throws 401. */
    void authenticate(Req r, @Nullable String token) {
        Session s = token == null ? null : sessions.get(token);
        if (s == null || !apstra.now().isBefore(s.expiresAt())) {
            if (s != null) {
                sessions.remove(token);
            }
            // (inferred) No public source quotes the 401 body for a bad token; Apstra's error shape is used.
            throw new ApiException(401, Json.errors("Authentication failed: invalid or expired AuthToken"));
        }
        r.userId = s.userId();
        r.token = token;
        r.username = s.username();
    }

    Response login(Req r) {
        ObjectNode body = r.json();
        String user = Json.text(body, "username");
        String pass = Json.text(body, "password");
        if (user == null
                || pass == null
                || !apstra.settings.username().equals(user)
                || !apstra.settings.password().equals(pass)) {
            return Response.json(401, Json.errors("Invalid credentials"));
        }
        Instant created = apstra.now();
        String session = UUID.randomUUID().toString();
        String token = jwt(user, created, session);
        sessions.put(token, new Session(apstra.adminUserId, user, created.plus(apstra.settings.tokenTtl())));
        ObjectNode out = Json.obj();
        out.put("token", token);
        out.put("id", apstra.adminUserId);
        return Response.json(201, out);
    }

    private String jwt(String user, Instant created, String session) {
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        ObjectNode header = Json.obj();
        header.put("alg", "HS256");
        header.put("typ", "JWT");
        ObjectNode payload = Json.obj();
        payload.put("username", user);
        payload.put("user_session", session);
        payload.put("created_at", created.truncatedTo(ChronoUnit.MICROS).toString());
        payload.put("session", session);
        payload.put("exp", created.plus(apstra.settings.tokenTtl()).getEpochSecond());
        return enc.encodeToString(Json.bytes(header)) + "." + enc.encodeToString(Json.bytes(payload)) + "."
                + enc.encodeToString(session.getBytes(StandardCharsets.UTF_8));
    }

    Response logout(Req r) {
        if (r.token != null) {
            sessions.remove(r.token);
        }
        return Response.json(200, Json.obj());
    }

    Response apiVersion(Req r) {
        // Never a trailing empty part: the builder only accepts forms like 4.2.1.
        String[] parts = apstra.settings.apstraVersion().split("\\.", -1);
        ObjectNode o = Json.obj();
        o.put("major", parts[0]);
        o.put("version", apstra.settings.apstraVersion());
        o.put("build", parts.length > 2 ? parts[2] : "0");
        o.put("minor", parts.length > 1 ? parts[1] : "0");
        return Response.json(200, o);
    }

    Response serverVersion(Req r) {
        ObjectNode o = Json.obj();
        o.put("version", apstra.settings.apstraVersion() + "-1");
        o.put("build_datetime", "2026-01-01_00:00:00_UTC");
        return Response.json(200, o);
    }

    void expireAllTokens() {
        sessions.clear();
    }
}
