package org.batteryledger.node.runtime;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Genesis;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.readmodel.LocalStateCache;
import org.batteryledger.node.readmodel.StateReadModel;
import org.batteryledger.node.store.LedgerStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop around a real replica (a chain of one validator, so it commits alone), its store recorded: a caller is told
 * only what was persisted, a waiter for a commit only once the block is applied, and every ending tells every caller.
 */
class ReplicaLoopTest {
    private static final EcSuite SUITE = Suites.ecdsa();
    private static final LocalSigner SIGNER = KeyPairs.generate(SUITE, KeyPairs.seededRandom("replica-loop")).signer();
    private static final long EPOCH_MILLIS = 1_790_000_000_000L;
    private static final LocalSigner OBSERVER = KeyPairs.generate(SUITE, KeyPairs.seededRandom("replica-loop-observer")).signer();
    /** One validator, which commits alone, and an observer it sends to. */
    private static final Genesis GENESIS = new Genesis("replica-loop-test", SUITE.id(), new byte[0], List.of("a"),
            List.of(new Genesis.GenesisNode("node0", "a", SIGNER.publicKey(), "test-ca", Role.CONSENSUS),
                    new Genesis.GenesisNode("node1", "a", OBSERVER.publicKey(), "test-ca", Role.OBSERVER)), Map.of(), EPOCH_MILLIS);

    private final ReadyPersistenceTest.RecordingStore store = new ReadyPersistenceTest.RecordingStore();
    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private volatile RuntimeException refusal;
    private volatile RuntimeException sendFailure;
    private ReadyPersistence persistence;
    private ReplicaLoop loop;

    /** Starts a loop over a fresh replica of the one-validator chain; each tick of 10 ms moves its clock a second on. */
    private void start(Path dir) {
        persistence = new ReadyPersistence(store, SUITE, false, dir, 1 << 20, false);
        persistence.withLoggedVotes(new LedgerStore.Recovery(null, List.of(), List.of(), List.of()));
        StateReadModel readModel = new StateReadModel(LocalStateCache.create(100, 1 << 20), (t, k) -> null, () -> loop.status().committedHeight());
        AtomicLong clock = new AtomicLong(EPOCH_MILLIS);
        loop = new ReplicaLoop("node0", SUITE, 10, Thread::new, persistence, null, (to, bytes) -> {
            if (sendFailure != null) {
                throw sendFailure;
            }
            sent.add(bytes);
        }, hash -> null, readModel, c -> {
        }, () -> refusal, new ReplicaLoop.Ending() {
            @Override
            public void fenced(String reason) {
                end("fenced: " + reason, new Unavailable(reason));
            }

            @Override
            public void paused(String reason, Throwable cause) {
                end("paused: " + reason, new Unavailable("paused: " + reason));
            }

            @Override
            public void halted(String reason, Throwable cause) {
                end("halted: " + reason, new IllegalStateException("halted: " + reason));
            }
        });
        loop.recovered(Replica.create(Replica.Config.defaults(SUITE, SIGNER, () -> clock.addAndGet(1_000), null), GENESIS));
        loop.start(null);
    }

    /** What the runtime does on an ending: the loop ends, telling every caller. */
    private void end(String why, RuntimeException told) {
        loop.end(told);
        ended.complete(why);
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.stop();
        }
        persistence.close();
    }

    private static Transaction tx(long nonce) {
        Hash root = SUITE.hash(("root-" + nonce).getBytes(StandardCharsets.UTF_8));
        byte[] payload = new Payloads.AnchorBatch("batch-" + nonce, root, 10 + nonce).encode();
        return Transaction.sign(SUITE, SIGNER, TxType.ANCHOR_BATCH, nonce, 100, payload);
    }

    @Test
    void aCallerIsToldOfItsTransactionOnlyOnceTheDatabaseHoldsIt(@TempDir Path dir) {
        start(dir);
        Transaction tx = tx(1);
        SubmitResult r = loop.submit(tx);
        assertTrue(r.accepted(), r.toString());
        assertTrue(store.persisted.stream().anyMatch(p -> p.accepted().contains(tx)), "acknowledged before it was persisted");
    }

    @Test
    void aWaiterForACommitIsToldOnceTheBlockIsPersistedAndApplied(@TempDir Path dir) throws Exception {
        start(dir);
        List<Long> applied = new CopyOnWriteArrayList<>();
        loop.onCommit((replica, blocks) -> blocks.forEach(b -> applied.add(b.block().block().height())));
        Transaction tx = tx(2);
        CompletableFuture<Long> committed = loop.commitOf(tx.hash(SUITE), Duration.ofSeconds(60));
        assertTrue(loop.submit(tx).accepted());
        long height = committed.get(60, TimeUnit.SECONDS);
        assertTrue(loop.status().committedHeight() >= height, "a waiter told of a commit the status does not show yet");
        assertTrue(store.persisted.stream().anyMatch(p -> p.committed().stream().anyMatch(c -> c.block().block().height() == height)),
                "a waiter told of a block the database does not hold");
        // A query runs on the loop thread after the carry-out that told the waiter, and so after its listeners.
        boolean told = loop.query(view -> applied.contains(height));
        assertTrue(told, "the commit listeners were not told");
    }

    @Test
    void aStoreThatRefusesEndsTheLoopAndEveryWaitingCallerIsTold(@TempDir Path dir) throws Exception {
        start(dir);
        CompletableFuture<Long> waiting = loop.commitOf(tx(3).hash(SUITE), Duration.ofSeconds(60));
        persistence.injectStoreFailure(true);
        Unavailable told = assertThrows(Unavailable.class, () -> loop.submit(tx(4)));
        assertTrue(told.getMessage().contains("paused"), told.getMessage());
        assertTrue(ended.get(60, TimeUnit.SECONDS).startsWith("paused"));
        assertTrue(waiting.isCompletedExceptionally(), "a waiter for a commit was left to its timeout");
        assertFalse(loop.running());
        assertTrue(store.persisted.stream().noneMatch(p -> p.accepted().contains(tx(4))));
    }

    @Test
    void aRefusedCallerIsToldAndItsInputNeverReachesTheReplica(@TempDir Path dir) {
        start(dir);
        refusal = new Unavailable("a standby: retry at the active server");
        Unavailable told = assertThrows(Unavailable.class, () -> loop.submit(tx(5)));
        assertEquals("a standby: retry at the active server", told.getMessage());
        refusal = null;
        // The replica never saw it: the same transaction is new to it now.
        assertTrue(loop.submit(tx(5)).accepted());
    }

    @Test
    void aFailureWhileCarryingOutHaltsTheLoop(@TempDir Path dir) throws Exception {
        start(dir);
        sendFailure = new IllegalStateException("a broken invariant");
        loop.linkUp(OBSERVER.nodeId()); // the replica tells the observer its height: the send throws
        assertEquals("halted: the replica failed: a broken invariant", ended.get(60, TimeUnit.SECONDS));
        assertFalse(loop.running());
        IllegalStateException told = assertThrows(IllegalStateException.class, () -> loop.submit(tx(7)));
        assertTrue(told.getMessage().contains("a broken invariant"), told.getMessage());
    }
}
