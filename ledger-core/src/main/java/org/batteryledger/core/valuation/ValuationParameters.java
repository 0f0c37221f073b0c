package org.batteryledger.core.valuation;

import org.batteryledger.core.record.Chemistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every number the valuation model uses, with defaults and allowed ranges; a node overrides them in
 * {@code node.properties} as {@code valuation.<name>} or {@code valuation.<CHEMISTRY>.<name>}. A certificate carries
 * all of them ({@link #toJson()}), so anyone can recompute its results. Where each default comes from is in the
 * module README; prices are placeholders for a consortium to set, not market data.
 */
public final class ValuationParameters {
    /** The model's name and version, written into every certificate. A change of any formula changes the version. */
    public static final String MODEL = "battery-ledger-ageing";
    public static final String MODEL_VERSION = "1.0";
    public static final String PREFIX = "valuation.";

    private record Def(String name, double min, double max, String doc) {
    }

    private static final List<Def> COMMON = List.of(
            new Def("endOfLifeSoh", 0.05, 0.99, "state of health at which a battery leaves its first life"),
            new Def("secondLifeFloorSoh", 0.0, 0.99, "below this state of health a battery is only worth recycling"),
            new Def("referenceCRate", 0.01, 10, "C-rate of the manufacturer's rated cycle-life test"),
            new Def("cRateActivationShift", 0, 5000, "J/mol by which each 1C lowers the cycling activation energy"),
            new Def("calendarReferenceTempC", -40, 80, "temperature at which calendarFadePerSqrtYear holds"),
            new Def("storageTempC", -40, 80, "temperature assumed between manufacture and the first session"),
            new Def("overTemperatureC", 0, 150, "a session whose maximum temperature reaches this is a negative event"),
            new Def("deepDischargeSoc", 0, 0.5, "a session reaching this state of charge or below is a negative event"),
            new Def("modelUncertainty", 0, 1, "relative uncertainty of the fade even with complete evidence"),
            new Def("gapDays", 1, 3650, "a pause between sessions longer than this counts as an evidence gap"),
            new Def("repurposingCostPerKWh", 0, 10_000, "cost to test and repackage for second life, per usable kWh"),
            new Def("repurposingFixedCost", 0, 1_000_000, "fixed cost to repurpose one pack"),
            new Def("logisticsCostPerKWh", 0, 10_000, "transport and handling, per rated kWh"),
            new Def("logisticsFixedCost", 0, 1_000_000, "transport and handling, per pack"),
            new Def("logisticsFixedCostModule", 0, 1_000_000, "transport and handling, per module"),
            new Def("logisticsFixedCostCell", 0, 1_000_000, "transport and handling, per cell"),
            new Def("repurposingFixedCostModule", 0, 1_000_000, "fixed cost to repurpose one module"),
            new Def("repurposingFixedCostCell", 0, 1_000_000, "fixed cost to repurpose one cell"));

    private static final List<Def> PER_CHEMISTRY = List.of(
            new Def("woehlerExponent", 0.5, 4, "k in N(DoD) = N_rated (DoD / DoD_rated)^-k"),
            new Def("fadeExponent", 0.2, 1, "z in cycle fade = (1 - endOfLifeSoh) D^z"),
            new Def("cycleActivationEnergy", 0, 200_000, "Arrhenius activation energy of cycle ageing, J/mol"),
            new Def("calendarActivationEnergy", 0, 200_000, "Arrhenius activation energy of calendar ageing, J/mol"),
            new Def("calendarFadePerSqrtYear", 0, 0.5, "calendar fade after one year at calendarReferenceTempC"),
            new Def("reusePricePerKWh", 0, 10_000, "price of usable capacity sold for reuse in a vehicle"),
            new Def("secondLifePricePerKWh", 0, 10_000, "price of usable capacity sold for stationary second life"),
            new Def("recyclingValuePerKWh", -10_000, 10_000, "material value net of recycling cost, per rated kWh"));

    private static final Map<String, Double> DEFAULTS = defaultValues();

    private static Map<String, Double> defaultValues() {
        Map<String, Double> d = new TreeMap<>();
        d.put("endOfLifeSoh", 0.80);
        d.put("secondLifeFloorSoh", 0.60);
        d.put("referenceCRate", 0.5);
        d.put("cRateActivationShift", 370.3);        // Wang et al. 2011
        d.put("calendarReferenceTempC", 25.0);
        d.put("storageTempC", 25.0);
        d.put("overTemperatureC", 60.0);
        d.put("deepDischargeSoc", 0.02);
        d.put("modelUncertainty", 0.10);
        d.put("gapDays", 14.0);
        d.put("repurposingCostPerKWh", 25.0);
        d.put("repurposingFixedCost", 150.0);
        d.put("logisticsCostPerKWh", 5.0);
        d.put("logisticsFixedCost", 80.0);
        // A module travels in a shared crate and a cell in bulk: their handling is a share of a pack's.
        d.put("logisticsFixedCostModule", 12.0);
        d.put("logisticsFixedCostCell", 0.5);
        d.put("repurposingFixedCostModule", 20.0);
        d.put("repurposingFixedCostCell", 1.0);
        //                              k     z     Ea cyc   Ea cal   cal/√yr reuse 2nd  recycle
        chemistry(d, Chemistry.LFP, 1.6, 0.55, 31_700, 51_200, 0.030, 90, 60, -5);
        chemistry(d, Chemistry.NMC, 1.9, 0.50, 51_200, 58_000, 0.045, 100, 45, 12);
        chemistry(d, Chemistry.NCA, 1.9, 0.50, 51_200, 58_000, 0.050, 100, 40, 15);
        chemistry(d, Chemistry.LMO, 2.14, 0.50, 51_200, 51_200, 0.0556, 60, 30, 2);
        chemistry(d, Chemistry.LTO, 1.3, 0.50, 51_200, 51_200, 0.015, 120, 70, 0);
        return Collections.unmodifiableMap(d);
    }

    private static void chemistry(Map<String, Double> d, Chemistry c, double k, double z, double eaCycle, double eaCalendar,
                                  double calendar, double reuse, double secondLife, double recycling) {
        d.put(c + ".woehlerExponent", k);
        d.put(c + ".fadeExponent", z);
        d.put(c + ".cycleActivationEnergy", eaCycle);
        d.put(c + ".calendarActivationEnergy", eaCalendar);
        d.put(c + ".calendarFadePerSqrtYear", calendar);
        d.put(c + ".reusePricePerKWh", (double) reuse);
        d.put(c + ".secondLifePricePerKWh", (double) secondLife);
        d.put(c + ".recyclingValuePerKWh", (double) recycling);
    }

    /** The model's parameters for one chemistry. */
    public record ChemistryParameters(double woehlerExponent, double fadeExponent, double cycleActivationEnergy,
                                      double calendarActivationEnergy, double calendarFadePerSqrtYear,
                                      double reusePricePerKWh, double secondLifePricePerKWh, double recyclingValuePerKWh) {
    }

    private final Map<String, Double> values;
    private final String currency;
    private final Map<Chemistry, ChemistryParameters> chemistries;

    private ValuationParameters(Map<String, Double> values, String currency) {
        this.values = Collections.unmodifiableMap(new TreeMap<>(values));
        this.currency = currency;
        Map<Chemistry, ChemistryParameters> m = new EnumMap<>(Chemistry.class);
        for (Chemistry c : Chemistry.values()) {
            m.put(c, new ChemistryParameters(of(c, "woehlerExponent"), of(c, "fadeExponent"), of(c, "cycleActivationEnergy"),
                    of(c, "calendarActivationEnergy"), of(c, "calendarFadePerSqrtYear"), of(c, "reusePricePerKWh"),
                    of(c, "secondLifePricePerKWh"), of(c, "recyclingValuePerKWh")));
        }
        this.chemistries = m;
        if (secondLifeFloorSoh() >= endOfLifeSoh()) {
            throw new IllegalArgumentException(PREFIX + "secondLifeFloorSoh (" + secondLifeFloorSoh()
                    + ") must be below " + PREFIX + "endOfLifeSoh (" + endOfLifeSoh() + ")");
        }
    }

    public static ValuationParameters defaults() {
        return new ValuationParameters(DEFAULTS, "EUR");
    }

    /**
     * The defaults with the {@code valuation.*} entries of {@code properties} applied; other keys are ignored.
     *
     * @throws IllegalArgumentException naming the first unknown key, unreadable number or value out of range
     */
    public static ValuationParameters fromProperties(Map<String, String> properties) {
        Map<String, Double> v = new TreeMap<>(DEFAULTS);
        String currency = "EUR";
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            if (!e.getKey().startsWith(PREFIX)) {
                continue;
            }
            String name = e.getKey().substring(PREFIX.length());
            String text = e.getValue().trim();
            if (name.equals("currency")) {
                if (!text.matches("[A-Z]{3}")) {
                    throw new IllegalArgumentException(e.getKey() + " must be an ISO 4217 code such as EUR, not '" + text + "'");
                }
                currency = text;
                continue;
            }
            Def def = definition(name);
            if (def == null) {
                throw new IllegalArgumentException("unknown valuation parameter " + e.getKey() + "; known: " + names());
            }
            double x;
            try {
                x = Double.parseDouble(text);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(e.getKey() + " must be a number, not '" + text + "'");
            }
            if (!(x >= def.min && x <= def.max)) {
                throw new IllegalArgumentException(e.getKey() + " must be in " + def.min + " .. " + def.max + " (" + def.doc + "), not " + text);
            }
            v.put(name, x);
        }
        return new ValuationParameters(v, currency);
    }

    private static Def definition(String name) {
        int dot = name.indexOf('.');
        List<Def> defs = COMMON;
        String local = name;
        if (dot > 0) {
            try {
                Chemistry.valueOf(name.substring(0, dot));
            } catch (IllegalArgumentException e) {
                return null;
            }
            defs = PER_CHEMISTRY;
            local = name.substring(dot + 1);
        }
        for (Def d : defs) {
            if (d.name.equals(local)) {
                return d;
            }
        }
        return null;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("currency");
        COMMON.forEach(d -> n.add(d.name));
        PER_CHEMISTRY.forEach(d -> n.add("<CHEMISTRY>." + d.name));
        return n;
    }

    /** Name and meaning of every parameter, for documentation and the console. */
    public static Map<String, String> documentation() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("currency", "ISO 4217 code of every amount");
        COMMON.forEach(d -> m.put(d.name, d.doc));
        PER_CHEMISTRY.forEach(d -> m.put("<CHEMISTRY>." + d.name, d.doc));
        return m;
    }

    private double get(String name) {
        return values.get(name);
    }

    private double of(Chemistry c, String name) {
        return values.get(c + "." + name);
    }

    public ChemistryParameters chemistry(Chemistry c) {
        return chemistries.get(c);
    }

    public String currency() {
        return currency;
    }

    public double endOfLifeSoh() {
        return get("endOfLifeSoh");
    }

    public double secondLifeFloorSoh() {
        return get("secondLifeFloorSoh");
    }

    public double referenceCRate() {
        return get("referenceCRate");
    }

    public double cRateActivationShift() {
        return get("cRateActivationShift");
    }

    public double calendarReferenceTempC() {
        return get("calendarReferenceTempC");
    }

    public double storageTempC() {
        return get("storageTempC");
    }

    public double overTemperatureC() {
        return get("overTemperatureC");
    }

    public double deepDischargeSoc() {
        return get("deepDischargeSoc");
    }

    public double modelUncertainty() {
        return get("modelUncertainty");
    }

    public double gapDays() {
        return get("gapDays");
    }

    public double repurposingCostPerKWh() {
        return get("repurposingCostPerKWh");
    }

    public double repurposingFixedCost() {
        return get("repurposingFixedCost");
    }

    public double logisticsCostPerKWh() {
        return get("logisticsCostPerKWh");
    }

    public double logisticsFixedCost() {
        return get("logisticsFixedCost");
    }

    /** Transport and handling of one unit of this kind. */
    public double logisticsFixedCost(UnitKind kind) {
        return switch (kind) {
            case PACK -> get("logisticsFixedCost");
            case MODULE -> get("logisticsFixedCostModule");
            case CELL -> get("logisticsFixedCostCell");
        };
    }

    /** The fixed cost to repurpose one unit of this kind. */
    public double repurposingFixedCost(UnitKind kind) {
        return switch (kind) {
            case PACK -> get("repurposingFixedCost");
            case MODULE -> get("repurposingFixedCostModule");
            case CELL -> get("repurposingFixedCostCell");
        };
    }

    /**
     * All parameters as a JSON tree ({@code currency} and every value by name, chemistry ones as
     * {@code "LFP.woehlerExponent"}), the form a certificate carries and {@link #fromJson} reads back.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new TreeMap<>(values);
        m.put("currency", currency);
        return m;
    }

    /** Reads {@link #toJson()} back (numbers may be any {@link Number}), with the same checks as properties. */
    public static ValuationParameters fromJson(Map<?, ?> json) {
        Map<String, String> p = new TreeMap<>();
        for (Map.Entry<?, ?> e : json.entrySet()) {
            Object v = e.getValue();
            p.put(PREFIX + e.getKey(), v instanceof java.math.BigDecimal d ? d.toPlainString() : String.valueOf(v));
        }
        return fromProperties(p);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValuationParameters p && p.values.equals(values) && p.currency.equals(currency);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + currency.hashCode();
    }
}
