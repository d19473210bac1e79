package io.fabricbinder.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A CNI error result (spec 1.1.0 "Error"): {@code {"cniVersion", "code", "msg", "details"}}, printed on
 * stdout with a non-zero exit status. Codes 1-99 are the spec's; 100 and up are this plugin's.
 *
 * @param code the error code
 * @param msg a short message, naming the field or variable at fault
 * @param details more context (may be empty)
 */
public record CniError(int code, String msg, String details) {
    /** 1: the cniVersion of the configuration is not supported. */
    public static final int INCOMPATIBLE_VERSION = 1;
    /** 2: a field of the configuration is not supported. */
    public static final int UNSUPPORTED_FIELD = 2;
    /** 3: the container is unknown or does not exist. */
    public static final int UNKNOWN_CONTAINER = 3;
    /** 4: a required environment variable (or CNI_ARGS field) is missing or invalid. */
    public static final int INVALID_ENVIRONMENT = 4;
    /** 5: an I/O failure. */
    public static final int IO_FAILURE = 5;
    /** 6: stdin could not be decoded. */
    public static final int DECODING_FAILURE = 6;
    /** 7: the network configuration is invalid; the message names the field. */
    public static final int INVALID_NETWORK_CONFIG = 7;
    /** 11: try again later (store or node agent unreachable). */
    public static final int TRY_AGAIN_LATER = 11;
    /** 50: STATUS: the plugin cannot serve ADD now. */
    public static final int PLUGIN_NOT_AVAILABLE = 50;
    /** 100: the node configuration file is missing a field, unreadable or not private. */
    public static final int NODE_CONFIG_INVALID = 100;
    /** 101: CHECK: the attachment holds no allocation, or a different one. */
    public static final int ALLOCATION_MISMATCH = 101;
    /** 102: no free address in a range of the pool. */
    public static final int POOL_EXHAUSTED = 102;
    /** 103: a requested address ({@code ips}) is held by another attachment. */
    public static final int ADDRESS_TAKEN = 103;

    /** The versions of the CNI specification this plugin speaks, oldest first. */
    public static final List<String> SUPPORTED_VERSIONS = List.of("0.4.0", "1.0.0", "1.1.0");

    /** The newest supported version, used where the request names none. */
    public static final String LATEST = "1.1.0";

    private static final JsonFactory JSON = new JsonFactory();

    /** The error as the JSON a CNI runtime reads, for {@code cniVersion}. */
    public byte[] toJson(@Nullable String cniVersion) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("cniVersion", cniVersion == null ? LATEST : cniVersion);
            g.writeNumberField("code", code);
            g.writeStringField("msg", msg);
            if (!details.isEmpty()) {
                g.writeStringField("details", details);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** The VERSION result: {@code {"cniVersion":"1.1.0","supportedVersions":[...]}}. */
    public static byte[] versionResult() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("cniVersion", LATEST);
            g.writeArrayFieldStart("supportedVersions");
            for (String v : SUPPORTED_VERSIONS) {
                g.writeString(v);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }
}
