package org.batteryledger.node.valuation;

import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.SubmitResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Registrations of valuation certificates in groups: concurrent issues share one {@code REGISTER_VALUATIONS}
 * transaction (up to {@value Payloads.RegisterValuations#MAX_ENTRIES}) instead of one transaction each. Group commit
 * without a timer, as a database log does it: a registering thread ({@link #run}) takes everything queued, submits it
 * as one transaction and waits for its block; whatever queues meanwhile goes to the next free thread as a group. A
 * few threads keep a few groups in flight: with one, every registration waited for the block before it, and blocks
 * the primary could have filled with several registrations went out with one (a lot of 1,000 took 99.5 s instead
 * of 83-88). Alone, a registration goes out at once, as it did before.
 *
 * <p>A group the chain refuses whole (one of its certificates is already registered, say) is registered again one
 * by one, so that each certificate gets its own answer. Plain Java over a {@link Chain}, so that the grouping is
 * tested without a node; {@link ValuationRegistrar} runs it in the node.
 */
public final class RegistrationGroups {
    /** Registrations waiting at most: beyond, a caller is told to come back (its certificate stays signed, unregistered). */
    static final int MAX_QUEUED = 4_096;

    /** What the registrar needs of the node. */
    interface Chain {
        SubmitResult submit(TxType type, byte[] payload);

        /** The block height that committed the transaction, if it did within {@code timeout}. */
        Optional<Long> awaitCommit(Hash txHash, Duration timeout);

        /** The contract's error for a committed transaction, or null if it succeeded. */
        String receiptError(Hash txHash);
    }

    /**
     * What became of one registration: refused at submission ({@code accepted} false, with the pool's reason), or
     * accepted in transaction {@code txHash} and committed at {@code height} with the contract's {@code error} (null:
     * registered), or not committed yet ({@code height} null). {@code queued}: the caller stopped waiting before its
     * group was submitted (it still will be), or the queue was full ({@code accepted} false then).
     */
    public record Outcome(boolean accepted, String reason, Hash txHash, Long height, String error, boolean queued) {
        static Outcome refused(String reason) {
            return new Outcome(false, reason, null, null, null, false);
        }

        static Outcome submitted(Hash txHash, Long height, String error) {
            return new Outcome(true, null, txHash, height, error, false);
        }
    }

    private record Pending(Payloads.RegisterValuation entry, Consumer<Hash> onSubmitted, CompletableFuture<Outcome> outcome) {
    }

    private final Chain chain;
    private final Duration commitTimeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong registered = new java.util.concurrent.atomic.AtomicLong();

    RegistrationGroups(Chain chain, Duration commitTimeout) {
        this.chain = chain;
        this.commitTimeout = commitTimeout;
    }

    /**
     * Queues {@code entry} and waits for its group's block, at most about twice the commit timeout (a group ahead of
     * it, then its own). {@code onSubmitted} runs on the registering thread once its transaction is in the pool.
     */
    Outcome register(Payloads.RegisterValuation entry, Consumer<Hash> onSubmitted) {
        Pending p = new Pending(entry, onSubmitted, new CompletableFuture<>());
        if (!queue.offer(p)) {
            return new Outcome(false, "this node has " + MAX_QUEUED + " registrations waiting already", null, null, null, true);
        }
        try {
            return p.outcome().get(2 * commitTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(true, null, null, null, null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(true, null, null, null, null, true);
        } catch (ExecutionException e) {
            throw new IllegalStateException("registering " + entry.certificateId() + " failed", e.getCause());
        }
    }

    /** The registering thread's loop, until interrupted. */
    void run() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                List<Pending> group = new ArrayList<>();
                group.add(queue.take());
                queue.drainTo(group, Payloads.RegisterValuations.MAX_ENTRIES - 1);
                registerGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One group: submitted as one transaction, each member answered; a group the chain refuses, one by one. */
    void registerGroup(List<Pending> group) {
        try {
            groups.incrementAndGet();
            registered.addAndGet(group.size());
            if (group.size() == 1) {
                group.get(0).outcome().complete(submitAndWait(TxType.REGISTER_VALUATION, group.get(0).entry().encode(), group));
                return;
            }
            Payloads.RegisterValuations batch = new Payloads.RegisterValuations(group.stream().map(Pending::entry).toList());
            Outcome o = submitAndWait(TxType.REGISTER_VALUATIONS, batch.encode(), group);
            if (!o.accepted() || o.height() != null && o.error() != null) {
                // Refused whole at submission or in its block: each on its own, to learn which and register the rest.
                for (Pending p : group) {
                    groups.incrementAndGet();
                    p.outcome().complete(submitAndWait(TxType.REGISTER_VALUATION, p.entry().encode(), List.of(p)));
                }
                return;
            }
            group.forEach(p -> p.outcome().complete(o));
        } catch (RuntimeException e) {
            group.forEach(p -> p.outcome().completeExceptionally(e));
        }
    }

    private Outcome submitAndWait(TxType type, byte[] payload, List<Pending> members) {
        SubmitResult s = chain.submit(type, payload);
        if (!s.accepted()) {
            return Outcome.refused(s.reason());
        }
        for (Pending p : members) {
            try {
                p.onSubmitted().accept(s.txHash());
            } catch (RuntimeException e) {
                // Only a record of the submission: the registration itself is on its way regardless.
            }
        }
        Optional<Long> height = chain.awaitCommit(s.txHash(), commitTimeout);
        return Outcome.submitted(s.txHash(), height.orElse(null), height.isPresent() ? chain.receiptError(s.txHash()) : null);
    }

    /** Registrations waiting for the next group. */
    int queued() {
        return queue.size();
    }

    /** Transactions submitted and registrations they carried so far (a group refused whole counts its retries too). */
    long[] counts() {
        return new long[] {groups.get(), registered.get()};
    }
}
