package org.batteryledger.core.contract;

import org.batteryledger.core.pbft.Quorum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validator concentration per agency against f (Castro &amp; Liskov, OSDI 1999, §3: n = 3f + 1 tolerates f faults). */
class ConcentrationTest {

    /** Validators dealt to agencies a, b, c, ... in the given counts: "4/2/1" is agency-a 4, agency-b 2, agency-c 1. */
    private static List<String> layout(String counts) {
        List<String> out = new ArrayList<>();
        String[] parts = counts.split("/");
        for (int i = 0; i < parts.length; i++) {
            for (int j = 0; j < Integer.parseInt(parts[i]); j++) {
                out.add("agency-" + (char) ('a' + i));
            }
        }
        return out;
    }

    // layout | n, f, quorum | the largest agency: held, exceeds f, blocks a quorum, forks alone, demote (-1: cannot), add
    // | warnings in all
    @ParameterizedTest(name = "{0}: n={1} f={2}; agency-a holds {4}: exceeds={5} blocks={6} forks={7} demote={8} add={9}")
    @CsvSource({
            "1,          1,  0, 1, 1, true,  true,  true,  -1, 3, 2",
            "4,          4,  1, 3, 4, true,  true,  true,  -1, 9, 2",
            "2/1/1,      4,  1, 3, 2, true,  true,  true,   2, 3, 2",
            "1/1/1/1,    4,  1, 3, 1, false, false, false,  0, 0, 0",
            "2/1/1/1,    5,  1, 4, 2, true,  true,  false,  1, 2, 1",
            "2/1/1/1/1,  6,  1, 4, 2, true,  false, true,   1, 1, 1",
            "4/2/1,      7,  2, 5, 4, true,  true,  true,   3, 6, 2",
            "2/2/2/1,    7,  2, 5, 2, false, false, false,  0, 0, 0",
            "3/3/2/2,    10, 3, 7, 3, false, false, false,  0, 0, 0",
            "4/4/4/1,    13, 4, 9, 4, false, false, false,  0, 0, 0",
            "5/4/4/1,    14, 4, 10, 5, true,  true,  false,  1, 2, 1",
    })
    void theLargestAgencyAgainstF(String counts, int n, int f, int quorum, int held, boolean exceeds, boolean blocks, boolean forks,
                                  int demote, int add, int warnings) {
        Concentration.Assessment a = Concentration.ofAgencies(layout(counts));
        assertEquals(n, a.validators());
        assertEquals(f, a.f());
        assertEquals(quorum, a.quorum());
        Concentration.Share top = a.agencies().get(0);
        assertEquals("agency-a", top.agency());
        assertEquals(held, top.validators());
        assertEquals(exceeds, top.exceedsF());
        assertEquals(blocks, top.blocksQuorum());
        assertEquals(forks, top.forksAlone());
        assertEquals(demote < 0 ? OptionalInt.empty() : OptionalInt.of(demote), top.demote());
        assertEquals(add, top.addFromOthers());
        assertEquals(warnings, a.warnings().size(), () -> String.join("\n", a.warnings()));
        assertEquals(warnings > 0, a.concentrated());
    }

    @Test
    void theReferenceLayoutLetsAgencyAHaltTheChainAloneAndSaysHowToFixIt() {
        Concentration.Assessment a = Concentration.ofAgencies(layout("4/2/1"));
        assertEquals(List.of(
                "agency-a holds 4 of 7 validators, f = 2: it can halt the chain alone (a quorum is 5, the other agencies hold 3)."
                        + " Fix: make 3 of its validators observers (demote), though then agency-b would hold 2 of 4, more than f = 1;"
                        + " or add 6 validators from other agencies (13 validators, f = 4, no agency holding more than 4)",
                "Only 3 agencies hold validators: with fewer than 4, one agency holds more than f however they are split."
                        + " Validators from 1 more agency are needed."), a.warnings());
        assertEquals(List.of("agency-a", "agency-b", "agency-c"), a.agencies().stream().map(Concentration.Share::agency).toList());
        Concentration.Share b = a.agencies().get(1);
        assertEquals(2, b.validators());
        assertFalse(b.exceedsF());
        assertNull(b.warning());
        assertEquals(List.of(), a.warningsFor("agency-b"));
        assertEquals(List.of(a.warnings().get(0)), a.warningsFor("agency-a"));
    }

