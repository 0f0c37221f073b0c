package org.batteryledger.node.ha;

import org.batteryledger.core.ha.Lease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two servers of one member on one store (two connections to one H2 database, each in its own transactions): the lease
 * goes to one of them, a takeover fences the other's persists, and a persist in flight holds a takeover back.
 */
class LeaseTableTest {
    static final long D = 3_000;
    Connection a;
    Connection b;

    @BeforeEach
    void store() throws SQLException {
        String url = "jdbc:h2:mem:lease" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
        a = DriverManager.getConnection(url);
        b = DriverManager.getConnection(url);
        try (Statement s = a.createStatement()) {
            s.execute("create table MEMBER_LEASE (ID int primary key, HOLDER varchar(128) not null, EPOCH bigint not null, EXPIRES_AT bigint not null, ADDRESS varchar(512))");
            s.execute("create table VOTES (V varchar(64))"); // what a persist writes
        }
        a.setAutoCommit(false);
        b.setAutoCommit(false);
    }

    @AfterEach
    void close() throws SQLException {
        a.close();
        b.close();
    }

    /** One server's look at the lease, in a transaction of its own as the node's lease task takes it. */
    static Optional<Lease> look(Connection c, String me, long heldEpoch, long now) throws SQLException {
        return look(c, me, heldEpoch, now, Optional.empty());
    }

    static Optional<Lease> look(Connection c, String me, long heldEpoch, long now, Optional<Lease.Departed> departed) throws SQLException {
        Optional<Lease> held = LeaseTable.look(c, me, "http://" + me, heldEpoch, now, D, departed).held();
        c.commit();
        return held;
    }

