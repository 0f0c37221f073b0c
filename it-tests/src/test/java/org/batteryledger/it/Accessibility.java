package org.batteryledger.it;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * axe-core (Deque's accessibility engine, from the org.webjars.npm:axe-core WebJar on the test classpath) run on the
 * page the browser shows. The engine's source goes in through the driver's executeScript, which the page's Content
 * Security Policy (script-src 'self') does not govern: the driver evaluates it over the DevTools protocol, not as a
 * script element of the page.
 */
final class Accessibility {
    /** The impacts a test fails on; "moderate" and "minor" are reported only. */
    static final Set<String> BLOCKING = Set.of("serious", "critical");

    private static final String WEBJAR = "META-INF/resources/webjars/axe-core/";
    private static String version;
    private static String source;

    /** One rule broken on a page: the rule's id, its impact, what it asks for, and the elements (CSS selectors) that break it. */
    record Violation(String id, String impact, String help, String helpUrl, List<String> targets) {
        boolean blocking() {
            return BLOCKING.contains(impact);
        }

        @Override
        public String toString() {
            return id + " (" + impact + "): " + help + " [" + helpUrl + "]\n      at " + String.join("\n      at ", targets);
        }
    }

    private Accessibility() {
    }

    /**
     * Each page (a console route after "#/") shown, made ready by prepare, settled, and checked: its violations, by page.
     * A page is ready when it shows a section and no page error.
     */
    static Map<String, List<Violation>> checkPages(ChromeDriver browser, FluentWait<WebDriver> waiting, String console, List<String> pages,
                                                   Consumer<String> prepare) {
        Map<String, List<Violation>> found = new LinkedHashMap<>();
        for (String page : pages) {
            browser.get(console + "#/" + page);
            waiting.until(d -> !d.findElements(By.cssSelector("#page section")).isEmpty() && d.findElements(By.id("page-error")).isEmpty());
            prepare.accept(page);
            settle(browser);
            found.put(page, check(browser));
        }
        return found;
    }

    /** Fails with every serious or critical violation, page by page: rule, impact, what it asks for, and where. */
    static void assertNoneBlocking(Map<String, List<Violation>> found) {
        Map<String, List<Violation>> blocking = new LinkedHashMap<>();
        found.forEach((page, list) -> blocking.put(page, list.stream().filter(Violation::blocking).toList()));
        assertTrue(blocking.values().stream().allMatch(List::isEmpty),
                () -> "serious or critical accessibility violations (axe-core " + version() + "):\n" + describe(blocking));
    }

    /**
     * Waits until the page has stopped changing for 700 ms (its fetches answered and drawn), at most 20 s: axe then
     * reads one state of the page, well before the next 5-second refresh.
     */
    static void settle(JavascriptExecutor js) {
        js.executeAsyncScript("const done = arguments[arguments.length - 1]; let timer;"
                + "const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(finish, 700); });"
                + "const finish = () => { observer.disconnect(); clearTimeout(limit); done(true); };"
                + "const limit = setTimeout(finish, 20000);"
                + "observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});"
                + "timer = setTimeout(finish, 700);");
    }

    /** Every violation axe finds on the current page (all impacts), WCAG 2.1 A and AA rules and axe's best practices. */
    static List<Violation> check(JavascriptExecutor js) {
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
            js.executeScript(source());
        }
        Object result = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({"
                + " id: v.id, impact: v.impact || 'unknown', help: v.help, helpUrl: v.helpUrl,"
                + " targets: v.nodes.map(n => n.target.join(' ') + (n.failureSummary ? ' — ' + n.failureSummary.replace(/\\s+/g, ' ') : ''))"
                + "}))), e => done('axe failed: ' + e));");
        if (result instanceof String failure) {
            throw new IllegalStateException(failure);
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list = (List<Map<String, Object>>) result;
        return list.stream().map(v -> {
            @SuppressWarnings("unchecked")
            List<String> targets = (List<String>) v.get("targets");
            return new Violation((String) v.get("id"), (String) v.get("impact"), (String) v.get("help"), (String) v.get("helpUrl"), targets);
        }).toList();
    }

    /** The violations as lines for a failure message or a report, one page after another. */
    static String describe(Map<String, List<Violation>> byPage) {
        return byPage.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + ":\n" + e.getValue().stream().map(v -> "  " + v).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n"));
    }

    /** The axe-core WebJar's version, from its pom.properties (so the version lives in the root pom only). */
    static synchronized String version() {
        if (version == null) {
            Properties pom = new Properties();
            try (InputStream in = Accessibility.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars.npm/axe-core/pom.properties")) {
                if (in == null) {
                    throw new IllegalStateException("org.webjars.npm:axe-core is not on the test classpath");
                }
                pom.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            version = pom.getProperty("version");
        }
        return version;
    }

    private static synchronized String source() {
        if (source == null) {
            try (InputStream js = Accessibility.class.getClassLoader().getResourceAsStream(WEBJAR + version() + "/axe.min.js")) {
                if (js == null) {
                    throw new IllegalStateException("no axe.min.js in the axe-core WebJar " + version());
                }
                source = new String(js.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }
}
