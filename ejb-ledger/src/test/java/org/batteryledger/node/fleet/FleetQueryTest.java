package org.batteryledger.node.fleet;

import org.batteryledger.node.records.InvalidInput;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetQueryTest {
    private static final long NOW = 1_780_000_000L;

    @Test
    void rsqlBecomesJpqlWithEveryValueAParameter() {
        FleetQuery.Where w = FleetQuery.filter("chemistry==nmc;stateOfHealth=ge=0.8,status=in=(reuse,repurpose)", NOW);
        assertEquals("((f.chemistry = :p0 and f.stateOfHealth >= :p1) or f.status in :p2)", w.jpql(), "and binds before or");
        assertEquals("NMC", w.parameters().get("p0"), "chemistry names are upper case");
        assertEquals(0.8, w.parameters().get("p1"));
        assertEquals(java.util.List.of("reuse", "repurpose"), w.parameters().get("p2"));
    }

    @Test
    void ageBoundsAreManufactureTimeBoundsTheOtherWayRound() {
        FleetQuery.Where w = FleetQuery.filter("age=gt=2", NOW);
        assertEquals("f.manufacturedAt < :p0", w.jpql(), "older than 2 years: made before now - 2 years");
        assertEquals(NOW - Math.round(2 * FleetQuery.SECONDS_PER_YEAR), w.parameters().get("p0"));
        FleetQuery.Sort youngestFirst = FleetQuery.Sort.parse("age");
        assertTrue(youngestFirst.columnDescending(), "youngest first: latest manufacture time first");
        assertFalse(FleetQuery.Sort.parse("-age").columnDescending());
    }

    @Test
    void wildcardsInTextAreLikePatternsAndSqlWildcardsAreLiteral() {
        FleetQuery.Where w = FleetQuery.filter("manufacturer==CAT*", NOW);
        assertEquals("f.manufacturer like :p0 escape '!'", w.jpql());
        assertEquals("CAT%", w.parameters().get("p0"));
        assertEquals("50!%!_off%", FleetQuery.like("50%_off*"));
        assertEquals("not (f.batteryCode like :p0 escape '!')", FleetQuery.filter("batteryCode!=036P*", NOW).jpql());
    }

    @Test
    void mistakesAreRefusedWithTheirRule() {
        assertEquals("filter column 'colour' is not a column; the columns are batteryCode, unitKind, chemistry, manufacturer, registeredBy, "
                + "age, sessions, equivalentFullCycles, stateOfHealth, status, residualValue, evidence",
                assertThrows(InvalidInput.class, () -> FleetQuery.filter("colour==red", NOW)).getMessage());
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("status==broken", NOW)).getMessage()
                .contains("status is one of reuse, repurpose, recycle, not 'broken'"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("sessions=ge=many", NOW)).getMessage().contains("whole number"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("stateOfHealth=lt=NaN", NOW)).getMessage().contains("at most 1e12"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("stateOfHealth=lt=2e308", NOW)).getMessage().contains("at most 1e12"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("chemistry=gt=NMC", NOW)).getMessage().contains("takes ==, !=, =in= or =out="));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("chemistry=~NMC", NOW)).getMessage().startsWith("filter is not RSQL"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("(".repeat(9) + "sessions==1" + ")".repeat(9), NOW)).getMessage()
                .contains("deeper than 8"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("sessions==1;".repeat(33) + "sessions==1", NOW)).getMessage()
                .contains("more than 32 comparisons"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.filter("x".repeat(3000), NOW)).getMessage().contains("at most 2048"));
        assertThrows(InvalidInput.class, () -> FleetQuery.Sort.parse("-colour"));
        assertThrows(InvalidInput.class, () -> FleetQuery.limit(0));
        assertThrows(InvalidInput.class, () -> FleetQuery.limit(FleetQuery.MAX_LIMIT + 1));
        assertEquals(FleetQuery.DEFAULT_LIMIT, FleetQuery.limit(null));
    }

    @Test
    void aCursorBelongsToItsSortAndFilter() {
        FleetQuery.Sort sort = FleetQuery.Sort.parse("-stateOfHealth");
        String filter = "chemistry==LFP";
        String c = new FleetQuery.Cursor(sort.wire(), FleetQuery.filterHash(filter), false, "0.8125", "036P1").encode();
        FleetQuery.Cursor back = FleetQuery.Cursor.decode(c, sort, filter);
        assertEquals(0.8125, back.sortValue(sort.field()));
        assertEquals("036P1", back.code());
        assertFalse(back.nulls());
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.Cursor.decode(c, FleetQuery.Sort.parse("stateOfHealth"), filter))
                .getMessage().contains("another sort or filter"));
        assertTrue(assertThrows(InvalidInput.class, () -> FleetQuery.Cursor.decode(c, sort, "chemistry==NMC")).getMessage()
                .contains("another sort or filter"));
        assertThrows(InvalidInput.class, () -> FleetQuery.Cursor.decode("not*base64", sort, filter));
        String forged = new FleetQuery.Cursor(sort.wire(), FleetQuery.filterHash(filter), false, "lots", "036P1").encode();
        assertThrows(InvalidInput.class, () -> FleetQuery.Cursor.decode(forged, sort, filter));
        assertNull(FleetQuery.Cursor.decode("", sort, filter));
        FleetQuery.Cursor nulls = FleetQuery.Cursor.decode(new FleetQuery.Cursor(sort.wire(), FleetQuery.filterHash(filter), true, null, "X9").encode(),
                sort, filter);
        assertTrue(nulls.nulls());
    }

    @Test
    void emptyFilterMatchesEverything() {
        assertEquals("", FleetQuery.filter(" ", NOW).jpql());
        assertEquals(Map.of(), FleetQuery.filter(null, NOW).parameters());
        assertEquals("f.status is null", FleetQuery.filter(null, NOW).and("f.status is null"));
    }

    @Test
    void histogramBinsAreFivePercentWithAFullBatteryInTheLast() {
        assertEquals(0, FleetIndex.bin(0.01));
        assertEquals(16, FleetIndex.bin(0.8));
        assertEquals(19, FleetIndex.bin(1.0));
        assertEquals(0, FleetIndex.bin(-0.2));
    }
}
