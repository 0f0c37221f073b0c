package org.batteryledger.node.ha;

import org.batteryledger.core.ha.Lease;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The member's replica lease in its store ({@code MEMBER_LEASE}, {@link LeaseEntity}), through plain JDBC on a
 * connection the caller owns (its transaction). Every write is a compare-and-set on what was read, so two servers that
 * decide at once cannot both take the lease; and the replica's persist starts with {@link #checkHeld}, which locks the
 * row: a persist and a takeover are ordered by the database, and a persist from an epoch that was taken over fails.
 */
public final class LeaseTable {
    private static final String ROW = "ID = 1";

    private LeaseTable() {
    }

    /** The lease as the store holds it; empty before any server took it. */
    public static Optional<Lease> read(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select HOLDER, EPOCH, EXPIRES_AT from MEMBER_LEASE where " + ROW);
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(new Lease(r.getString(1), r.getLong(2), r.getLong(3))) : Optional.empty();
        }
    }

    /**
     * Writes {@code next} if the store still holds {@code expected} (same holder and epoch; empty: no row). False when
     * another server wrote in between; the caller reads again. The holder's address is left as it is.
     */
    public static boolean compareAndSet(Connection c, Optional<Lease> expected, Lease next) throws SQLException {
        return compareAndSet(c, expected, next, null);
    }

    /** As {@link #compareAndSet(Connection, Optional, Lease)}, and {@code address} (unless null) is where the holder serves. */
    public static boolean compareAndSet(Connection c, Optional<Lease> expected, Lease next, String address) throws SQLException {
        if (expected.isEmpty()) {
            try (PreparedStatement s = c.prepareStatement("insert into MEMBER_LEASE (ID, HOLDER, EPOCH, EXPIRES_AT, ADDRESS) values (1, ?, ?, ?, ?)")) {
                s.setString(1, next.holder());
                s.setLong(2, next.epoch());
                s.setLong(3, next.expiresAtMillis());
                s.setString(4, address);
                return s.executeUpdate() == 1;
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return false; // integrity violation: another server inserted the row first
                }
                throw e;
            }
        }
        try (PreparedStatement s = c.prepareStatement("update MEMBER_LEASE set HOLDER = ?, EPOCH = ?, EXPIRES_AT = ?, ADDRESS = coalesce(?, ADDRESS) where "
                + ROW + " and HOLDER = ? and EPOCH = ?")) {
            s.setString(1, next.holder());
            s.setLong(2, next.epoch());
            s.setLong(3, next.expiresAtMillis());
            s.setString(4, address);
            s.setString(5, expected.get().holder());
            s.setLong(6, expected.get().epoch());
            return s.executeUpdate() == 1;
        }
    }

    /** Who holds the lease, at which epoch, until when, and where it serves (its HTTP base, or null); empty before any. */
    public static Optional<Holder> holder(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select HOLDER, EPOCH, EXPIRES_AT, ADDRESS from MEMBER_LEASE where " + ROW);
             ResultSet r = s.executeQuery()) {
            return r.next() ? Optional.of(new Holder(r.getString(1), r.getLong(2), r.getLong(3), r.getString(4))) : Optional.empty();
        }
    }

    /** The server holding a member's lease as another server of the member sees it, to forward requests to it. */
    public record Holder(String server, long epoch, long expiresAtMillis, String address) {
        public Lease lease() {
            return new Lease(server, epoch, expiresAtMillis);
        }
    }

    /** What one look read (the holder before it decided; empty before any) and the lease this server holds after it. */
    public record Look(Optional<Holder> read, Optional<Lease> held) {
    }

    /**
     * One server's look at the lease: read it, {@link Lease#decide} (with the holder this server saw leave the member's
     * group, if it did), and write the decision by compare-and-set, with where this server serves ({@code address}, or
     * null). {@link Look#held} is empty when another holds the lease or wrote in between.
     */
    public static Look look(Connection c, String server, String address, long heldEpoch, long nowMillis, long durationMillis,
                            Optional<Lease.Departed> departed) throws SQLException {
        Optional<Holder> read = holder(c);
        Optional<Lease> current = read.map(Holder::lease);
        if (Lease.decide(current, server, heldEpoch, nowMillis, durationMillis, departed) instanceof Lease.Decision.Hold h
                && compareAndSet(c, current, h.next(), address)) {
            return new Look(read, Optional.of(h.next()));
        }
        return new Look(read, Optional.empty());
    }

    /**
     * Within the caller's transaction: locks the lease row and fails with {@link Fenced} unless {@code holder} holds
     * {@code epoch}. The lock is held until the transaction ends, so no takeover commits between this check and the
     * caller's commit; a takeover that committed before it is seen here.
     */
    public static void checkHeld(Connection c, String holder, long epoch) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select HOLDER, EPOCH from MEMBER_LEASE where " + ROW + " for update");
             ResultSet r = s.executeQuery()) {
            if (!r.next()) {
                throw new Fenced(holder + " writes at epoch " + epoch + " but the store holds no lease");
            }
            if (!r.getString(1).equals(holder) || r.getLong(2) != epoch) {
                throw new Fenced(holder + " writes at epoch " + epoch + " but the store's lease is " + r.getString(1) + "'s at epoch " + r.getLong(2));
            }
        }
    }

    /**
     * Within the caller's transaction, for a server started without a server name (a member of one server): fails with
     * {@link Fenced} when the store has a lease, that is when the member's store is a cluster's. A server left running
     * unclustered while its member became a cluster (or started so by mistake beside one) stops at its next persist
     * instead of running the replica beside the lease holder.
     */
    public static void checkNoLease(Connection c) throws SQLException {
        Optional<Lease> lease = read(c);
        if (lease.isPresent()) {
            throw new Fenced("this server was started as its member's only server, but its store is a clustered member's (" + lease.get().holder()
                    + " holds the replica lease at epoch " + lease.get().epoch() + "): start it with -Dbatteryledger.server.name");
        }
    }

    /** A write from a server that no longer holds the member's lease: refused, and that server must stop. */
    public static final class Fenced extends RuntimeException {
        public Fenced(String message) {
            super(message);
        }
    }
}
