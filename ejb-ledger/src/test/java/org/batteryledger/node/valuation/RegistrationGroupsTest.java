package org.batteryledger.node.valuation;

import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.SubmitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit of valuation registrations, against a chain whose blocks the test releases: what queues while a
 * registration waits for its block goes out as one transaction; a group the chain refuses is tried one by one.
 */
class RegistrationGroupsTest {
    /** A chain that takes every transaction, keeps it, and commits it when the test says. */
    static final class FakeChain implements RegistrationGroups.Chain {
        final List<Payloads.RegisterValuation[]> submitted = new CopyOnWriteArrayList<>();
        final List<TxType> types = new CopyOnWriteArrayList<>();
        final Set<String> registered = ConcurrentHashMap.newKeySet();
        final ConcurrentHashMap<Hash, CountDownLatch> blocks = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Hash, String> errors = new ConcurrentHashMap<>();
        volatile CountDownLatch firstBlock = new CountDownLatch(0);
        volatile CountDownLatch secondBlock = new CountDownLatch(0);
        final ConcurrentHashMap<Hash, Payloads.RegisterValuation[]> entriesOf = new ConcurrentHashMap<>();

        /** The transaction fails in its block (all or none): its certificates are not registered after all. */
        void failInBlock(Hash tx, String error) {
            errors.put(tx, error);
            for (Payloads.RegisterValuation e : entriesOf.get(tx)) {
                registered.remove(e.certificateId());
            }
        }

        @Override
        public SubmitResult submit(TxType type, byte[] payload) {
            Payloads.RegisterValuation[] entries = type == TxType.REGISTER_VALUATIONS
                    ? Payloads.RegisterValuations.decode(payload).entries().toArray(Payloads.RegisterValuation[]::new)
                    : new Payloads.RegisterValuation[] {Payloads.RegisterValuation.decode(payload)};
            Hash tx = Hash.of(Arrays.copyOf(("tx" + submitted.size()).getBytes(StandardCharsets.UTF_8), 32));
            for (Payloads.RegisterValuation e : entries) {
                if (registered.contains(e.certificateId())) {
                    types.add(type);
                    submitted.add(entries);
                    return new SubmitResult(SubmitResult.Outcome.REJECTED, tx, "valuation certificate " + e.certificateId() + " is already registered");
                }
            }
            types.add(type);
            submitted.add(entries);
            for (Payloads.RegisterValuation e : entries) {
                registered.add(e.certificateId());
            }
            blocks.put(tx, submitted.size() == 1 ? firstBlock : submitted.size() == 2 ? secondBlock : new CountDownLatch(0));
            entriesOf.put(tx, entries);
            return new SubmitResult(SubmitResult.Outcome.ACCEPTED, tx, null);
        }

