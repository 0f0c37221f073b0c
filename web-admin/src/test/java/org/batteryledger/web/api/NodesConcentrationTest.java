package org.batteryledger.web.api;

import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.service.NodeView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        List<Map<String, Object>> nodes = ChainResource.nodes(referenceLayout());
        assertEquals(8, nodes.size());
        Map<String, Object> first = nodes.get(0);
        // CONTRACT.md's fields, unchanged, then the additions in their order
        assertEquals(List.of("id", "name", "agency", "caHash", "idx", "blockNumber", "role", "status", "participation",
                "recentParticipation", "reason", "self", "lagBlocks", "misbehaving", "concentration"), List.copyOf(first.keySet()));
        assertEquals("consensus", first.get("role"));
        assertEquals("agile", first.get("status"));
        assertEquals(1.0, first.get("participation"));
        List<?> warnings = (List<?>) first.get("concentration");
        assertEquals(1, warnings.size());
        assertTrue(((String) warnings.get(0)).startsWith("agency-a holds 4 of 7 validators, f = 2: it can halt the chain alone"),
                (String) warnings.get(0));
        assertEquals(List.of(), nodes.get(4).get("concentration")); // agency-b: 2 of 7, not more than f
        assertEquals(List.of(), nodes.get(7).get("concentration")); // an observer of agency-c
        assertEquals(Map.of("connected", true, "rttMillis", 1.3, "sendBytesPerSec", 100L, "receiveBytesPerSec", 200L, "slowDrops", 0L, "throttled", 0L), nodes.get(1).get("link"));
    }

    @Test
    void concentrationCountsConsensusNodesOnlyAndGivesTheFix() {
        Map<String, Object> c = ChainResource.concentration(ChainResource.assess(referenceLayout()));
        assertEquals(7, c.get("validators")); // the observer does not vote
        assertEquals(2, c.get("f"));
        assertEquals(5, c.get("quorum"));
        List<?> agencies = (List<?>) c.get("agencies");
        Map<?, ?> a = (Map<?, ?>) agencies.get(0);
        assertEquals("agency-a", a.get("agency"));
        assertEquals(4, a.get("validators"));
        assertEquals(true, a.get("exceedsF"));
        assertEquals(true, a.get("blocksQuorum"));
        assertEquals(true, a.get("forksAlone"));
        assertEquals(3, a.get("demote"));
        assertEquals(6, a.get("addFromOthers"));
        Map<?, ?> b = (Map<?, ?>) agencies.get(1);
        assertEquals(false, b.get("exceedsF"));
        assertEquals(0, b.get("demote"));
        assertEquals(null, b.get("warning"));
        assertEquals(2, ((List<?>) c.get("warnings")).size());
    }

    @Test
    void aSingleAgencyChainCannotBeFixedByDemotion() {
        List<NodeView> views = List.of(node(0, "solo", Role.CONSENSUS), node(1, "solo", Role.CONSENSUS));
        Map<?, ?> solo = (Map<?, ?>) ((List<?>) ChainResource.concentration(ChainResource.assess(views)).get("agencies")).get(0);
        assertTrue(solo.containsKey("demote"));
        assertEquals(null, solo.get("demote"));
        assertEquals(5, solo.get("addFromOthers"));
    }

    @Test
    void fourAgenciesOfOneValidatorEachGiveNoWarnings() {
        List<NodeView> views = List.of(node(0, "a", Role.CONSENSUS), node(1, "b", Role.CONSENSUS), node(2, "c", Role.CONSENSUS),
                node(3, "d", Role.CONSENSUS));
        assertEquals(List.of(), ChainResource.concentration(ChainResource.assess(views)).get("warnings"));
        ChainResource.nodes(views).forEach(n -> assertEquals(List.of(), n.get("concentration")));
    }
}
