package org.batteryledger.it;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * Debian's Chromium, headless, driven by its chromium-driver: installed by {@link DebianPackages} when missing. Paths
 * are explicit (Selenium Manager would otherwise try to download a driver), the profile and downloads stay under
 * target/, and host resolution is cut off except for 127.0.0.1, so a page that needed anything outside the node would
 * fail visibly instead of fetching it.
 */
final class HeadlessChromium {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    static ChromeDriver start(Path work) throws IOException, InterruptedException {
        DebianPackages.ensure(DebianPackages.files(BROWSER, DRIVER), "chromium", "chromium-driver", "fonts-dejavu-core");
        Path profile = Files.createDirectories(work.resolve("profile"));
        Path downloads = Files.createDirectories(work.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(), "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        // Safe Browsing off: it would hold a ZIP download until its check of the file timed out on this closed network.
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false, "safebrowsing.enabled", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort()
                .withLogFile(work.resolve("chromedriver.log").toFile()).build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(120)).scriptTimeout(Duration.ofSeconds(120));
        return driver;
    }

    static Path downloads(Path work) {
        return work.resolve("downloads");
    }

    static void screenshot(ChromeDriver driver, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.move(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
