package org.batteryledger.core.contract;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.core.state.StateOverlay;
import org.batteryledger.core.state.StateView;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The battery registry, a system contract: a battery code belongs to the agency whose master record registered it
 * first. Registrations ride in the anchoring transaction of the batch that holds their master records
 * ({@code ANCHOR_RECORDS}), so they cost no extra transaction and commit with the anchor that proves them. A later
 * master record of the same agency supersedes the registration (the old one is kept as history); one of another
 * agency is refused with its reason, while the batch's anchor stands, so no other record of the batch is held up.
 */
public final class BatteryRegistry {
    public static final Pattern CODE = Pattern.compile("[A-Z0-9-]{1,64}");
    /** Registrations per anchoring transaction: 512 × ~70 bytes stays well inside a transaction's payload limit. */
    public static final int MAX_PER_BATCH = 512;

    private BatteryRegistry() {
    }

    /** What an anchoring batch asks to register: a master record's battery code, hash and manufacture time. */
    public record Request(String batteryCode, Hash masterHash, long manufacturedAtEpochSecond) {
        void write(CanonicalWriter w) {
            w.str(batteryCode).raw(masterHash.unsafeBytes()).u64(manufacturedAtEpochSecond);
        }

        static Request read(CanonicalReader r) {
            return new Request(r.str(64), ChainCodec.hash(r), r.uint("manufacturedAt"));
        }
    }

    /**
     * A battery as registered: the agency it belongs to, its current master record hash, when it was made, where the
     * registration committed, and its version (1 for the first master record, +1 for each superseding one).
     */
    public record Registration(String batteryCode, String agency, Hash masterHash, long manufacturedAtEpochSecond, long height,
                               Hash txHash, long version) {
        public byte[] encode() {
            return new CanonicalWriter(160).str(batteryCode).str(agency).raw(masterHash.unsafeBytes()).u64(manufacturedAtEpochSecond)
                    .u64(height).raw(txHash.unsafeBytes()).u64(version).toByteArray();
        }

        public static Registration decode(byte[] b) {
            CanonicalReader r = new CanonicalReader(b);
            Registration reg = new Registration(r.str(64), r.str(Limits.MAX_NAME_BYTES), ChainCodec.hash(r), r.u64(), r.u64(),
                    ChainCodec.hash(r), r.u64());
            r.end();
            return reg;
        }
    }

    public static List<Request> readRequests(CanonicalReader r) {
        return r.list(MAX_PER_BATCH, Request::read);
    }

    public static void writeRequests(CanonicalWriter w, List<Request> requests) {
        w.list(requests, (ww, q) -> q.write(ww));
    }

    // --- read side ----------------------------------------------------------------------------------------------

    public static Optional<Registration> registration(PointReads state, String batteryCode) {
        byte[] raw = state.get(Tables.BATTERY, batteryCode);
        return raw == null ? Optional.empty() : Optional.of(Registration.decode(raw));
    }

    /** Every registration of a battery, oldest first, the current one last. */
    public static List<Registration> history(StateView state, String batteryCode) {
        List<Registration> out = new ArrayList<>();
        String prefix = batteryCode + "/";
        for (byte[] v : state.scan(Tables.BATTERY_HISTORY).subMap(prefix, prefix + Character.MAX_VALUE).values()) {
            out.add(Registration.decode(v));
        }
        registration(state, batteryCode).ifPresent(out::add);
        return out;
    }

    /** Why a master record's registration was refused on chain, if it was. */
    public static Optional<String> refusal(PointReads state, String batteryCode, Hash masterHash) {
        byte[] raw = state.get(Tables.BATTERY_REFUSED, batteryCode + "/" + masterHash.hex());
        return raw == null ? Optional.empty() : Optional.of(new String(raw, StandardCharsets.UTF_8));
    }

    /**
     * Why {@code agency} may not register (or update) {@code batteryCode} now, or null when it may. The same rule at
     * intake (before a record is stored) and on chain (when a batch anchors), so a refusal is seen as early as possible.
     */
    public static String refusalFor(PointReads state, String agency, String batteryCode) {
        if (!CODE.matcher(batteryCode).matches()) {
            return "battery code must be 1-64 characters of [A-Z0-9-], was " + batteryCode;
        }
        Member member = Member.decode(state.get(Tables.AGENCY, agency));
        if (!member.kinds().isEmpty() && !member.is(MemberKind.MANUFACTURER)) {
            return "agency " + agency + " is a " + String.join(" and ", member.kindLabels()) + " member, not a manufacturer: "
                    + "it cannot register battery " + batteryCode;
        }
        Optional<Registration> current = registration(state, batteryCode);
        if (current.isPresent() && !current.get().agency().equals(agency)) {
            return "battery " + batteryCode + " is registered by " + current.get().agency() + " since block " + current.get().height()
                    + "; a battery code belongs to one agency";
        }
        return null;
    }

    // --- write side (called by the executor within the anchoring transaction) ------------------------------------

    static void apply(StateOverlay s, long height, Hash txHash, String agency, List<Request> requests) {
        for (Request q : requests) {
            String refusal = refusalFor(s, agency, q.batteryCode());
            if (refusal != null) {
                s.put(Tables.BATTERY_REFUSED, q.batteryCode() + "/" + q.masterHash().hex(), refusal.getBytes(StandardCharsets.UTF_8));
                continue;
            }
            Optional<Registration> current = registration(s, q.batteryCode());
            if (current.isPresent() && current.get().masterHash().equals(q.masterHash())) {
                continue; // the same master record again: nothing to supersede
            }
            long version = 1;
            if (current.isPresent()) {
                Registration old = current.get();
                s.put(Tables.BATTERY_HISTORY, String.format("%s/%010d", old.batteryCode(), old.version()), old.encode());
                version = old.version() + 1;
            }
            s.put(Tables.BATTERY, q.batteryCode(), new Registration(q.batteryCode(), agency, q.masterHash(), q.manufacturedAtEpochSecond(),
                    height, txHash, version).encode());
        }
    }
}
