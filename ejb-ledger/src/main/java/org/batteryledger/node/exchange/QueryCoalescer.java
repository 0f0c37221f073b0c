package org.batteryledger.node.exchange;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordPages;
import org.batteryledger.core.exchange.RecordQuery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An asker's battery queries to each holder, coalesced: at most {@code inFlight} queries to one holder at a time (the
 * holder's share for one asker), and what queues meanwhile goes out as one {@link RecordQuery.Batteries} when a slot
 * frees: group commit without a timer, as {@code RegistrationGroups} does it for registrations. Alone, a query goes out
 * at once and as it did before (one battery); under load, concurrent valuations share a query, so the holder answers
 * them in one transaction and one frame, and its rate bound counts bounded work rather than batteries.
 *
 * <p>A holder of an earlier version refuses a query of several batteries as malformed; {@link #unsupported} then
 * sends that group's batteries again one by one, and every later query to that holder too. Plain Java over a
 * {@link Sender}, so that the grouping is tested without a node.
 */
final class QueryCoalescer {
    /** Queries waiting for one holder at most; beyond, an ask fails at once (the gathering reports the holder busy). */
    static final int MAX_QUEUED_PER_PEER = 1_024;

    /** How queries reach a holder. Each future completes with the holder's answer, or fails. */
    interface Sender {
        CompletableFuture<RecordPage> one(NodeId peer, RecordQuery.Battery query, long timeoutMillis);

        CompletableFuture<RecordPages> several(NodeId peer, List<RecordQuery.Battery> queries, long timeoutMillis);
    }

    /** A holder refused a query of several batteries as malformed: it is of an earlier version. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String reason) {
            super(reason, null, false, false);
        }
    }

    private record Waiting(RecordQuery.Battery query, int bytes, long timeoutMillis, CompletableFuture<RecordPage> page) {
    }

    private static final class Holder {
        final ArrayDeque<Waiting> queued = new ArrayDeque<>();
        int inFlight;
        boolean oneByOne;
        /** A thread is sending for this holder: a completion meanwhile (even on that thread) leaves the rest to it. */
        boolean draining;
    }

    private final Sender sender;
    private final int inFlight;
    private final int maxQueryBytes;
    private final Map<NodeId, Holder> holders = new ConcurrentHashMap<>();

    /**
     * @param inFlight      queries to one holder at a time
     * @param maxQueryBytes a query's encoding at most (the peer links' bound on a record query frame)
     */
    QueryCoalescer(Sender sender, int inFlight, int maxQueryBytes) {
        this.sender = sender;
        this.inFlight = inFlight;
        this.maxQueryBytes = maxQueryBytes;
    }

    /** Asks {@code peer} for one battery's page (the query's request id is not used); fails after {@code timeoutMillis}. */
    CompletableFuture<RecordPage> ask(NodeId peer, RecordQuery.Battery query, long timeoutMillis) {
        CompletableFuture<RecordPage> page = new CompletableFuture<>();
        Holder h = holders.computeIfAbsent(peer, k -> new Holder());
        synchronized (h) {
            if (h.queued.size() >= MAX_QUEUED_PER_PEER) {
                return CompletableFuture.failedFuture(new IllegalStateException(MAX_QUEUED_PER_PEER + " queries wait for that holder already"));
            }
            h.queued.add(new Waiting(query, query.encode().length, timeoutMillis, page));
        }
        page.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS); // also while it waits for a slot
        drain(peer, h);
        return page;
    }

    /** Queries waiting for a slot, over all holders. */
    int queued() {
        int n = 0;
        for (Holder h : holders.values()) {
            synchronized (h) {
                n += h.queued.size();
            }
        }
        return n;
    }

    /**
     * Sends what the free slots allow: each slot takes everything queued that fits one query. One thread drains a holder
     * at a time and looks again after each send, so a send that fails at once does not recurse.
     */
    private void drain(NodeId peer, Holder h) {
        synchronized (h) {
            if (h.draining) {
                return;
            }
            h.draining = true;
        }
        while (true) {
            List<Waiting> group = new ArrayList<>();
            boolean oneByOne;
            synchronized (h) {
                if (h.inFlight >= inFlight) {
                    h.draining = false;
                    return;
                }
                oneByOne = h.oneByOne;
                int bytes = 16; // the query's kind, request id and list length
                for (Waiting w = h.queued.peek(); w != null; w = h.queued.peek()) {
                    if (w.page().isDone()) { // timed out while it waited
                        h.queued.poll();
                        continue;
                    }
                    if (!group.isEmpty() && (oneByOne || group.size() == RecordQuery.MAX_BATTERIES || bytes + w.bytes() > maxQueryBytes)) {
                        break;
                    }
                    group.add(h.queued.poll());
                    bytes += w.bytes();
                }
                if (group.isEmpty()) {
                    h.draining = false;
                    return;
                }
                h.inFlight++;
            }
            send(peer, h, group);
        }
    }

    private void send(NodeId peer, Holder h, List<Waiting> group) {
        long timeout = group.stream().mapToLong(Waiting::timeoutMillis).max().orElseThrow();
        if (group.size() == 1) {
            Waiting w = group.get(0);
            sent(() -> sender.one(peer, w.query(), timeout)).whenComplete((page, failure) -> {
                if (failure != null) {
                    w.page().completeExceptionally(failure);
                } else {
                    w.page().complete(page);
                }
                done(peer, h);
            });
            return;
        }
        sent(() -> sender.several(peer, group.stream().map(Waiting::query).toList(), timeout)).whenComplete((pages, failure) -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof Unsupported) {
                synchronized (h) {
                    h.oneByOne = true;
                    for (int i = group.size() - 1; i >= 0; i--) {
                        h.queued.addFirst(group.get(i)); // first again, now one by one
                    }
                }
            } else if (failure != null) {
                group.forEach(w -> w.page().completeExceptionally(cause));
            } else if (pages.status() != RecordPage.Status.OK) {
                group.forEach(w -> w.page().complete(RecordPage.refused(0, pages.status(), pages.reason())));
            } else if (pages.pages().size() != group.size()) {
                IllegalStateException wrong = new IllegalStateException("the holder answered " + pages.pages().size() + " pages for "
                        + group.size() + " batteries");
                group.forEach(w -> w.page().completeExceptionally(wrong));
            } else {
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).page().complete(pages.pages().get(i));
                }
            }
            done(peer, h);
        });
    }

    /** A send's future; a sender that throws fails it, so that the slot is given back like any failure's. */
    private static <T> CompletableFuture<T> sent(java.util.function.Supplier<CompletableFuture<T>> send) {
        try {
            return send.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void done(NodeId peer, Holder h) {
        synchronized (h) {
            h.inFlight--;
        }
        drain(peer, h);
    }
}
