package org.batteryledger.web.api;

import jakarta.json.bind.annotation.JsonbNillable;
import org.batteryledger.core.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Response records written by the core's writer: declaration order, nulls as JSON-B writes them, embedded records as the core writes them. */
class ResponseTreesTest {
    record Inner(String a, @JsonbNillable Long b) {
    }

    record Outer(String id, @JsonbNillable String nillable, String omitted, Object record, List<Inner> inners, Map<String, Inner> byName) {
    }

    @Test
    void aRecordIsWrittenInDeclarationOrderWithItsNullsAsDeclared() {
        Object embedded = Json.parse("{\"soc\":0.10000000000000001,\"note\":null,\"cells\":[12.60,3]}");
        Outer o = new Outer("x", null, null, embedded, List.of(new Inner("p", null), new Inner("q", 7L)), Map.of("k", new Inner(null, 1L)));
        // the embedded record exactly as the core writes it alone (what POST /records/verify hashes), its null kept
        assertEquals("{\"id\":\"x\",\"nillable\":null,\"record\":" + Json.write(embedded) + ","
                + "\"inners\":[{\"a\":\"p\",\"b\":null},{\"a\":\"q\",\"b\":7}],\"byName\":{\"k\":{\"b\":1}}}", Json.write(ResponseTrees.tree(o)));
    }
}
