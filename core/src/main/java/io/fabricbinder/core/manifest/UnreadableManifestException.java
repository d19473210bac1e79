package io.fabricbinder.core.manifest;

import java.util.Objects;

/**
 * A manifest source that cannot be read at all: a path that does not exist, a directory without
 * manifest files, an empty file, a file that cannot be read or is not valid UTF-8. Such input is not
 * an empty cluster; callers must stop before planning against the fabric (the CLI exits with code
 * 2).
 *
 * <p>Example message: {@code nads.yaml: not valid UTF-8: byte 0xff at byte offset 120 (line 7)}.
 */
public final class UnreadableManifestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String reason;

    /**
     * @param source the file or directory, as given
     * @param reason what is wrong with it
     */
    public UnreadableManifestException(String source, String reason) {
        super(Objects.requireNonNull(source, "source") + ": " + Objects.requireNonNull(reason, "reason"));
        this.source = source;
        this.reason = reason;
    }

    /** The file or directory that could not be read. */
    public String source() {
        return source;
    }

    /** What is wrong with it. */
    public String reason() {
        return reason;
    }
}
