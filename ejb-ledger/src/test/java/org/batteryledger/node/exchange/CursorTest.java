package org.batteryledger.node.exchange;

import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.node.records.InvalidInput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consortium view's cursor: per holder, the position after which its next page starts; opaque and checked. */
class CursorTest {
    static final NodeId A = new NodeId("a".repeat(40));
    static final NodeId B = new NodeId("b".repeat(40));

    @Test
    void positionsRoundTripAndOnlyMoveForward() {
        ConsortiumRecords.Cursor c = ConsortiumRecords.Cursor.decode(null);
        assertTrue(c.isStart());
        c.advance(A, 17);
        c.advance(A, 12); // an earlier record of the same holder on the same page
        c.advance(B, 5);
        ConsortiumRecords.Cursor back = ConsortiumRecords.Cursor.decode(c.encode());
        assertEquals(17, back.after(A));
        assertEquals(5, back.after(B));
        assertEquals(0, back.after(new NodeId("c".repeat(40))), "a holder not in the cursor starts from the beginning");
    }

    @Test
    void aCursorThisNodeDidNotGiveOutIsRefusedAsTheCallersMistake() {
        for (String bad : new String[] {"not base64!", java.util.Base64.getUrlEncoder().encodeToString("x=1".getBytes()),
                java.util.Base64.getUrlEncoder().encodeToString(("a".repeat(40) + "=-3").getBytes()),
                java.util.Base64.getUrlEncoder().encodeToString(("a".repeat(40) + "=zz").getBytes()), "A".repeat(9000)}) {
            InvalidInput e = assertThrows(InvalidInput.class, () -> ConsortiumRecords.Cursor.decode(bad), bad);
            assertTrue(e.getMessage().startsWith("cursor is not one this node gave out"), e.getMessage());
        }
    }
}
