package org.batteryledger.node.exchange;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordPages;
import org.batteryledger.core.exchange.RecordQuery;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coalescing an asker's battery queries per holder, against a holder whose answers the test gives: alone a query goes
 * out at once as before; while the holder's share is taken, what queues goes out as one query of several batteries,
 * and each caller gets its own battery's page; a holder of an earlier version is asked one battery at a time.
 */
class QueryCoalescerTest {
    private static final NodeId HOLDER = new NodeId("a".repeat(40));
    private static final NodeId OTHER = new NodeId("b".repeat(40));
    private static final long TIMEOUT = 60_000;

    /** A holder that keeps every query and answers when the test says. */
    static final class FakeHolder implements QueryCoalescer.Sender {
        record Sent(NodeId peer, List<RecordQuery.Battery> queries, CompletableFuture<RecordPage> one, CompletableFuture<RecordPages> several) {
            List<String> codes() {
                return queries.stream().map(RecordQuery.Battery::batteryCode).toList();
            }
        }

        final List<Sent> sent = new CopyOnWriteArrayList<>();
        RuntimeException failAtOnce;
        RuntimeException throwAtOnce;

        @Override
        public CompletableFuture<RecordPage> one(NodeId peer, RecordQuery.Battery query, long timeoutMillis) {
            if (throwAtOnce != null) {
                throw throwAtOnce;
            }
            if (failAtOnce != null) {
                return CompletableFuture.failedFuture(failAtOnce);
            }
            CompletableFuture<RecordPage> f = new CompletableFuture<>();
            sent.add(new Sent(peer, List.of(query), f, null));
            return f;
        }

        @Override
        public CompletableFuture<RecordPages> several(NodeId peer, List<RecordQuery.Battery> queries, long timeoutMillis) {
            if (throwAtOnce != null) {
                throw throwAtOnce;
            }
            CompletableFuture<RecordPages> f = new CompletableFuture<>();
            sent.add(new Sent(peer, queries, null, f));
            return f;
        }
    }

    private static RecordQuery.Battery query(String code) {
        return new RecordQuery.Battery(0, code, true, true, 0, 500, null);
    }

    /** A page that says which battery it answers (in its refusals: the test's marker). */
    private static RecordPage pageOf(String code) {
        return new RecordPage(0, RecordPage.Status.OK, "", List.of(), List.of("for " + code), false);
    }

    private static void answer(FakeHolder.Sent s) {
        if (s.one() != null) {
            s.one().complete(pageOf(s.queries().get(0).batteryCode()));
        } else {
            s.several().complete(new RecordPages(0, RecordPage.Status.OK, "", s.codes().stream().map(QueryCoalescerTest::pageOf).toList()));
        }
    }

