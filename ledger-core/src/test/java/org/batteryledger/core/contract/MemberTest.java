package org.batteryledger.core.contract;

import org.batteryledger.core.chain.Transaction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Member kinds and parties per agency, set by governance and kept as the agency's entry. */
class MemberTest {
    @Test
    void anAgencyWithoutAProfileIsUndeclaredAndBindsNoParty() {
        Ledger l = new Ledger(SuiteCase.sim());
        Member m = Member.decode(l.state.get(Tables.AGENCY, Ledger.A));
        assertEquals(Member.UNDECLARED, m);
        assertTrue(m.speaksFor("anyone"));
        assertEquals(0, m.encode().length);
    }

    @Test
    void governanceSetsKindsAndPartiesOnceAQuorumApproves() {
        Ledger l = new Ledger(SuiteCase.sim());
        Member profile = new Member(Set.of(MemberKind.RECYCLER, MemberKind.AUDITOR), List.of("ReCell", "Audit Co"));
        Transaction p = l.propose("b1", new GovernanceAction.SetMember(Ledger.C, profile));
        l.commit(p);
        assertEquals(Member.UNDECLARED, Member.decode(l.state.get(Tables.AGENCY, Ledger.C)), "one agency is not a quorum");
        l.commit(l.approve("a1", p));
        Member m = Member.decode(l.state.get(Tables.AGENCY, Ledger.C));
        assertEquals(profile, m);
        assertEquals(List.of("recycler", "auditor"), m.kindLabels());
        assertEquals(List.of("Audit Co", "ReCell"), m.parties(), "sorted: one encoding per profile");
        assertTrue(m.speaksFor("ReCell"));
        assertFalse(m.speaksFor("ChargeCo"));
        assertEquals("make agency agency-c recycler, auditor, speaking for Audit Co, ReCell",
                GovernanceAction.decode(p.payload()).describe());
    }

    @Test
    void anUnknownAgencyOrTooManyPartiesAreRefusedAtOnce() {
        Ledger l = new Ledger(SuiteCase.sim());
        BlockExecutor.Receipt r = l.commitOne(l.propose("a1", new GovernanceAction.SetMember("agency-x", Member.UNDECLARED)));
        assertEquals("unknown agency agency-x", r.error());
        List<String> parties = new ArrayList<>();
        for (int i = 0; i <= Member.MAX_PARTIES; i++) {
            parties.add("party " + i);
        }
        r = l.commitOne(l.propose("a1", new GovernanceAction.SetMember(Ledger.A, new Member(Set.of(), parties))));
        assertEquals("list of 65 items exceeds the maximum 64", r.error(), "refused when the proposal is read");
        assertEquals("an agency speaks for at most 64 parties, not 65", new Member(Set.of(), parties).problem());
        assertEquals("a party name has 1 to 128 characters, not ' '", new Member(Set.of(), List.of(" ")).problem());
    }

    @Test
    void anAgencyAddedWithAProfileHasIt() {
        Ledger l = new Ledger(SuiteCase.sim());
        Member profile = new Member(Set.of(MemberKind.CHARGING), List.of("GridHop Networks"));
        Transaction p = l.propose("a1", new GovernanceAction.AddAgency("agency-d", profile));
        l.commit(p, l.approve("b1", p));
        assertEquals(profile, Member.decode(l.state.get(Tables.AGENCY, "agency-d")));
    }

    @Test
    void anAgencyAddedWithoutAProfileKeepsItsEarlierEncoding() {
        // proposals made before profiles existed must decode and re-encode to the same bytes
        byte[] before = new org.batteryledger.core.codec.CanonicalWriter().u8(6).str("agency-d").toByteArray();
        assertArrayEquals(before, new GovernanceAction.AddAgency("agency-d").encode());
        assertEquals(new GovernanceAction.AddAgency("agency-d"), GovernanceAction.decode(before));
        GovernanceAction withProfile = new GovernanceAction.AddAgency("agency-d", new Member(Set.of(MemberKind.AUDITOR), List.of()));
        assertEquals(withProfile, GovernanceAction.decode(withProfile.encode()));
    }
}
