package org.batteryledger.core.exchange;

import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.core.state.PointReads;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a record another member disclosed before this node uses it: the record hash through its audit path to a
 * batch root, the root in this node's own committed state (so anchored by a committed transaction, whose block this
 * node verified when it committed or synced it), the batch's size, the anchoring agency being the holder's, the
 * record naming only parties of that agency, and the record belonging to the battery that was asked for. Nothing
 * the holder says about the anchor is trusted; a record that fails is reported with the reason and never used.
 * <p>
 * One instance checks one gathering's records: the anchors and agencies it read are kept for the next record (a
 * battery's records share a few batches), never beyond the instance.
 */
public final class ReceivedRecords {
    private final CryptoSuite suite;
    private final PointReads chain;
    private final Map<Hash, Optional<Payloads.Anchor>> anchors = new HashMap<>();
    private final Map<String, Member> members = new HashMap<>();

    public ReceivedRecords(CryptoSuite suite, PointReads chain) {
        this.suite = suite;
        this.chain = chain;
    }

    public sealed interface Check permits Verified, Failed {
    }

    /**
     * A record that checks out, with where it is anchored. {@code registration} is for a master record: "current",
     * "superseded by version n", or why its registration was refused.
     */
    public record Verified(ParsedRecord record, Hash recordHash, Payloads.Anchor anchor, String registration) implements Check {
    }

    public record Failed(Hash recordHash, String recordId, String reason) implements Check {
    }

    /**
     * @param holderAgency the agency of the node that sent the record
     * @param batteryCode  the battery that was asked for, or null when any is acceptable
     */
    public Check check(HeldRecord h, String holderAgency, String batteryCode) {
        byte[] canonical = h.canonical();
        Hash hash = suite.hash(canonical);
        ParsedRecord parsed;
        try {
            RecordSchema.Result r = RecordSchema.check(Json.parse(new String(canonical, StandardCharsets.UTF_8)));
            if (r instanceof RecordSchema.Invalid inv) {
                return new Failed(hash, inv.recordId(), "not a valid record: " + inv.reason());
            }
            parsed = ((RecordSchema.Valid) r).parsed();
        } catch (JsonException e) {
            return new Failed(hash, null, "not JSON: " + e.getMessage());
        }
        String id = parsed.record().recordId();
        if (!Arrays.equals(parsed.canonicalBytes(), canonical)) {
            return new Failed(hash, id, "the record is not in its canonical form (RFC 8785), so its hash is not the one anchored");
        }
        if (batteryCode != null && !batteryCode.equals(parsed.record().batteryCode())) {
            return new Failed(hash, id, "a record of battery " + parsed.record().batteryCode() + ", not of " + batteryCode);
        }
        if (!h.path().verify(suite, hash, h.batchRoot())) {
            return new Failed(hash, id, "its audit path (leaf " + h.path().leafIndex() + " of " + h.path().treeSize()
                    + ") does not lead from the record's hash to batch root " + h.batchRoot().shortHex() + ": the record was changed");
        }
        Optional<Payloads.Anchor> anchored = anchors.computeIfAbsent(h.batchRoot(),
                root -> Optional.ofNullable(chain.get(Tables.ANCHOR, root.hex())).map(Payloads.Anchor::decode));
        if (anchored.isEmpty()) {
            return new Failed(hash, id, "batch root " + h.batchRoot().shortHex() + " is not anchored on this node's chain");
        }
        Payloads.Anchor anchor = anchored.get();
        if (anchor.recordCount() != h.path().treeSize()) {
            return new Failed(hash, id, "the proof is for a batch of " + h.path().treeSize() + " records, the chain anchored "
                    + anchor.recordCount() + " under that root");
        }
        if (holderAgency != null && !holderAgency.equals(anchor.agency())) {
            return new Failed(hash, id, "anchored by " + anchor.agency() + ", not by the holder's agency " + holderAgency);
        }
        Member member = members.computeIfAbsent(anchor.agency(), agency -> Member.decode(chain.get(Tables.AGENCY, agency)));
        String party = parsed.record() instanceof BatteryRecord.Master m ? m.manufacturer() : ((BatteryRecord.Session) parsed.record()).operator();
        if (!member.speaksFor(party)) {
            return new Failed(hash, id, "names '" + party + "', not a party of its agency " + anchor.agency());
        }
        return new Verified(parsed, hash, anchor, parsed.record() instanceof BatteryRecord.Master ? registration(parsed.record().batteryCode(), hash) : "");
    }

    private String registration(String code, Hash masterHash) {
        var refused = BatteryRegistry.refusal(chain, code, masterHash);
        if (refused.isPresent()) {
            return "not registered: " + refused.get();
        }
        var current = BatteryRegistry.registration(chain, code);
        if (current.isEmpty()) {
            return "not registered";
        }
        return current.get().masterHash().equals(masterHash) ? "current (version " + current.get().version() + ")"
                : "superseded (the current master record is version " + current.get().version() + ")";
    }
}
