package org.batteryledger.node.store;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.ha.Lease;
import org.batteryledger.core.pbft.Ready;
import org.batteryledger.core.pbft.VoteLogEntry;
import org.batteryledger.core.state.WorldState;
import org.batteryledger.core.state.WriteSet;
import org.batteryledger.node.ha.LeaseTable;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's durable ledger: JPA defines the tables and reads them; a persist writes through JDBC batches
 * ({@link LedgerRows}, {@link StateWrites}). Everything one {@link Ready} asks to persist is written in one JTA
 * transaction — votes, acknowledged transactions, committed blocks with their state writes and receipts — so a
 * crash leaves either all of it or none, and nothing is sent before it is durable.
 */
@Stateless
public class LedgerStore {
    @PersistenceContext(unitName = "ledger")
    private EntityManager em;

    /** What a restarting node needs: the head block (null before the first), the state, the vote log, pending transactions. */
    public record Recovery(CommittedBlock head, List<WriteSet.Entry> state, List<VoteLogEntry> votes, List<Transaction> acknowledged) {
        /** The committed state rebuilt from the stored entries (here, not a static method of the bean: WFLYEJB0131). */
        public WorldState worldState() {
            WorldState s = new WorldState(org.batteryledger.core.contract.Tables.LAYOUT);
            s.apply(new WriteSet(state));
            return s;
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void initializeIfEmpty(WriteSet genesisWrites) {
        Long rows = em.createQuery("select count(s) from StateEntryEntity s", Long.class).getSingleResult();
        Long blocks = em.createQuery("select count(b) from BlockEntity b", Long.class).getSingleResult();
        if (rows == 0 && blocks == 0) {
            applyWrites(genesisWrites);
        }
    }

    @jakarta.annotation.Resource(lookup = "java:jboss/datasources/LedgerDS")
    private javax.sql.DataSource dataSource;
    /** The node's database (H2 or PostgreSQL) and its state statements: null until the first connection tells. */
    private static volatile StateWrites database;

    private static StateWrites database(java.sql.Connection c) throws java.sql.SQLException {
        StateWrites d = database;
        if (d == null) {
            database = d = StateWrites.of(c);
        }
        return d;
    }

    /** One look at a clustered member's replica lease ({@link org.batteryledger.node.ha.LeaseKeeper.Store}), in its own transaction. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public LeaseTable.Look lookAtLease(String server, String address, long heldEpoch, long nowMillis, long durationMillis,
                                       java.util.Optional<Lease.Departed> departed) {
        return onLease("read", c -> LeaseTable.look(c, server, address, heldEpoch, nowMillis, durationMillis, departed));
    }

    /** Ends {@code held} now, if the store still has it, so that the member's standby takes over at its next look. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void releaseLease(Lease held) {
        onLease("release", c -> LeaseTable.compareAndSet(c, java.util.Optional.of(held), new Lease(held.holder(), held.epoch(), 0)));
    }

    /** What one use of the lease table does on a connection of the caller's transaction. */
    private interface LeaseWork<T> {
        T on(java.sql.Connection c) throws java.sql.SQLException;
    }

    /** {@code work} on a pooled connection (in the caller's transaction, if any); a failure of the database is unchecked. */
    private <T> T onLease(String what, LeaseWork<T> work) {
        try (java.sql.Connection c = dataSource.getConnection()) {
            return work.on(c);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot " + what + " the replica lease: " + e.getMessage(), e);
        }
    }

    /**
     * Forces what the last persist committed onto stable storage. PostgreSQL's commit does already (synchronous_commit
     * and fsync on, its defaults), so this is a no-op there; H2's commit writes its file without fsync, so this runs
     * {@code CHECKPOINT SYNC}. The replica's votes then survive a power loss, not only a process crash, before they
     * leave the node. BENCHMARKS.md has what it costs.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void syncToDisk() {
        try (java.sql.Connection c = dataSource.getConnection()) {
            if (database(c).h2()) { // H2's commit writes its file but does not fsync it
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot force the ledger onto disk: " + e.getMessage(), e);
        }
    }

    /**
     * Everything one Ready asks to persist, in one transaction. For a server of a clustered member ({@code lease} not
     * null) the store's lease row is locked first and must be {@code lease}'s (holder and epoch), or nothing is written
     * ({@link LeaseTable.Fenced}); for a member of one server the store must hold no lease.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void persist(Ready ready, CryptoSuite suite, Lease lease) {
        List<LedgerRows.Vote> votes = new ArrayList<>(ready.votes().size());
        for (VoteLogEntry v : ready.votes()) {
            votes.add(new LedgerRows.Vote(v.height(), v.encode()));
        }
        List<LedgerRows.Acknowledged> acknowledged = new ArrayList<>(ready.accepted().size());
        for (Transaction tx : ready.accepted()) {
            CanonicalWriter w = new CanonicalWriter(tx.encodedSize());
            tx.write(w);
            acknowledged.add(new LedgerRows.Acknowledged(tx.hash(suite).hex(), tx.expiryHeight(), w.toByteArray()));
        }
        long committedUpTo = -1;
        List<LedgerRows.Block> blocks = new ArrayList<>(ready.committed().size());
        List<LedgerRows.Receipt> receipts = new ArrayList<>();
        List<String> committed = new ArrayList<>();
        List<WriteSet.Entry> writes = new ArrayList<>();
        for (Ready.Committed c : ready.committed()) {
            long height = c.block().block().height();
            blocks.add(blockRow(c.block(), suite));
            for (BlockExecutor.Receipt r : c.receipts()) { // one per transaction of the block (its execution)
                String hash = r.txHash().hex();
                receipts.add(new LedgerRows.Receipt(hash, height, r.error(), r.expiryHeight()));
                committed.add(hash);
            }
            writes.addAll(c.writeSet().entries());
            committedUpTo = height;
        }
        // One connection of this transaction for all of it (the data source is a JTA one); no JPA session.
        try (java.sql.Connection c = dataSource.getConnection()) {
            if (lease != null) {
                LeaseTable.checkHeld(c, lease.holder(), lease.epoch());
            } else {
                LeaseTable.checkNoLease(c); // one primary-key read: no server runs unclustered on a cluster's store
            }
            LedgerRows.insertVotes(c, votes);
            LedgerRows.insertAcknowledged(c, acknowledged);
            LedgerRows.insertBlocks(c, blocks);
            // The blocks' writes in order as one batch: a key written by several blocks (a synced range holds hundreds)
            // is written once, with its last value. The replay index is not among them: the receipts imply it.
            if (!writes.isEmpty()) {
                database(c).apply(c, new WriteSet(writes));
            }
            LedgerRows.insertReceipts(c, receipts);
            if (committedUpTo >= 0) {
                LedgerRows.committed(c, committed, committedUpTo);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot persist: " + e.getMessage(), e);
        }
    }

    /** A committed block with its certificate, in the canonical encoding, and the columns queries use. */
    private static LedgerRows.Block blockRow(CommittedBlock cb, CryptoSuite suite) {
        CanonicalWriter w = new CanonicalWriter(cb.block().encodedSize() + 1024);
        cb.write(w);
        return new LedgerRows.Block(cb.block().height(), cb.block().hash(suite).hex(), cb.block().transactions().size(),
                cb.block().header().timestamp(), cb.block().header().proposer().value(), cb.certificate().view(), w.toByteArray());
    }

    /**
     * The state writes through JDBC batches ({@link StateWrites}). The connection is the transaction's: the data source
     * is a JTA one, so within this transaction it hands out the connection JPA writes the blocks and votes with.
     */
    private void applyWrites(WriteSet writes) {
        if (writes.entries().isEmpty()) {
            return;
        }
        try (java.sql.Connection c = dataSource.getConnection()) {
            database(c).apply(c, writes);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot write the committed state: " + e.getMessage(), e);
        }
    }

    /**
     * Replaces the state with a snapshot's (the state after {@code head}; {@code stored} is what the table holds now) and
     * stores {@code head} as the last block, in one transaction: a node that joined from a checkpoint restarts from there. Blocks before it, and receipts up to it, are
     * not here; the node answers for them with 404. Refused when the store already holds a block at or above the snapshot's height.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void installSnapshot(CommittedBlock head, WorldState state, WorldState stored, CryptoSuite suite) {
        long h = head.block().height();
        Long above = em.createQuery("select count(b) from BlockEntity b where b.height >= :h", Long.class).setParameter("h", h).getSingleResult();
        if (above > 0) {
            throw new IllegalStateException("the ledger already holds blocks at or above the snapshot's height " + h);
        }
        em.createQuery("delete from VoteLogEntity v where v.height <= :h").setParameter("h", h).executeUpdate();
        if (stored.size() * 4L < state.size()) {
            // Little stored (a new node): empty the table and insert, cheaper than comparing.
            em.createQuery("delete from StateEntryEntity").executeUpdate();
            try (java.sql.Connection c = dataSource.getConnection()) {
                database(c).insertAll(c, state);
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot write the snapshot's state: " + e.getMessage(), e);
            }
        } else {
            // A node that was down: only what differs (deleting and inserting every row took longer than a replay),
            // the snapshot's replay index included (this node holds no receipts of the blocks it missed).
            try (java.sql.Connection c = dataSource.getConnection()) {
                database(c).applySnapshotDifference(c, WorldState.diff(stored, state));
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot write the snapshot's state: " + e.getMessage(), e);
            }
        }
        try (java.sql.Connection c = dataSource.getConnection()) {
            LedgerRows.insertBlocks(c, List.of(blockRow(head, suite)));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot write the snapshot's block: " + e.getMessage(), e);
        }
        // No receipts: a snapshot does not say which of the head block's transactions were refused.
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Recovery load() {
        return load(true);
    }

    /** As {@link #load}, without the state: for a node that holds it in memory already (it just stored a snapshot). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Recovery loadWithoutState() {
        return load(false);
    }

    private Recovery load(boolean withState) {
        List<BlockEntity> head = em.createQuery("select b from BlockEntity b order by b.height desc", BlockEntity.class).setMaxResults(1).getResultList();
        List<WriteSet.Entry> state = List.of();
        if (withState) {
            try (java.sql.Connection c = dataSource.getConnection()) {
                state = StateWrites.readState(c, head.isEmpty() ? 0 : head.get(0).height());
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot read the committed state: " + e.getMessage(), e);
            }
        }
        List<VoteLogEntry> votes = new ArrayList<>();
        for (VoteLogEntity v : em.createQuery("select v from VoteLogEntity v order by v.id", VoteLogEntity.class).getResultList()) {
            votes.add(VoteLogEntry.decode(v.encoded()));
        }
        List<Transaction> acknowledged = new ArrayList<>();
        for (AcknowledgedTxEntity a : em.createQuery("select a from AcknowledgedTxEntity a", AcknowledgedTxEntity.class).getResultList()) {
            acknowledged.add(Transaction.read(new CanonicalReader(a.encoded())));
        }
        return new Recovery(head.isEmpty() ? null : decode(head.get(0)), state, votes, acknowledged);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public CommittedBlock block(long height) {
        BlockEntity b = em.find(BlockEntity.class, height);
        return b == null ? null : decode(b);
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public ReceiptEntity receipt(String txHash) {
        return em.find(ReceiptEntity.class, txHash);
    }

    /**
     * One committed state entry, or null; for the read model. Not for the replay index ({@link StateWrites#stored}): its
     * entries are derived from the receipts when the state is read back, and only the replica's own state holds them.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public byte[] stateValue(String table, String key) {
        StateEntryEntity e = em.find(StateEntryEntity.class, new StateEntryEntity.Key(table, key));
        return e == null ? null : e.value();
    }

    /** The height of the last committed block the store holds (0: genesis only). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long committedHeight() {
        Long h = em.createQuery("select max(b.height) from BlockEntity b", Long.class).getSingleResult();
        return h == null ? 0 : h;
    }

    /** The receipts of one block's transactions, by transaction hash (one query for a whole block). */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ReceiptEntity> receipts(long height) {
        return em.createQuery("select r from ReceiptEntity r where r.height = :h", ReceiptEntity.class).setParameter("h", height).getResultList();
    }

    /** The committed blocks of heights [from, to], for participation over recent certificates. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<CommittedBlock> blocks(long from, long to) {
        List<CommittedBlock> out = new ArrayList<>();
        for (BlockEntity b : em.createQuery("select b from BlockEntity b where b.height between :f and :t order by b.height", BlockEntity.class)
                .setParameter("f", from).setParameter("t", to).getResultList()) {
            out.add(decode(b));
        }
        return out;
    }

    private static CommittedBlock decode(BlockEntity b) {
        return CommittedBlock.read(new CanonicalReader(b.encoded()));
    }
}
