package org.batteryledger.core.policy;

import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.MemberKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.batteryledger.core.policy.DisclosurePolicy.RecordType.MASTER;
import static org.batteryledger.core.policy.DisclosurePolicy.RecordType.SESSION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The default data-sharing policy of the consortium, rule by rule. */
class DisclosurePolicyTest {
    static final String CODE = "036PE0B1A2C3D4E5F6G7H8J9";

    static DisclosurePolicy.Asker asker(String agency, boolean chargedIt, MemberKind... kinds) {
        return new DisclosurePolicy.Asker(agency, new Member(Set.of(kinds), List.of()), chargedIt);
    }

    static String refusal(DisclosurePolicy.Asker a, DisclosurePolicy.RecordType type) {
        return DisclosurePolicy.refusal(a, "agency-b", CODE, "agency-a", type);
    }

    @Test
    void recyclersAndAuditorsReadEverything() {
        for (MemberKind k : List.of(MemberKind.RECYCLER, MemberKind.AUDITOR)) {
            assertNull(refusal(asker("agency-c", false, k), MASTER));
            assertNull(refusal(asker("agency-c", false, k), SESSION));
        }
    }

    @Test
    void theManufacturerReadsTheSessionsOfBatteriesItRegisteredOnly() {
        assertNull(refusal(asker("agency-a", false, MemberKind.MANUFACTURER), SESSION));
        assertEquals("policy: agency-d (manufacturer) may not read the sessions of battery " + CODE
                        + ": recyclers, auditors and its manufacturer (agency-a) may",
                refusal(asker("agency-d", false, MemberKind.MANUFACTURER), SESSION));
    }

    @Test
    void aChargingOperatorReadsMasterDataOfBatteriesItChargedButNoSessions() {
        assertNull(refusal(asker("agency-d", true, MemberKind.CHARGING), MASTER));
        assertEquals("policy: agency-d (charging) may not read the master data of battery " + CODE + ": recyclers, auditors, its "
                        + "manufacturer and operators that charged it (shown by an anchored session of their own) may",
                refusal(asker("agency-d", false, MemberKind.CHARGING), MASTER));
        assertEquals("policy: agency-d (charging) may not read the sessions of battery " + CODE
                + ": recyclers, auditors and its manufacturer (agency-a) may", refusal(asker("agency-d", true, MemberKind.CHARGING), SESSION));
    }

    @Test
    void theHoldersOwnAgencyReadsAllAndAnUndeclaredAgencyNothing() {
        assertNull(refusal(asker("agency-b", false), SESSION));
        assertEquals("policy: agency-d (no member kind declared) may not read the sessions of battery " + CODE
                + ": recyclers, auditors and its manufacturer (agency-a) may", refusal(asker("agency-d", false), SESSION));
    }
}
