package org.batteryledger.it;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The recycler's fleet for {@link ConsoleBrowserIT}: {@value #FLEET} batteries of one manufacturer named after the run
 * ({@value #NMC} NMC, the rest LFP; packs, modules and cells; made over six years; two sessions each), pushed to node0
 * (agency-a) at the start so that node2 (agency-c, the recycler) assesses them from node0's records while the other
 * tests run; and what the browser reads off the fleet page.
 */
final class FleetConsole {
    static final int FLEET = 240;
    static final int NMC = 200;
    private static final String KINDS = "PMC";

    final String run;
    final String manufacturer;

    FleetConsole(String run) {
        this.run = run;
        this.manufacturer = "FleetCo " + run;
    }

    String code(int i) {
        return "036" + KINDS.charAt(i % 3) + "FL" + (run + "000000").substring(0, 6) + String.format(Locale.ROOT, "%012d", i);
    }

    /** The batteries, then their sessions, in submissions of at most 1,000 records. */
    void push(NodeClient node0) throws Exception {
        List<String> masters = new ArrayList<>();
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < FLEET; i++) {
            String chemistry = i % 6 == 5 ? "LFP" : "NMC";
            Instant made = Instant.parse("2019-01-01T00:00:00Z").plus(Duration.ofDays(9L * i));
            masters.add("{\"recordId\":\"fl-" + run + "-" + i + "\",\"type\":\"battery\",\"batteryCode\":\"" + code(i) + "\",\"manufacturer\":\""
                    + manufacturer + "\",\"chemistry\":\"" + chemistry + "\",\"ratedCapacityAh\":" + (60 + i % 7 * 20) + ",\"nominalVoltageV\":"
                    + (i % 3 == 2 ? 3.6 : i % 3 == 1 ? 48 : 350) + ",\"ratedCycleLife\":" + (chemistry.equals("LFP") ? 4000 : 1500)
                    + ",\"ratedCycleDod\":0.8,\"ratedCycleTempC\":25,\"manufacturedAt\":\"" + made + "\"}");
            double capacityAh = 60 + i % 7 * 20;
            double volts = i % 3 == 2 ? 3.6 : i % 3 == 1 ? 48 : 350;
            Instant t = made.plus(Duration.ofDays(30));
            for (int k = 0; k < 2; k++) {
                double from = k == 0 ? 0.9 : 0.2 + i % 5 * 0.05;
                double to = k == 0 ? 0.2 + i % 5 * 0.05 : 0.9;
                sessions.add("{\"recordId\":\"fl-" + run + "-" + i + "-" + k + "\",\"type\":\"session\",\"batteryCode\":\"" + code(i)
                        + "\",\"operator\":\"ChargeCo\",\"startedAt\":\"" + t + "\",\"endedAt\":\"" + t.plus(Duration.ofHours(2)) + "\",\"socStart\":"
                        + from + ",\"socEnd\":" + to + ",\"energyKWh\":" + Math.round(Math.abs(to - from) * capacityAh * volts) / 1000.0 + ",\"avgTempC\":" + (20 + i % 9) + ",\"maxTempC\":" + (28 + i % 9) + "}");
                t = t.plus(Duration.ofDays(1));
            }
        }
        NodeClient.Reply r = node0.post("manufacturer", "/records", "[" + String.join(",", masters) + "]");
        assertEquals(202, r.status(), r.body());
        r = node0.post("charging", "/records", "[" + String.join(",", sessions) + "]");
        assertEquals(202, r.status(), r.body());
    }

    String filter() {
        return "manufacturer==\"" + manufacturer + "\"";
    }

    /** Until node2 assessed the whole fleet from verified evidence. */
    void awaitAssessed(NodeClient recyclerNode, Duration within) {
        String q = "/batteries/summary?filter=" + java.net.URLEncoder.encode(filter() + ";evidence==verified", java.nio.charset.StandardCharsets.UTF_8);
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> recyclerNode.get("recycler", q).object().getInt("count") == FLEET);
    }

    static long sum(ChromeDriver browser, String css) {
        return browser.findElements(By.cssSelector(css)).stream().mapToLong(e -> Long.parseLong(e.getAttribute("data-count"))).sum();
    }

    /** The sort column's values down the shown page (the cells' data-value). */
    static List<Double> column(ChromeDriver browser, String cellClass) {
        List<Double> out = new ArrayList<>();
        for (WebElement td : browser.findElements(By.cssSelector("#battery-results td." + cellClass))) {
            out.add(Double.parseDouble(td.getAttribute("data-value")));
        }
        return out;
    }

    static void assertOrdered(List<Double> values, boolean descending) {
        assertTrue(values.size() > 1, "a page of values: " + values);
        for (int i = 1; i < values.size(); i++) {
            int c = Double.compare(values.get(i - 1), values.get(i));
            assertTrue(descending ? c >= 0 : c <= 0, (descending ? "descending" : "ascending") + " at " + i + ": " + values);
        }
    }

    /**
     * Every battery of the lot valued once: the fleet's batteries had no certificate before the lot, so node2 holds
     * exactly one of each now, the one the report names.
     */
    static void assertValuedOnce(NodeClient node2, List<String[]> report) throws Exception {
        for (String[] row : report) {
            List<JsonObject> issued = node2.get("recycler", "/valuations?batteryCode=" + row[1]).json().asJsonArray().stream()
                    .map(JsonValue::asJsonObject).toList();
            assertEquals(1, issued.size(), row[1] + " has " + issued.size() + " certificates");
            assertEquals(row[3], issued.get(0).getString("certificateId"));
        }
    }
}
