package org.batteryledger.core.intake;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;
import org.batteryledger.core.record.RecordSchema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * The intake of records, pushed or pulled: {@link #validate} (schema, the sender's role, size) and then
 * {@link #take} (idempotent by id and hash, conflicts and unknown batteries refused, the rest stored, every refusal
 * kept as a dead letter with its reason, a partner's cursor moved with the records). The store behind it is a port:
 * the node's database in production, a map in route tests; either way the decisions are made here, once.
 */
public final class Intake {
    /** Records per submission; a bigger one is refused whole, before anything is stored. */
    public static final int MAX_RECORDS_PER_SUBMISSION = 1_000;
    /** Canonical bytes per record; a bigger record is rejected (the store keeps records, not files). */
    public static final int MAX_CANONICAL_BYTES = 16 * 1024;

    private Intake() {
    }

    /** What a store offers intake. {@link #take} calls it within one transaction of the store. */
    public interface Store {
        /** Hashes of the stored records among these ids, by id. */
        Map<String, String> storedHashes(Collection<String> recordIds);

        /**
         * The codes among these whose battery is known, with its manufacture time (epoch seconds): registered on chain
         * by any member, or its battery (master) record stored here.
         */
        Map<String, Long> knownBatteries(Collection<String> batteryCodes);

        /** Why this node's agency may not register this battery code (held by another agency, ...), or null. */
        default String registrationRefusal(String batteryCode) {
            return null;
        }

        void store(ParsedRecord record, String hash, String source);

        void deadLetter(String recordId, String reason, String source, Object json);

        /** Where this node stands in a partner's feed; {@link Cursor#START} before its first page. */
        Cursor cursor(String partner);

        void moveCursor(String partner, Cursor to, long newlyTaken);
    }

    /**
     * A position in a partner's feed: the id of the last record taken (null at the start), and since when it has
     * been stopped before a session of an unknown battery (0 when it is not).
     */
    public record Cursor(String position, long deferringSince) {
        public static final Cursor START = new Cursor(null, 0);
    }

    /** A page of a partner's feed: whose, from where, how long to defer unknown batteries' sessions. */
    public record PullOrigin(String partner, String startPosition, long maxDeferralMillis) {
    }

    /**
     * Checks each record against the schema, the sender's allowed types and the size limit.
     *
     * @param records parsed JSON values, one per record
     * @param pull    null for a push
     * @throws IllegalArgumentException for more than {@link #MAX_RECORDS_PER_SUBMISSION} records (nothing is taken)
     */
    public static Submission validate(List<?> records, String source, Set<String> allowedTypes, PullOrigin pull) {
        if (records.size() > MAX_RECORDS_PER_SUBMISSION) {
            throw new IllegalArgumentException("a submission holds at most " + MAX_RECORDS_PER_SUBMISSION + " records, this one "
                    + records.size() + "; nothing was stored, split it");
        }
        List<Submission.Candidate> candidates = new ArrayList<>(records.size());
        List<String> positions = new ArrayList<>(records.size());
        String position = pull == null ? null : pull.startPosition();
        for (int i = 0; i < records.size(); i++) {
            Object json = records.get(i);
            candidates.add(candidate(i, json, allowedTypes));
            // The partner names its records by id: the cursor after a record is that id, whatever else is wrong with it.
            if (json instanceof Map<?, ?> m && m.get("recordId") instanceof String id) {
                position = id;
            }
            positions.add(position);
        }
        return new Submission(source, candidates, pull == null ? null : new Submission.Pull(pull.partner(), positions, pull.maxDeferralMillis()));
    }

    private static Submission.Candidate candidate(int i, Object json, Set<String> allowedTypes) {
        RecordSchema.Result r = RecordSchema.check(json);
        if (r instanceof RecordSchema.Invalid inv) {
            return new Submission.Invalid(i, inv.recordId(), inv.reason(), json);
        }
        ParsedRecord p = ((RecordSchema.Valid) r).parsed();
        BatteryRecord rec = p.record();
        if (!allowedTypes.contains(rec.type())) {
            return new Submission.Invalid(i, rec.recordId(), "the sender may not submit '" + rec.type() + "' records (allowed: "
                    + String.join(", ", new TreeSet<>(allowedTypes)) + ")", json);
        }
        if (p.canonicalBytes().length > MAX_CANONICAL_BYTES) {
            return new Submission.Invalid(i, rec.recordId(), "the record is " + p.canonicalBytes().length
                    + " bytes in canonical form; at most " + MAX_CANONICAL_BYTES + " are taken", json);
        }
        return new Submission.Valid(i, p, json);
    }

    /**
     * Takes a validated submission into the store: every record gets an outcome, in submission order.
     *
     * @param now the store's clock, for how long a partner's cursor has been deferring
     */
    public static List<Outcome> take(CryptoSuite suite, Submission submission, Store store, long now) {
        return take(suite, submission, store, now, Admission.Rules.NONE);
    }

    /**
     * As {@link #take(CryptoSuite, Submission, Store, long)}, under the consortium's record rules for the submitting
     * agency; a record that breaks one is rejected with the rule's reason and kept as a dead letter.
     */
    public static List<Outcome> take(CryptoSuite suite, Submission submission, Store store, long now, Admission.Rules rules) {
        List<ParsedRecord> valid = new ArrayList<>();
        for (Submission.Candidate c : submission.candidates()) {
            if (c instanceof Submission.Valid v) {
                valid.add(v.parsed());
            }
        }
        Map<String, String> stored = store.storedHashes(valid.stream().map(p -> p.record().recordId()).distinct().toList());
        Map<String, Long> known = store.knownBatteries(valid.stream().filter(p -> p.record() instanceof BatteryRecord.Session)
                .map(p -> p.record().batteryCode()).distinct().toList());
        Admission admission = new Admission(suite, new Admission.Holdings() {
            @Override
            public Optional<String> hashOf(String recordId) {
                return Optional.ofNullable(stored.get(recordId));
            }

            @Override
            public OptionalLong manufacturedAt(String batteryCode) {
                Long at = known.get(batteryCode);
                return at == null ? OptionalLong.empty() : OptionalLong.of(at);
            }

            @Override
            public String registrationRefusal(String batteryCode) {
                return store.registrationRefusal(batteryCode);
            }
        }, rules, now);
        Submission.Pull pull = submission.pull();
        Cursor cursor = pull == null ? null : store.cursor(pull.partner());
        // A pulled session of an unknown battery waits (its battery's record may come through another feed) until
        // the cursor has been stopped for maxDeferral; then it is rejected as a pushed one is.
        boolean defer = pull != null && (cursor.deferringSince() == 0 || now - cursor.deferringSince() < pull.maxDeferralMillis());
        String source = submission.source();
        List<Outcome> out = new ArrayList<>(submission.candidates().size());
        int firstDeferred = -1;
        long newlyTaken = 0;
        for (Submission.Candidate c : submission.candidates()) {
            int i = c.index();
            if (c instanceof Submission.Invalid inv) {
                store.deadLetter(inv.recordId(), inv.reason(), source, c.json());
                out.add(new Outcome.Rejected(i, inv.recordId(), inv.reason()));
                continue;
            }
            ParsedRecord p = ((Submission.Valid) c).parsed();
            String id = p.record().recordId();
            Admission.Decision d = admission.admit(p);
            if (d instanceof Admission.Take t) {
                store.store(p, t.hash(), source);
                newlyTaken++;
                out.add(new Outcome.Accepted(i, id, t.hash(), false));
            } else if (d instanceof Admission.Duplicate dup) {
                out.add(new Outcome.Accepted(i, id, dup.hash(), true));
            } else if (d instanceof Admission.Conflict con) {
                store.deadLetter(id, con.reason(), source, c.json());
                out.add(new Outcome.Rejected(i, id, con.reason()));
            } else if (d instanceof Admission.Refused ref) {
                store.deadLetter(id, ref.reason(), source, c.json());
                out.add(new Outcome.Rejected(i, id, ref.reason()));
            } else if (d instanceof Admission.UnknownBattery unknown) {
                if (defer) {
                    firstDeferred = firstDeferred < 0 ? out.size() : firstDeferred;
                    out.add(new Outcome.Deferred(i, id, unknown.reason()));
                } else {
                    store.deadLetter(id, unknown.reason(), source, c.json());
                    out.add(new Outcome.Rejected(i, id, unknown.reason()));
                }
            } else {
                throw new AssertionError(d);
            }
        }
        if (pull != null) {
            // The cursor stops before the first deferred record: the partner serves it, and what follows, again.
            int upTo = firstDeferred < 0 ? out.size() : firstDeferred;
            String position = upTo == 0 ? cursor.position() : pull.positions().get(upTo - 1);
            long since = firstDeferred < 0 ? 0 : cursor.deferringSince() == 0 ? now : cursor.deferringSince();
            store.moveCursor(pull.partner(), new Cursor(position, since), newlyTaken);
        }
        return out;
    }
}
