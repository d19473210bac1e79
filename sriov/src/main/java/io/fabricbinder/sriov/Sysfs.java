package io.fabricbinder.sriov;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The file-system calls SR-IOV discovery makes, in one place: {@link SysfsWalk} decides what to
 * read and what it means, an implementation of this reads it. {@link #system()} reads the real
 * file system; a test can wrap it to inject faults (an unreadable file, a link that cannot be read)
 * that a temporary directory cannot produce when tests run as root. The shape follows OkHttp's
 * internal {@code FileSystem}.
 *
 * <p>Paths are strings (absolute, or relative to the working directory) because the walk builds
 * them by concatenation: it makes tens of thousands per discovery and a {@code Path} per step
 * would cost more than the system call. An instance is used by one thread at a time; {@link
 * #fork()}, which may be called from any thread, gives one for another thread or another walk.
 */
interface Sysfs {
    /** The real file system. */
    static Sysfs system() {
        return new RealSysfs();
    }

    /**
     * The names in directory {@code dir}, in no particular order, or null when it is not a
     * directory or cannot be listed.
     */
    String @Nullable [] list(String dir);

    /** Whether {@code path} exists, following links. */
    boolean exists(String path);

    /** Whether {@code path} is a directory, following links. */
    boolean isDirectory(String path);

    /** What the symbolic link at {@code path} points to; never throws. */
    Link readLink(String path);

    /**
     * The content of a small attribute file, trimmed of leading and trailing whitespace and control
     * characters (as {@link String#trim()} does), decoded as UTF-8.
     *
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if it cannot be read
     */
    String read(String file) throws IOException;

    /**
     * {@code path} with every symbolic link resolved, or, when that fails, made absolute and
     * normalised lexically.
     */
    String realPath(String path);

    /** An instance for another thread, reading the same tree. */
    Sysfs fork();

    /** The outcome of {@link #readLink}: a target, or why there is none. */
    record Link(Kind kind, String target) {
        /** Why a link has, or has no, target. */
        enum Kind {
            /** A symbolic link; {@link Link#target()} is where it points (as written, often relative). */
            TARGET,
            /** Nothing at that path. */
            ABSENT,
            /** A file or directory, not a symbolic link. */
            NOT_A_LINK,
            /** A link, or something, that cannot be read. */
            UNREADABLE
        }

        static final Link ABSENT = new Link(Kind.ABSENT, "");
        static final Link NOT_A_LINK = new Link(Kind.NOT_A_LINK, "");
        static final Link UNREADABLE = new Link(Kind.UNREADABLE, "");

        static Link to(String target) {
            return new Link(Kind.TARGET, target);
        }

        /** Whether this is a link with a target. */
        boolean isTarget() {
            return kind == Kind.TARGET;
        }
    }
}
