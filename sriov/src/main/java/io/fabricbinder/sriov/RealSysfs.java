package io.fabricbinder.sriov;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** {@link Sysfs} over the real file system. Not thread-safe (a read buffer); {@link #fork()} per thread. */
final class RealSysfs implements Sysfs {
    /** Reused by every {@link #read}; allocated on the first, grown for a larger file. */
    private byte @Nullable [] buffer;

    @Override
    public String @Nullable [] list(String dir) {
        // File.list is markedly cheaper than a DirectoryStream (no Path per entry)
        return new File(dir).list();
    }

    @Override
    public boolean exists(String path) {
        return new File(path).exists();
    }

    @Override
    public boolean isDirectory(String path) {
        return new File(path).isDirectory();
    }

    @Override
    public Link readLink(String path) {
        try {
            return Link.to(Files.readSymbolicLink(Path.of(path)).toString());
        } catch (NotLinkException e) {
            return Link.NOT_A_LINK;
        } catch (NoSuchFileException e) {
            return Link.ABSENT;
        } catch (IOException e) {
            return Link.UNREADABLE;
        }
    }

    /**
     * Reads a small attribute file as trimmed text with three system calls (open, read, close)
     * into a buffer reused for the whole walk. {@code Files.readAllBytes} makes five (it adds an
     * fstat for the size and a one-byte read to confirm the end), which matters at a dozen files
     * per device. A read that does not fill the buffer is taken as the whole file: sysfs returns
     * an attribute (at most a page) in one read, and a regular file returns all requested bytes
     * up to its end.
     */
    @Override
    public String read(String file) throws IOException {
        try (FileChannel ch = FileChannel.open(Path.of(file))) {
            byte[] buf = buffer;
            if (buf == null) {
                buf = new byte[4096];
                buffer = buf;
            }
            ByteBuffer b = ByteBuffer.wrap(buf);
            while (true) {
                int n = ch.read(b);
                if (n < 0 || b.hasRemaining()) {
                    break;
                }
                byte[] bigger = Arrays.copyOf(buf, buf.length * 2);
                b = ByteBuffer.wrap(bigger);
                b.position(buf.length);
                buf = bigger;
                buffer = bigger;
            }
            // trimmed as String.trim does (chars up to ' '), before decoding: one String, not two
            int start = 0;
            int end = b.position();
            while (end > 0 && (buf[end - 1] & 0xff) <= ' ') {
                end--;
            }
            while (start < end && (buf[start] & 0xff) <= ' ') {
                start++;
            }
            return new String(buf, start, end - start, StandardCharsets.UTF_8);
        }
    }

    @Override
    public String realPath(String path) {
        Path p = Path.of(path);
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    @Override
    public Sysfs fork() {
        return new RealSysfs();
    }
}
