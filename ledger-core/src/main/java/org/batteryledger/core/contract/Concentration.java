package org.batteryledger.core.contract;

import org.batteryledger.core.pbft.Quorum;
import org.batteryledger.core.state.StateView;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Whether one agency holds so many validators that the consortium's fault tolerance is gone. PBFT with n validators
 * tolerates f = floor((n-1)/3) faulty ones (Castro &amp; Liskov, OSDI 1999, §3); members of one agency fail together
 * (one operator, one data centre, one decision), so an agency holding more than f validators can on its own
 * <ul>
 *   <li>halt the chain ({@code blocksQuorum}): it holds more than n - quorum, so the others cannot form a quorum, or</li>
 *   <li>have two conflicting blocks committed ({@code forksAlone}): it holds at least 2·quorum - n, the smallest
 *       overlap of two quorums, so two quorums may meet in its validators alone;</li>
 * </ul>
 * at least one of the two, for every n. The reference layout (agencies of 4, 2 and 1; n = 7, f = 2) is one.
 * <p>
 * The fix for an agency holding h of n: make k of its validators observers, the least k with h - k &lt;= f(n - k);
 * or add m validators from other agencies, the least m with h &lt;= f(n + m), that is m = 3h + 1 - n. With fewer than
 * four agencies holding validators some agency always holds more than f (each at most f would make n &lt;= 3f).
 * Pure: no clock, no I/O; the same validators give the same answer, in the same order.
 */
public final class Concentration {
    /** Agencies fewer than this always leave one of them above f. */
    public static final int MIN_AGENCIES = 4;

    private Concentration() {
    }

    /**
     * One agency's share of the validators.
     *
     * @param demote        the fewest of its validators to make observers so that it holds no more than f; empty when
     *                      demoting cannot help (it holds every validator); 0 when nothing is needed
     * @param addFromOthers the fewest validators other agencies must add so that it holds no more than f
     * @param warning       what is wrong and how to fix it, in words and numbers; null when nothing is
     */
    public record Share(String agency, int validators, boolean exceedsF, boolean blocksQuorum, boolean forksAlone,
                        OptionalInt demote, int addFromOthers, String warning) {
    }

    /**
     * @param agencies every agency holding a validator, most validators first (then by name)
     * @param warnings one per agency above f, then one for the whole layout when fewer than {@link #MIN_AGENCIES}
     *                 agencies hold validators; empty when the layout is sound
     */
    public record Assessment(int validators, int f, int quorum, List<Share> agencies, List<String> warnings) {
        public boolean concentrated() {
            return !warnings.isEmpty();
        }

        /** The warning about one agency, if it holds more than f. */
        public List<String> warningsFor(String agency) {
            return agencies.stream().filter(s -> s.agency().equals(agency) && s.warning() != null).map(Share::warning).toList();
        }
    }

    /** The validator set in the state after the last block: {@link Registry#validators}. */
    public static Assessment of(StateView state) {
        return of(Registry.validators(state));
    }

    public static Assessment of(List<NodeRecord> validators) {
        return ofAgencies(validators.stream().map(NodeRecord::agency).toList());
    }

