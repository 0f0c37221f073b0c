package org.batteryledger.node.lot;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.fleet.FleetIndex;
import org.batteryledger.node.fleet.FleetQuery;
import org.batteryledger.node.records.InvalidInput;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lot valuations for the API: a lot is made of batteries picked one by one or of every battery a fleet filter matches
 * now (taken in code order when the lot is made, so the lot does not change under the job), and is valued by the
 * {@link LotRunner}, a certificate per battery.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class LotService {
    /** Batteries in one lot at most: recyclers price lots of hundreds; a job of this size takes hours at most. */
    public static final int MAX_BATTERIES = 10_000;

    @EJB
    private LotStore store;
    @EJB
    private FleetIndex fleet;
    @EJB
    private WriteGate gate;
    @EJB
    private LotRunner runner;

    /** A lot as the API shows it: the job, its counts by item state and its value per currency {amount, low, high}. */
    public record Lot(LotEntity lot, Map<LotItemEntity.State, Long> counts, Map<String, double[]> totals) {
    }

    /**
     * @param codes  battery codes (duplicates dropped), or null to take the filter's batteries
     * @param filter an RSQL fleet filter (with {@code codes} null); blank for the whole fleet
     * @throws InvalidInput for a malformed code or filter, no battery, or more than {@link #MAX_BATTERIES}
     */
    public Lot create(List<String> codes, String filter, boolean partial, String user, long now) {
        gate.admit();
        List<String> batteries;
        String selection;
        if (codes != null) {
            Set<String> unique = new LinkedHashSet<>();
            for (String c : codes) {
                if (c == null || !RecordSchema.BATTERY_CODE.matcher(c).matches()) {
                    throw new InvalidInput("batteryCodes: '" + c + "' is not a battery code (1-64 characters of [A-Z0-9-])");
                }
                unique.add(c);
            }
            batteries = new ArrayList<>(unique);
            selection = "";
        } else {
            selection = filter == null ? "" : filter.trim();
            batteries = fleet.codes(FleetQuery.filter(selection, now / 1000), MAX_BATTERIES + 1); // one more: too many is refused below
        }
        if (batteries.isEmpty()) {
            throw new InvalidInput(codes != null ? "batteryCodes is empty: a lot needs at least one battery" : "no battery matches the filter");
        }
        if (batteries.size() > MAX_BATTERIES) {
            throw new InvalidInput("a lot holds at most " + MAX_BATTERIES + " batteries" + (codes != null ? ", not " + batteries.size() : "; the filter matches more")
                    + "; split it");
        }
        LotEntity lot = store.create(batteries, selection, partial, user, now);
        runner.lotMade();
        return lot(lot.lotId()).orElseThrow();
    }

    public Optional<Lot> lot(String lotId) {
        return store.find(lotId).map(l -> new Lot(l, store.counts(lotId), store.totals(lotId)));
    }

    public List<Lot> recent(int max) {
        return store.recent(max).stream().map(l -> new Lot(l, store.counts(l.lotId()), store.totals(l.lotId()))).toList();
    }

    /** Items in order after a position (for reports), optionally of one state. */
    public List<LotItemEntity> items(String lotId, int afterPosition, int max, LotItemEntity.State only) {
        return store.items(lotId, afterPosition, max, only);
    }

    /** @return false when the lot is not running (done or cancelled already) */
    public boolean cancel(String lotId, long now) {
        gate.admit();
        return store.cancel(lotId, now);
    }
}
