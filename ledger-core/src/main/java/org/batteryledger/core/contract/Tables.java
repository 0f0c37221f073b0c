package org.batteryledger.core.contract;

import org.batteryledger.core.state.PackedFormat;
import org.batteryledger.core.state.TableLayout;

import java.util.Map;

/** Names of the state tables the system contracts own. */
public final class Tables {
    public static final String NODE = "node";
    public static final String AGENCY = "agency";
    public static final String PARAM = "param";
    public static final String PROPOSAL = "proposal";
    /** agency -> how many of its proposals are open, while {@link Params#MAX_OPEN_PROPOSALS_PER_AGENCY} is set ({@link OpenProposals}). */
    public static final String PROPOSAL_OPEN = "proposal-open";
    public static final String REVOKED_NODE = "revoked-node";
    public static final String REVOKED_SERIAL = "revoked-serial";
    /** Agency CAs revoked by governance, by the hash the registry names them with ({@code caHash}): their nodes are out. */
    public static final String REVOKED_CA = "revoked-ca";
    public static final String ANCHOR = "anchor";
    public static final String VALUATION = "valuation";
    /** battery code -> its current {@link BatteryRegistry.Registration}. */
    public static final String BATTERY = "battery";
    /** "code/version" (version zero-padded) -> a registration that a later master record of the same agency superseded. */
    public static final String BATTERY_HISTORY = "battery-history";
    /** "code/masterHash" -> why a registration in an anchored batch was refused (the anchor itself stands). */
    public static final String BATTERY_REFUSED = "battery-refused";
    /** battery code -> the newest registered certificate of the battery, whichever agency issued it. */
    public static final String VALUATION_LATEST = "valuation-latest";
    /** "code/agency" -> that agency's current certificate of the battery: what its next one supersedes. */
    public static final String VALUATION_BY_AGENCY = "valuation-by-agency";
    /** tx hash -> expiry height: what a replay within the lifetime window is checked against. */
    public static final String TX = "tx";
    /** "expiry:hash" -> empty: lets each block drop the entries of {@link #TX} that can no longer be replayed. */
    public static final String TX_EXPIRY = "tx-expiry";
    public static final String META = "meta";
    /** certificate fingerprint -> a document signer the chain knows ({@link SignerRecord}). */
    public static final String SIGNER = "document-signer";
    /** node id -> the fingerprint of the signer it registered last (not revoked): what its next one retires. */
    public static final String SIGNER_CURRENT = "document-signer-current";

    /**
     * How a node holds its state: the replay index packed (two entries a transaction until its expiry, up to {@link
     * Params#TX_LIFETIME_BLOCKS} blocks of {@link Params#MAX_BLOCK_TXS}), everything else plain. Memory only: the
     * state reads, scans and digests the same as with every table plain.
     */
    public static final TableLayout LAYOUT = new TableLayout(Map.of(
            TX, new PackedFormat(PackedFormat.Key.HEX_32, PackedFormat.Value.U64),
            TX_EXPIRY, new PackedFormat(PackedFormat.Key.HEIGHT_HEX_32, PackedFormat.Value.EMPTY)));

    private Tables() {
    }
}
