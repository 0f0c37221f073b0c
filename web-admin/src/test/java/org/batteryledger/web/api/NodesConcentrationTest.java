package org.batteryledger.web.api;

import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.service.NodeView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /nodes} and {@code GET /nodes/concentration} as ChainResource builds them from the registry. */
class NodesConcentrationTest {

    private static NodeView node(int idx, String agency, Role role) {
        NodeRecord r = new NodeRecord(new NodeId(String.format("%040x", idx + 1)), "node" + idx, agency, new byte[0], "cafe" + idx, idx,
                0, role);
        LinkStats link = idx == 0 ? null : new LinkStats(r.nodeId().value(), true, 1.25, 10, 20, 100, 200, 0, 0);
        return new NodeView(r, idx == 0, 1.0, 1.0, link, idx == 0 ? null : 0L, NodeView.Status.AGILE, "signs every certificate", null);
    }

    /** The reference layout: agencies of 4, 2 and 1 consensus nodes, plus one observer of agency-c. */
    private static List<NodeView> referenceLayout() {
        List<NodeView> views = new ArrayList<>();
        String[] agencies = {"agency-a", "agency-a", "agency-a", "agency-a", "agency-b", "agency-b", "agency-c"};
        for (int i = 0; i < agencies.length; i++) {
            views.add(node(i, agencies[i], Role.CONSENSUS));
        }
        views.add(node(7, "agency-c", Role.OBSERVER));
        return views;
    }

    @Test
    void everyNodeKeepsItsFieldsAndCarriesTheWarningsAboutItsAgency() {
        List<ChainResource.Node> nodes = ChainResource.nodes(referenceLayout());
        assertEquals(8, nodes.size());
        ChainResource.Node first = nodes.get(0);
        // CONTRACT.md's fields, unchanged, then the additions
        List<String> fields = java.util.Arrays.stream(ChainResource.Node.class.getRecordComponents()).map(c -> c.getName()).toList();
        assertTrue(fields.containsAll(List.of("id", "name", "agency", "caHash", "idx", "blockNumber", "role", "status", "participation",
                "recentParticipation", "reason", "self", "lagBlocks", "link", "misbehaving", "evidence", "concentration")), fields.toString());
        assertEquals("consensus", first.role());
        assertEquals("agile", first.status());
        assertEquals(1.0, first.participation());
        List<String> warnings = first.concentration();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("agency-a holds 4 of 7 validators, f = 2: it can halt the chain alone"), warnings.get(0));
        assertEquals(List.of(), nodes.get(4).concentration()); // agency-b: 2 of 7, not more than f
        assertEquals(List.of(), nodes.get(7).concentration()); // an observer of agency-c
        assertEquals(new ChainResource.Link(true, 1.3, 100L, 200L, 0L, 0L), nodes.get(1).link());
    }

    @Test
    void concentrationCountsConsensusNodesOnlyAndGivesTheFix() {
        ChainResource.ConcentrationView c = ChainResource.concentration(ChainResource.assess(referenceLayout()));
        assertEquals(7, c.validators()); // the observer does not vote
        assertEquals(2, c.f());
        assertEquals(5, c.quorum());
        ChainResource.AgencyShare a = c.agencies().get(0);
        assertEquals("agency-a", a.agency());
        assertEquals(4, a.validators());
        assertTrue(a.exceedsF() && a.blocksQuorum() && a.forksAlone());
        assertEquals(3, a.demote());
        assertEquals(6, a.addFromOthers());
        ChainResource.AgencyShare b = c.agencies().get(1);
        assertFalse(b.exceedsF());
        assertEquals(0, b.demote());
        assertNull(b.warning());
        assertEquals(2, c.warnings().size());
    }

    @Test
    void aSingleAgencyChainCannotBeFixedByDemotion() {
        List<NodeView> views = List.of(node(0, "solo", Role.CONSENSUS), node(1, "solo", Role.CONSENSUS));
        ChainResource.AgencyShare solo = ChainResource.concentration(ChainResource.assess(views)).agencies().get(0);
        assertNull(solo.demote(), "written as null: demoting cannot help");
        assertEquals(5, solo.addFromOthers());
    }

    @Test
    void fourAgenciesOfOneValidatorEachGiveNoWarnings() {
        List<NodeView> views = List.of(node(0, "a", Role.CONSENSUS), node(1, "b", Role.CONSENSUS), node(2, "c", Role.CONSENSUS),
                node(3, "d", Role.CONSENSUS));
        assertEquals(List.of(), ChainResource.concentration(ChainResource.assess(views)).warnings());
        ChainResource.nodes(views).forEach(n -> assertEquals(List.of(), n.concentration()));
    }
}
