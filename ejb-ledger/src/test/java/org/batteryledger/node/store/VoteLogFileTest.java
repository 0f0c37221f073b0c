package org.batteryledger.node.store;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vote log file reads back exactly the entries appended whole, in order, whatever a crash left: a torn last append,
 * a flipped byte in it, a rotation stopped at any step (CometBFT's WAL tests; etcd's {@code wal} repair tests).
 */
class VoteLogFileTest {
    private static final NodeId SENDER = new NodeId("0123456789abcdef0123456789abcdef01234567");
    private final Random random = new Random(16);

    private VoteLogEntry vote(long height, int view) {
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        byte[] signature = new byte[64 + random.nextInt(8)];
        random.nextBytes(signature);
        return random.nextBoolean()
                ? new VoteLogEntry.Signed(new PbftMessage.Prepare(height, view, Hash.of(hash), SENDER, signature))
                : new VoteLogEntry.Signed(new PbftMessage.Commit(height, view, Hash.of(hash), SENDER, signature));
    }

    private static void assertSameEntries(List<VoteLogEntry> expected, List<VoteLogEntry> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).encode(), actual.get(i).encode(), "entry " + i);
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void readsBackWhatWasAppendedAboveTheCommittedHeight(@TempDir Path dir) {
        List<VoteLogEntry> all = new ArrayList<>();
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            for (long h = 1; h <= 5; h++) {
                List<VoteLogEntry> ready = List.of(vote(h, 0), vote(h, 0), vote(h, 1));
                log.append(ready);
                all.addAll(ready);
            }
        }
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            assertSameEntries(all, log.entriesAbove(0));
            assertSameEntries(all.subList(9, 15), log.entriesAbove(3));
            assertSameEntries(List.of(), log.entriesAbove(5));
        }
        assertSameEntries(all.subList(12, 15), VoteLogFile.peek(dir, 4));
    }

    @Test
    void aTornLastAppendIsCutOffAndTheLogGoesOn(@TempDir Path dir) throws IOException {
        List<VoteLogEntry> whole = List.of(vote(7, 0), vote(7, 0));
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            log.append(whole);
        }
        Path segment = files(dir).get(0);
        long wholeBytes = Files.size(segment);
        // Every prefix of a further append, as a crash in the middle of writing it would leave.
        VoteLogEntry torn = vote(8, 0);
        byte[] record;
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            log.append(List.of(torn));
        }
        record = Files.readAllBytes(segment);
        for (long cut = wholeBytes + 1; cut < record.length; cut += 7) {
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                f.setLength(0);
                f.write(record, 0, (int) cut);
            }
            try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
                assertSameEntries(whole, log.entriesAbove(0));
                assertEquals(wholeBytes, Files.size(segment), "cut back to the last whole record (at " + cut + ")");
                VoteLogEntry next = vote(8, 1);
                log.append(List.of(next));
                assertSameEntries(List.of(whole.get(0), whole.get(1), next), log.entriesAbove(0));
            }
            try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
                assertEquals(3, log.entriesAbove(0).size(), "what was appended after the cut is read back");
            }
        }
    }

    @Test
    void aRecordThatFailsItsChecksumEndsTheLog(@TempDir Path dir) throws IOException {
        List<VoteLogEntry> whole = List.of(vote(3, 0));
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            log.append(whole);
            log.append(List.of(vote(3, 1)));
        }
        Path segment = files(dir).get(0);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 5] ^= 0x40; // inside the second record's entry
        Files.write(segment, bytes);
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            assertSameEntries(whole, log.entriesAbove(0));
        }
    }

    @Test
    void aRotationKeepsOnlyTheHeightsAboveTheCommittedOne(@TempDir Path dir) throws IOException {
        List<VoteLogEntry> last = new ArrayList<>();
        try (VoteLogFile log = VoteLogFile.open(dir, 2_000, true)) {
            for (long h = 1; h <= 200; h++) {
                last = List.of(vote(h, 0), vote(h, 0));
                log.append(last);
                log.committed(h - 1); // the block before commits with this height's votes
                assertTrue(log.size() < 2_000 + 1_000, "rotated once past its size: " + log.size());
            }
            assertEquals(1, files(dir).size(), "one segment: " + files(dir));
        }
        try (VoteLogFile log = VoteLogFile.open(dir, 2_000, true)) {
            List<VoteLogEntry> above = log.entriesAbove(199);
            assertSameEntries(last, above);
        }
    }

    @Test
    void aRotationStoppedAtAnyStepLeavesOneWholeLog(@TempDir Path dir) throws IOException {
        List<VoteLogEntry> live = List.of(vote(10, 0), vote(10, 2));
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            log.append(List.of(vote(9, 0)));
            log.append(live);
        }
        Path segment0 = dir.resolve("votes-0.log");
        byte[] old = Files.readAllBytes(segment0);

        // Stopped before the rename: the new segment is only a temporary file, half written.
        Files.write(dir.resolve("votes-1.log.tmp"), new byte[]{1, 2, 3});
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            assertSameEntries(live, log.entriesAbove(9));
        }
        assertEquals(List.of(segment0), files(dir), "the temporary file is gone");

        // Stopped after the rename, before the old segment was deleted: the new one is the log.
        try (VoteLogFile log = VoteLogFile.open(dir, 1, true)) {
            log.committed(9);
        }
        assertEquals(List.of(dir.resolve("votes-1.log")), files(dir));
        Files.write(segment0, old);
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            assertSameEntries(live, log.entriesAbove(0));
        }
        assertEquals(List.of(dir.resolve("votes-1.log")), files(dir), "the old segment is gone");
    }

    @Test
    void peekingChangesNothing(@TempDir Path dir) throws IOException {
        try (VoteLogFile log = VoteLogFile.open(dir, 1 << 20, true)) {
            log.append(List.of(vote(4, 0)));
        }
        Path segment = files(dir).get(0);
        Files.write(segment, new byte[]{0, 0, 0}, java.nio.file.StandardOpenOption.APPEND); // a torn tail
        long size = Files.size(segment);
        Files.write(dir.resolve("votes-7.log.tmp"), new byte[]{9});
        assertEquals(1, VoteLogFile.peek(dir, 3).size());
        assertEquals(size, Files.size(segment));
        assertTrue(Files.exists(dir.resolve("votes-7.log.tmp")));
        assertEquals(List.of(), VoteLogFile.peek(dir.resolve("none"), 0));
    }
}
