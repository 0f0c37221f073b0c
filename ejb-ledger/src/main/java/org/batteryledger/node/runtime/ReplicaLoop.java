package org.batteryledger.node.runtime;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.Replica;
import org.batteryledger.core.pbft.ReplicaView;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.core.snapshot.StableCheckpoint;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.ha.LeaseTable;
import org.batteryledger.node.readmodel.StateReadModel;
import org.batteryledger.node.store.ReceiptEntity;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The thread that owns this node's replica, and what it does with each batch of inputs (Besu's BftProcessor; etcd's
 * node and the application loop around it). One thread drains one {@link Inbox}; the timer, callers and peer links only
 * enqueue. After each batch it carries the replica's {@link Ready} out in the order the core demands: persist its votes,
 * acknowledge with {@code advance()}, send, persist the rest ({@link ReadyPersistence}), then tell callers and apply.
 *
 * <p>Why the loop ends is its owner's to act on ({@link Ending}: a lost lease, a store's refusal, a broken invariant);
 * the owner ends it with {@link #end}, which tells every waiting caller. Whether a caller may enqueue at all (a standby,
 * a join, a pause) is the owner's too ({@code refusal}).
 */
final class ReplicaLoop {
    private static final Logger LOG = Logger.getLogger(ReplicaLoop.class.getName());
    static final long CALL_TIMEOUT_SECONDS = 30;
    private static final int MAX_INPUTS_PER_PERSIST = 512;
    /** Each peer's share of the replica's queue. */
    static final int MAX_FRAMES_PER_PEER = 4_096;
    static final long MAX_QUEUED_BYTES_PER_PEER = 3L * org.batteryledger.core.contract.Params.MAX_FRAME_BYTES / 2;
    private static final byte[] NO_BYTES = new byte[0];

    /** Why the loop stopped taking input; called on the loop thread, which ends once the call returns. */
    interface Ending {
        /** Another server holds the member's lease. */
        void fenced(String reason);

        /** The store refused a Ready: nothing of it was sent or told. */
        void paused(String reason, Throwable cause);

        /** A broken invariant, or a bug in the replica. */
        void halted(String reason, Throwable cause);
    }

    private final String name;
    private final EcSuite suite;
    private final long tickMillis;
    private final ThreadFactory threads;
    /**
     * The ticks' own thread, not the server's managed scheduler: that one refuses every run while the server is
     * suspended on its way down, and logs each refusal as an error with a stack trace, at one tick in ten milliseconds.
     * A tick only queues a call for the loop, so it needs none of the container's context.
     */
    private final ScheduledExecutorService ticks;
    private final ReadyPersistence persistence;
    /** Null on a member of one server. */
    private final MemberLease lease;
    private final BiConsumer<NodeId, byte[]> network;
    private final Function<String, ReceiptEntity> receipts;
    private final StateReadModel readModel;
    private final Consumer<StableCheckpoint> stable;
    /** Why a caller's input is not taken now (an exception to tell it), or null. */
    private final Supplier<RuntimeException> refusal;
    private final Ending ending;

    private final Inbox inbox = new Inbox(MAX_FRAMES_PER_PEER, MAX_QUEUED_BYTES_PER_PEER);
    private final List<NodeRuntime.CommitListener> listeners = new CopyOnWriteArrayList<>();
    private volatile NodeRuntime.OutboundFilter outboundFilter;
    private volatile boolean running;
    /** What the callers were told when the loop last ended, or null. */
    private volatile RuntimeException endedWith;
    private volatile Thread thread;
    private volatile ScheduledFuture<?> ticker;
    /** Set while the loop is not running (recovery), then the loop thread's. */
    private Replica replica;
    /** The replica's figures as of the last persist: read by any thread without a trip through the queue. */
    private volatile ReplicaStatus status;

    // Owned by the loop thread.
    private final Map<Hash, CompletableFuture<SubmitResult>> awaitingPersistence = new HashMap<>();
    private final CommitWaits awaitingCommit = new CommitWaits();
    private final CommitLatency commitLatency = new CommitLatency();
    /** What the log says of commits (a line a second at most). */
    private final CommitLog commitLog = new CommitLog();

