package org.batteryledger.it;

import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    /** The browser and the console test's own steps. */
    record Ui(ChromeDriver browser, java.util.function.Supplier<FluentWait<WebDriver>> waits, LogIn logIn, java.util.function.IntFunction<String> urls,
              Path out, Path dir) {
        FluentWait<WebDriver> waiting() {
            return waits.get();
        }

        void logIn(int node, String user) throws Exception {
            logIn.as(node, user);
        }

        String console(int node) {
            return urls.apply(node);
        }
    }

    interface LogIn {
        void as(int node, String user) throws Exception;
    }

    static final int FLEET = 240;
    static final int NMC = 200;
    private static final Duration WAIT = Duration.ofSeconds(90);
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

    /** On node2 as the recycler: the filter, the pictures agreeing with the table, sorting both ways and the next page. */
    void sortFilterAndPictures(Ui ui, List<NodeClient> nodes) throws Exception {
        NodeClient node2 = nodes.get(2);
        awaitAssessed(node2, Duration.ofMinutes(4));
        ui.logIn(2, "recycler");
        ui.browser().get(ui.console(2) + "#/batteries");
        ui.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("fleet-manufacturer"))).sendKeys(manufacturer);
        ui.browser().findElement(By.id("battery-search-button")).click();
        ui.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet-count"), "of " + FLEET + " matching"));
        // The pictures are drawn from the same filter: the status mix and the histogram add up to the table's count.
        ui.waiting().until(d -> sum(ui.browser(), "#status-mix rect.status-part") == FLEET);
        assertEquals(FLEET, sum(ui.browser(), "#soh-histogram rect.soh-bar"));
        assertEquals(FLEET, ui.browser().findElements(By.cssSelector("#value-age-chart circle.dot")).size());
        assertEquals(java.util.Set.of("NMC", "LFP"), ui.browser().findElements(By.cssSelector("#soh-histogram rect.soh-bar")).stream()
                .map(e -> e.getAttribute("data-chemistry")).collect(java.util.stream.Collectors.toSet()));
        ui.browser().executeScript("document.getElementById('fleet').scrollIntoView()");
        HeadlessChromium.screenshot(ui.browser(), ui.out().resolve("fleet-pictures.png"));

        new Select(ui.browser().findElement(By.id("fleet-chemistry"))).selectByValue("LFP");
        ui.browser().findElement(By.id("battery-search-button")).click();
        int lfp = FLEET - NMC;
        ui.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet-count"), "of " + lfp + " matching"));
        ui.waiting().until(d -> sum(ui.browser(), "#status-mix rect.status-part") == lfp);
        assertTrue(ui.browser().findElements(By.cssSelector("#battery-results tr")).stream().allMatch(r -> r.getText().contains("LFP")));
        new Select(ui.browser().findElement(By.id("fleet-chemistry"))).selectByValue("");
        ui.browser().findElement(By.id("battery-search-button")).click();
        ui.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet-count"), "of " + FLEET + " matching"));

        // Sorting by state of health, both ways; the node's highest comes first when descending.
        By soh = By.cssSelector("th button.sort[data-sort='stateOfHealth']");
        ui.browser().findElement(soh).click();
        ui.waiting().until(ExpectedConditions.attributeToBe(By.xpath("//th[button[@data-sort='stateOfHealth']]"), "aria-sort", "ascending"));
        assertOrdered(column(ui.browser(), "soh"), false);
        ui.browser().findElement(soh).click();
        ui.waiting().until(ExpectedConditions.attributeToBe(By.xpath("//th[button[@data-sort='stateOfHealth']]"), "aria-sort", "descending"));
        List<Double> down = column(ui.browser(), "soh");
        assertOrdered(down, true);
        JsonValue top = node2.get("recycler", "/batteries?limit=1&sort=-stateOfHealth&filter="
                + java.net.URLEncoder.encode(filter(), StandardCharsets.UTF_8)).as(Jsonp::structure).asJsonArray().get(0);
        assertEquals(top.asJsonObject().getJsonNumber("stateOfHealth").doubleValue(), down.get(0), 1e-9);
        ui.browser().findElement(By.id("fleet-next")).click();
        ui.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet-count"), "51–100 of " + FLEET));
        assertOrdered(column(ui.browser(), "soh"), true);
        assertTrue(column(ui.browser(), "soh").get(0) <= down.get(down.size() - 1), "page 2 goes on where page 1 stopped");
    }

    /** The NMC batteries valued as a lot with its progress shown; node2 killed half-way and started again; the report. */
    void valueALotThroughAKill(Ui ui, List<NodeClient> nodes) throws Exception {
        ui.logIn(2, "recycler");
        ui.browser().get(ui.console(2) + "#/batteries");
        ui.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("fleet-manufacturer"))).sendKeys(manufacturer);
        new Select(ui.browser().findElement(By.id("fleet-chemistry"))).selectByValue("NMC");
        ui.browser().findElement(By.id("battery-search-button")).click();
        ui.waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("fleet-count"), "of " + NMC + " matching"));
        ui.browser().executeScript("window.confirm = () => true;");
        ui.waiting().until(ExpectedConditions.elementToBeClickable(By.id("lot-filter"))).click();
        // The lot's card is drawn again at every poll: each read looks the element up anew.
        assertEquals(String.valueOf(NMC), ui.waiting().until(d -> d.findElement(By.id("lot-progress")).getAttribute("max")));
        String lotId = ui.waiting().until(d -> d.findElement(By.id("lot-id")).getText().replace("Lot ", ""));
        ui.waiting().until(d -> Integer.parseInt(d.findElement(By.id("lot-progress")).getAttribute("value")) >= 10);
        HeadlessChromium.screenshot(ui.browser(), ui.out().resolve("lot-progress.png"));

        // node2 crashes half-way; started again, it resumes the lot.
        var node2 = Consortium.at(ui.dir()).node("node2");
        assertTrue(node2.kill());
        await().atMost(WAIT).until(() -> node2.running().isEmpty());
        assertTrue(node2.start(Path.of(System.getProperty("it.ear"))));
        assertTrue(Consortium.waitUntilServing(node2, nodes.get(2).password("admin")));
        ui.logIn(2, "recycler");
        ui.browser().get(ui.console(2) + "#/batteries");
        ui.waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#lot-table tr[data-lot='" + lotId + "'] a"))).click();
        ui.waiting().until(ExpectedConditions.textToBe(By.id("lot-status"), "Done."));
        JsonValue lot = nodes.get(2).get("recycler", "/valuations/lots/" + lotId).as(Jsonp::structure);
        assertEquals(NMC, lot.asJsonObject().getInt("valued"), lot.toString());
        assertTrue(ui.waiting().until(d -> d.findElement(By.id("lot-value")).getText()).startsWith("Lot value "));

        Path downloads = HeadlessChromium.downloads(ui.out().resolve("browser"));
        for (String id : List.of("lot-csv", "lot-pdf", "lot-zip")) {
            ui.browser().findElement(By.id(id)).click();
        }
        Path csv = downloads.resolve(lotId + "-report.csv");
        Path pdf = downloads.resolve(lotId + "-report.pdf");
        Path zip = downloads.resolve(lotId + "-certificates.zip");
        await().atMost(WAIT).until(() -> Files.exists(csv) && Files.exists(pdf) && Files.exists(zip));
        List<String[]> rows = Files.readAllLines(csv).stream().skip(1).map(l -> l.split(",", -1)).toList();
        assertEquals(NMC, rows.size());
        assertTrue(rows.stream().allMatch(r -> r[2].equals("valued") && r[3].startsWith("VC-")));
        assertEquals(NMC, rows.stream().map(r -> r[3]).distinct().count(), "a certificate per battery");
        assertValuedOnce(nodes.get(2), rows);
        assertEquals("%PDF", new String(Files.readAllBytes(pdf), 0, 4, StandardCharsets.US_ASCII));
        try (var z = new java.util.zip.ZipFile(zip.toFile())) {
            assertEquals(NMC, z.size());
        }

        // The Valuations page lists the latest certificates before anything is typed: the lot's, here and on chain.
        ui.browser().get(ui.console(2) + "#/valuations");
        java.util.Set<String> issued = new java.util.HashSet<>(rows.stream().map(r -> r[3]).toList());
        ui.waiting().until(d -> d.findElements(By.cssSelector("#recent-issued tbody tr")).size() == 20);
        assertTrue(ui.browser().findElements(By.cssSelector("#recent-issued tbody tr")).stream()
                .allMatch(r -> issued.contains(r.getAttribute("data-certificate"))), "the newest certificates are the lot's");
        ui.waiting().until(d -> !d.findElements(By.cssSelector("#recent-registrations tbody tr")).isEmpty());
        assertTrue(ui.browser().findElements(By.cssSelector("#recent-registrations tbody tr")).stream()
                .allMatch(r -> r.getText().contains("agency-c") && issued.contains(r.getAttribute("data-certificate"))));
    }

    String filter() {
        return "manufacturer==\"" + manufacturer + "\"";
    }

    /** Until node2 assessed the whole fleet from verified evidence. */
    void awaitAssessed(NodeClient recyclerNode, Duration within) {
        String q = "/batteries/summary?filter=" + java.net.URLEncoder.encode(filter() + ";evidence==verified", java.nio.charset.StandardCharsets.UTF_8);
        await().atMost(within).pollInterval(Duration.ofSeconds(1)).until(() -> recyclerNode.get("recycler", q).as(Jsonp::object).getInt("count") == FLEET);
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
            List<JsonObject> issued = node2.get("recycler", "/valuations?batteryCode=" + row[1]).as(Jsonp::structure).asJsonArray().stream()
                    .map(JsonValue::asJsonObject).toList();
            assertEquals(1, issued.size(), row[1] + " has " + issued.size() + " certificates");
            assertEquals(row[3], issued.get(0).getString("certificateId"));
        }
    }
}
