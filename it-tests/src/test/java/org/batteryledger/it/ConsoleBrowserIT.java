package org.batteryledger.it;

import org.batteryledger.launcher.ChainNudge;
import org.batteryledger.launcher.Consortium;
import org.batteryledger.launcher.client.NodeClient;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonValue;
import org.batteryledger.launcher.Ports;
import org.batteryledger.node.directory.NodeDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real headless Chromium against the shared four-node consortium ({@link SharedConsortium}): log in and see the
 * node table; a sluggish node flagged with its reason; a record verified with its proof (by the node and again in
 * the browser); a valuation issued by a recycler, its chart drawn, downloaded as JSON, PDF and CMS and the CMS
 * uploaded to verify; and the security rules (login everywhere, roles checked by the server, CSRF, nothing loaded
 * from outside the node, no secret in pages or logs); no serious or critical accessibility violation (axe-core) on any
 * page, and ids, menus and charts that work from the keyboard ({@link ConsoleUsability}). Screenshots: target/console-it/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedConsortium.Extension.class)
@Order(Integer.MAX_VALUE) // with PartnerPullSystemIT, last: the shared consortium is stopped when the run ends
class ConsoleBrowserIT {
    private static Ports PORTS;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Path OUT = Path.of("target", "console-it");
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000, 36).toUpperCase();
    private static final String CODE = "036CON0B1A2C3D4E5F" + (RUN + "000000").substring(0, 6);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final FleetConsole FLEET = new FleetConsole(RUN);

    private static Path dir;
    private static ChromeDriver browser;
    private static final List<NodeClient> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        SharedConsortium consortium = SharedConsortium.take(ConsoleBrowserIT.class);
        dir = consortium.dir;
        PORTS = consortium.ports;
        nodes.addAll(consortium.nodes);
        pushRecords();
        FLEET.push(nodes.get(0)); // node2 assesses it while the tests before the fleet's run
        browser = HeadlessChromium.start(OUT.resolve("browser"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        HeadlessChromium.screenshot(browser, OUT.resolve(test.getTestMethod().orElseThrow().getName() + ".png"));
    }

    private static String console(int node) {
        return "http://127.0.0.1:" + PORTS.http(node) + "/ledger/console/";
    }

    /** A battery and 40 sessions over REST, until the last one is anchored. */
    private static void pushRecords() throws Exception {
        NodeClient n = nodes.get(0);
        String battery = "[{\"recordId\":\"con-erp-" + RUN + "\",\"type\":\"battery\",\"batteryCode\":\"" + CODE + "\",\"manufacturer\":\"CATL\","
                + "\"chemistry\":\"NMC\",\"ratedCapacityAh\":117,\"nominalVoltageV\":350.4,\"ratedCycleLife\":1800,\"ratedCycleDod\":0.8,"
                + "\"ratedCycleTempC\":25,\"manufacturedAt\":\"2024-01-15T00:00:00Z\"}]";
        NodeClient.Reply r = n.post("manufacturer", "/records", battery);
        assertEquals(202, r.status(), r.body());
        List<String> sessions = new ArrayList<>();
        Instant t = Instant.parse("2024-03-01T07:00:00Z");
        double soc = 0.9;
        for (int i = 0; i < 40; i++) {
            double to = i % 2 == 0 ? 0.3 : 0.9;
            Instant end = t.plus(Duration.ofMinutes(80));
            sessions.add("{\"recordId\":\"con-" + RUN + "-" + i + "\",\"type\":\"session\",\"batteryCode\":\"" + CODE + "\",\"operator\":\"ChargeCo\","
                    + "\"startedAt\":\"" + t + "\",\"endedAt\":\"" + end + "\",\"socStart\":" + soc + ",\"socEnd\":" + to
                    + ",\"energyKWh\":" + Math.round(Math.abs(to - soc) * 410) / 10.0 + ",\"avgTempC\":24,\"maxTempC\":29}");
            soc = to;
            t = end.plus(Duration.ofHours(20));
        }
        r = n.post("charging", "/records", "[" + String.join(",", sessions) + "]");
        assertEquals(202, r.status(), r.body());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> n.get("auditor", "/records/con-" + RUN + "-39/proof").status() == 200);
    }

    /** Waits that look again when the page's 5-second refresh replaced an element between finding and reading it. */
    private FluentWait<WebDriver> waiting() {
        return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class);
    }

    private void logIn(int node, String user) throws Exception {
        // Off the console first: a console page polling the API after its cookies are gone starts an anonymous session
        // whose saved request (the API call) is where the container sends the next login (raw JSON in the browser).
        // A new tab (about:blank) has no console to leave and no cookies to clear: another tab's session stays.
        String current = browser.getCurrentUrl();
        if (current != null && current.contains("/ledger/console/")) {
            browser.get(current.substring(0, current.indexOf("/ledger/")) + "/ledger/assets/console.css");
        }
        browser.manage().deleteAllCookies();
        browser.get(console(node));
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(nodes.get(node).password(user));
        browser.findElement(By.id("login")).click();
        waiting().until(ExpectedConditions.textToBe(By.id("user-name"), user));
    }

    private WebElement nodeRow(String name) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#node-table tr[data-node='" + name + "']")));
    }

    /** A node's actions menu, opened (its buttons are hidden while it is closed; the page's refresh keeps it open). */
    private WebElement openActions(String name) {
        WebElement menu = nodeRow(name).findElement(By.cssSelector("details.actions-menu"));
        if (menu.getAttribute("open") == null) {
            menu.findElement(By.tagName("summary")).click();
        }
        return menu;
    }

    @Test
    @Order(1)
    void logInAndSeeTheNodeTable() throws Exception {
        browser.get(console(0));
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.findElement(By.id("username")).sendKeys("admin");
        browser.findElement(By.id("password")).sendKeys("not-the-password");
        browser.findElement(By.id("login")).click();
        assertTrue(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error"))).getText().contains("Wrong"));

        logIn(0, "admin");
        assertEquals("admin", browser.findElement(By.id("user-roles")).getText());
        for (String name : List.of("node0", "node1", "node2", "node3")) {
            waiting().until(d -> nodeRow(name).getText().contains("agency-") && nodeRow(name).findElement(By.cssSelector(".role")).getText().equals("consensus"));
        }
        assertEquals(4, browser.findElements(By.cssSelector("#node-table tbody tr")).size());
        assertEquals(4, browser.findElements(By.cssSelector("#participation-chart rect.bar")).size(), "one bar per consensus node");
        assertTrue(browser.findElements(By.cssSelector("#participation-history-chart path.series")).size() >= 1, "participation is drawn over time");
        assertFalse(browser.findElements(By.cssSelector("#node-table button.demote")).isEmpty(), "an admin has actions");
        // Issue 14: agency-a holds 2 of the 4 validators (node0, node3), more than f = 1: a banner says so, with the fix.
        WebElement concentration = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("concentration-warnings")));
        List<String> warnings = concentration.findElements(By.cssSelector("li.concentration-warning")).stream().map(WebElement::getText).toList();
        assertEquals(2, warnings.size(), concentration.getText());
        assertTrue(warnings.get(0).startsWith("agency-a holds 2 of 4 validators, f = 1: it can halt the chain alone"), warnings.get(0));
        assertTrue(warnings.get(0).contains("or add 3 validators from other agencies"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("Only 3 agencies hold validators"), warnings.get(1));

        browser.get(console(0) + "#/chain");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#block-table tbody tr"))).click();
        WebElement seals = waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("certificate-table")));
        assertTrue(seals.findElements(By.tagName("tr")).size() >= 3, "a quorum of seals, with who signed");
        assertTrue(browser.findElement(By.id("chain-height")).getText().matches("\\d+"));

        // Storage: the log directory against its cap (the launcher's default 10 MB x 5), and the archive action.
        browser.get(console(0) + "#/storage");
        String logs = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("storage-logs"))).getText();
        assertTrue(logs.endsWith("of 50.0 MB"), logs);
        assertTrue(browser.findElement(By.id("storage-free")).getText().contains(" of "));
        // Every node's storage, as the peers report it over their links every 30 s (the page reloads every 5 s).
        waiting().until(d -> d.findElements(By.cssSelector("#storage-nodes tbody tr")).size() == 4);
        assertTrue(browser.findElement(By.cssSelector("#storage-nodes tr[data-node='node2']")).getText().contains(" of 50.0 MB"));
        browser.findElement(By.id("archive-logs")).click();
        String archived = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#storage-log div.ok"))).getText();
        assertTrue(archived.startsWith("Archive: "), archived);
    }

    @Test
    @Order(2)
    void aSluggishNodeIsFlaggedWithWhy() throws Exception {
        Consortium.at(dir).slow("node3", 1500); // ./consortium slow node3 1500: node3 re-reads it within 5 s
        try {
            // Blocks keep coming (a parameter proposed and withdrawn in turn) until node0 sees node3 sluggish.
            NodeClient node0 = nodes.get(0);
            ChainNudge nudge = new ChainNudge(node0);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
                nudge.next();
                return node0.get("auditor", "/nodes").as(Jsonp::structure).asJsonArray().stream().map(JsonValue::asJsonObject)
                        .anyMatch(n -> n.getString("name").equals("node3") && n.getString("status").equals("sluggish")
                                && n.getString("reason").startsWith("slow link"));
            });
            logIn(0, "auditor");
            String reason = waiting().until(d -> {
                WebElement r = nodeRow("node3");
                return r.getAttribute("class").contains("sluggish") ? r.findElement(By.cssSelector(".reason")).getText() : null;
            });
            assertTrue(reason.startsWith("slow link: round trip"), "the page says why: " + reason);
            waiting().until(d -> nodeRow("node1").getAttribute("class").contains("agile"));
            assertTrue(browser.findElements(By.cssSelector("#node-table .actions-menu, #node-table button:not(.copy)")).isEmpty(),
                    "an auditor gets no action buttons");
            assertFalse(browser.findElements(By.cssSelector("#node-table td.id button.copy")).isEmpty(), "but ids to copy");
        } finally {
            Consortium.at(dir).slow("node3", 0);
        }
    }

    @Test
    @Order(3)
    void verifyARecordWithItsProof() throws Exception {
        logIn(0, "auditor");
        browser.get(console(0) + "#/batteries");
        WebElement search = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("battery-search")));
        search.sendKeys(CODE.substring(0, 12));
        browser.findElement(By.id("battery-search-button")).click();
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("#battery-results a[data-code='" + CODE + "']"))).click();
        waiting().until(ExpectedConditions.textToBe(By.id("battery-code"), CODE));
        assertEquals("40", browser.findElement(By.id("battery-sessions")).getText());
        String record = "con-" + RUN + "-7";
        browser.findElement(By.cssSelector("button.verify[data-record='" + record + "']")).click();
        WebElement verdict = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#record-table .proof-row .verdict")));
        browser.executeScript("arguments[0].scrollIntoView({block: 'center'})", verdict); // for the screenshot
        assertTrue(verdict.getAttribute("class").contains("valid") && verdict.getText().startsWith("Valid"), verdict.getText());
        WebElement browserCheck = browser.findElement(By.cssSelector("#record-table .proof-row .browser-check"));
        assertTrue(browserCheck.getText().contains("they match"), "the browser recomputed the root itself: " + browserCheck.getText());
        String proof = browser.findElement(By.cssSelector("#record-table .proof-row table.proof")).getText().toLowerCase(java.util.Locale.ROOT);
        assertTrue(proof.contains("batch root") && proof.contains("anchored in block"), proof);
    }

    @Test
    @Order(4)
    void issueAndDownloadAValuationThenVerifyTheUpload() throws Exception {
        // At node2, the recycler's (agency-c) node: it holds none of the battery's records, all at node0 (agency-a).
        logIn(2, "recycler");
        browser.get(console(2) + "#/valuations/" + CODE);
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("issue-valuation"))).click();
        WebElement id = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("certificate-id")));
        String certificateId = id.getText();
        assertTrue(certificateId.startsWith("VC-"), certificateId);
        assertTrue(browser.findElement(By.id("soh")).getText().endsWith("%"));
        assertTrue(browser.findElements(By.cssSelector("#fade-chart path.series")).size() >= 1, "the fade curve is drawn");
        assertFalse(browser.findElements(By.cssSelector("#fade-chart polygon.band")).isEmpty(), "with its band");

        Path downloads = HeadlessChromium.downloads(OUT.resolve("browser"));
        for (String format : List.of("json", "pdf", "cms")) {
            browser.findElement(By.id("download-" + format)).click();
        }
        Path json = downloads.resolve(certificateId + ".json");
        Path pdf = downloads.resolve(certificateId + ".pdf");
        Path cms = downloads.resolve(certificateId + ".p7m");
        await().atMost(WAIT).until(() -> Files.exists(json) && Files.exists(pdf) && Files.exists(cms));
        assertTrue(Files.readString(json).contains("\"certificateId\":\"" + certificateId + "\""));
        assertEquals("%PDF", new String(Files.readAllBytes(pdf), 0, 4, StandardCharsets.US_ASCII));
        assertEquals(0x30, Files.readAllBytes(cms)[0], "DER: a SEQUENCE");

        browser.findElement(By.id("verify-file")).sendKeys(cms.toAbsolutePath().toString());
        browser.findElement(By.id("verify-upload")).click();
        WebElement verdict = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#verify-result .verdict")));
        assertTrue(verdict.getText().startsWith("Valid"), verdict.getText());
        // The JSON document verifies too: the console sends its bytes as they are (it once sent them re-encoded).
        browser.findElement(By.id("verify-file")).sendKeys(json.toAbsolutePath().toString());
        browser.findElement(By.id("verify-upload")).click();
        waiting().until(ExpectedConditions.stalenessOf(verdict));
        verdict = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#verify-result .verdict")));
        assertTrue(verdict.getText().startsWith("Valid"), verdict.getText());

        byte[] tampered = Files.readAllBytes(json);
        tampered[tampered.length / 2] ^= 1;
        Path changed = Files.write(downloads.resolve("changed.json"), tampered);
        browser.findElement(By.id("verify-file")).sendKeys(changed.toAbsolutePath().toString());
        browser.findElement(By.id("verify-upload")).click();
        waiting().until(ExpectedConditions.textMatches(By.cssSelector("#verify-result"), java.util.regex.Pattern.compile("Not valid|not")));

        // node0 held the records: its console shows the member kinds and that it disclosed them to agency-c.
        logIn(0, "auditor");
        browser.get(console(0) + "#/nodes");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#agency-table tr[data-agency='agency-c']"), "recycler"));
        waiting().until(d -> d.findElements(By.cssSelector("#disclosure-table tr.disclosure")).stream()
                .anyMatch(r -> r.getText().contains("agency-c") && r.getText().contains(CODE)));
    }

    @Test
    @Order(5)
    void securityLoginRolesCsrfOriginAndNoSecrets() throws Exception {
        // Every page needs a login: an anonymous browser gets the login form.
        browser.manage().deleteAllCookies();
        for (String page : List.of("", "#/storage", "#/valuations")) {
            browser.get(console(1) + page);
            waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        }
        HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(console(1) + "js/nodes.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(anonymous.body().contains("nodesPage"), "scripts are behind the login too");

        logIn(1, "auditor");
        JavascriptExecutor js = browser;
        // The server checks roles: an auditor's console session may read but not propose, whatever the page shows.
        Object auditorPost = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/ledger/api/session', {headers: {'X-Requested-With': 'battery-ledger-console'}}).then(r => r.json()).then(s =>"
                + " fetch('/ledger/api/admin/proposals', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrfToken,"
                + " 'X-Requested-With': 'battery-ledger-console'}, body: JSON.stringify({action: 'add-agency', name: 'by-auditor'})}))"
                + ".then(r => done(r.status), e => done(String(e)));");
        assertEquals(403L, auditorPost);

        logIn(1, "admin");
        // A session request without the token is refused, even from the console's own origin.
        Object noToken = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/ledger/api/admin/proposals', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({action: 'add-agency', name: 'no-token'})}).then(r => r.text()).then(done, e => done(String(e)));");
        assertTrue(String.valueOf(noToken).contains("X-CSRF-Token"), String.valueOf(noToken));
        // A page on another port of this host is the same site (cookies ignore ports), so the browser sends this node's
        // session cookie with its forged form post: the logout it forges must be refused, and the session go on.
        HttpServer attacker = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        attacker.createContext("/", exchange -> {
            byte[] page = ("<!DOCTYPE html><html><body><form id=\"f\" method=\"post\" action=\"http://127.0.0.1:" + PORTS.http(1)
                    + "/ledger/logout\"></form><script>document.getElementById('f').submit()</script></body></html>").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        attacker.start();
        try {
            browser.get("http://127.0.0.1:" + attacker.getAddress().getPort() + "/");
            waiting().until(ExpectedConditions.urlContains("/ledger/logout"));
            waiting().until(d -> d.getPageSource().contains("refused"));
            assertTrue(browser.getPageSource().contains("is refused"), browser.getPageSource());
        } finally {
            attacker.stop(0);
        }
        browser.get(console(1));
        waiting().until(ExpectedConditions.textToBe(By.id("user-name"), "admin"));
        Properties users = users();
        HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.http(1) + "/ledger/api/storage/logs/cleanup"))
                .header("Authorization", basic("admin", users.getProperty("admin"))).header("Origin", "http://127.0.0.1:" + PORTS.http(2))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, foreign.statusCode(), foreign.body());
        HttpResponse<String> auditorBasic = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORTS.http(1) + "/ledger/api/storage/logs/archive"))
                .header("Authorization", basic("auditor", users.getProperty("auditor"))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, auditorBasic.statusCode(), auditorBasic.body());

        // Every page of the console loads only from the node itself, and shows no secret.
        List<String> sources = new ArrayList<>();
        for (String page : List.of("#/nodes", "#/chain", "#/storage", "#/batteries/" + CODE, "#/valuations/" + CODE)) {
            browser.get(console(1) + page);
            waiting().until(d -> !d.findElements(By.cssSelector("#page section")).isEmpty());
            @SuppressWarnings("unchecked")
            List<String> loaded = (List<String>) js.executeScript("return performance.getEntriesByType('resource').map(e => e.name)"
                    + ".concat([location.href]);");
            for (String url : loaded) {
                assertTrue(url.startsWith("http://127.0.0.1:" + PORTS.http(1) + "/"), "the console loaded " + url + " from outside the node");
            }
            sources.add(browser.getPageSource());
        }
        browser.findElement(By.id("logout")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        browser.get(console(1));
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));

        List<String> logs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("nodes"))) {
            for (Path p : files.filter(f -> f.toString().contains("/log/") && Files.isRegularFile(f)).toList()) {
                logs.add(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        assertFalse(logs.isEmpty());
        for (String user : users.stringPropertyNames()) {
            String password = users.getProperty(user);
            for (String text : sources) {
                assertFalse(text.contains(password), user + "'s password is in a console page");
            }
            for (String log : logs) {
                assertFalse(log.contains(password), user + "'s password is in a node log");
            }
        }
        for (String text : sources) {
            assertFalse(text.contains("PRIVATE KEY"), "a private key in a console page");
        }
    }

    @Test
    @Order(6)
    void addANodeThroughTheFlowApprovedOnAnotherAgencysConsole() throws Exception {
        // On the new node's host: its key and CSR (./consortium prepare-node); the key stays in its keystore.
        Path jbossHome = Path.of(System.getProperty("jboss.home"));
        var prepared = Consortium.at(dir).prepareNode("agency-a", "node4");
        logIn(0, "admin");
        browser.get(console(0) + "#/nodes");
        WebElement csr = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("csr-pem")));
        String key = Files.readString(prepared.nodeDir().resolve("keystore/node.key"));
        csr.sendKeys(key);
        browser.findElement(By.id("read-csr")).click();
        String refusal = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("csr-error"))).getText();
        assertTrue(refusal.contains("holds a private key"), refusal);
        assertFalse(browser.getPageSource().contains(key.lines().skip(1).findFirst().orElseThrow()), "the key is not echoed");

        csr.clear();
        csr.sendKeys(prepared.csrPem());
        browser.findElement(By.id("read-csr")).click();
        String sign = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-command"))).getText();
        assertEquals("./consortium sign-csr --agency agency-a --name node4", sign);
        assertTrue(browser.findElement(By.id("csr-summary")).getText().contains(prepared.nodeId().value()));

        // Where agency-a's CA key is kept: the certificate, pasted back into the page.
        Consortium.at(dir).signCsr("agency-a", "node4");
        browser.findElement(By.id("certificate-pem")).sendKeys(Files.readString(new NodeDirectory(prepared.nodeDir()).nodeCertificateFile()));
        browser.findElement(By.id("propose-node")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#node-request-steps li.done[data-step='proposal']")));
        String proposing = browser.getWindowHandle();

        // agency-b approves on node1's console, in another tab (each node has its own session cookie).
        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        logIn(1, "admin");
        waiting().until(d -> {
            for (WebElement row : d.findElements(By.cssSelector("#proposal-table tr.proposal-open"))) {
                if (row.getText().contains("node node4")) {
                    row.findElement(By.cssSelector("button.approve")).click();
                    return true;
                }
            }
            return false;
        });
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#action-log div[data-outcome='ok']")));
        HeadlessChromium.screenshot(browser, OUT.resolve("addANode-approval.png"));
        browser.close();
        browser.switchTo().window(proposing);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#node-request-steps li.done[data-step='registered']")));

        // The operator starts the node on its host; it links, syncs and signs.
        var process = Consortium.at(dir).node(prepared.name());
        assertTrue(process.start(Path.of(System.getProperty("it.ear"))));
        assertTrue(Consortium.waitUntilServing(process, users().getProperty("admin")));
        ChainNudge nudge = new ChainNudge(nodes.get(0));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            nudge.next();
            return !browser.findElements(By.cssSelector("#node-request-steps li.done[data-step='sealed']")).isEmpty();
        });
        assertFalse(browser.findElements(By.cssSelector("#node-request-steps li.done[data-step='linked']")).isEmpty());
        nodeRow("node4");
        browser.executeScript("document.getElementById('node-request-steps').scrollIntoView({block: 'center'})"); // for the screenshot
    }

    @Test
    @Order(7)
    void demoteASluggishNodeToObserverWithItsOutcomeOnChain() throws Exception {
        logIn(0, "admin");
        browser.get(console(0) + "#/nodes");
        String node3 = nodes.get(0).get("auditor", "/nodes").as(Jsonp::structure).asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(n -> n.getString("name").equals("node3")).findFirst().orElseThrow().getString("id");
        waiting().until(d -> {
            openActions("node3").findElement(By.cssSelector("button.demote")).click();
            return true;
        });
        waiting().until(ExpectedConditions.alertIsPresent()).accept(); // "Propose that node3 become an observer?"
        WebElement proposed = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#action-log div[data-outcome='ok']")));
        assertTrue(proposed.getText().startsWith("Demote node3 to observer: committed in block "), proposed.getText());
        String proposing = browser.getWindowHandle();

        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        logIn(1, "admin");
        waiting().until(d -> {
            for (WebElement row : d.findElements(By.cssSelector("#proposal-table tr.proposal-open"))) {
                if (row.getText().contains("make node " + node3.substring(0, 8) + " observer")) {
                    row.findElement(By.cssSelector("button.approve")).click();
                    return true;
                }
            }
            return false;
        });
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#action-log div[data-outcome='ok']")));
        browser.close();
        browser.switchTo().window(proposing);
        waiting().until(d -> nodeRow("node3").findElement(By.cssSelector(".role")).getText().equals("observer"));
        waiting().until(d -> nodeRow("node3").findElement(By.cssSelector(".reason")).getText().startsWith("observer"));

        // An open proposal of this node's own agency offers Withdraw instead of Approve, and leaves the table once withdrawn.
        NodeClient.Reply proposed2 = nodes.get(0).post("admin", "/admin/proposals", "{\"action\":\"add-agency\",\"name\":\"withdrawn-in-console\"}");
        assertEquals(202, proposed2.status(), proposed2.body());
        String id = proposed2.as(Jsonp::object).getString("txHash");
        await().atMost(Duration.ofMinutes(2)).until(() -> nodes.get(0).get("admin", "/admin/transactions/" + id).status() == 200);
        browser.navigate().refresh();
        WebElement withdraw = waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.withdraw[data-key='withdraw:" + id + "']")));
        assertTrue(browser.findElements(By.cssSelector("button.approve[data-key='approve:" + id + "']")).isEmpty());
        withdraw.click();
        waiting().until(d -> d.findElements(By.cssSelector("#action-log div[data-outcome='ok']")).stream()
                .anyMatch(line -> line.getText().startsWith("Withdraw add agency withdrawn-in-console: committed in block ")));
        waiting().until(d -> d.findElements(By.cssSelector("#proposal-table tr[data-proposal='" + id + "']")).isEmpty());
    }

    @Test
    @Order(8)
    void everyPageHasNoSeriousOrCriticalAccessibilityViolation() throws Exception {
        logIn(0, "admin");
        Map<String, List<Accessibility.Violation>> found = Accessibility.checkPages(browser, waiting(), console(0),
                List.of("nodes", "chain", "storage", "batteries", "batteries/" + CODE, "valuations", "valuations/" + CODE),
                page -> {
                    if (page.equals("nodes")) {
                        openActions("node1"); // the menu's buttons are checked too
                    }
                });
        Files.writeString(OUT.resolve("accessibility.txt"), Accessibility.describe(found) + "\n");
        Accessibility.assertNoneBlocking(found);
    }

    @Test
    @Order(9)
    void idsCopyWholeAndMenusAndChartsWorkFromTheKeyboard() throws Exception {
        logIn(0, "admin");
        new ConsoleUsability(browser, waiting(), this::nodeRow).check(console(0), nodes.get(0));
    }

    @Test
    @Order(10)
    void theRecyclersFleetSortsFiltersAndItsPicturesAgreeWithTheTable() throws Exception {
        FLEET.sortFilterAndPictures(ui(), nodes);
    }

    @Test
    @Order(11)
    void aLotOf200IsValuedWithProgressResumesAfterAKillAndItsReportDownloads() throws Exception {
        FLEET.valueALotThroughAKill(ui(), nodes);
    }

    /** What the fleet's tests ({@link FleetConsole}) use of this class. */
    private FleetConsole.Ui ui() {
        return new FleetConsole.Ui(browser, this::waiting, this::logIn, ConsoleBrowserIT::console, OUT, dir);
    }

    private static Properties users() throws Exception {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("users.properties"))) {
            p.load(r);
        }
        return p;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
