package org.batteryledger.core.contract;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.state.StateView;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * System parameters, kept in state (table {@code param}) and changed only through governance. Units are last
 * in the names. A replica reads them from the state after the previous block, so a change takes effect at the
 * next height on every node alike.
 */
public final class Params {
    public static final String MAX_BLOCK_TXS = "maxBlockTxs";
    public static final String MAX_BLOCK_BYTES = "maxBlockBytes";
    public static final String VIEW_CHANGE_TIMEOUT_TICKS = "viewChangeTimeoutTicks";
    public static final String MAX_VIEW_CHANGE_TIMEOUT_TICKS = "maxViewChangeTimeoutTicks";
    public static final String TX_LIFETIME_BLOCKS = "txLifetimeBlocks";
    /** Agencies needed to approve a proposal; 0 means a majority of the registered agencies. */
    public static final String GOVERNANCE_QUORUM = "governanceQuorum";
    /**
     * Every this many heights the validators sign a digest of the whole state (a PBFT checkpoint, Castro & Liskov
     * §4.3); a quorum of matching signatures makes it stable, and a new node can start from it instead of replaying
     * every block. Each checkpoint costs every node one pass over the state.
     */
    public static final String CHECKPOINT_INTERVAL_BLOCKS = "checkpointIntervalBlocks";
    /**
     * The most proposals an agency may have open at once (see {@link OpenProposals}). Unset, there is no bound: so chains
     * from before the rule replay as they were. New consortia set it in their genesis; once set it can be changed but
     * not unset (its least value is 1). {@link #get} answers 0 while it is unset.
     */
    public static final String MAX_OPEN_PROPOSALS_PER_AGENCY = "maxOpenProposalsPerAgency";
    /** What {@code consortium up} writes into a new chain's genesis: a bound on memory (about 300 bytes a proposal), not on manners. */
    public static final long DEFAULT_MAX_OPEN_PROPOSALS_PER_AGENCY = 1_000;

    /**
     * The largest frame a peer link carries. Parameters are bounded so that no legal consensus message exceeds it: a
     * block takes at most half of it, and the rest is left for what travels with a block (a NEW-VIEW's view changes
     * carry prepared certificates by block hash, a sync response's commit certificates), see
     * {@link #MAX_CONSENSUS_NODES}. Were a legal message larger than the frame limit, every primary would build the
     * same unsendable message and the chain would halt.
     */
    public static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
    /** Validators at most: a NEW-VIEW of a quorum of view changes, each with quorum-1 prepares, stays under 8 MiB. */
    public static final int MAX_CONSENSUS_NODES = 200;

    private static final Map<String, Long> DEFAULTS = new LinkedHashMap<>();

    static {
        DEFAULTS.put(MAX_BLOCK_TXS, 5_000L);
        DEFAULTS.put(MAX_BLOCK_BYTES, 4L * 1024 * 1024);
        DEFAULTS.put(VIEW_CHANGE_TIMEOUT_TICKS, 20L);
        DEFAULTS.put(MAX_VIEW_CHANGE_TIMEOUT_TICKS, 640L);
        DEFAULTS.put(TX_LIFETIME_BLOCKS, 1_000L);
        DEFAULTS.put(GOVERNANCE_QUORUM, 0L);
        DEFAULTS.put(CHECKPOINT_INTERVAL_BLOCKS, 64L);
        DEFAULTS.put(MAX_OPEN_PROPOSALS_PER_AGENCY, 0L);
    }

    private Params() {
    }

    public static Map<String, Long> defaults() {
        return Map.copyOf(DEFAULTS);
    }

    public static boolean isKnown(String name) {
        return DEFAULTS.containsKey(name);
    }

    /** Checks a proposed value; returns null when acceptable, else why not. */
    public static String check(String name, long value) {
        if (!isKnown(name)) {
            return "unknown parameter " + name + " (known: " + String.join(", ", DEFAULTS.keySet()) + ")";
        }
        long min = switch (name) {
            case GOVERNANCE_QUORUM -> 0;
            case MAX_BLOCK_BYTES -> 1024;
            default -> 1;
        };
        // Upper bounds keep every node's arithmetic and memory sane whatever governance decides.
        long max = switch (name) {
            case MAX_BLOCK_TXS -> 100_000;
            case MAX_BLOCK_BYTES -> MAX_FRAME_BYTES / 2;
            case TX_LIFETIME_BLOCKS, CHECKPOINT_INTERVAL_BLOCKS -> 1_000_000;
            case MAX_OPEN_PROPOSALS_PER_AGENCY -> 100_000;
            case VIEW_CHANGE_TIMEOUT_TICKS, MAX_VIEW_CHANGE_TIMEOUT_TICKS -> 1_000_000;
            default -> 1_000;
        };
        if (value < min || value > max) {
            return name + " must be between " + min + " and " + max + ", was " + value;
        }
        return null;
    }

    public static long get(StateView state, String name) {
        byte[] v = state.get(Tables.PARAM, name);
        if (v == null) {
            Long d = DEFAULTS.get(name);
            if (d == null) {
                throw new IllegalArgumentException("unknown parameter " + name);
            }
            return d;
        }
        return new CanonicalReader(v).u64();
    }

    static byte[] encode(long value) {
        return new CanonicalWriter(8).u64(value).toByteArray();
    }
}
