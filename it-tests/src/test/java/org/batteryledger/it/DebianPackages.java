package org.batteryledger.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Installs what a test needs from Debian's packages when the machine lacks it (the project's machines run the build as
 * root with apt-get), so a fresh machine needs only Java and Maven. apt-get's output goes to
 * {@code target/apt-get.log}, not to the test's streams: inherited output would corrupt Failsafe's fork channel.
 */
final class DebianPackages {
    private static final Path LOG = Path.of("target", "apt-get.log");

    private DebianPackages() {
    }

    /** Whether what the packages provide is there. */
    interface Installed {
        boolean check() throws IOException;
    }

    /** Every probe file exists. */
    static Installed files(Path... probes) {
        return () -> Arrays.stream(probes).allMatch(Files::exists);
    }

    /** Nothing if it is installed; otherwise installs the packages, or fails saying how to install them. */
    static synchronized void ensure(Installed installed, String... packages) throws IOException, InterruptedException {
        if (installed.check()) {
            return;
        }
        String manual = "apt-get install -y --no-install-recommends " + String.join(" ", packages);
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) || !"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("this test needs " + String.join(", ", packages) + ": install them as root with: apt-get update && " + manual);
        }
        Files.createDirectories(LOG.getParent());
        run(List.of("apt-get", "update"));
        List<String> install = new ArrayList<>(List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "--no-install-recommends"));
        install.addAll(Arrays.asList(packages));
        run(install);
        if (!installed.check()) {
            throw new AssertionError(String.join(", ", packages) + " still missing after " + manual + "; see " + LOG.toAbsolutePath());
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(LOG.toFile()));
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 15 minutes; see " + LOG.toAbsolutePath());
        }
        if (p.exitValue() != 0) {
            List<String> lines = Files.readAllLines(LOG);
            throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
        }
    }
}