    @Test
    void aLoneQueryGoesOutAtOnceForOneBattery() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 2, 32 * 1024);
        CompletableFuture<RecordPage> page = c.ask(HOLDER, query("B-1"), TIMEOUT);
        assertEquals(1, holder.sent.size());
        assertEquals(List.of("B-1"), holder.sent.get(0).codes());
        assertTrue(holder.sent.get(0).one() != null, "one battery goes as the query of one battery, which every version answers");
        answer(holder.sent.get(0));
        assertEquals(List.of("for B-1"), page.join().refusals());
    }

    @Test
    void whatQueuesWhileTheSharesSlotsAreTakenGoesOutAsOneQueryAndEachGetsItsOwnPage() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 2, 32 * 1024);
        List<CompletableFuture<RecordPage>> pages = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            pages.add(c.ask(HOLDER, query("B-" + i), TIMEOUT));
        }
        c.ask(OTHER, query("X-1"), TIMEOUT); // another holder's slots are its own
        assertEquals(List.of(List.of("B-0"), List.of("B-1"), List.of("X-1")), holder.sent.stream().map(FakeHolder.Sent::codes).toList());
        assertEquals(5, c.queued());
        answer(holder.sent.get(0)); // a slot frees: everything queued goes as one query
        assertEquals(List.of("B-2", "B-3", "B-4", "B-5", "B-6"), holder.sent.get(3).codes());
        assertTrue(holder.sent.get(3).several() != null);
        assertEquals(0, c.queued());
        answer(holder.sent.get(3));
        for (int i = 0; i < 7; i++) {
            if (i != 1) {
                assertEquals(List.of("for B-" + i), pages.get(i).join().refusals(), "battery " + i + " gets its own page");
            }
        }
        assertFalse(pages.get(1).isDone());
    }

    @Test
    void aQueryOfSeveralHoldsAtMostItsBatteriesAndItsBytes() {
        FakeHolder holder = new FakeHolder();
        int oneQuery = query("B-00").encode().length;
        QueryCoalescer c = new QueryCoalescer(holder, 1, 16 + 5 * oneQuery); // room for five
        c.ask(HOLDER, query("B-XX"), TIMEOUT);
        for (int i = 0; i < 12; i++) {
            c.ask(HOLDER, query(String.format("B-%02d", i)), TIMEOUT);
        }
        answer(holder.sent.get(0));
        assertEquals(5, holder.sent.get(1).queries().size(), "the frame bound cuts the group");
        answer(holder.sent.get(1));
        assertEquals(5, holder.sent.get(2).queries().size());
        answer(holder.sent.get(2));
        assertEquals(List.of("B-10", "B-11"), holder.sent.get(3).codes());

        FakeHolder many = new FakeHolder();
        QueryCoalescer d = new QueryCoalescer(many, 1, Integer.MAX_VALUE);
        for (int i = 0; i < 1 + RecordQuery.MAX_BATTERIES + 3; i++) {
            d.ask(HOLDER, query("M-" + i), TIMEOUT);
        }
        answer(many.sent.get(0));
        assertEquals(RecordQuery.MAX_BATTERIES, many.sent.get(1).queries().size());
    }

    @Test
    void aHolderOfAnEarlierVersionIsAskedOneBatteryAtATimeFromThenOn() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 1, 32 * 1024);
        CompletableFuture<RecordPage> first = c.ask(HOLDER, query("B-0"), TIMEOUT);
        CompletableFuture<RecordPage> second = c.ask(HOLDER, query("B-1"), TIMEOUT);
        CompletableFuture<RecordPage> third = c.ask(HOLDER, query("B-2"), TIMEOUT);
        answer(holder.sent.get(0));
        assertEquals(List.of("B-1", "B-2"), holder.sent.get(1).codes());
        holder.sent.get(1).several().completeExceptionally(new QueryCoalescer.Unsupported("malformed record query: unknown record query 3"));
        assertEquals(List.of("B-1"), holder.sent.get(2).codes(), "the group again, one battery at a time, in its order");
        assertTrue(holder.sent.get(2).one() != null);
        CompletableFuture<RecordPage> fourth = c.ask(HOLDER, query("B-3"), TIMEOUT);
        answer(holder.sent.get(2));
        assertEquals(List.of("B-2"), holder.sent.get(3).codes());
        answer(holder.sent.get(3));
        assertEquals(List.of("B-3"), holder.sent.get(4).codes());
        answer(holder.sent.get(4));
        for (CompletableFuture<RecordPage> f : List.of(first, second, third, fourth)) {
            assertTrue(f.isDone() && !f.isCompletedExceptionally());
        }
        assertEquals(List.of("for B-2"), third.join().refusals());
    }

    @Test
    void aBusyOrFailedAnswerReachesEveryQueryOfTheGroup() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 1, 32 * 1024);
        c.ask(HOLDER, query("B-0"), TIMEOUT);
        CompletableFuture<RecordPage> a = c.ask(HOLDER, query("B-1"), TIMEOUT);
        CompletableFuture<RecordPage> b = c.ask(HOLDER, query("B-2"), TIMEOUT);
        answer(holder.sent.get(0));
        holder.sent.get(1).several().complete(RecordPages.refused(0, RecordPage.Status.BUSY, "2 of this node's queries are being answered"));
        assertEquals(RecordPage.Status.BUSY, a.join().status());
        assertEquals("2 of this node's queries are being answered", b.join().reason());

        CompletableFuture<RecordPage> x = c.ask(HOLDER, query("B-3"), TIMEOUT);
        CompletableFuture<RecordPage> y = c.ask(HOLDER, query("B-4"), TIMEOUT);
        CompletableFuture<RecordPage> z = c.ask(HOLDER, query("B-5"), TIMEOUT);
        holder.sent.get(2).one().completeExceptionally(new IllegalStateException("no link to it"));
        holder.sent.get(3).several().complete(new RecordPages(0, RecordPage.Status.OK, "", List.of(pageOf("B-4")))); // one page for two
        assertThrows(CompletionException.class, x::join);
        assertTrue(assertThrows(CompletionException.class, y::join).getCause().getMessage().contains("1 pages for 2 batteries"));
        assertTrue(z.isCompletedExceptionally());
    }

    @Test
    void aQueryThatWaitedPastItsTimeFailsAndIsNotSent() throws Exception {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 1, 32 * 1024);
        c.ask(HOLDER, query("B-0"), TIMEOUT);
        CompletableFuture<RecordPage> late = c.ask(HOLDER, query("B-1"), 1);
        CompletableFuture<RecordPage> onTime = c.ask(HOLDER, query("B-2"), TIMEOUT);
        assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, late::join).getCause());
        answer(holder.sent.get(0));
        assertEquals(List.of("B-2"), holder.sent.get(1).codes());
        answer(holder.sent.get(1));
        assertEquals(List.of("for B-2"), onTime.join().refusals());
    }

    @Test
    void manyQueriesFailingAtOnceFailEachWithoutRecursingAndTheQueueIsBounded() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 1, 32 * 1024);
        c.ask(HOLDER, query("B-0"), TIMEOUT); // not answered yet: the one slot stays taken
        List<CompletableFuture<RecordPage>> waiting = new ArrayList<>();
        for (int i = 0; i < QueryCoalescer.MAX_QUEUED_PER_PEER; i++) {
            waiting.add(c.ask(HOLDER, query("Q-" + i), TIMEOUT));
        }
        CompletableFuture<RecordPage> over = c.ask(HOLDER, query("OVER"), TIMEOUT);
        assertTrue(assertThrows(CompletionException.class, over::join).getCause().getMessage().contains("wait for that holder already"));
        // The holder turns out to be of an earlier version and its link then goes: each of the 1,024 fails on its own.
        holder.failAtOnce = new IllegalStateException("no link to it");
        answer(holder.sent.get(0));
        holder.sent.get(1).several().completeExceptionally(new QueryCoalescer.Unsupported("malformed record query"));
        assertEquals(0, c.queued());
        for (CompletableFuture<RecordPage> f : waiting) {
            assertTrue(f.isCompletedExceptionally());
        }
    }

    @Test
    void aSenderThatThrowsFailsItsQueriesAndKeepsNoSlot() {
        FakeHolder holder = new FakeHolder();
        QueryCoalescer c = new QueryCoalescer(holder, 1, 32 * 1024);
        holder.throwAtOnce = new IllegalArgumentException("a record query of 40000 bytes exceeds 32768");
        CompletableFuture<RecordPage> thrown = c.ask(HOLDER, query("B-0"), TIMEOUT);
        assertTrue(assertThrows(CompletionException.class, thrown::join).getCause().getMessage().contains("exceeds"));
        holder.throwAtOnce = null;
        CompletableFuture<RecordPage> next = c.ask(HOLDER, query("B-1"), TIMEOUT);
        assertEquals(List.of("B-1"), holder.sent.get(0).codes(), "the slot was given back");
        answer(holder.sent.get(0));
        assertEquals(List.of("for B-1"), next.join().refusals());
    }
}
