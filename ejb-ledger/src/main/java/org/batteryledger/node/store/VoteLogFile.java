package org.batteryledger.node.store;

import org.batteryledger.core.pbft.VoteLogEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The vote log of a member of one server, as an append-only file of its own (etcd's WAL, CometBFT's consensus WAL)
 * instead of rows in the ledger's database. A vote is written and forced before it is sent, as in the database, but an
 * append and an {@code fdatasync} of a small file cost far less than an H2 commit (which writes every page the commit
 * touched as a new chunk) and its {@code CHECKPOINT SYNC}; and a Ready that holds only votes, the backups' prepares and
 * commits, needs no database transaction at all. A clustered member keeps its votes in the database: its standby takes
 * over from them, fenced by the lease row in the same transaction.
 *
 * <p>Format, hand-written because recovery must read exactly what was forced: segments {@code votes-<n>.log}, each a run
 * of records {@code [u32 length][u32 CRC32C][u64 height][entry]} (big-endian; the length and CRC cover height and entry).
 * Reading stops at the first record that is short or fails its CRC, and the file is cut there: only an append that was
 * never forced, so never sent, can be torn. Once the active segment is past {@code rotateBytes} and blocks committed, the
 * entries of heights above the last committed one are written to segment n+1 (a temporary file forced, then renamed),
 * and segment n is deleted. The highest complete segment is the log. Used by the replica's loop thread only.
 */
