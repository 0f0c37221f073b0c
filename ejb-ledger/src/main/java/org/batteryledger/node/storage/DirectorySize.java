package org.batteryledger.node.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The bytes of the regular files under a directory, while the node writes into it: a file renamed or deleted between
 * the listing and its stat (a rotated log, a temporary file moved into place) counts as nothing instead of failing
 * the walk. {@code Files.walk} throws for such a file, which made a scrape of {@code /metrics} fail now and then.
 */
public final class DirectorySize {
    private DirectorySize() {
    }

    /** 0 for a directory that does not exist (the walk reports it gone, as any other). */
    public static long of(Path dir) throws IOException {
        Summing sum = new Summing();
        Files.walkFileTree(dir, sum);
        return sum.bytes;
    }

    /** Sums regular files; a file or directory gone before it was read is skipped, any other failure thrown. */
    static final class Summing extends SimpleFileVisitor<Path> {
        long bytes;

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
                bytes += attrs.size();
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            return FileVisitResult.CONTINUE;
        }
    }
}
