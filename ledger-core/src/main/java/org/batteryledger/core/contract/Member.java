package org.batteryledger.core.contract;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.codec.Limits;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An agency's profile as a member: its kinds, and the party names its records speak for (the {@code manufacturer}
 * of its battery records, the {@code operator} of its sessions). Kept as the value of the agency's entry in the
 * {@code agency} table; an agency added before profiles existed has an empty value, read as {@link #UNDECLARED}.
 *
 * <p>An empty party list binds nothing: the records of such an agency may name any party. Once an agency declares
 * its parties, a record naming another party is refused at intake and is marked as not bound wherever it is read.
 */
public record Member(Set<MemberKind> kinds, List<String> parties) {
    public static final Member UNDECLARED = new Member(Set.of(), List.of());
    /** Parties per agency at most: a bound on state and on the proposal's size. */
    public static final int MAX_PARTIES = 64;
    public static final int MAX_PARTY_CHARS = 128;

    public Member {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        parties = List.copyOf(new TreeSet<>(parties)); // sorted, once each: one encoding per profile
    }

    public boolean is(MemberKind kind) {
        return kinds.contains(kind);
    }

    /** Whether a record of this agency may name {@code party} as its manufacturer or operator. */
    public boolean speaksFor(String party) {
        return parties.isEmpty() || parties.contains(party);
    }

    /** The reason this profile cannot be stored, or null. */
    public String problem() {
        if (parties.size() > MAX_PARTIES) {
            return "an agency speaks for at most " + MAX_PARTIES + " parties, not " + parties.size();
        }
        for (String p : parties) {
            if (p.isBlank() || p.length() > MAX_PARTY_CHARS) {
                return "a party name has 1 to " + MAX_PARTY_CHARS + " characters, not '" + p + "'";
            }
        }
        return null;
    }

    public byte[] encode() {
        if (kinds.isEmpty() && parties.isEmpty()) {
            return new byte[0];
        }
        List<Integer> codes = new ArrayList<>();
        for (MemberKind k : MemberKind.values()) { // enum order: one encoding per set
            if (kinds.contains(k)) {
                codes.add(k.code());
            }
        }
        return new CanonicalWriter(64).u8(1).list(codes, CanonicalWriter::u8).list(parties, CanonicalWriter::str).toByteArray();
    }

    public static Member decode(byte[] b) {
        if (b == null || b.length == 0) {
            return UNDECLARED;
        }
        CanonicalReader r = new CanonicalReader(b);
        int version = r.u8();
        if (version != 1) {
            throw new DecodeException("unsupported member profile version " + version);
        }
        Set<MemberKind> kinds = EnumSet.noneOf(MemberKind.class);
        for (int code : r.list(MemberKind.values().length, CanonicalReader::u8)) {
            kinds.add(MemberKind.fromCode(code));
        }
        List<String> parties = r.list(MAX_PARTIES, rr -> rr.str(Limits.MAX_NAME_BYTES));
        r.end();
        return new Member(kinds, parties);
    }

    /** Kinds as labels in their stable order, for APIs. */
    public List<String> kindLabels() {
        List<String> out = new ArrayList<>();
        for (MemberKind k : MemberKind.values()) {
            if (kinds.contains(k)) {
                out.add(k.label());
            }
        }
        return out;
    }
}
