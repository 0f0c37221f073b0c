package org.batteryledger.it;

import org.batteryledger.launcher.PostgresCluster;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts installing the Debian packages the system tests need (PostgreSQL, Chromium and its driver) when the test run
 * begins, on a machine that lacks them (CI's are fresh): apt-get's downloads then overlap the first test classes
 * instead of holding up {@link ConsortiumPostgresIT} and {@link ConsoleBrowserIT}. Those classes still call
 * {@link DebianPackages#ensure} themselves; it is synchronized, so they wait for this install, find the packages, and
 * install or report on their own if it failed. On a machine that has them this does nothing.
 * Registered in {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class PackagesInBackground implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Thread install = new Thread(() -> {
            try {
                DebianPackages.ensure(() -> PostgresCluster.binaries().isPresent()
                                && DebianPackages.files(HeadlessChromium.BROWSER, HeadlessChromium.DRIVER).check(),
                        "postgresql", "chromium", "chromium-driver", "fonts-dejavu-core");
            } catch (Exception | AssertionError e) {
                // The classes that need the packages try again and say what is missing.
            }
        }, "debian-packages");
        install.setDaemon(true);
        install.start();
    }
}
