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
 * by one, so that each certificate gets its own answer; a group whose block comes after its callers stopped waiting
 * is still followed to its end. Off by default ({@code valuation.registration.groups} in node.properties): a validator
 * of an earlier version cannot decode {@code REGISTER_VALUATIONS} and would refuse every block carrying one, so a
 * consortium turns it on once all its validators run this version. Plain Java over a {@link Chain}, so that the
 * grouping is tested without a node; {@link ValuationRegistrar} runs it in the node.
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

        /** The caller stopped waiting before its group was submitted; it still will be. */
        static Outcome stillQueued() {
            return new Outcome(true, null, null, null, null, true);
        }
    }

    private record Pending(Payloads.RegisterValuation entry, Consumer<Hash> onSubmitted, Consumer<Outcome> onFinal,
                           CompletableFuture<Outcome> outcome) {
    }

    /** Times a group's transaction is awaited again after its callers were answered "submitted". */
    static final int FOLLOW_ROUNDS = 10;

    private final Chain chain;
    private final Duration commitTimeout;
    private final boolean grouping;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final java.util.concurrent.atomic.AtomicLong groups = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong registered = new java.util.concurrent.atomic.AtomicLong();

    /** @param grouping false: every registration is its own transaction, submitted on the caller's thread */
    RegistrationGroups(Chain chain, Duration commitTimeout, boolean grouping) {
        this.chain = chain;
        this.commitTimeout = commitTimeout;
        this.grouping = grouping;
    }

    /**
     * Registers {@code entry}: queued for the next group and awaited for at most about twice the commit timeout (a
     * group ahead of it, then its own), or alone when grouping is off. {@code onSubmitted} runs once its transaction
     * is in the pool; {@code onFinal} runs with what finally became of it, on the registering thread, also when the
     * caller was answered earlier (its group's block came late, or its group was refused and it was tried alone).
     */
    Outcome register(Payloads.RegisterValuation entry, Consumer<Hash> onSubmitted, Consumer<Outcome> onFinal) {
        Pending p = new Pending(entry, onSubmitted, onFinal, new CompletableFuture<>());
        if (!grouping) {
            groups.incrementAndGet();
            registered.incrementAndGet();
            Outcome o = submitAndWait(TxType.REGISTER_VALUATION, entry.encode(), List.of(p));
            finish(p, o);
            return o;
        }
        if (!queue.offer(p)) {
            return new Outcome(false, "this node has " + MAX_QUEUED + " registrations waiting already", null, null, null, true);
        }
        try {
            return p.outcome().get(2 * commitTimeout.toMillis() + 10_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Outcome.stillQueued();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.stillQueued();
        } catch (ExecutionException e) {
            throw new IllegalStateException("registering " + entry.certificateId() + " failed", e.getCause());
        }
    }

    /** A registering thread's loop, until interrupted. */
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
                finish(group.get(0), submitAndWait(TxType.REGISTER_VALUATION, group.get(0).entry().encode(), group));
                return;
            }
            Payloads.RegisterValuations batch = new Payloads.RegisterValuations(group.stream().map(Pending::entry).toList());
            Outcome o = submitAndWait(TxType.REGISTER_VALUATIONS, batch.encode(), group);
            if (o.accepted() && o.height() == null) {
                // Its callers hear "submitted" now; whether the group went in, or was refused whole and its members
                // must go one by one, is followed here: nobody else would register them.
                group.forEach(p -> p.outcome().complete(o));
                Optional<Long> height = Optional.empty();
                for (int i = 0; i < FOLLOW_ROUNDS && height.isEmpty(); i++) {
                    height = chain.awaitCommit(o.txHash(), commitTimeout);
                }
                Outcome late = Outcome.submitted(o.txHash(), height.orElse(null), height.isPresent() ? chain.receiptError(o.txHash()) : null);
                if (late.height() == null || late.error() == null) {
                    group.forEach(p -> finish(p, late));
                    return;
                }
                alone(group);
                return;
            }
            if (!o.accepted() || o.error() != null) {
                alone(group); // refused whole at submission or in its block: each on its own, to learn which
                return;
            }
            group.forEach(p -> finish(p, o));
        } catch (RuntimeException e) {
            group.forEach(p -> p.outcome().completeExceptionally(e));
        }
    }

    /** The members of a refused group, each as its own transaction: all submitted first, then each awaited. */
    private void alone(List<Pending> group) {
        List<SubmitResult> submitted = new ArrayList<>(group.size());
        for (Pending p : group) {
            groups.incrementAndGet();
            SubmitResult s = chain.submit(TxType.REGISTER_VALUATION, p.entry().encode());
            submitted.add(s);
            if (s.accepted()) {
                told(p, s.txHash());
            }
        }
        for (int i = 0; i < group.size(); i++) {
            SubmitResult s = submitted.get(i);
            finish(group.get(i), s.accepted() ? awaited(s.txHash()) : Outcome.refused(s.reason()));
        }
    }

    private Outcome submitAndWait(TxType type, byte[] payload, List<Pending> members) {
        SubmitResult s = chain.submit(type, payload);
        if (!s.accepted()) {
            return Outcome.refused(s.reason());
        }
        members.forEach(p -> told(p, s.txHash()));
        return awaited(s.txHash());
    }

    private Outcome awaited(Hash txHash) {
        Optional<Long> height = chain.awaitCommit(txHash, commitTimeout);
        return Outcome.submitted(txHash, height.orElse(null), height.isPresent() ? chain.receiptError(txHash) : null);
    }

    private static void told(Pending p, Hash txHash) {
        try {
            p.onSubmitted().accept(txHash);
        } catch (RuntimeException e) {
            // Only a record of the submission: the registration itself is on its way regardless.
        }
    }

    /** What finally became of a registration: recorded first, then its caller answered (if it still waits). */
    private static void finish(Pending p, Outcome o) {
        try {
            p.onFinal().accept(o);
        } catch (RuntimeException e) {
            // The chain holds the truth: a status not recorded here is read from it (ValuationService.registration).
        }
        p.outcome().complete(o);
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
