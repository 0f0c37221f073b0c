package org.batteryledger.launcher;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.batteryledger.client.model.Node;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code ./consortium status}: a WARNING line per agency holding more validators than f, from the node list. */
class StatusConcentrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String node(String name, String agency, String role) {
        return "{\"id\":\"" + name + "\",\"name\":\"" + name + "\",\"agency\":\"" + agency + "\",\"role\":\"" + role + "\",\"status\":\"agile\"}";
    }

    /** The node list as GET /nodes answers it, read by the generated client's model. */
    private static List<Node> read(String json) throws Exception {
        return JSON.readValue(json, new TypeReference<List<Node>>() { });
    }

    @Test
    void theReferenceLayoutWarnsThatAgencyACanHaltTheChainAlone() throws Exception {
        String nodes = "[" + String.join(",", node("node0", "agency-a", "consensus"), node("node1", "agency-a", "consensus"),
                node("node2", "agency-a", "consensus"), node("node3", "agency-a", "consensus"), node("node4", "agency-b", "consensus"),
                node("node5", "agency-b", "consensus"), node("node6", "agency-c", "consensus"), node("node7", "agency-c", "observer")) + "]";
        assertEquals(List.of(
                "agency-a holds 4 of 7 validators, f = 2: it can halt the chain alone (a quorum is 5, the other agencies hold 3)."
                        + " Fix: make 3 of its validators observers (demote), though then agency-b would hold 2 of 4, more than f = 1;"
                        + " or add 6 validators from other agencies (13 validators, f = 4, no agency holding more than 4)",
                "Only 3 agencies hold validators: with fewer than 4, one agency holds more than f however they are split."
                        + " Validators from 1 more agency are needed."), StatusReport.concentrationWarnings(read(nodes)));
    }

    @Test
    void observersDoNotCountAndFourAgenciesOfOneAreSound() throws Exception {
        String nodes = "[" + String.join(",", node("node0", "a", "consensus"), node("node1", "b", "consensus"), node("node2", "c", "consensus"),
                node("node3", "d", "consensus"), node("node4", "a", "observer"), node("node5", "a", "observer")) + "]";
        assertEquals(List.of(), StatusReport.concentrationWarnings(read(nodes)));
    }
}