    @Test
    void aSingleAgencyCannotBeFixedByDemotion() {
        Concentration.Assessment a = Concentration.ofAgencies(layout("4"));
        assertEquals("agency-a holds 4 of 4 validators, f = 1: it can halt the chain alone (a quorum is 3, the other agencies hold 0)."
                + " Fix: add 9 validators from other agencies (13 validators, f = 4, no agency holding more than 4)", a.warnings().get(0));
        assertEquals("Only 1 agency holds validators: with fewer than 4, one agency holds more than f however they are split."
                + " Validators from 3 more agencies are needed.", a.warnings().get(1));
    }

    @Test
    void sixValidatorsTwoOfOneAgencyCannotHaltButCanFork() {
        Concentration.Assessment a = Concentration.ofAgencies(layout("2/1/1/1/1"));
        assertEquals(List.of("agency-a holds 2 of 6 validators, f = 1: it can have two conflicting blocks committed alone"
                + " (two quorums of 4 may overlap in its 2 validators only). Fix: make 1 of its validators an observer (demote);"
                + " or add 1 validator from other agencies (7 validators, f = 2, no agency holding more than 2)"), a.warnings());
    }

    @Test
    void theDefaultFourNodeLayoutAsksToDemoteAllOfAgencyAOrToAddThree() {
        Concentration.Assessment a = Concentration.ofAgencies(List.of("agency-a", "agency-b", "agency-c", "agency-a"));
        assertEquals("agency-a holds 2 of 4 validators, f = 1: it can halt the chain alone (a quorum is 3, the other agencies hold 2)."
                + " Fix: make all of its 2 validators observers (demote), though then agency-b would hold 1 of 2, more than f = 0;"
                + " or add 3 validators from other agencies (7 validators, f = 2, no agency holding more than 2)", a.warnings().get(0));
        assertEquals("agency-a holds 1 of 3 validators, f = 0: it can have two conflicting blocks committed alone (two quorums of 2 may"
                + " overlap in its 1 validator only)."
                + " Fix: make its only validator an observer (demote), though then agency-b would hold 1 of 2, more than f = 0;"
                + " or add 1 validator from other agencies (4 validators, f = 1, no agency holding more than 1)",
                Concentration.ofAgencies(layout("1/1/1")).warnings().get(0));
    }

    @Test
    void fourAgenciesOfOneValidatorEachAreSound() {
        Concentration.Assessment a = Concentration.ofAgencies(layout("1/1/1/1"));
        assertFalse(a.concentrated());
        assertTrue(a.agencies().stream().noneMatch(Concentration.Share::exceedsF));
    }

    @Test
    void noValidatorsNoWarnings() {
        Concentration.Assessment a = Concentration.ofAgencies(List.of());
        assertEquals(0, a.validators());
        assertFalse(a.concentrated());
    }

    @Test
    void readsTheAgencyOfEachValidatorRecord() {
        List<NodeRecord> validators = new ArrayList<>();
        for (String agency : layout("4/2/1")) {
            validators.add(new NodeRecord(null, "n" + validators.size(), agency, new byte[0], "ca", validators.size(), 0, Role.CONSENSUS));
        }
        assertEquals(Concentration.ofAgencies(layout("4/2/1")), Concentration.of(validators));
    }

    // Every n up to 40 and every holding: more than f means the agency alone halts the chain or gets two conflicting
    // blocks committed; and the suggested numbers are the least that bring it to f.
    @Test
    void exceedingFMeansHaltingOrForkingAloneAndTheFixesAreMinimal() {
        for (int n = 1; n <= 40; n++) {
            int f = Quorum.f(n);
            int q = Quorum.size(n);
            for (int h = 1; h <= n; h++) {
                String at = "n=" + n + " h=" + h;
                boolean blocks = n - h < q;
                boolean forks = h >= 2 * q - n;
                assertEquals(h > f, blocks || forks, at);
                OptionalInt k = Concentration.demotionsNeeded(h, n);
                if (h == n && h > f) {
                    assertTrue(k.isEmpty(), at);
                } else {
                    int d = k.getAsInt();
                    assertTrue(h - d <= Quorum.f(n - d), at + " demote " + d);
                    assertTrue(d == 0 || h - d + 1 > Quorum.f(n - d + 1), at + " demote " + d + " is not the least");
                }
                int m = Concentration.additionsNeeded(h, n);
                assertTrue(h <= Quorum.f(n + m), at + " add " + m);
                assertTrue(m == 0 || h > Quorum.f(n + m - 1), at + " add " + m + " is not the least");
            }
        }
    }
}
