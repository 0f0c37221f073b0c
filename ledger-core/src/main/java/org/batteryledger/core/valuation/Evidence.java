package org.batteryledger.core.valuation;

import org.batteryledger.core.record.BatteryRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a valuation is computed from: the battery's master data and its charge/discharge sessions, in the order they
 * started (ties by record id, so any order of the same records gives the same valuation).
 */
public record Evidence(BatteryRecord.Master battery, List<BatteryRecord.Session> sessions) {
    public Evidence {
        if (battery == null) {
            throw new IllegalArgumentException("a valuation needs the battery's master record");
        }
        List<BatteryRecord.Session> sorted = new ArrayList<>(sessions);
        for (BatteryRecord.Session s : sorted) {
            if (!s.batteryCode().equals(battery.batteryCode())) {
                throw new IllegalArgumentException("session " + s.recordId() + " is of battery " + s.batteryCode()
                        + ", not " + battery.batteryCode());
            }
            if (s.endedAt().isBefore(s.startedAt())) {
                throw new IllegalArgumentException("session " + s.recordId() + " ends before it starts");
            }
        }
        sorted.sort(Comparator.comparing(BatteryRecord.Session::startedAt).thenComparing(BatteryRecord.Session::recordId));
        sessions = List.copyOf(sorted);
    }

    /** The evidence up to and including the first {@code n} sessions. */
    public Evidence firstSessions(int n) {
        return new Evidence(battery, sessions.subList(0, n));
    }
}