    /** @param agencyOfEachValidator the agency of every validator, one entry a validator */
    public static Assessment ofAgencies(List<String> agencyOfEachValidator) {
        int n = agencyOfEachValidator.size();
        if (n == 0) {
            return new Assessment(0, 0, 0, List.of(), List.of());
        }
        Map<String, Integer> holdings = new TreeMap<>();
        agencyOfEachValidator.forEach(a -> holdings.merge(a, 1, Integer::sum));
        List<Map.Entry<String, Integer>> ranked = new ArrayList<>(holdings.entrySet());
        ranked.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));

        int f = Quorum.f(n);
        int quorum = Quorum.size(n);
        List<Share> shares = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, Integer> e : ranked) {
            Share s = share(e.getKey(), e.getValue(), n, ranked);
            shares.add(s);
            if (s.warning() != null) {
                warnings.add(s.warning());
            }
        }
        if (holdings.size() < MIN_AGENCIES) {
            int k = holdings.size();
            int more = MIN_AGENCIES - k;
            warnings.add("Only " + k + " " + plural(k, "agency holds", "agencies hold") + " validators: with fewer than " + MIN_AGENCIES
                    + ", one agency holds more than f however they are split. Validators from " + more + " more "
                    + plural(more, "agency are", "agencies are") + " needed.");
        }
        return new Assessment(n, f, quorum, List.copyOf(shares), List.copyOf(warnings));
    }

    /** The fewest of h validators (of n) to demote so that h - k <= f(n - k); empty when h = n (no one left to vote). */
    public static OptionalInt demotionsNeeded(int h, int n) {
        if (h <= Quorum.f(n)) {
            return OptionalInt.of(0);
        }
        int others = n - h;
        if (others == 0) {
            return OptionalInt.empty();
        }
        // h' <= floor((h' + others - 1) / 3)  <=>  h' <= floor((others - 1) / 2)
        return OptionalInt.of(h - (others - 1) / 2);
    }

    /** The fewest validators other agencies must add so that h <= f(n + m): n + m >= 3h + 1. */
    public static int additionsNeeded(int h, int n) {
        return Math.max(0, 3 * h + 1 - n);
    }

    private static Share share(String agency, int h, int n, List<Map.Entry<String, Integer>> ranked) {
        int f = Quorum.f(n);
        int quorum = Quorum.size(n);
        boolean exceeds = h > f;
        boolean blocks = h > n - quorum;
        boolean forks = h >= 2 * quorum - n;
        OptionalInt demote = demotionsNeeded(h, n);
        int add = additionsNeeded(h, n);
        if (!exceeds) {
            return new Share(agency, h, false, blocks, forks, demote, add, null);
        }
        StringBuilder w = new StringBuilder();
        w.append(agency).append(" holds ").append(h).append(" of ").append(n).append(' ').append(plural(n, "validator", "validators"))
                .append(", f = ").append(f).append(": ");
        if (blocks) {
            w.append("it can halt the chain alone (a quorum is ").append(quorum).append(", the other agencies hold ").append(n - h).append(')');
        } else {
            w.append("it can have two conflicting blocks committed alone (two quorums of ").append(quorum).append(" may overlap in its ")
                    .append(h).append(' ').append(plural(h, "validator", "validators")).append(" only)");
        }
        w.append(". Fix: ");
        if (demote.isPresent()) {
            int k = demote.getAsInt();
            w.append(k < h ? "make " + k + " of its validators " + plural(k, "an observer", "observers")
                    : h == 1 ? "make its only validator an observer" : "make all of its " + h + " validators observers").append(" (demote)");
            String after = otherAboveF(agency, n - k, ranked);
            if (after != null) {
                w.append(", though then ").append(after);
            }
            w.append("; or ");
        }
        int total = n + add;
        w.append("add ").append(add).append(' ').append(plural(add, "validator", "validators")).append(" from other agencies (")
                .append(total).append(" validators, f = ").append(Quorum.f(total)).append(", no agency holding more than ").append(h).append(')');
        return new Share(agency, h, true, blocks, forks, demote, add, w.toString());
    }

    /** After a demotion leaves n validators: the first other agency then above f, in words; null when none. */
    private static String otherAboveF(String demoted, int n, List<Map.Entry<String, Integer>> ranked) {
        int f = Quorum.f(n);
        return ranked.stream().filter(e -> !e.getKey().equals(demoted) && e.getValue() > f).findFirst()
                .map(e -> String.format(Locale.ROOT, "%s would hold %d of %d, more than f = %d", e.getKey(), e.getValue(), n, f))
                .orElse(null);
    }

    private static String plural(int count, String one, String many) {
        return count == 1 ? one : many;
    }
}
