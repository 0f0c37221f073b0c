package org.batteryledger.launcher;

import org.batteryledger.launcher.client.NodeClient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The crash drill's enterprise: pushes records over REST to a seeded random node each round, as a manufacturer's
 * and a charging company's systems would, and remembers each record's fate as the client saw it. A manufacturer
 * member's node gets two batteries and four sessions of each; another node gets sessions of batteries pushed in
 * earlier rounds (refused while their batteries are not on chain yet, which is the node's right). A push cut off
 * by a kill is <em>in doubt</em>: the node may or may not have stored it, and the drill counts what it did.
 */
final class RecordPusher {
    /** A record as pushed: to which node, its JSON, and what the node said. */
    record Pushed(String node, String json, Fate fate) {
    }

    enum Fate { ACKNOWLEDGED, REFUSED, IN_DOUBT }

    static final int BATTERIES_PER_ROUND = 2;
    static final int SESSIONS_PER_BATTERY = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant MADE = Instant.parse("2025-01-01T00:00:00Z");

    private final List<NodeProcess> nodes;
    private final Set<String> manufacturerNodes;
    private final Map<String, String> passwords;
    private final Random random;
    private final String run;
    /** Every record pushed, by id; written by the pushing thread, read after it stopped. */
    private final Map<String, Pushed> pushed = new ConcurrentHashMap<>();
    /** Battery codes whose master record some node acknowledged, oldest first: sessions for the other nodes. */
    private final List<String> acknowledgedBatteries = new ArrayList<>();
    private final Map<String, Integer> sessionsOf = new HashMap<>();
    private int nextBattery;

    /**
     * @param manufacturerNodes the nodes whose agency may register batteries (a manufacturer member)
     * @param run               a tag unique to this drill, so that its record ids and battery codes are new
     */
    RecordPusher(List<NodeProcess> nodes, Set<String> manufacturerNodes, Map<String, String> passwords, long seed, String run) {
        this.nodes = nodes;
        this.manufacturerNodes = manufacturerNodes;
        this.passwords = passwords;
        this.random = new Random(seed);
        this.run = run.toUpperCase(Locale.ROOT);
    }

    /** One round; never throws (a scheduled task that throws is not run again). */
    void round() {
        try {
            NodeProcess node = nodes.get(random.nextInt(nodes.size()));
            List<String> codes = new ArrayList<>();
            if (manufacturerNodes.contains(node.name())) {
                List<Map<String, Object>> masters = new ArrayList<>();
                for (int i = 0; i < BATTERIES_PER_ROUND; i++) {
                    masters.add(master(String.format(Locale.ROOT, "KL%s%06d", run, nextBattery++)));
                }
                for (String id : push(node, "manufacturer", masters)) {
                    codes.add(id.substring("kl-".length())); // sessions only for batteries the node holds
                }
                acknowledgedBatteries.addAll(codes);
            } else if (!acknowledgedBatteries.isEmpty()) {
                // the oldest batteries are the likeliest to be on chain by now
                for (int i = 0; i < BATTERIES_PER_ROUND; i++) {
                    codes.add(acknowledgedBatteries.get(random.nextInt(Math.min(acknowledgedBatteries.size(), 20))));
                }
            }
            List<Map<String, Object>> sessions = new ArrayList<>();
            for (String code : codes) {
                for (int i = 0; i < SESSIONS_PER_BATTERY; i++) {
                    sessions.add(session(code, sessionsOf.merge(code, 1, Integer::sum)));
                }
            }
            if (!sessions.isEmpty()) {
                push(node, "charging", sessions);
            }
        } catch (RuntimeException e) {
            // counted as in doubt where it happened; the next round goes on
        }
    }

    /** Posts one submission; returns the ids the node acknowledged. */
    private List<String> push(NodeProcess node, String role, List<Map<String, Object>> records) {
        List<String> acknowledged = new ArrayList<>();
        Map<String, String> json = new LinkedHashMap<>();
        try {
            for (Map<String, Object> r : records) {
                json.put((String) r.get("recordId"), JSON.writeValueAsString(r));
            }
            json.forEach((id, j) -> pushed.put(id, new Pushed(node.name(), j, Fate.IN_DOUBT)));
            NodeClient.Reply resp = NodeClient.of(node.httpPort(), role, passwords.get(role))
                    .post(role, "/records", "[" + String.join(",", json.values()) + "]");
            if (resp.status() == 202) {
                JsonNode body = resp.json();
                for (JsonNode a : body.path("accepted")) {
                    String id = a.path("recordId").asText();
                    pushed.put(id, new Pushed(node.name(), json.get(id), Fate.ACKNOWLEDGED));
                    acknowledged.add(id);
                }
                for (JsonNode r : body.path("rejected")) {
                    String id = r.path("recordId").asText();
                    pushed.put(id, new Pushed(node.name(), json.get(id), Fate.REFUSED));
                }
            } else if (resp.status() >= 400 && resp.status() < 600 && resp.status() != 500) {
                // 4xx or 503 (shedding, starting): refused whole, nothing stored
                json.forEach((id, j) -> pushed.put(id, new Pushed(node.name(), j, Fate.REFUSED)));
            }
        } catch (java.net.ConnectException e) {
            // nothing reached the node (down, or not listening yet): refused whole
            json.forEach((id, j) -> pushed.put(id, new Pushed(node.name(), j, Fate.REFUSED)));
        } catch (java.io.IOException e) {
            // cut off after it was sent (the node died mid-request): in doubt
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return acknowledged;
    }


    private Map<String, Object> master(String code) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recordId", "kl-" + code);
        m.put("type", "battery");
        m.put("batteryCode", code);
        m.put("manufacturer", "Kill Loop Motors");
        m.put("chemistry", random.nextBoolean() ? "NMC" : "LFP");
        m.put("ratedCapacityAh", 50 + random.nextInt(200));
        m.put("nominalVoltageV", 350);
        m.put("ratedCycleLife", 1000 + random.nextInt(3000));
        m.put("ratedCycleDod", 0.8);
        m.put("ratedCycleTempC", 25);
        m.put("manufacturedAt", MADE.toString());
        return m;
    }

    private Map<String, Object> session(String code, int n) {
        Instant start = MADE.plus(Duration.ofDays(30 + n));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("recordId", "kl-" + code + "-s" + n);
        s.put("type", "session");
        s.put("batteryCode", code);
        s.put("operator", "Kill Loop Charging");
        s.put("startedAt", start.toString());
        s.put("endedAt", start.plus(Duration.ofHours(1)).toString());
        s.put("socStart", 0.2);
        s.put("socEnd", 0.2 + random.nextInt(70) / 100.0);
        s.put("energyKWh", 5 + random.nextInt(40));
        s.put("avgTempC", 15 + random.nextInt(20));
        s.put("maxTempC", 40);
        return s;
    }

    /** Every record pushed and its fate; call once the pushing stopped. */
    Map<String, Pushed> pushed() {
        return Map.copyOf(pushed);
    }
}