        @Override
        public Optional<Long> awaitCommit(Hash txHash, Duration timeout) {
            try {
                return blocks.get(txHash).await(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(7L) : Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public String receiptError(Hash txHash) {
            return errors.get(txHash);
        }
    }

    private final ExecutorService callers = Executors.newCachedThreadPool();
    private Thread registering;

    @AfterEach
    void stop() {
        callers.shutdownNow();
        if (registering != null) {
            registering.interrupt();
        }
    }

    private RegistrationGroups start(FakeChain chain) {
        return start(chain, Duration.ofSeconds(60));
    }

    private RegistrationGroups start(FakeChain chain, Duration commitTimeout) {
        RegistrationGroups groups = new RegistrationGroups(chain, commitTimeout, true);
        registering = new Thread(groups::run, "registrations");
        registering.setDaemon(true);
        registering.start();
        return groups;
    }

    private static Payloads.RegisterValuation entry(String id) {
        return new Payloads.RegisterValuation(id, "BAT-1", Hash.of(Arrays.copyOf(id.getBytes(StandardCharsets.UTF_8), 32)));
    }

    @Test
    void aLoneRegistrationGoesOutAtOnceAsASingleTransaction() {
        FakeChain chain = new FakeChain();
        RegistrationGroups groups = start(chain);
        List<Hash> submittedAs = new ArrayList<>();
        RegistrationGroups.Outcome o = groups.register(entry("c1"), submittedAs::add, fin -> { });
        assertTrue(o.accepted());
        assertEquals(7L, o.height());
        assertNull(o.error());
        assertEquals(List.of(TxType.REGISTER_VALUATION), chain.types);
        assertEquals(List.of(o.txHash()), submittedAs);
    }

    @Test
    void whatQueuesWhileABlockIsAwaitedGoesOutAsOneGroup() throws Exception {
        FakeChain chain = new FakeChain();
        chain.firstBlock = new CountDownLatch(1); // the first registration's block comes when the test says
        RegistrationGroups groups = start(chain);
        Future<RegistrationGroups.Outcome> first = callers.submit(() -> groups.register(entry("first"), h -> { }, o -> { }));
        awaitUntil(() -> chain.submitted.size() == 1);
        List<Future<RegistrationGroups.Outcome>> rest = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = "next-" + i;
            rest.add(callers.submit(() -> groups.register(entry(id), h -> { }, o -> { })));
        }
        awaitUntil(() -> groups.queued() == 5);
        chain.firstBlock.countDown();
        assertTrue(first.get(60, TimeUnit.SECONDS).accepted());
        Set<Hash> txs = new HashSet<>();
        for (Future<RegistrationGroups.Outcome> f : rest) {
            RegistrationGroups.Outcome o = f.get(60, TimeUnit.SECONDS);
            assertTrue(o.accepted());
            assertEquals(7L, o.height());
            txs.add(o.txHash());
        }
        assertEquals(1, txs.size(), "the five queued registrations share one transaction");
        assertEquals(List.of(TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATIONS), chain.types);
        assertEquals(5, chain.submitted.get(1).length);
        assertEquals(2, groups.counts()[0]);
        assertEquals(6, groups.counts()[1]);
    }

    @Test
    void aCallerInterruptedWhileItsGroupWaitsIsToldItIsStillQueued() throws Exception {
        FakeChain chain = new FakeChain();
        chain.firstBlock = new CountDownLatch(1); // the registering thread waits for this block until the test ends
        RegistrationGroups groups = start(chain);
        callers.submit(() -> groups.register(entry("first"), h -> { }, o -> { }));
        awaitUntil(() -> chain.submitted.size() == 1);
        CompletableFuture<RegistrationGroups.Outcome> told = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                told.complete(groups.register(entry("queued"), h -> { }, o -> { }));
            } catch (Throwable t) {
                told.completeExceptionally(t);
            }
        });
        caller.start();
        awaitUntil(() -> groups.queued() == 1);
        caller.interrupt();
        RegistrationGroups.Outcome o = told.get(60, TimeUnit.SECONDS); // was a StackOverflowError
        assertTrue(o.accepted(), "its group is still to be submitted");
        assertTrue(o.queued());
        assertNull(o.txHash());
        assertNull(o.height());
        chain.firstBlock.countDown();
    }

    @Test
    void aGroupTheChainRefusesIsTriedOneByOneAndEachGetsItsOwnAnswer() throws Exception {
        FakeChain chain = new FakeChain();
        chain.registered.add("old"); // already on chain
        chain.firstBlock = new CountDownLatch(1);
        RegistrationGroups groups = start(chain);
        Future<RegistrationGroups.Outcome> first = callers.submit(() -> groups.register(entry("first"), h -> { }, o -> { }));
        awaitUntil(() -> chain.submitted.size() == 1);
        Future<RegistrationGroups.Outcome> fresh = callers.submit(() -> groups.register(entry("fresh"), h -> { }, o -> { }));
        awaitUntil(() -> groups.queued() == 1);
        Future<RegistrationGroups.Outcome> old = callers.submit(() -> groups.register(entry("old"), h -> { }, o -> { }));
        awaitUntil(() -> groups.queued() == 2);
        chain.firstBlock.countDown();
        assertTrue(first.get(60, TimeUnit.SECONDS).accepted());
        RegistrationGroups.Outcome freshOutcome = fresh.get(60, TimeUnit.SECONDS);
        RegistrationGroups.Outcome oldOutcome = old.get(60, TimeUnit.SECONDS);
        assertTrue(freshOutcome.accepted());
        assertEquals(7L, freshOutcome.height());
        assertFalse(oldOutcome.accepted());
        assertEquals("valuation certificate old is already registered", oldOutcome.reason());
        // the group, refused whole; then each alone
        assertEquals(List.of(TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATIONS, TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATION),
                chain.types);
    }

    @Test
    void theSubmissionIsToldBeforeTheBlockIsAwaited() throws Exception {
        FakeChain chain = new FakeChain();
        chain.firstBlock = new CountDownLatch(1);
        RegistrationGroups groups = start(chain);
        CompletableFuture<Hash> submitted = new CompletableFuture<>();
        Future<RegistrationGroups.Outcome> first = callers.submit(() -> groups.register(entry("first"), submitted::complete, o -> { }));
        Hash tx = submitted.get(60, TimeUnit.SECONDS); // onSubmitted runs before the block is awaited
        assertFalse(first.isDone());
        chain.firstBlock.countDown();
        assertEquals(tx, first.get(60, TimeUnit.SECONDS).txHash());
    }

    @Test
    void aGroupWhoseBlockComesLateAndFailsIsStillRegisteredOneByOne() throws Exception {
        FakeChain chain = new FakeChain();
        chain.firstBlock = new CountDownLatch(1);
        chain.secondBlock = new CountDownLatch(1); // the group's block: later than its callers wait
        RegistrationGroups groups = start(chain, Duration.ofSeconds(2));
        Future<RegistrationGroups.Outcome> first = callers.submit(() -> groups.register(entry("first"), h -> { }, o -> { }));
        awaitUntil(() -> chain.submitted.size() == 1);
        ConcurrentHashMap<String, RegistrationGroups.Outcome> finals = new ConcurrentHashMap<>();
        List<Future<RegistrationGroups.Outcome>> group = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            group.add(callers.submit(() -> groups.register(entry(id), h -> { }, o -> finals.put(id, o))));
        }
        awaitUntil(() -> groups.queued() == 3);
        chain.firstBlock.countDown();
        assertTrue(first.get(60, TimeUnit.SECONDS).accepted());
        for (Future<RegistrationGroups.Outcome> f : group) {
            RegistrationGroups.Outcome o = f.get(60, TimeUnit.SECONDS);
            assertTrue(o.accepted());
            assertNull(o.height(), "answered 'submitted' while the group's block is out");
        }
        assertTrue(finals.isEmpty(), "nothing final yet");
        Hash groupTx = Hash.of(Arrays.copyOf("tx1".getBytes(StandardCharsets.UTF_8), 32));
        chain.failInBlock(groupTx, "valuation certificate b is already registered");
        chain.registered.add("b"); // b was, by another transaction
        chain.secondBlock.countDown();
        awaitUntil(() -> finals.size() == 3);
        assertEquals(7L, finals.get("a").height());
        assertNull(finals.get("a").error());
        assertEquals(7L, finals.get("c").height());
        assertFalse(finals.get("b").accepted());
        assertEquals("valuation certificate b is already registered", finals.get("b").reason());
        assertEquals(List.of(TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATIONS, TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATION,
                TxType.REGISTER_VALUATION), chain.types);
    }

    @Test
    void withoutGroupingEachRegistrationIsItsOwnTransactionOnTheCallersThread() {
        FakeChain chain = new FakeChain();
        RegistrationGroups groups = new RegistrationGroups(chain, Duration.ofSeconds(60), false);
        List<RegistrationGroups.Outcome> finals = new ArrayList<>();
        for (String id : List.of("x", "y")) {
            RegistrationGroups.Outcome o = groups.register(entry(id), h -> { }, finals::add);
            assertEquals(7L, o.height());
        }
        assertEquals(2, finals.size());
        assertEquals(List.of(TxType.REGISTER_VALUATION, TxType.REGISTER_VALUATION), chain.types);
        assertEquals(0, groups.queued());
    }

    /** Polls a condition the registering thread makes true; a generous deadline, no fixed sleep. */
    private static void awaitUntil(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached within 60 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
