package org.batteryledger.core.intake;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a valid record enters an off-chain store that may already hold it. Intake is idempotent by record id
 * and content hash: the same record twice is taken once, the same id with different content is a conflict, and a
 * session needs its battery's master record first. Records admitted earlier in the same submission count as held,
 * so a submission that repeats itself is judged as if sent one record at a time.
 *
 * <p>One instance judges one submission; what the store held before comes from {@link Holdings}.
 */
public final class Admission {
    /** What the store held before this submission. */
    public interface Holdings {
        /** The hash of the record stored under this id, if any. */
        Optional<String> hashOf(String recordId);

        /** Whether a battery (master) record of this code is stored. */
        boolean knowsBattery(String batteryCode);
    }

    /** The decision for one record. */
    public sealed interface Decision permits Take, Duplicate, Conflict, UnknownBattery {
    }

    /** New: store it. */
    public record Take(String hash) implements Decision {
    }

    /** Held already with the same content: accepted again, stored once. */
    public record Duplicate(String hash) implements Decision {
    }

    /** The id is held with other content: refused. */
    public record Conflict(String reason) implements Decision {
    }

    /** A session of a battery with no master record here. */
    public record UnknownBattery(String reason) implements Decision {
    }

    private final CryptoSuite suite;
    private final Holdings holdings;
    private final Map<String, String> admitted = new HashMap<>();
    private final Set<String> batteries = new HashSet<>();

    public Admission(CryptoSuite suite, Holdings holdings) {
        this.suite = suite;
        this.holdings = holdings;
    }

    public Decision admit(ParsedRecord parsed) {
        BatteryRecord r = parsed.record();
        String hash = parsed.hash(suite).hex();
        String earlier = admitted.containsKey(r.recordId()) ? admitted.get(r.recordId()) : holdings.hashOf(r.recordId()).orElse(null);
        if (earlier != null) {
            return earlier.equals(hash) ? new Duplicate(hash) : new Conflict("conflict: record " + r.recordId() + " was taken in with hash "
                    + earlier + "; a record id cannot be reused for different content (this one hashes to " + hash + ")");
        }
        if (r instanceof BatteryRecord.Session && !batteries.contains(r.batteryCode()) && !holdings.knowsBattery(r.batteryCode())) {
            return new UnknownBattery("unknown battery " + r.batteryCode() + ": this node has no battery record for it; "
                    + "send the manufacturer's battery record first");
        }
        admitted.put(r.recordId(), hash);
        if (r instanceof BatteryRecord.Master) {
            batteries.add(r.batteryCode());
        }
        return new Take(hash);
    }
}
