package org.batteryledger.node.runtime;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.ha.Lease;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.batteryledger.node.ha.LeaseTable;
import org.batteryledger.node.store.LedgerStore;
import org.batteryledger.node.store.VoteLogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where each part of a Ready goes, and when: a member of one server's votes into its file before the messages, the rest
 * into the database after (none for votes alone); a clustered member's server all of it into the database before.
 */
class ReadyPersistenceTest {
    private static final EcSuite SUITE = Suites.ecdsa();
    private static final NodeId SENDER = new NodeId("0123456789abcdef0123456789abcdef01234567");
    private static final LocalSigner SIGNER = KeyPairs.generate(SUITE, KeyPairs.seededRandom("ready-persistence")).signer();

    /** The store's two calls, recorded; {@code failure} thrown by a persist when set. */
    static final class RecordingStore extends LedgerStore {
        final List<Ready> persisted = new ArrayList<>();
        int syncs;
        RuntimeException failure;

        @Override
        public void persist(Ready ready, CryptoSuite suite, Lease lease) {
            if (failure != null) {
                throw failure;
            }
            persisted.add(ready);
        }

        @Override
        public void syncToDisk() {
            syncs++;
        }
    }

    private static VoteLogEntry vote(long height) {
        return new VoteLogEntry.Signed(new PbftMessage.Prepare(height, 0, Hash.ZERO, SENDER, new byte[64]));
    }

    private static Transaction tx(long nonce) {
        return Transaction.sign(SUITE, SIGNER, TxType.GOVERNANCE_PROPOSE, nonce, 100, new byte[]{1, 2, 3});
    }

    private static Ready ready(List<VoteLogEntry> votes, List<Transaction> accepted) {
        return new Ready(votes, accepted, List.of(), List.of(), List.of());
    }

    @Test
    void votesAloneGoIntoTheFileAndNeedNoDatabaseTransaction(@TempDir Path dir) {
        RecordingStore store = new RecordingStore();
        ReadyPersistence p = new ReadyPersistence(store, SUITE, true, dir, 1 << 20, false);
        p.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        Ready r = ready(List.of(vote(1), vote(1)), List.of());
        p.beforeSend(r, null);
        assertEquals(2, VoteLogFile.peek(dir, 0).size(), "in the file before the messages go out");
        p.afterSend(r);
        assertEquals(List.of(), store.persisted);
        assertEquals(0, store.syncs);
        p.close();
    }

    @Test
    void acknowledgedTransactionsGoIntoTheDatabaseAfterTheMessagesWithoutTheVotes(@TempDir Path dir) {
        RecordingStore store = new RecordingStore();
        ReadyPersistence p = new ReadyPersistence(store, SUITE, true, dir, 1 << 20, false);
        p.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        Ready r = ready(List.of(vote(3)), List.of(tx(1), tx(2)));
        p.beforeSend(r, null);
        assertEquals(List.of(), store.persisted, "nothing in the database before the messages");
        p.afterSend(r);
        assertEquals(1, store.persisted.size());
        assertEquals(List.of(), store.persisted.get(0).votes());
        assertEquals(r.accepted(), store.persisted.get(0).accepted());
        assertEquals(1, store.syncs, "forced before any client is told");
        p.close();
    }

    @Test
    void aClusteredMembersServerPersistsEverythingBeforeTheMessagesAndWritesNoFile(@TempDir Path dir) {
        RecordingStore store = new RecordingStore();
        Path votes = dir.resolve("votes");
        ReadyPersistence p = new ReadyPersistence(store, SUITE, true, votes, 1 << 20, true);
        p.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        Ready r = ready(List.of(vote(5)), List.of(tx(3)));
        p.beforeSend(r, null);
        assertEquals(List.of(r), store.persisted);
        assertEquals(1, store.syncs);
        p.afterSend(r);
        assertEquals(1, store.persisted.size(), "nothing more after the messages");
        assertFalse(Files.exists(votes));
    }

    @Test
    void recoveryReadsTheDatabasesVotesThenTheFilesAboveTheHead(@TempDir Path dir) {
        ReadyPersistence before = new ReadyPersistence(new RecordingStore(), SUITE, true, dir, 1 << 20, false);
        before.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        before.beforeSend(ready(List.of(vote(7), vote(8)), List.of()), null);
        before.close();

        VoteLogEntry fromDatabase = vote(7);
        ReadyPersistence after = new ReadyPersistence(new RecordingStore(), SUITE, true, dir, 1 << 20, false);
        LedgerStore.Recovery rec = after.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(fromDatabase), List.of()));
        assertEquals(3, rec.votes().size());
        assertSame(fromDatabase, rec.votes().get(0), "the database's first (a database of an earlier version)");
        assertEquals(List.of(7L, 8L), rec.votes().subList(1, 3).stream().map(VoteLogEntry::height).toList());
        after.close();

        // A clustered member's server reads what the member's single-server past left, without opening it for writing.
        ReadyPersistence clustered = new ReadyPersistence(new RecordingStore(), SUITE, true, dir, 1 << 20, true);
        assertEquals(2, clustered.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of())).votes().size());
    }

    @Test
    void aRefusalIsAFailureAndATakenOverLeaseIsToldAsSuch(@TempDir Path dir) {
        RecordingStore store = new RecordingStore();
        ReadyPersistence p = new ReadyPersistence(store, SUITE, true, dir, 1 << 20, false);
        p.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        Ready r = ready(List.of(vote(9)), List.of(tx(4)));

        p.injectStoreFailure(true);
        assertTrue(p.storeFailureInjected());
        assertThrows(ReadyPersistence.Failure.class, () -> p.beforeSend(r, null));
        assertThrows(ReadyPersistence.Failure.class, () -> p.afterSend(r));
        p.injectStoreFailure(false);

        store.failure = new IllegalStateException("disk full");
        assertThrows(ReadyPersistence.Failure.class, () -> p.afterSend(r));
        store.failure = new IllegalStateException("wrapped", new LeaseTable.Fenced("epoch 3 taken over"));
        assertThrows(LeaseTable.Fenced.class, () -> p.afterSend(r));
        p.close();
    }
}
