package org.batteryledger.node.exchange;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.LocalBean;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordPages;
import org.batteryledger.core.exchange.RecordQuery;
import org.batteryledger.node.net.PeerNetwork;
import org.batteryledger.node.runtime.NodeRuntime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The record exchange on the peer links: members ask each other for records and proofs in frames that never reach
 * the replica. As a holder, this node answers off the network threads, within bounds: per peer a rate and a number
 * in flight ({@link PeerShare}), and for all peers together a number of answers being worked on. A query of several
 * batteries is one query of the share: its work is bounded ({@link RecordQuery#MAX_BATTERIES}, {@link RecordPages#MAX_BYTES}).
 * As an asker, it keeps to each holder's share ({@link QueryCoalescer}: what waits for a slot goes out as one query),
 * matches answers to its queries by request id and peer, and forgets a query when its time is up.
 */
@Singleton
@Startup
@DependsOn("NodeRuntime")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@LocalBean // it implements the network's callback interface, which must not become its only view
public class RecordExchange implements PeerNetwork.RecordExchange {
    private static final Logger LOG = Logger.getLogger(RecordExchange.class.getName());
    /** Queries a second one peer may ask, with a burst: a consortium view of a battery is one query per holder. */
    static final double QUERIES_PER_SECOND_PER_PEER = 20;
    static final double BURST_PER_PEER = 40;
    static final int IN_FLIGHT_PER_PEER = 2;
    /** Answers being worked on for all peers together: the database and CPU left for the node's own work. */
    static final int ANSWERING = 4;
    /** Peers with a share at most (registered nodes are far fewer; the rest are refused before a share is made). */
    static final int MAX_PEERS = 1_000;
    /** This node's own queries awaiting a page at most. */
    static final int MAX_PENDING = 1_024;

    @Resource
    private ManagedExecutorService executor;
    @EJB
    private RecordHolder holder;
    @EJB
    private NodeRuntime runtime;

    private final Map<NodeId, PeerShare> shares = new ConcurrentHashMap<>();
    private final Semaphore answering = new Semaphore(ANSWERING);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    // Ids differ across restarts too, so a late page for a query before a restart matches nothing.
    private final AtomicLong nextRequestId = new AtomicLong(System.nanoTime() & 0x7fff_ffff_ffffL);
    private final AtomicLong refusedQueries = new AtomicLong();
    private final AtomicLong droppedPages = new AtomicLong();

    /** A query awaiting its answer; {@code several}: a query of several batteries, answered by {@link RecordPages}. */
    private record Pending(NodeId peer, CompletableFuture<byte[]> answer, boolean several) {
    }

    private final QueryCoalescer coalescer = new QueryCoalescer(new QueryCoalescer.Sender() {
        @Override
        public CompletableFuture<RecordPage> one(NodeId peer, RecordQuery.Battery query, long timeoutMillis) {
            return ask(peer, query::withRequestId, timeoutMillis);
        }

        @Override
        public CompletableFuture<RecordPages> several(NodeId peer, List<RecordQuery.Battery> queries, long timeoutMillis) {
            return send(peer, id -> new RecordQuery.Batteries(id, queries), true, timeoutMillis).thenApply(b -> decoded(b, RecordPages::decode));
        }
    }, IN_FLIGHT_PER_PEER, PeerNetwork.MAX_RECORD_QUERY_BYTES);

    @PostConstruct
    void start() {
        PeerNetwork network = runtime.network();
        if (network != null) {
            network.recordExchange(this);
        }
    }

    @PreDestroy
    void stop() {
        PeerNetwork network = runtime.network();
        if (network != null) {
            network.recordExchange(null);
        }
        pending.values().forEach(p -> p.answer().cancel(false));
    }

    // --- holder -----------------------------------------------------------------------------------------------------

    @Override
    public void query(NodeId from, byte[] bytes, Consumer<byte[]> reply) {
        RecordQuery q;
        try {
            q = RecordQuery.decode(bytes);
        } catch (DecodeException | IllegalArgumentException e) {
            refusedQueries.incrementAndGet();
            reply.accept(RecordPage.refused(0, RecordPage.Status.REFUSED, "malformed record query: " + e.getMessage()).encode());
            return;
        }
        PeerShare share = shares.get(from);
        if (share == null) {
            if (shares.size() >= MAX_PEERS) {
                refuse(reply, q, "this node answers at most " + MAX_PEERS + " peers");
                return;
            }
            share = shares.computeIfAbsent(from, k -> new PeerShare(QUERIES_PER_SECOND_PER_PEER, BURST_PER_PEER, IN_FLIGHT_PER_PEER, System.nanoTime()));
        }
        String busy = share.tryAcquire(System.nanoTime());
        if (busy != null) {
            refuse(reply, q, busy);
            return;
        }
        if (!answering.tryAcquire()) {
            share.release();
            refuse(reply, q, "this node is answering " + ANSWERING + " queries already");
            return;
        }
        PeerShare taken = share;
        try {
            executor.execute(() -> {
                try {
                    reply.accept(q instanceof RecordQuery.Batteries several ? holder.answer(from, several, System.currentTimeMillis()).encode()
                            : holder.answer(from, q, System.currentTimeMillis()).encode());
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "answering a record query of " + from.shortId() + " failed", e);
                    reply.accept(refusal(q, "the holder could not answer now"));
                } finally {
                    answering.release();
                    taken.release();
                }
            });
        } catch (RejectedExecutionException e) {
            answering.release();
            taken.release();
            refuse(reply, q, "this node's executor is full");
        }
    }

    private void refuse(Consumer<byte[]> reply, RecordQuery q, String why) {
        refusedQueries.incrementAndGet();
        reply.accept(refusal(q, why + "; ask again later"));
    }

    /** "Busy" in the form the query is answered in. */
    private static byte[] refusal(RecordQuery q, String why) {
        return q instanceof RecordQuery.Batteries ? RecordPages.refused(q.requestId(), RecordPage.Status.BUSY, why).encode()
                : RecordPage.refused(q.requestId(), RecordPage.Status.BUSY, why).encode();
    }

    // --- asker ------------------------------------------------------------------------------------------------------

    @Override
    public void page(NodeId from, byte[] bytes) {
        long id = bytes.length >= Long.BYTES ? java.nio.ByteBuffer.wrap(bytes).getLong() : -1; // every answer starts with its request id
        Pending p = id > 0 ? pending.get(id) : null;
        if (p == null || !p.peer().equals(from)) {
            droppedPages.incrementAndGet(); // late (timed out), or not an answer to anything this node asked that peer
            if (id == 0) {
                olderHolder(from, bytes);
            }
            return;
        }
        pending.remove(id);
        p.answer().complete(bytes);
    }

    /**
     * A refusal without a request id is a holder's answer to a query it could not decode. From a holder this node asked
     * for several batteries, it is one of an earlier version: those queries are sent again one battery at a time.
     */
    private void olderHolder(NodeId from, byte[] bytes) {
        RecordPage refusal;
        try {
            refusal = RecordPage.decode(bytes);
        } catch (DecodeException | IllegalArgumentException e) {
            return;
        }
        if (refusal.status() != RecordPage.Status.REFUSED) {
            return;
        }
        pending.forEach((id, p) -> {
            if (p.several() && p.peer().equals(from) && pending.remove(id, p)) {
                p.answer().completeExceptionally(new QueryCoalescer.Unsupported(refusal.reason()));
            }
        });
    }

    /**
     * Asks {@code peer} for one battery's records; queries to one holder beyond its share wait for a slot and go out
     * together ({@link QueryCoalescer}). Fails as {@link #ask} does, or when too many wait for that holder.
     */
    public CompletableFuture<RecordPage> askBattery(NodeId peer, RecordQuery.Battery query, long timeoutMillis) {
        return coalescer.ask(peer, query, timeoutMillis);
    }

    /**
     * Asks {@code peer}; the page completes the future, or it fails: no link to the peer, too many queries in flight,
     * a malformed page, or no answer within {@code timeoutMillis}.
     */
    public CompletableFuture<RecordPage> ask(NodeId peer, LongFunction<RecordQuery> query, long timeoutMillis) {
        return send(peer, query, false, timeoutMillis).thenApply(b -> decoded(b, RecordPage::decode));
    }

    private CompletableFuture<byte[]> send(NodeId peer, LongFunction<RecordQuery> query, boolean several, long timeoutMillis) {
        PeerNetwork network = runtime.network();
        if (network == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("this node's peer links are not up"));
        }
        if (pending.size() >= MAX_PENDING) {
            return CompletableFuture.failedFuture(new IllegalStateException(MAX_PENDING + " record queries are in flight already"));
        }
        long id = nextRequestId.incrementAndGet();
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        pending.put(id, new Pending(peer, answer, several));
        if (!network.sendRecordQuery(peer, query.apply(id).encode())) {
            pending.remove(id);
            return CompletableFuture.failedFuture(new IllegalStateException("no link to it"));
        }
        return answer.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((p, e) -> pending.remove(id));
    }

    /** An answer decoded; a malformed one fails its query (and is counted) instead of waiting for the timeout. */
    private <T> T decoded(byte[] bytes, java.util.function.Function<byte[], T> decoder) {
        try {
            return decoder.apply(bytes);
        } catch (DecodeException | IllegalArgumentException e) {
            droppedPages.incrementAndGet();
            LOG.fine(() -> "a malformed record page: " + e.getMessage());
            throw new IllegalStateException("it answered with a malformed page (" + e.getMessage() + ")");
        }
    }

    public long refusedQueries() {
        return refusedQueries.get();
    }

    public long droppedPages() {
        return droppedPages.get();
    }
}
