package org.batteryledger.node.fleet;

import cz.jirutka.rsql.parser.RSQLParser;
import cz.jirutka.rsql.parser.RSQLParserException;
import cz.jirutka.rsql.parser.ast.ComparisonNode;
import cz.jirutka.rsql.parser.ast.ComparisonOperator;
import cz.jirutka.rsql.parser.ast.LogicalNode;
import cz.jirutka.rsql.parser.ast.Node;
import cz.jirutka.rsql.parser.ast.OrNode;
import cz.jirutka.rsql.parser.ast.RSQLOperators;
import org.batteryledger.core.record.Chemistry;
import org.batteryledger.core.valuation.Status;
import org.batteryledger.core.valuation.UnitKind;
import org.batteryledger.node.records.InvalidInput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A page request of the fleet table, checked before anything reads it: {@code sort} (a column, {@code -} before it for
 * descending), {@code filter} in RSQL ({@code chemistry==NMC;stateOfHealth=ge=0.8;manufacturer==CAT*}, {@code ;} and
 * {@code ,} for and/or, parentheses) over the same columns, an opaque {@code cursor} and a {@code limit}. Turned into
 * JPQL with the column names taken from {@link Field} only and every value a parameter. Pages are keyset pages (the
 * last row's sort value and battery code), so page 2,000 costs what page 1 costs; rows without a value in the sort
 * column (not assessed yet) come after all the others, in code order.
 */
public final class FleetQuery {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1_000;
    static final int MAX_FILTER_CHARS = 2_048;
    static final int MAX_COMPARISONS = 32;
    static final int MAX_ARGUMENTS = 100;
    static final int MAX_NESTING = 8;
    static final double SECONDS_PER_YEAR = 365.25 * 86_400;

    enum Kind { TEXT, CHOICE, INTEGER, NUMBER, AGE }

    /** The columns a client may sort and filter on: wire name, entity attribute, kind. */
    public enum Field {
        BATTERY_CODE("batteryCode", "batteryCode", Kind.TEXT),
        UNIT_KIND("unitKind", "unitKind", Kind.CHOICE),
        CHEMISTRY("chemistry", "chemistry", Kind.CHOICE),
        MANUFACTURER("manufacturer", "manufacturer", Kind.TEXT),
        REGISTERED_BY("registeredBy", "registeredBy", Kind.TEXT),
        /** Years since manufacture; sorted and filtered through the manufacture time, the other way round. */
        AGE("age", "manufacturedAt", Kind.AGE),
        SESSIONS("sessions", "sessions", Kind.INTEGER),
        EQUIVALENT_FULL_CYCLES("equivalentFullCycles", "equivalentFullCycles", Kind.NUMBER),
        STATE_OF_HEALTH("stateOfHealth", "stateOfHealth", Kind.NUMBER),
        STATUS("status", "status", Kind.CHOICE),
        RESIDUAL_VALUE("residualValue", "residualValue", Kind.NUMBER),
        EVIDENCE("evidence", "evidence", Kind.CHOICE);

        final String wire;
        final String attribute;
        final Kind kind;

        Field(String wire, String attribute, Kind kind) {
            this.wire = wire;
            this.attribute = attribute;
            this.kind = kind;
        }

        public String wire() {
            return wire;
        }

        static Field ofWire(String name, String what) {
            for (Field f : values()) {
                if (f.wire.equals(name)) {
                    return f;
                }
            }
            throw new InvalidInput(what + " '" + name + "' is not a column; the columns are " + names());
        }

        static String names() {
            return String.join(", ", Arrays.stream(values()).map(f -> f.wire).toList());
        }

        /** The values a choice column holds, as they are stored. */
        List<String> choices() {
            return switch (this) {
                case UNIT_KIND -> Arrays.stream(UnitKind.values()).map(UnitKind::wire).toList();
                case CHEMISTRY -> Arrays.stream(Chemistry.values()).map(Chemistry::name).toList();
                case STATUS -> Arrays.stream(Status.values()).map(Status::wire).toList();
                case EVIDENCE -> Arrays.stream(Evidence.values()).map(Evidence::wire).toList();
                default -> List.of();
            };
        }
    }

    /** The order: a column and its direction; ties are broken by the battery code in the same direction. */
    public record Sort(Field field, boolean descending) {
        public static Sort parse(String s) {
            if (s == null || s.isBlank()) {
                return new Sort(Field.BATTERY_CODE, false);
            }
            String t = s.trim();
            boolean desc = t.startsWith("-");
            return new Sort(Field.ofWire(desc || t.startsWith("+") ? t.substring(1) : t, "sort column"), desc);
        }

        /** The direction the stored column is walked in: age ascending is manufacture time descending. */
        boolean columnDescending() {
            return field.kind == Kind.AGE ? !descending : descending;
        }

        public String wire() {
            return (descending ? "-" : "") + field.wire;
        }
    }

    /** A JPQL condition over {@code f} (a {@link FleetEntity}) with its parameters; {@code "true"}-like when empty. */
    public record Where(String jpql, Map<String, Object> parameters) {
        static final Where ALL = new Where("", Map.of());

        String and(String other) {
            return jpql.isEmpty() ? other : "(" + jpql + ") and " + other;
        }
    }

    private FleetQuery() {
    }

    public static int limit(Integer limit) {
        int l = limit == null ? DEFAULT_LIMIT : limit;
        if (l < 1 || l > MAX_LIMIT) {
            throw new InvalidInput("limit must be 1 to " + MAX_LIMIT + ", not " + l);
        }
        return l;
    }

    /** The RSQL filter as a JPQL condition; {@code nowEpochSecond} turns ages into manufacture times. */
    public static Where filter(String rsql, long nowEpochSecond) {
        if (rsql == null || rsql.isBlank()) {
            return Where.ALL;
        }
        if (rsql.length() > MAX_FILTER_CHARS) {
            throw new InvalidInput("filter is " + rsql.length() + " characters; at most " + MAX_FILTER_CHARS);
        }
        if (nesting(rsql) > MAX_NESTING) {
            throw new InvalidInput("filter nests parentheses deeper than " + MAX_NESTING);
        }
        Node root;
        try {
            root = new RSQLParser(RSQLOperators.defaultOperators()).parse(rsql);
        } catch (RSQLParserException e) {
            throw new InvalidInput("filter is not RSQL (column==value, column=ge=value, column=in=(a,b), ';' and, ',' or): "
                    + firstLine(e.getCause() == null ? e.getMessage() : e.getCause().getMessage()));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        int[] comparisons = {0};
        String jpql = condition(root, params, comparisons, nowEpochSecond);
        return new Where(jpql, params);
    }

    private static String condition(Node n, Map<String, Object> params, int[] comparisons, long now) {
        if (n instanceof LogicalNode l) {
            String joiner = l instanceof OrNode ? " or " : " and ";
            List<String> parts = new ArrayList<>();
            for (Node c : l.getChildren()) {
                parts.add(condition(c, params, comparisons, now));
            }
            return "(" + String.join(joiner, parts) + ")";
        }
        ComparisonNode c = (ComparisonNode) n;
        if (++comparisons[0] > MAX_COMPARISONS) {
            throw new InvalidInput("filter has more than " + MAX_COMPARISONS + " comparisons");
        }
        if (c.getArguments().size() > MAX_ARGUMENTS) {
            throw new InvalidInput("filter gives " + c.getSelector() + " more than " + MAX_ARGUMENTS + " values");
        }
        return comparison(Field.ofWire(c.getSelector(), "filter column"), c.getOperator(), c.getArguments(), params, now);
    }

    private static String comparison(Field f, ComparisonOperator op, List<String> args, Map<String, Object> params, long now) {
        String column = "f." + f.attribute;
        boolean ordering = op.equals(RSQLOperators.GREATER_THAN) || op.equals(RSQLOperators.GREATER_THAN_OR_EQUAL)
                || op.equals(RSQLOperators.LESS_THAN) || op.equals(RSQLOperators.LESS_THAN_OR_EQUAL);
        boolean numeric = f.kind == Kind.INTEGER || f.kind == Kind.NUMBER || f.kind == Kind.AGE;
        if (ordering && !numeric) {
            throw new InvalidInput("filter: " + f.wire + " takes ==, !=, =in= or =out=, not " + op.getSymbol());
        }
        List<Object> values = new ArrayList<>();
        for (String a : args) {
            values.add(value(f, a, now));
        }
        if (op.equals(RSQLOperators.IN) || op.equals(RSQLOperators.NOT_IN)) {
            String p = param(params, values);
            return column + (op.equals(RSQLOperators.IN) ? " in :" : " not in :") + p;
        }
        Object v = values.get(0);
        if (f.kind == Kind.TEXT && v instanceof String s && s.contains("*")) {
            String p = param(params, like(s));
            return (op.equals(RSQLOperators.NOT_EQUAL) ? "not (" + column + " like :" + p + " escape '!')" : column + " like :" + p + " escape '!'");
        }
        String p = param(params, v);
        if (op.equals(RSQLOperators.EQUAL)) {
            return column + " = :" + p;
        }
        if (op.equals(RSQLOperators.NOT_EQUAL)) {
            return column + " <> :" + p;
        }
        // An age bound is a manufacture-time bound the other way round: older than 3 years = made before now - 3 years.
        boolean flip = f.kind == Kind.AGE;
        String sql;
        if (op.equals(RSQLOperators.GREATER_THAN)) {
            sql = flip ? " < :" : " > :";
        } else if (op.equals(RSQLOperators.GREATER_THAN_OR_EQUAL)) {
            sql = flip ? " <= :" : " >= :";
        } else if (op.equals(RSQLOperators.LESS_THAN)) {
            sql = flip ? " > :" : " < :";
        } else {
            sql = flip ? " >= :" : " <= :";
        }
        return column + sql + p;
    }

    private static String param(Map<String, Object> params, Object value) {
        String name = "p" + params.size();
        params.put(name, value);
        return name;
    }

    /** A value as the column stores it; refused with the column's rule when it cannot be one. */
    private static Object value(Field f, String a, long now) {
        switch (f.kind) {
            case INTEGER:
                try {
                    return Integer.parseInt(a);
                } catch (NumberFormatException e) {
                    throw new InvalidInput("filter: " + f.wire + " is a whole number, not '" + a + "'");
                }
            case NUMBER:
            case AGE:
                double d;
                try {
                    d = Double.parseDouble(a);
                } catch (NumberFormatException e) {
                    throw new InvalidInput("filter: " + f.wire + " is a number, not '" + a + "'");
                }
                if (!Double.isFinite(d) || Math.abs(d) > 1e12) {
                    throw new InvalidInput("filter: " + f.wire + " is a number of at most 1e12, not '" + a + "'");
                }
                if (f.kind == Kind.AGE) {
                    return (Long) (now - Math.round(d * SECONDS_PER_YEAR)); // a manufacture time, stored as a long
                }
                return (Double) d;
            case CHOICE:
                String norm = f == Field.CHEMISTRY ? a.toUpperCase(Locale.ROOT) : a.toLowerCase(Locale.ROOT);
                if (!f.choices().contains(norm)) {
                    throw new InvalidInput("filter: " + f.wire + " is one of " + String.join(", ", f.choices()) + ", not '" + a + "'");
                }
                return norm;
            default:
                if (a.length() > 128) {
                    throw new InvalidInput("filter: a " + f.wire + " value is at most 128 characters");
                }
                return f == Field.BATTERY_CODE ? a.toUpperCase(Locale.ROOT) : a;
        }
    }

    /** {@code *} is the RSQL wildcard; SQL's own wildcards in the value are matched literally. */
    static String like(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_").replace('*', '%');
    }

    static int nesting(String s) {
        int depth = 0;
        int max = 0;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (quote != 0) {
                if (ch == '\\') {
                    i++;
                } else if (ch == quote) {
                    quote = 0;
                }
            } else if (ch == '"' || ch == '\'') {
                quote = ch;
            } else if (ch == '(') {
                max = Math.max(max, ++depth);
            } else if (ch == ')') {
                depth--;
            }
        }
        return max;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    /**
     * Where the next page starts: the sort and filter it belongs to (a cursor is refused with another), whether the
     * rows with a value are done ({@code nulls}), and the last row's value and code.
     */
    public record Cursor(String sort, int filterHash, boolean nulls, String value, String code) {
        public String encode() {
            String text = String.join("\n", "1", sort, Integer.toString(filterHash), nulls ? "n" : "v", value == null ? "" : value, code);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
        }

        public static Cursor decode(String s, Sort sort, String filter) {
            if (s == null || s.isEmpty()) {
                return null;
            }
            String[] p;
            try {
                if (s.length() > 1_024) {
                    throw new IllegalArgumentException("too long");
                }
                p = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8).split("\n", -1);
            } catch (IllegalArgumentException e) {
                throw new InvalidInput("cursor is not one this node gave out; start without one");
            }
            if (p.length != 6 || !p[0].equals("1") || !(p[3].equals("n") || p[3].equals("v"))) {
                throw new InvalidInput("cursor is not one this node gave out; start without one");
            }
            if (!p[1].equals(sort.wire()) || !p[2].equals(Integer.toString(FleetQuery.filterHash(filter)))) {
                throw new InvalidInput("cursor belongs to another sort or filter; start without one");
            }
            Cursor c = new Cursor(p[1], Integer.parseInt(p[2]), p[3].equals("n"), p[4].isEmpty() ? null : p[4], p[5]);
            if (!c.nulls() && c.value() == null) {
                throw new InvalidInput("cursor is not one this node gave out; start without one");
            }
            if (!c.nulls()) {
                c.sortValue(sort.field()); // parses, or refuses
            }
            return c;
        }

        /** The last row's sort value, typed as the column. */
        Object sortValue(Field f) {
            try {
                return switch (f.kind) {
                    case INTEGER -> Integer.parseInt(value);
                    case NUMBER -> Double.parseDouble(value);
                    case AGE -> Long.parseLong(value);
                    default -> value;
                };
            } catch (NumberFormatException e) {
                throw new InvalidInput("cursor is not one this node gave out; start without one");
            }
        }
    }

    public static int filterHash(String filter) {
        return filter == null ? 0 : filter.trim().hashCode();
    }

    /** A row's value of the sort column, as a cursor keeps it (null when the row has none). */
    static String sortValueOf(FleetEntity e, Field f) {
        Object v = switch (f) {
            case BATTERY_CODE -> e.batteryCode();
            case UNIT_KIND -> e.unitKind();
            case CHEMISTRY -> e.chemistry();
            case MANUFACTURER -> e.manufacturer();
            case REGISTERED_BY -> e.registeredBy();
            case AGE -> e.manufacturedAt();
            case SESSIONS -> e.sessions();
            case EQUIVALENT_FULL_CYCLES -> e.equivalentFullCycles();
            case STATE_OF_HEALTH -> e.stateOfHealth();
            case STATUS -> e.status();
            case RESIDUAL_VALUE -> e.residualValue();
            case EVIDENCE -> e.evidence();
        };
        return v == null ? null : v.toString();
    }
}
