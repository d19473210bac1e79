package io.fabricbinder.cni;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The plugin's node configuration: a private JSON file on the host that says where the node agent
 * listens, {@code {"socket": "/run/fabricbinder/ipam.sock"}}. Store connection details never come
 * from the network configuration (a NetworkAttachmentDefinition any namespace admin can write);
 * they live with the node agent only.
 *
 * <p>Path: {@value #DEFAULT_PATH}, or the value of {@value #ENV_OVERRIDE}. The file must not be
 * readable or writable by group or others (mode 0600 or 0400), as {@code fabricbinder cni-install}
 * writes it; anything else is refused with {@link CniError#NODE_CONFIG_INVALID}.
 *
 * @param path where it was read from
 * @param socket the node agent's unix domain socket
 */
public record NodeConfig(Path path, Path socket) {
    /** The default location. */
    public static final String DEFAULT_PATH = "/etc/cni/net.d/fabricbinder.d/fabricbinder-ipam.conf";

    /** The environment variable that overrides {@link #DEFAULT_PATH}. */
    public static final String ENV_OVERRIDE = "FABRICBINDER_IPAM_CONFIG";

    /** A problem with the node configuration, as a CNI error. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient CniError error;

        Invalid(CniError error) {
            super(error.msg());
            this.error = error;
        }

        /** The error to print. */
        public CniError error() {
            return error;
        }
    }

    /** The path {@code env} selects. */
    public static Path location(Map<String, String> env) {
        String p = env.get(ENV_OVERRIDE);
        return Path.of(p == null || p.isEmpty() ? DEFAULT_PATH : p);
    }

    /**
     * Reads and checks the node configuration at {@code path}.
     *
     * @throws Invalid if it is missing, unreadable, not private, or has no {@code socket}
     */
    public static NodeConfig read(Path path) throws Invalid {
        byte[] bytes;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            for (PosixFilePermission p : perms) {
                if (p != PosixFilePermission.OWNER_READ
                        && p != PosixFilePermission.OWNER_WRITE
                        && p != PosixFilePermission.OWNER_EXECUTE) {
                    throw invalid(
                            "node configuration " + path + " must be private (mode 0600), is "
                                    + java.nio.file.attribute.PosixFilePermissions.toString(perms),
                            "it may be read by others; fabricbinder cni-install writes it with mode 0600");
                }
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw invalid(
                    "node configuration " + path + " is missing",
                    "run fabricbinder cni-install on this node, or set " + ENV_OVERRIDE);
        } catch (AccessDeniedException e) {
            throw invalid("node configuration " + path + " is unreadable: permission denied", "");
        } catch (IOException e) {
            throw invalid("node configuration " + path + " is unreadable: " + e, "");
        }
        @Nullable String socket = null;
        try (JsonParser p = new JsonFactory().createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("node configuration " + path + " is not a JSON object", "");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("socket".equals(name)) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw invalid("node configuration " + path + " field socket must be a string", "");
                    }
                    socket = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw invalid("node configuration " + path + " is not valid JSON", String.valueOf(e.getMessage()));
        }
        if (socket == null || socket.isEmpty()) {
            throw invalid("node configuration " + path + " field socket is missing", "");
        }
        return new NodeConfig(path, Path.of(socket));
    }

    private static Invalid invalid(String msg, String details) {
        return new Invalid(new CniError(CniError.NODE_CONFIG_INVALID, msg, details));
    }
}
