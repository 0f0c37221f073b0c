package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.NodeId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboxTest {
    private static final NodeId FLOODER = new NodeId("a".repeat(40));
    private static final NodeId HONEST = new NodeId("b".repeat(40));

    @Test
    void aFloodingPeerFillsOnlyItsOwnShare() {
        Inbox inbox = new Inbox(10, 1_000_000);
        for (int i = 0; i < 1_000; i++) {
            inbox.offerFrame(FLOODER, new byte[10], b -> { });
        }
        assertEquals(10, inbox.queued(FLOODER));
        assertEquals(990, inbox.dropped(FLOODER));
        assertTrue(inbox.offerFrame(HONEST, new byte[10], b -> { }), "the honest peer's frame was refused");
        assertEquals(0, inbox.dropped(HONEST));
    }

    @Test
    void aPeersShareIsBoundedInBytesAndFreedWhenItsFramesRun() {
        Inbox inbox = new Inbox(1_000, 100);
        List<Integer> handled = new ArrayList<>();
        assertTrue(inbox.offerFrame(FLOODER, new byte[60], b -> handled.add(b.length)));
        assertFalse(inbox.offerFrame(FLOODER, new byte[60], b -> handled.add(b.length)), "120 bytes queued with a share of 100");
        inbox.poll().run();
        assertEquals(List.of(60), handled);
        assertTrue(inbox.offerFrame(FLOODER, new byte[60], b -> handled.add(b.length)), "the share was not freed");
    }

    @Test
    void atMostOneTickWaits() {
        Inbox inbox = new Inbox(10, 100);
        int[] ticks = {0};
        assertTrue(inbox.offerTick(() -> ticks[0]++));
        for (int i = 0; i < 50; i++) {
            assertFalse(inbox.offerTick(() -> ticks[0]++));
        }
        assertEquals(1, inbox.size());
        inbox.poll().run();
        assertEquals(1, ticks[0]);
        assertTrue(inbox.offerTick(() -> ticks[0]++), "a tick after the waiting one ran was coalesced");
    }

    @Test
    void discardingGivesBackSharesAndTheTickAndHandsOverOnlyTheCalls() {
        Inbox inbox = new Inbox(1_000, 100);
        List<Integer> handled = new ArrayList<>();
        assertTrue(inbox.offerFrame(FLOODER, new byte[60], b -> handled.add(b.length)));
        assertTrue(inbox.offerTick(() -> handled.add(-1)));
        Runnable call = () -> handled.add(0);
        inbox.offerCall(call);
        List<Runnable> calls = new ArrayList<>();
        inbox.discard(calls::add);
        assertEquals(List.of(call), calls);
        assertEquals(List.of(), handled, "nothing discarded ran");
        assertEquals(0, inbox.size());
        assertEquals(0, inbox.queued(FLOODER));
        assertTrue(inbox.offerFrame(FLOODER, new byte[60], b -> { }), "the discarded frame's bytes were not given back");
        assertTrue(inbox.offerTick(() -> { }), "after a discarded tick no tick is ever offered again");
    }
}
