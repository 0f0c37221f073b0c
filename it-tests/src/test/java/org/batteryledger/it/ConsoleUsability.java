package org.batteryledger.it;

import org.batteryledger.launcher.client.NodeClient;
import jakarta.json.JsonValue;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's polish (issue 19), checked in the browser of {@link ConsoleBrowserIT}, logged in as admin: a node id
 * shortened on one line with its whole value in the title and copied whole (by the Clipboard API, and by the textarea
 * fallback a page without it uses); a row's actions menu reached by Tab from the navigation, opened by Enter, entered
 * by Tab and closed by Escape, with the focus drawn; integer axes (block height, view, transactions) ticked in whole
 * numbers, each once.
 */
final class ConsoleUsability {
    private final ChromeDriver browser;
    private final FluentWait<WebDriver> waiting;
    private final Function<String, WebElement> nodeRow;

    ConsoleUsability(ChromeDriver browser, FluentWait<WebDriver> waiting, Function<String, WebElement> nodeRow) {
        this.browser = browser;
        this.waiting = waiting;
        this.nodeRow = nodeRow;
    }

    void check(String console, NodeClient node) throws Exception {
        browser.get(console + "#/nodes");
        String node1 = node.get("auditor", "/nodes").as(Jsonp::structure).asJsonArray().stream().map(JsonValue::asJsonObject)
                .filter(n -> n.getString("name").equals("node1")).findFirst().orElseThrow().getString("id");
        idShortenedAndCopiedWhole("node1", node1, console.substring(0, console.indexOf("/ledger/")));
        actionsMenuByKeyboard(node1);
        assertEquals(List.of(1L, 2L, 3L), browser.executeAsyncScript("import('/ledger/console/js/charts.js')"
                + ".then(m => arguments[arguments.length - 1](m.niceTicks(1, 3.8, 5, true)));"), "niceTicks, for other pages too");
        wholeNumberTicks("#participation-history-chart .x-tick");
        browser.executeScript("document.getElementById('participation-history-chart').scrollIntoView({block: 'center'});");
        HeadlessChromium.screenshot(browser, Path.of("target", "console-it", "participationHistory.png"));
        browser.get(console + "#/chain");
        wholeNumberTicks("#view-chart .x-tick", "#view-chart .y-tick", "#throughput-chart .x-tick", "#throughput-chart .y-tick");
    }

    private void idShortenedAndCopiedWhole(String name, String id, String origin) {
        waiting.until(d -> {
            WebElement cell = nodeRow.apply(name).findElement(By.cssSelector("td.id"));
            WebElement shown = cell.findElement(By.cssSelector(".id-short"));
            int shownAt = shown.getLocation().getY();
            int buttonAt = cell.findElement(By.cssSelector("button.copy")).getLocation().getY();
            return id.equals(cell.getAttribute("title")) && shown.getText().equals(id.substring(0, 10) + "…") && Math.abs(shownAt - buttonAt) < 8;
        });
        browser.executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        browser.executeScript("window.clip = navigator.clipboard;");
        for (String way : List.of("Clipboard API", "textarea fallback")) {
            browser.executeAsyncScript("window.clip.writeText('-').then(arguments[arguments.length - 1]);");
            if (way.equals("textarea fallback")) { // as on plain http to another host, where there is no navigator.clipboard
                browser.executeScript("Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true});");
            }
            browser.executeScript("document.getElementById('toast').textContent = '';");
            waiting.until(d -> {
                WebElement copy = nodeRow.apply(name).findElement(By.cssSelector("td.id button.copy"));
                assertEquals("Copy node id of " + name, copy.getAttribute("aria-label"));
                copy.click();
                return true;
            });
            waiting.until(ExpectedConditions.textToBe(By.id("toast"), "Copied node id of " + name));
            assertEquals(id, browser.executeAsyncScript("window.clip.readText().then(arguments[arguments.length - 1]);"), way);
        }
    }

    private void actionsMenuByKeyboard(String id) throws IOException {
        String menu = "actions:" + id;
        browser.executeScript("document.querySelector(\"header nav a[data-page='nodes']\").focus();");
        for (int i = 0; i < 300 && !menu.equals(focused()); i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
        }
        assertEquals(menu, focused(), "Tab reaches the actions menu from the navigation");
        assertEquals("solid", browser.executeScript("return getComputedStyle(document.activeElement).outlineStyle;"), "the focus is drawn");
        new Actions(browser).sendKeys(Keys.ENTER).perform();
        assertEquals(true, browser.executeScript("return document.activeElement.parentElement.open;"), "Enter opens it");
        HeadlessChromium.screenshot(browser, Path.of("target", "console-it", "actionsMenuOpen.png"));
        new Actions(browser).sendKeys(Keys.TAB).perform();
        assertEquals("demote:" + id, focused(), "Tab enters it");
        new Actions(browser).sendKeys(Keys.ESCAPE).perform();
        assertEquals(menu, focused(), "Escape gives the focus back");
        assertEquals(false, browser.executeScript("return document.activeElement.parentElement.open;"), "Escape closes it");
    }

    private String focused() {
        return (String) browser.executeScript("return document.activeElement.dataset ? document.activeElement.dataset.key || null : null;");
    }

    private void wholeNumberTicks(String... selectors) {
        for (String selector : selectors) {
            List<String> ticks = waiting.until(d -> {
                List<String> t = d.findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList();
                return t.size() >= 2 ? t : null;
            });
            assertTrue(ticks.stream().allMatch(t -> t.matches("-?\\d+")), selector + ": " + ticks);
            assertEquals(ticks.size(), new HashSet<>(ticks).size(), selector + " repeats a tick: " + ticks);
        }
    }
}