public final class VoteLogFile implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VoteLogFile.class.getName());
    private static final String PREFIX = "votes-";
    private static final String SUFFIX = ".log";
    private static final int HEADER_BYTES = 4 + 4 + 8;
    /** Above the largest vote: a pre-prepare carries its block (frames are at most 16 MiB). */
    private static final int MAX_ENTRY_BYTES = 64 << 20;

    private final Path dir;
    private final long rotateBytes;
    private final boolean force;
    /** The entries not known committed, by height, as encoded: what a rotation writes to the next segment. */
    private final TreeMap<Long, List<byte[]>> live = new TreeMap<>();
    private long segment;
    private FileChannel channel;
    private long size;

    private VoteLogFile(Path dir, long rotateBytes, boolean force) {
        this.dir = dir;
        this.rotateBytes = rotateBytes;
        this.force = force;
    }

    /**
     * Opens the log in {@code dir} (created if missing) and reads what it holds; {@code force}: each append reaches the
     * disk before {@link #append} returns ({@code store.fsync}), else only the operating system's cache (a process crash
     * loses nothing, a power loss may).
     */
    public static VoteLogFile open(Path dir, long rotateBytes, boolean force) {
        VoteLogFile log = new VoteLogFile(dir, rotateBytes, force);
        try {
            log.openSegments();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the vote log in " + dir + ": " + e.getMessage(), e);
        }
        return log;
    }

    private void openSegments() throws IOException {
        Files.createDirectories(dir);
        segment = Math.max(newestSegment(dir), 0);
        channel = FileChannel.open(segmentFile(segment), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = readRecords(channel, live);
        if (size < channel.size()) {
            long dropped = channel.size() - size;
            LOG.warning(() -> "the vote log's last " + dropped + " bytes were an append that did not finish (a crash while writing it);"
                    + " cut off: nothing of it was sent");
            channel.truncate(size);
            channel.force(true);
        }
        channel.position(size);
        // Only once the newest segment is known readable: older ones (a rotation stopped before deleting its old
        // segment) and temporary files (one stopped before its rename: the segment before it is still the log).
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long n = segmentNumber(name);
                if (n >= 0 && n != segment || n < 0 && name.endsWith(".tmp")) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The highest segment number in {@code dir}, or -1 when it holds none. */
    private static long newestSegment(Path dir) throws IOException {
        long newest = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                newest = Math.max(newest, segmentNumber(f.getFileName().toString()));
            }
        }
        return newest;
    }

    /**
     * What the log in {@code dir} holds above {@code committedHeight}, read without writing anything (no file cut, no
     * segment deleted): for a clustered member's server, which keeps its votes in the database, so that votes a member
     * of one server logged before it became a cluster are not forgotten. Empty when there is no log.
     */
    public static List<VoteLogEntry> peek(Path dir, long committedHeight) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        TreeMap<Long, List<byte[]>> entries = new TreeMap<>();
        try {
            long newest = newestSegment(dir);
            if (newest < 0) {
                return List.of();
            }
            try (FileChannel c = FileChannel.open(dir.resolve(PREFIX + newest + SUFFIX), StandardOpenOption.READ)) {
                readRecords(c, entries);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the vote log in " + dir + ": " + e.getMessage(), e);
        }
        return decodeAbove(entries, committedHeight);
    }

    /** Reads every whole record of {@code c} into {@code into} by height; returns where the last one ends. */
    private static long readRecords(FileChannel c, TreeMap<Long, List<byte[]>> into) throws IOException {
        long length = c.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        long at = 0;
        while (at + HEADER_BYTES <= length) {
            header.clear();
            readFully(c, header, at);
            header.flip();
            int bytes = header.getInt();
            int crc = header.getInt();
            long height = header.getLong();
            if (bytes < 8 || bytes - 8 > MAX_ENTRY_BYTES || at + 8 + bytes > length) {
                break;
            }
            ByteBuffer entry = ByteBuffer.allocate(bytes - 8);
            readFully(c, entry, at + HEADER_BYTES);
            if (crc(height, entry.array()) != crc) {
                break;
            }
            into.computeIfAbsent(height, h -> new ArrayList<>()).add(entry.array());
            at += 8 + bytes;
        }
        return at;
    }

    private static void readFully(FileChannel c, ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b, position + b.position()) < 0) {
                throw new IOException("the vote log ended while reading it");
            }
        }
    }

    /** The entries of heights above {@code committedHeight}, in the order they were appended within each height. */
    public List<VoteLogEntry> entriesAbove(long committedHeight) {
        return decodeAbove(live, committedHeight);
    }

    private static List<VoteLogEntry> decodeAbove(TreeMap<Long, List<byte[]>> byHeight, long committedHeight) {
        List<VoteLogEntry> out = new ArrayList<>();
        for (List<byte[]> entries : byHeight.tailMap(committedHeight, false).values()) {
            for (byte[] e : entries) {
                out.add(VoteLogEntry.decode(e));
            }
        }
        return out;
    }

    /** Appends {@code entries} as one write and, with {@code force}, forces them onto the disk before returning. */
    public void append(List<VoteLogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<byte[]> encoded = new ArrayList<>(entries.size());
        int total = 0;
        for (VoteLogEntry e : entries) {
            byte[] b = e.encode();
            encoded.add(b);
            total += HEADER_BYTES + b.length;
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (int i = 0; i < entries.size(); i++) {
            long height = entries.get(i).height();
            byte[] b = encoded.get(i);
            putRecord(out, height, b);
            live.computeIfAbsent(height, h -> new ArrayList<>()).add(b);
        }
        out.flip();
        try {
            while (out.hasRemaining()) {
                channel.write(out);
            }
            if (force) {
                channel.force(false); // fdatasync: the data and the file's length, not its times
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the vote log: " + e.getMessage(), e);
        }
        size += total;
    }

    /**
     * Blocks up to {@code height} are committed (in the database): their entries are never needed again. Once the
     * active segment is past its size, the entries still needed go to a new one and the old one is deleted.
     */
    public void committed(long height) {
        live.headMap(height, true).clear();
        if (size < rotateBytes) {
            return;
        }
        try {
            rotate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a new segment of the vote log: " + e.getMessage(), e);
        }
    }

    private void rotate() throws IOException {
        long next = segment + 1;
        Path tmp = dir.resolve(PREFIX + next + SUFFIX + ".tmp");
        int total = 0;
        for (List<byte[]> entries : live.values()) {
            for (byte[] b : entries) {
                total += HEADER_BYTES + b.length;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (Map.Entry<Long, List<byte[]>> h : live.entrySet()) {
            for (byte[] b : h.getValue()) {
                putRecord(out, h.getKey(), b);
            }
        }
        out.flip();
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (out.hasRemaining()) {
                c.write(out);
            }
            c.force(true);
        }
        Files.move(tmp, segmentFile(next), StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(); // the rename on disk before the old segment goes
        channel.close();
        Files.delete(segmentFile(segment));
        segment = next;
        channel = FileChannel.open(segmentFile(segment), StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(total);
        size = total;
    }

    /** One record: {@code [u32 length][u32 CRC32C][u64 height][entry]}, the length and CRC covering height and entry. */
    private static void putRecord(ByteBuffer out, long height, byte[] entry) {
        out.putInt(8 + entry.length).putInt(crc(height, entry)).putLong(height).put(entry);
    }

    private void forceDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for this; the rename is then as durable as they make it.
            LOG.fine(() -> "cannot force the vote log's directory: " + e.getMessage());
        }
    }

    /** The active segment's length in bytes. */
    public long size() {
        return size;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warning(() -> "closing the vote log: " + e.getMessage());
        }
    }

    private Path segmentFile(long n) {
        return dir.resolve(PREFIX + n + SUFFIX);
    }

    /** The segment's number, or -1 for any other file. */
    private static long segmentNumber(String name) {
        if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int crc(long height, byte[] entry) {
        CRC32C c = new CRC32C();
        c.update(ByteBuffer.allocate(8).putLong(height).flip());
        c.update(entry);
        return (int) c.getValue();
    }
}