    /**
     * @param network  sends a message's bytes to a peer
     * @param receipts a persisted receipt by transaction hash, or null
     * @param stable   told of each checkpoint that became stable
     */
    ReplicaLoop(String name, EcSuite suite, long tickMillis, ThreadFactory threads,
                ReadyPersistence persistence, MemberLease lease, BiConsumer<NodeId, byte[]> network, Function<String, ReceiptEntity> receipts,
                StateReadModel readModel, Consumer<StableCheckpoint> stable, Supplier<RuntimeException> refusal, Ending ending) {
        this.name = name;
        this.suite = suite;
        this.tickMillis = tickMillis;
        this.threads = threads;
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = threads.newThread(r);
            t.setName("ticks-" + name);
            return t;
        });
        this.persistence = persistence;
        this.lease = lease;
        this.network = network;
        this.receipts = receipts;
        this.readModel = readModel;
        this.stable = stable;
        this.refusal = refusal;
        this.ending = ending;
    }

    /** The replica the next {@link #start} runs: while the loop is not running, or on the loop thread before its first input. */
    void recovered(Replica r) {
        replica = r;
        status = ReplicaStatus.of(r, status);
    }

    /** The replica: on the loop thread, or while the loop is not running. */
    Replica replica() {
        return replica;
    }

    /** Starts the loop thread; {@code beforeFirstInput} (or null) runs on it first. */
    void start(Runnable beforeFirstInput) {
        Thread t = threads.newThread(() -> run(beforeFirstInput));
        t.setName("replica-" + name);
        running = true;
        thread = t;
        ticker = ticks.scheduleAtFixedRate(() -> inbox.offerTick(this::tick), tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        t.start();
    }

    private void run(Runnable beforeFirstInput) {
        if (beforeFirstInput != null) {
            beforeFirstInput.run();
            if (Thread.currentThread().isInterrupted()) {
                running = false;
                return;
            }
        }
        while (running) {
            Runnable input;
            try {
                input = inbox.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (input == null) {
                continue;
            }
            try {
                // Group commit: every input already waiting (up to a bound) runs before one persist, so one JTA
                // transaction covers many client submissions and votes. Nothing is sent before it is durable.
                input.run();
                for (int batched = 1; batched < MAX_INPUTS_PER_PERSIST; batched++) {
                    Runnable more = inbox.poll();
                    if (more == null) {
                        break;
                    }
                    more.run();
                }
                carryOut();
            } catch (LeaseTable.Fenced e) {
                ending.fenced(e.getMessage());
                return;
            } catch (ReadyPersistence.Failure e) {
                ending.paused("its store refused what the replica decided (the node's log has the failure)", e.getCause());
                return;
            } catch (RuntimeException e) {
                // A broken invariant ("CONSENSUS FAILURE") or a bug in the replica: stop rather than risk a wrong vote.
                ending.halted("the replica failed: " + e.getMessage(), e);
                return;
            }
        }
    }

    /** Persist the votes, advance, send, persist the rest, apply: for every Ready the inputs so far produced. */
    private void carryOut() {
        for (Ready r = replica.ready(); !r.isEmpty(); r = replica.ready()) {
            persistence.beforeSend(r, lease);
            replica.advance();
            send(r.messages());
            persistence.afterSend(r);
            // Before anyone is told of a commit: a caller that saw its transaction committed reads the chain at least there.
            status = ReplicaStatus.of(replica, status);
            long acknowledged = System.nanoTime();
            for (Transaction tx : r.accepted()) {
                commitLatency.acknowledged(tx.hash(suite), acknowledged);
                CompletableFuture<SubmitResult> f = awaitingPersistence.remove(tx.hash(suite));
                if (f != null) {
                    f.complete(new SubmitResult(SubmitResult.Outcome.ACCEPTED, tx.hash(suite), null));
                }
            }
            if (!r.committed().isEmpty()) {
                applyCommitted(r.committed());
            }
            for (StableCheckpoint c : r.stable()) {
                stable.accept(c);
                LOG.info(() -> "checkpoint " + c.height() + " is stable (" + c.snapshot().entryCount() + " entries in "
                        + c.snapshot().chunkCount() + " chunks, " + c.certificate().signatures().size() + " signatures): served to joining nodes");
            }
        }
        status = ReplicaStatus.of(replica, status);
    }

    private void applyCommitted(List<Ready.Committed> committed) {
        long now = System.nanoTime();
        for (Ready.Committed c : committed) {
            readModel.committed(c.block().block().height(), c.writeSet());
            var b = c.block().block();
            for (Transaction tx : b.transactions()) {
                awaitingCommit.committed(tx.hash(suite), b.height());
                commitLatency.committed(tx.hash(suite), now);
            }
            String line = commitLog.committed(b.height(), b.transactions().size(), b.header().proposer().shortId(),
                    c.block().certificate().view(), c.block().certificate().seals().size(), now);
            if (line != null) {
                LOG.info(line);
            }
        }
        for (NodeRuntime.CommitListener l : listeners) {
            try {
                l.committed(replica, committed);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a commit listener failed; the replica continues", e);
            }
        }
    }

    private void send(List<Ready.Outbound> messages) {
        if (lease != null && !lease.validNow()) {
            return; // a server whose lease may have passed to another sends nothing (PBFT retransmits what it persisted)
        }
        NodeRuntime.OutboundFilter filter = outboundFilter;
        for (Ready.Outbound o : messages) {
            byte[] bytes = MessageCodec.encode(o.message());
            for (int i = 0; i < o.to().size(); i++) {
                NodeId to = o.to().get(i);
                if (filter == null || filter.keep(to, o.message(), i)) {
                    network.accept(to, bytes);
                }
            }
        }
    }

    private void tick() {
        replica.tick();
        awaitingCommit.expire(System.nanoTime());
    }

    /**
     * On the loop thread as it ends (or once it has): no more ticks, every caller waiting for it and every call still
     * queued is told {@code told}.
     */
    void end(RuntimeException told) {
        endedWith = told;
        running = false;
        if (ticker != null) {
            ticker.cancel(false);
        }
        awaitingPersistence.values().forEach(f -> f.completeExceptionally(told));
        awaitingPersistence.clear();
        awaitingCommit.failAll(told);
        failQueuedCalls(told);
    }

    /** Tells every call still queued {@code told} and drops the queue's frames and ticks: nothing of an earlier term runs. */
    void failQueuedCalls(RuntimeException told) {
        inbox.discard(r -> ((Call) r).future().completeExceptionally(told));
    }

    /** Ends the loop without telling anyone (the server stops): waits up to ten seconds for the thread. */
    void stop() {
        running = false;
        ticks.shutdownNow();
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the loop's thread was started and has not ended. */
    boolean alive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** Whether a loop was ever started. */
    boolean started() {
        return thread != null;
    }

    /** Whether the loop takes input (false once it ended, or while it ends). */
    boolean running() {
        return running;
    }

    // ------------------------------------------------------------------------------------------- inputs

    /** A peer's frame, from a Netty event loop: only enqueued, within the peer's share. */
    void offerFrame(NodeId from, byte[] bytes) {
        inbox.offerFrame(from, bytes, b -> replica.receive(from, b));
    }

    /** A link to {@code peer} came up: the peer hears this replica's height, within the peer's share. */
    void linkUp(NodeId peer) {
        inbox.offerFrame(peer, NO_BYTES, b -> replica.linkUp(peer));
    }

    /** The link to {@code peer} went down: a view whose primary it is ends sooner ({@link Replica#linkDown}). */
    void linkDown(NodeId peer) {
        inbox.offerFrame(peer, NO_BYTES, b -> replica.linkDown(peer));
    }

    /** The member's lease passed to another server: the loop ends in {@link Ending#fenced} once it takes this input. */
    void offerFenced(String reason) {
        inbox.offerCall(new Call(() -> {
            throw new LeaseTable.Fenced(reason);
        }, new CompletableFuture<>()));
    }

    /** Runs a read on the loop thread against a read-only view, so it sees one consistent replica state. */
    <T> T query(Function<ReplicaView, T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        call(() -> {
            // Carry out what earlier inputs of this batch decided first: a read never shows a committed height whose
            // block is not in the database yet (GET /chain said 17 while GET /blocks/17 answered 404).
            carryOut();
            try {
                f.complete(read.apply(replica));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, f);
        return await(f);
    }

    /** Submits a transaction; returns once it is accepted and persisted, or refused with a reason. */
    SubmitResult submit(Transaction tx) {
        CompletableFuture<SubmitResult> f = new CompletableFuture<>();
        call(() -> {
            SubmitResult r = replica.submit(tx);
            if (r.accepted()) {
                awaitingPersistence.put(r.txHash(), f); // acknowledged once the Ready holding it is persisted
            } else {
                f.complete(r);
            }
        }, f);
        return await(f);
    }

    /**
     * Completes with the height of the block that commits {@code txHash} (at once if it is committed already), or
     * exceptionally with a {@link TimeoutException} once {@code timeout} passed: the wait is then forgotten.
     */
    CompletableFuture<Long> commitOf(Hash txHash, Duration timeout) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        call(() -> {
            // On the loop thread, as commits are: a receipt is either persisted already or comes with a later commit.
            ReceiptEntity receipt;
            try {
                receipt = receipts.apply(txHash.hex());
            } catch (RuntimeException e) {
                f.completeExceptionally(new Unavailable("the database does not answer: " + e.getMessage()));
                return; // a failed read is the caller's, not a reason to stop the replica
            }
            if (receipt != null) {
                f.complete(receipt.height());
                return;
            }
            awaitingCommit.add(txHash, f, deadline);
        }, f);
        return f;
    }

    /**
     * A caller's input: on a halt or pause, the caller is told at once rather than left to its timeout. A call whose
     * caller was told already (it gave up, or the loop ended) does not run: nothing happens that its caller was told
     * did not.
     */
    private record Call(Runnable body, CompletableFuture<?> future) implements Runnable {
        @Override
        public void run() {
            if (future.isDone()) {
                return;
            }
            try {
                body.run();
            } catch (RuntimeException e) {
                future.completeExceptionally(e instanceof ReadyPersistence.Failure
                        ? new Unavailable("the replica is paused until its store takes writes again") : e);
                throw e; // the loop pauses or halts on it
            }
        }
    }

    private void call(Runnable r, CompletableFuture<?> f) {
        if (!refused(f)) {
            inbox.offerCall(new Call(r, f));
            refused(f); // the loop may have ended (and emptied the queue) since the look above
        }
    }

    /** Tells {@code f}'s caller, and answers true, when the loop takes no input now: its owner's reason, or its end. */
    private boolean refused(CompletableFuture<?> f) {
        RuntimeException why = refusal.get();
        if (why == null && !running) {
            RuntimeException e = endedWith;
            String message = e == null ? "the replica is not running" : e.getMessage();
            why = e instanceof Unavailable ? new Unavailable(message) : new IllegalStateException(message);
        }
        if (why != null) {
            f.completeExceptionally(why);
            return true;
        }
        return false;
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the replica", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Unavailable u) {
                throw u; // the caller's to retry: it keeps its type up to the edge (503)
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            f.completeExceptionally(e); // the call, if it still waits in the queue, no longer runs
            throw new IllegalStateException("the replica did not answer within " + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    // ------------------------------------------------------------------------------------------- listeners and figures

    /** Adds a listener told after each persisted batch of commits (on the loop thread). */
    void onCommit(NodeRuntime.CommitListener listener) {
        listeners.add(listener);
    }

    /** Sets (or, with null, removes) the filter of outbound messages: the Byzantine drill's hook. */
    void outboundFilter(NodeRuntime.OutboundFilter filter) {
        this.outboundFilter = filter;
    }

    /** The replica's figures as of the last persist. */
    ReplicaStatus status() {
        return status;
    }

    CommitLatency.Snapshot commitLatency() {
        return commitLatency.snapshot();
    }

    /** Frames dropped because their peer's share of the queue was full: all peers' or one's. */
    long inboxDropped() {
        return inbox.dropped();
    }

    long inboxDropped(NodeId peer) {
        return inbox.dropped(peer);
    }
}
