package org.batteryledger.node.fleet;

import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.certificate.Provenance;
import org.batteryledger.node.valuation.ValuationService;

import java.util.ArrayList;
import java.util.List;

/** A battery's row figures from one valuation of the consortium's evidence (with or without a certificate). */
public record Assessed(String chemistry, String manufacturer, Long manufacturedAt, int sessions, double equivalentFullCycles,
                       double stateOfHealth, double stateOfHealthLow, double stateOfHealthHigh, String status,
                       double residualValue, double residualValueLow, double residualValueHigh, String currency,
                       Evidence evidence, String detail, int unanchored, int holdersMissing, String certificateId) {

    public static Assessed of(ValuationService.Valued v, String certificateId) {
        Assessment a = v.assessment();
        Provenance p = v.provenance();
        List<String> why = new ArrayList<>();
        if (!p.missing().isEmpty()) {
            why.add("not answering: " + String.join(", ", p.missing()));
        }
        if (p.failedRecords() > 0) {
            why.add(p.failedRecords() + " record(s) failed their check");
        }
        why.addAll(p.refusals());
        if (v.unanchored() > 0) {
            why.add(v.unanchored() + " record(s) here not anchored yet");
        }
        Evidence evidence = !p.missing().isEmpty() || p.failedRecords() > 0 || !p.refusals().isEmpty() ? Evidence.INCOMPLETE
                : v.unanchored() > 0 ? Evidence.UNANCHORED : Evidence.VERIFIED;
        String detail = why.isEmpty() ? "every member answered; records from " + p.holders().size() + " holder(s)" : String.join("; ", why);
        Assessment.Value value = a.value();
        return new Assessed(v.master().chemistry().name(), v.master().manufacturer(), v.master().manufacturedAt().getEpochSecond(),
                a.quality().sessions(), round(a.equivalentFullCycles(), 2), round(a.stateOfHealth(), 4), round(a.stateOfHealthLow(), 4),
                round(a.stateOfHealthHigh(), 4), a.status().wire(), round(value.amount(), 2), round(value.low(), 2), round(value.high(), 2),
                value.currency(), evidence, detail, v.unanchored(), p.missing().size(), certificateId);
    }

    private static double round(double x, int decimals) {
        double f = Math.pow(10, decimals);
        return Math.round(x * f) / f;
    }
}
