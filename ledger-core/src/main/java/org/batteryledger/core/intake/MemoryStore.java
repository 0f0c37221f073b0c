package org.batteryledger.core.intake;

import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.ParsedRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Intake's store in memory (as etcd's raft keeps a MemoryStorage beside its real one): for route and scenario tests
 * that need a store with the real decisions but not a database. Not thread-safe; the node serializes intake anyway.
 */
public final class MemoryStore implements Intake.Store {
    /** A stored record. */
    public record Stored(ParsedRecord record, String hash, String source) {
    }

    /** A rejected record with its reason. */
    public record DeadLetter(String recordId, String reason, String source, Object json) {
    }

    private final Map<String, Stored> records = new LinkedHashMap<>();
    private final Map<String, Long> batteries = new HashMap<>();
    private final Map<String, Long> registered = new HashMap<>();
    private final Map<String, String> registrationRefusals = new HashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<String, Intake.Cursor> cursors = new HashMap<>();

    @Override
    public Map<String, String> storedHashes(Collection<String> recordIds) {
        Map<String, String> out = new HashMap<>();
        for (String id : recordIds) {
            Stored s = records.get(id);
            if (s != null) {
                out.put(id, s.hash());
            }
        }
        return out;
    }

    @Override
    public Map<String, Long> knownBatteries(Collection<String> batteryCodes) {
        Map<String, Long> out = new HashMap<>();
        for (String code : batteryCodes) {
            Long at = batteries.containsKey(code) ? batteries.get(code) : registered.get(code);
            if (at != null) {
                out.put(code, at);
            }
        }
        return out;
    }

    @Override
    public String registrationRefusal(String batteryCode) {
        return registrationRefusals.get(batteryCode);
    }

    /** As if another member had registered this battery on chain. */
    public void registeredOnChain(String batteryCode, long manufacturedAtEpochSecond) {
        registered.put(batteryCode, manufacturedAtEpochSecond);
    }

    /** As if the chain refused this node's agency the code (another agency registered it). */
    public void refuseRegistration(String batteryCode, String reason) {
        registrationRefusals.put(batteryCode, reason);
    }

    @Override
    public void store(ParsedRecord record, String hash, String source) {
        records.put(record.record().recordId(), new Stored(record, hash, source));
        if (record.record() instanceof BatteryRecord.Master m) {
            batteries.put(m.batteryCode(), m.manufacturedAt().getEpochSecond());
        }
    }

    @Override
    public void deadLetter(String recordId, String reason, String source, Object json) {
        deadLetters.add(new DeadLetter(recordId, reason, source, json));
    }

    @Override
    public Intake.Cursor cursor(String partner) {
        return cursors.getOrDefault(partner, Intake.Cursor.START);
    }

    @Override
    public void moveCursor(String partner, Intake.Cursor to, long newlyTaken) {
        cursors.put(partner, to);
    }

    /** Stored records in the order they were taken. */
    public List<Stored> records() {
        return List.copyOf(records.values());
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
