package org.batteryledger.core.policy;

import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;

/**
 * The consortium's data-sharing policy: which records of a battery a holder discloses to another member. Every
 * holder applies the same rules to the member profiles on chain, so a member's rights do not depend on which node it
 * asks:
 * <ul>
 *   <li>the holder's own agency reads everything it holds (one company, several nodes);</li>
 *   <li>recyclers and auditors read every record of a battery;</li>
 *   <li>the manufacturer that registered a battery reads its sessions (and its own master data);</li>
 *   <li>a charging operator reads the master data of a battery it has charged, shown by one of its own anchored
 *       sessions of that battery; it does not read other operators' sessions.</li>
 * </ul>
 * Anything else is refused with a reason naming the rule.
 */
public final class DisclosurePolicy {
    private DisclosurePolicy() {
    }

    /** Master data or sessions. */
    public enum RecordType {
        MASTER("master data"), SESSION("sessions");

        private final String label;

        RecordType(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Who asks. {@code chargedIt}: the asker showed an anchored session of its own for this battery. */
    public record Asker(String agency, Member member, boolean chargedIt) {
    }

    /**
     * @param registeredBy the agency the battery is registered to on chain, or null if it is not registered
     * @return null when the holder discloses records of this type to the asker, else the reason it does not
     */
    public static String refusal(Asker asker, String holderAgency, String batteryCode, String registeredBy, RecordType type) {
        if (asker.agency().equals(holderAgency)) {
            return null;
        }
        Member m = asker.member();
        if (m.is(MemberKind.RECYCLER) || m.is(MemberKind.AUDITOR)) {
            return null;
        }
        if (m.is(MemberKind.MANUFACTURER) && asker.agency().equals(registeredBy)) {
            return null;
        }
        if (type == RecordType.MASTER && m.is(MemberKind.CHARGING) && asker.chargedIt()) {
            return null;
        }
        String who = asker.agency() + (m.kinds().isEmpty() ? " (no member kind declared)" : " (" + String.join(", ", m.kindLabels()) + ")");
        return switch (type) {
            case MASTER -> "policy: " + who + " may not read the master data of battery " + batteryCode
                    + ": recyclers, auditors, its manufacturer and operators that charged it (shown by an anchored session of their own) may";
            case SESSION -> "policy: " + who + " may not read the sessions of battery " + batteryCode
                    + ": recyclers, auditors and its manufacturer" + (registeredBy == null ? "" : " (" + registeredBy + ")") + " may";
        };
    }
}
