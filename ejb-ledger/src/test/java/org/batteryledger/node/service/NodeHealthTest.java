package org.batteryledger.node.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeHealthTest {
    private static final long GB = 1L << 30;

    private static NodeHealth of(boolean running, String halt, String pause, String server, String standby) {
        return new NodeHealth(running, true, 3, 3, 10 * GB, GB, halt, pause, null, null, server, standby);
    }

    @Test
    void aMemberOfOneServerNamesNoRole() {
        assertNull(of(true, null, null, null, null).role());
        assertNull(of(false, null, "disk full", null, null).role());
    }

    @Test
    void aClusteredServerThatRunsTheReplicaIsActive() {
        NodeHealth h = of(true, null, null, "node0-s0", null);
        assertEquals("active", h.role());
        assertTrue(h.up());
    }

    @Test
    void aClusteredServerWhoseStoreRefusedAPersistIsPausedNotActive() {
        // It still holds the lease (the launcher's `kill node0` picks it), but runs no replica: it is DOWN, and says so.
        NodeHealth h = of(false, null, "the store refused a persist", "node0-s0", null);
        assertEquals("paused", h.role());
        assertFalse(h.up());
    }

    @Test
    void aStandbyIsUpWhenItCouldTakeOver() {
        NodeHealth h = of(false, null, null, "node0-s1", "this server (node0-s1) is its member's standby");
        assertEquals("standby", h.role());
        assertTrue(h.up());
    }

    @Test
    void haltedOutranksEveryOtherState() {
        assertEquals("halted", of(false, "a broken invariant", "the store refused a persist", "node0-s0", null).role());
        NodeHealth h = of(false, "cannot take over the replica", null, "node0-s1", "this server (node0-s1) is its member's standby");
        assertEquals("halted", h.role());
        assertFalse(h.up());
    }
}
