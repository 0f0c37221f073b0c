package org.batteryledger.node.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectorySizeTest {
    @Test
    void sumsTheRegularFilesUnderTheDirectory(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("a"), new byte[1000]);
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/b"), new byte[234]);
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("a")); // not followed, not counted twice
        assertEquals(1234, DirectorySize.of(dir));
        assertEquals(0, DirectorySize.of(dir.resolve("absent")));
    }

    @Test
    void aFileGoneBeforeItsStatCountsAsNothingAnyOtherFailureIsThrown() throws IOException {
        DirectorySize.Summing sum = new DirectorySize.Summing();
        assertSame(FileVisitResult.CONTINUE, sum.visitFileFailed(Path.of("server.log"), new NoSuchFileException("server.log")));
        assertSame(FileVisitResult.CONTINUE, sum.postVisitDirectory(Path.of("gone"), new NoSuchFileException("gone")));
        assertEquals(0, sum.bytes);
        assertThrows(AccessDeniedException.class, () -> sum.visitFileFailed(Path.of("x"), new AccessDeniedException("x")));
    }

    /** What failed a scrape of /metrics: files created and deleted while the directory is measured. */
    @Test
    void measuringWhileFilesComeAndGoNeverFails(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("kept"), new byte[500]);
        AtomicBoolean done = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            try {
                for (int i = 0; i < 20_000; i++) {
                    Path tmp = dir.resolve("t" + (i % 16) + ".tmp");
                    Files.write(tmp, new byte[10]);
                    Files.delete(tmp);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                done.set(true);
            }
        });
        churn.start();
        int measured = 0;
        while (!done.get() || measured == 0) {
            long size = DirectorySize.of(dir);
            assertTrue(size >= 500 && size <= 500 + 16 * 10, "measured " + size);
            measured++;
        }
        churn.join();
    }
}
