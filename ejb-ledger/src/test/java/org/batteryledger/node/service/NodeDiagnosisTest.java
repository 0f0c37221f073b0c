package org.batteryledger.node.service;

import org.batteryledger.core.contract.Role;
import org.batteryledger.node.net.LinkStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeDiagnosisTest {
    private static LinkStats link(boolean connected, double rtt) {
        return new LinkStats("peer", connected, rtt, 0, 0, 0, 0, 0, 0);
    }

    private static NodeDiagnosis.Diagnosis consensus(double overall, double recent, LinkStats link, double median) {
        return NodeDiagnosis.diagnose(Role.CONSENSUS, false, overall, 1000, recent, 100, link, median, 0L);
    }

    @Test
    void aNodeInMostCertificatesIsAgile() {
        NodeDiagnosis.Diagnosis d = consensus(0.74, 0.7, link(true, 3), 2);
        assertEquals(NodeView.Status.AGILE, d.status());
        assertEquals("in 70% of the last 100 commit certificates, 74% of the last 1000", d.reason());
    }

    @Test
    void aSlowLinkIsNamedWithItsRoundTrip() {
        NodeDiagnosis.Diagnosis d = consensus(0.5, 0.05, link(true, 820), 3);
        assertEquals(NodeView.Status.SLUGGISH, d.status(), "it stopped taking part recently: the last 100 blocks show it");
        assertTrue(d.reason().startsWith("slow link: round trip 820 ms (the other links 3 ms)"), d.reason());
    }

    @Test
    void aLinkedNodeWithAFastLinkButLateVotesIsSluggishForThatReason() {
        NodeDiagnosis.Diagnosis d = consensus(0.1, 0.1, link(true, 4), 3);
        assertEquals(NodeView.Status.SLUGGISH, d.status());
        assertTrue(d.reason().startsWith("its votes arrive after the quorum"), d.reason());
    }

    @Test
    void aHighRoundTripIsSlowOnlyAgainstTheOthers() {
        // 150 ms is not slow when every link is that slow (a consortium across continents).
        NodeDiagnosis.Diagnosis d = consensus(0.1, 0.1, link(true, 150), 120);
        assertTrue(d.reason().startsWith("its votes arrive after the quorum"), d.reason());
    }

    @Test
    void noLinkAndNoRecentSealIsDownAndInNoneWhileLinkedIsSluggish() {
        assertEquals(NodeView.Status.DOWN, consensus(0.3, 0, link(false, -1), 3).status());
        assertTrue(consensus(0.3, 0, null, 3).reason().startsWith("down: no address for it"));
        assertEquals(NodeView.Status.SLUGGISH, consensus(0.3, 0, link(true, 900), 3).status(), "linked: alive, only too slow");
        assertEquals(NodeView.Status.SLUGGISH, consensus(0.3, 0.02, link(false, -1), 3).status(), "a seal in the last 100: not down");
    }

    @Test
    void aNodeFarBehindIsLaggingWhateverItsPastSeals() {
        NodeDiagnosis.Diagnosis d = NodeDiagnosis.diagnose(Role.CONSENSUS, false, 0.7, 1000, 0.6, 100, link(true, 3), 3, 42L);
        assertEquals(NodeView.Status.SLUGGISH, d.status());
        assertTrue(d.reason().startsWith("lagging: 42 blocks behind this node;"), d.reason());
        assertEquals(NodeView.Status.AGILE, NodeDiagnosis.diagnose(Role.CONSENSUS, false, 0.7, 1000, 0.6, 100, link(true, 3), 3, 4L).status(),
                "a few blocks behind is the announcement interval on a busy chain");
        assertEquals(NodeView.Status.SLUGGISH, NodeDiagnosis.diagnose(Role.OBSERVER, false, 0, 1000, 0, 100, link(true, 3), 3, 500L).status(),
                "an observer that stopped following lags too");
    }

    @Test
    void observersAndAYoungChainAreNotJudged() {
        assertEquals(NodeView.Status.AGILE, NodeDiagnosis.diagnose(Role.OBSERVER, false, 0, 1000, 0, 100, null, -1, null).status());
        assertEquals(NodeView.Status.AGILE, NodeDiagnosis.diagnose(Role.CONSENSUS, false, 0, 0, 0, 0, null, -1, null).status());
        NodeDiagnosis.Diagnosis young = NodeDiagnosis.diagnose(Role.CONSENSUS, false, 0, 5, 0, 5, link(true, 2), 2, null);
        assertEquals(NodeView.Status.AGILE, young.status(), "missing from 5 certificates is the luck of ordering");
        assertTrue(young.reason().startsWith("only 5 blocks so far"), young.reason());
        assertEquals(NodeView.Status.DOWN, NodeDiagnosis.diagnose(Role.CONSENSUS, false, 0, 5, 0, 5, link(false, -1), 2, null).status(),
                "no link is down at any age");
    }

    @Test
    void aNewlyAdmittedNodeIsJudgedOnTheCertificatesItCouldSign() {
        // Admitted 5 blocks ago and in 4 of those 5 certificates: 4 % of the last 100, but 80 % of what it could sign.
        double share = NodeDiagnosis.shareOfLast(0.04, 100, 5);
        assertEquals(0.8, share, 1e-12);
        assertEquals(NodeView.Status.AGILE, NodeDiagnosis.diagnose(Role.CONSENSUS, false, share, 5, share, 5, link(true, 3), 3, 0L).status());
        assertEquals(1.0, NodeDiagnosis.shareOfLast(0.5, 100, 40), "never above all of them");
        assertEquals(0.0, NodeDiagnosis.shareOfLast(0.5, 100, 0), "admitted in the head block: nothing to judge");
    }

    @Test
    void thisNodeIsJudgedByItsSealsAlone() {
        assertEquals(NodeView.Status.SLUGGISH, NodeDiagnosis.diagnose(Role.CONSENSUS, true, 0.05, 1000, 0.05, 100, null, 3, null).status());
        assertEquals(NodeView.Status.AGILE, NodeDiagnosis.diagnose(Role.CONSENSUS, true, 0.8, 1000, 0.8, 100, null, 3, null).status());
    }
}
