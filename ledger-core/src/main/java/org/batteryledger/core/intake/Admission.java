package org.batteryledger.core.intake;

import org.batteryledger.core.contract.Member;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether a valid record enters an off-chain store that may already hold it. Intake is idempotent by record id
 * and content hash: the same record twice is taken once, the same id with different content is a conflict, and a
 * session needs its battery to be known first: registered on chain by any member, or its master record held here
 * (it registers when its batch anchors). Records admitted earlier in the same submission count as held, so a
 * submission that repeats itself is judged as if sent one record at a time.
 *
 * <p>The consortium's rules for records ({@link Rules}) are checked here too, so that nothing a member could not
 * stand behind is stored: a battery code belongs to the agency that registered it; a record names only parties
 * its agency speaks for; a session lies neither in the future (beyond a clock skew) nor before its battery was made.
 *
 * <p>One instance judges one submission; what the store held before comes from {@link Holdings}.
 */
public final class Admission {
    /** What the store and the chain held before this submission. */
    public interface Holdings {
        /** The hash of the record stored under this id, if any. */
        Optional<String> hashOf(String recordId);

        /**
         * When the battery was made (epoch seconds), if the battery is known: registered on chain, or its master
         * record held here. Empty for an unknown battery.
         */
        OptionalLong manufacturedAt(String batteryCode);

        /** Why this node's agency may not register this battery code (another agency holds it, ...), or null. */
        default String registrationRefusal(String batteryCode) {
            return null;
        }
    }

    /**
     * The consortium's record rules as they apply to the submitting agency.
     *
     * @param member                the agency's profile on chain: the parties its records may name
     * @param maxFutureSkewSeconds  how far past the node's clock a session may end (clocks differ)
     */
    public record Rules(String agency, Member member, long maxFutureSkewSeconds) {
        /** No binding to parties and no clock check: for tests of the other decisions, and stores without a clock. */
        public static final Rules NONE = new Rules("", Member.UNDECLARED, Long.MAX_VALUE);
        public static final long DEFAULT_MAX_FUTURE_SKEW_SECONDS = 300;
    }

    /** The decision for one record. */
    public sealed interface Decision permits Take, Duplicate, Conflict, UnknownBattery, Refused {
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

    /** A session of a battery that is neither registered on chain nor held here. */
    public record UnknownBattery(String reason) implements Decision {
    }

    /** Breaks a consortium rule (registration, party, time): refused with the rule's reason. */
    public record Refused(String reason) implements Decision {
    }

    private final CryptoSuite suite;
    private final Holdings holdings;
    private final Rules rules;
    private final long nowEpochSecond;
    private final Map<String, String> admitted = new HashMap<>();
    /** Batteries whose master record this submission admitted: code -> manufacture time. */
    private final Map<String, Long> batteries = new HashMap<>();

    public Admission(CryptoSuite suite, Holdings holdings) {
        this(suite, holdings, Rules.NONE, 0);
    }

    /** @param nowEpochMillis the node's clock, for the future-skew rule */
    public Admission(CryptoSuite suite, Holdings holdings, Rules rules, long nowEpochMillis) {
        this.suite = suite;
        this.holdings = holdings;
        this.rules = rules;
        this.nowEpochSecond = Math.floorDiv(nowEpochMillis, 1000);
    }

    public Decision admit(ParsedRecord parsed) {
        BatteryRecord r = parsed.record();
        String hash = parsed.hash(suite).hex();
        String earlier = admitted.containsKey(r.recordId()) ? admitted.get(r.recordId()) : holdings.hashOf(r.recordId()).orElse(null);
        if (earlier != null) {
            return earlier.equals(hash) ? new Duplicate(hash) : new Conflict("conflict: record " + r.recordId() + " was taken in with hash "
                    + earlier + "; a record id cannot be reused for different content (this one hashes to " + hash + ")");
        }
        String refusal = r instanceof BatteryRecord.Master m ? masterRefusal(m) : null;
        if (r instanceof BatteryRecord.Session s) {
            Long madeAt = batteries.get(s.batteryCode());
            OptionalLong known = madeAt != null ? OptionalLong.of(madeAt) : holdings.manufacturedAt(s.batteryCode());
            if (known.isEmpty()) {
                return new UnknownBattery("unknown battery " + s.batteryCode() + ": no member registered it on chain and this node "
                        + "has no battery record for it; the manufacturer's battery record comes first");
            }
            refusal = sessionRefusal(s, known.getAsLong());
        }
        if (refusal != null) {
            return new Refused(refusal);
        }
        admitted.put(r.recordId(), hash);
        if (r instanceof BatteryRecord.Master m) {
            batteries.put(m.batteryCode(), m.manufacturedAt().getEpochSecond());
        }
        return new Take(hash);
    }

    private String masterRefusal(BatteryRecord.Master m) {
        String registration = holdings.registrationRefusal(m.batteryCode());
        if (registration != null) {
            return registration;
        }
        return partyRefusal("manufacturer", m.manufacturer());
    }

    private String sessionRefusal(BatteryRecord.Session s, long manufacturedAt) {
        String party = partyRefusal("operator", s.operator());
        if (party != null) {
            return party;
        }
        long latest = rules.maxFutureSkewSeconds() > Long.MAX_VALUE - nowEpochSecond ? Long.MAX_VALUE : nowEpochSecond + rules.maxFutureSkewSeconds();
        if (s.endedAt().getEpochSecond() > latest) {
            return "endedAt " + s.endedAt() + " lies in the future: this node's clock reads " + Instant.ofEpochSecond(nowEpochSecond)
                    + " and allows " + rules.maxFutureSkewSeconds() + " s of skew";
        }
        if (s.startedAt().getEpochSecond() < manufacturedAt) {
            return "startedAt " + s.startedAt() + " is before battery " + s.batteryCode() + " was manufactured ("
                    + Instant.ofEpochSecond(manufacturedAt) + ")";
        }
        return null;
    }

    private String partyRefusal(String field, String party) {
        if (rules.member().speaksFor(party)) {
            return null;
        }
        return field + " '" + party + "' is not a party of agency " + rules.agency() + " (it speaks for "
                + String.join(", ", rules.member().parties()) + "); a member submits only its own records";
    }
}
