package org.batteryledger.core.contract;

import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.codec.CanonicalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RevokeOwnNodeTest {

    static Stream<SuiteCase> suites() {
        return SuiteCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anAgencyRevokesItsOwnNodeAtOnce(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        long h = l.height;
        BlockExecutor.Receipt r = l.commitOne(l.revokeOwn("a1", "a2", "31337"));
        assertNull(r.error());
        assertTrue(Registry.isRevoked(l.state, l.id("a2")));
        assertEquals(h, new CanonicalReader(l.state.get(Tables.REVOKED_NODE, l.id("a2").value())).u64());
        assertTrue(Registry.isSerialRevoked(l.state, "31337"));
        assertEquals(l.ids("a1", "b1", "c1"), l.validatorIds());
        // the revoked node may no longer send: refused for its revocation, not for anything else about the anchor
        assertEquals("sender " + l.id("a2").shortId() + " is revoked",
                l.executor.checkEnvelope(l.state, l.height, l.anchor("a2", "x", l.hash("x"), 1)));
    }

    @Test
    void aRevocationWritesTheRevocationsAndTheReplayIndexOnly() {
        Ledger l = new Ledger(SuiteCase.sim());
        BlockExecutor.Execution ex = l.commit(l.revokeOwn("b1", "b2", "5"));
        assertEquals(Set.of(Tables.REVOKED_NODE, Tables.REVOKED_SERIAL, Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        assertEquals(4, ex.writeSet().entries().size());
        assertNotNull(l.node("b2"), "revocation keeps the registry entry");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("suites")
    void anotherAgencysNodeIsRefused(SuiteCase sc) {
        Ledger l = new Ledger(sc);
        BlockExecutor.Execution ex = l.commit(l.revokeOwn("a1", "b1", ""));
        String error = ex.receipts().get(0).error();
        assertTrue(error != null && error.contains("belongs to " + Ledger.B + ", not " + Ledger.A), error);
        assertFalse(Registry.isRevoked(l.state, l.id("b1")));
        assertEquals(Set.of(Tables.TX, Tables.TX_EXPIRY), Ledger.tables(ex.writeSet()));
        // nor may an observer of B revoke a node of C
        String observers = l.commitOne(l.revokeOwn("b2", "c1", "")).error();
        assertTrue(observers != null && observers.contains("belongs to " + Ledger.C + ", not " + Ledger.B), observers);
        assertFalse(Registry.isRevoked(l.state, l.id("c1")));
    }

    @Test
    void aNodeMayRevokeItselfAndAnObserverMayRevokeItsAgencysValidator() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertTrue(l.commitOne(l.revokeOwn("b2", "b1", "")).ok());
        assertTrue(Registry.isRevoked(l.state, l.id("b1")));
        assertTrue(l.commitOne(l.revokeOwn("c1", "c1", "")).ok());
        assertEquals(l.ids("a1", "a2"), l.validatorIds());
    }

    @Test
    void unknownOrAlreadyRevokedTargetsAndBadSerialsAreRefused() {
        Ledger l = new Ledger(SuiteCase.sim());
        assertTrue(l.commitOne(l.revokeOwn("a1", "nobody", "")).error().contains("no registered node"));
        assertTrue(l.commitOne(l.revokeOwn("a1", "a2", "")).ok());
        assertTrue(l.commitOne(l.revokeOwn("a1", "a2", "")).error().contains("already revoked"));
        BlockExecutor.Receipt badSerial = l.commitOne(l.revokeOwn("b1", "b2", "0x10"));
        assertTrue(badSerial.error().contains("decimal number"), badSerial.error());
        assertFalse(Registry.isRevoked(l.state, l.id("b2")), "a refused revocation leaves no partial write");
    }

    @Test
    void malformedPayloadIsAFailedReceipt() {
        Ledger l = new Ledger(SuiteCase.sim());
        BlockExecutor.Receipt r = l.commitOne(l.tx("a1", TxType.REVOKE_OWN_NODE, new byte[] {0, 0, 0, 1, 'x'}));
        assertEquals("malformed node id", r.error());
        // trailing bytes after a valid payload
        byte[] good = new Payloads.RevokeOwnNode(l.id("a2"), "").encode();
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertEquals("1 trailing bytes", l.commitOne(l.tx("a1", TxType.REVOKE_OWN_NODE, longer)).error());
        assertFalse(Registry.isRevoked(l.state, l.id("a2")));
    }
}