    /** A persist of the replica: the fencing check first, then its writes, one transaction. */
    static void persist(Connection c, String me, long epoch, String vote) throws SQLException {
        try {
            LeaseTable.checkHeld(c, me, epoch);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("insert into VOTES values ('" + vote + "')");
            }
            c.commit();
        } catch (RuntimeException | SQLException e) {
            c.rollback();
            throw e;
        }
    }

    long votes(String vote) throws SQLException {
        try (Statement s = b.createStatement(); ResultSet r = s.executeQuery("select count(*) from VOTES where V = '" + vote + "'")) {
            r.next();
            long n = r.getLong(1);
            b.commit();
            return n;
        }
    }

    @Test
    void oneServerTakesTheLeaseAndTheOtherWaits() throws SQLException {
        assertEquals(Optional.of(new Lease("s0", 1, 1_000 + D)), look(a, "s0", 0, 1_000));
        assertEquals(Optional.empty(), look(b, "s1", 0, 1_500));
        assertEquals(Optional.of(new Lease("s0", 1, 2_000 + D)), look(a, "s0", 1, 2_000), "renewed at the same epoch");
    }

    @Test
    void theHolderSaysWhereItServesAndTheOtherServerReadsIt() throws SQLException {
        assertEquals(Optional.empty(), LeaseTable.holder(b));
        look(a, "s0", 0, 1_000);
        assertEquals(Optional.of(new LeaseTable.Holder("s0", 1, 1_000 + D, "http://s0")), LeaseTable.holder(b));
        b.commit();
        look(b, "s1", 0, 1_000 + D + 1); // s0's lease expired: s1 takes it, and its address with it
        assertEquals(Optional.of(new LeaseTable.Holder("s1", 2, 1_000 + D + 1 + D, "http://s1")), LeaseTable.holder(a));
        a.commit();
        LeaseTable.compareAndSet(b, LeaseTable.read(b), new Lease("s1", 2, 0)); // a release keeps the address
        b.commit();
        assertEquals(Optional.of(new LeaseTable.Holder("s1", 2, 0, "http://s1")), LeaseTable.holder(a));
    }

    @Test
    void twoServersDecidingAtOnceCannotBothTakeIt() throws SQLException {
        Optional<Lease> seenByA = LeaseTable.read(a);
        Optional<Lease> seenByB = LeaseTable.read(b);
        assertTrue(LeaseTable.compareAndSet(a, seenByA, new Lease("s0", 1, 4_000)));
        a.commit();
        assertFalse(LeaseTable.compareAndSet(b, seenByB, new Lease("s1", 1, 4_000)), "the row exists now");
        b.rollback();
        Optional<Lease> expired = LeaseTable.read(a);
        a.commit();
        assertTrue(LeaseTable.compareAndSet(b, expired, new Lease("s1", 2, 9_000)));
        b.commit();
        assertFalse(LeaseTable.compareAndSet(a, expired, new Lease("s0", 2, 9_000)), "what A read is no longer there");
        a.rollback();
        assertEquals(Optional.of(new Lease("s1", 2, 9_000)), LeaseTable.read(a));
    }

    @Test
    void aTakeoverFencesTheOldHoldersPersists() throws SQLException {
        look(a, "s0", 0, 1_000);
        persist(a, "s0", 1, "before");
        // s0 pauses past its lease; s1 takes epoch 2.
        assertEquals(Optional.of(new Lease("s1", 2, 5_000 + D)), look(b, "s1", 0, 5_000));
        LeaseTable.Fenced fenced = assertThrows(LeaseTable.Fenced.class, () -> persist(a, "s0", 1, "after"));
        assertEquals("s0 writes at epoch 1 but the store's lease is s1's at epoch 2", fenced.getMessage());
        assertEquals(0, votes("after"), "nothing of the fenced persist is stored");
        assertEquals(Optional.empty(), look(a, "s0", 1, 6_000), "and s0 does not get the lease back while s1 renews");
        persist(b, "s1", 2, "new");
        assertEquals(1, votes("before"));
        assertEquals(1, votes("new"));
    }

    @Test
    void aPersistInFlightHoldsATakeoverBackUntilItCommits() throws SQLException {
        look(a, "s0", 0, 1_000);
        LeaseTable.checkHeld(a, "s0", 1); // s0's persist has begun and holds the row
        try (Statement s = b.createStatement()) {
            s.execute("SET LOCK_TIMEOUT 200");
        }
        Optional<Lease> expired = LeaseTable.read(b);
        assertThrows(SQLException.class, () -> LeaseTable.compareAndSet(b, expired, new Lease("s1", 2, 9_000)),
                "the takeover waits for the row, and gives up here");
        b.rollback();
        try (Statement s = a.createStatement()) {
            s.executeUpdate("insert into VOTES values ('in-flight')");
        }
        a.commit();
        assertEquals(Optional.of(new Lease("s1", 2, 5_000 + D)), look(b, "s1", 0, 5_000), "after the persist, the takeover goes through");
        assertEquals(1, votes("in-flight"), "and the new holder recovers what the old one persisted before it");
        assertThrows(LeaseTable.Fenced.class, () -> persist(a, "s0", 1, "late"));
    }

    @Test
    void aStandbyThatSawTheHolderLeaveTakesOverAtOnceAndFencesIt() throws SQLException {
        look(a, "s0", 0, 1_000);
        persist(a, "s0", 1, "before");
        LeaseTable.Look seen = LeaseTable.look(b, "s1", "http://s1", 0, 1_500, D, Optional.empty());
        b.commit();
        assertEquals(Optional.empty(), seen.held(), "s0's lease runs");
        assertEquals(Optional.of(new LeaseTable.Holder("s0", 1, 1_000 + D, "http://s0")), seen.read(), "what the look read");
        // s0 left the member's group (killed: its sockets closed) and missed a renewal, long before its lease runs out.
        Optional<Lease.Departed> left = Optional.of(new Lease.Departed("s0", 1));
        assertEquals(Optional.empty(), look(b, "s1", 0, 1_600, left), "renewed 600 ms ago: no renewal missed yet");
        assertEquals(Optional.of(new Lease("s1", 2, 2_200 + D)), look(b, "s1", 0, 2_200, left));
        assertThrows(LeaseTable.Fenced.class, () -> persist(a, "s0", 1, "after"), "were it only cut off from s1, s0 persists nothing more");
        assertEquals(0, votes("after"));
    }

    @Test
    void anUnclusteredServerStopsOnceItsStoreHoldsALease() throws SQLException {
        LeaseTable.checkNoLease(a); // a member of one server: no lease, no refusal
        look(b, "s1", 0, 1_000);
        LeaseTable.Fenced fenced = assertThrows(LeaseTable.Fenced.class, () -> LeaseTable.checkNoLease(a));
        assertTrue(fenced.getMessage().contains("s1 holds the replica lease at epoch 1"), fenced.getMessage());
    }

    @Test
    void aStoreWithoutALeaseFencesEveryPersist() {
        assertThrows(LeaseTable.Fenced.class, () -> persist(a, "s0", 1, "x"));
    }
}
