package org.batteryledger.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The nodes' class-data-sharing archive (JDK dynamic CDS, JEP 350): the classes a node loads while it starts, parsed
 * and verified once and mapped read-only into every node's JVM. Measured on one node (BENCHMARKS.md): about a quarter
 * less CPU and time until it serves, and the archive's pages are shared by the nodes of a machine.
 * <p>
 * The archive is made by a training run ({@link #ensure}): a throwaway one-node consortium started with
 * {@code -XX:ArchiveClassesAtExit} and stopped cleanly once it serves. It belongs to one JDK and one EAR (its name is
 * their hash), and lives beside the server installation. A JVM that cannot use it (another JDK, a changed class)
 * ignores it or the changed classes ({@code -Xshare:auto}, the default): the archive only ever saves time.
 * {@code BATTERYLEDGER_CDS=off} leaves it out.
 */
final class ClassArchive {
    /**
     * Shifts the training node may take, the first whose ports are free: a consortium started with one of them (the
     * benchmarks use 5000) would otherwise make the training fail and every node start without an archive.
     */
    static final int[] TRAINING_SHIFTS = {5000, 11000, 17000, 23000, 29000};
    /**
     * Archives kept: the new one and the one before it (another JDK's, or the EAR switched back to). About 150 MB each,
     * and every rebuilt EAR makes one: a developer's machine held 1.7 GB of them after a day of builds.
     */
    static final int KEEP = 2;

    private ClassArchive() {
    }

    /** EAR digests by path, size and modification time: every node start asks, and each EAR file is read once. */
    private static final java.util.Map<String, String> DIGESTS = new java.util.concurrent.ConcurrentHashMap<>();

    /** Where the archive of this JDK and this EAR is, whether or not it exists. */
    static Path of(Path jbossHome, Path ear) throws IOException {
        String key = ear.toAbsolutePath() + "|" + Files.size(ear) + "|" + Files.getLastModifiedTime(ear).toMillis();
        String digest = DIGESTS.get(key);
        if (digest == null) {
            digest = digest(ear);
            DIGESTS.put(key, digest);
        }
        return jbossHome.resolve("battery-ledger-cds").resolve(digest.substring(0, 16) + ".jsa");
    }

    private static String digest(Path ear) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (InputStream in = Files.newInputStream(ear)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The JVM option that maps the archive, when there is one and it is wanted. */
    static Optional<String> option(Path jbossHome, Path ear) throws IOException {
        if ("off".equals(System.getenv("BATTERYLEDGER_CDS")) || ear == null || !Files.isRegularFile(ear)) {
            return Optional.empty();
        }
        Path archive = of(jbossHome, ear);
        return Files.isRegularFile(archive) ? Optional.of("-XX:SharedArchiveFile=" + archive) : Optional.empty();
    }

    /**
     * Makes the archive unless it exists: about 25 s once per EAR, which the nodes' starts repay. Concurrent launchers
     * wait for each other (a file lock). A failed training is reported and leaves no archive: nodes start without one.
     */
    static void ensure(Path jbossHome, Path ear) throws InterruptedException {
        if ("off".equals(System.getenv("BATTERYLEDGER_CDS"))) {
            return;
        }
        try {
            train(jbossHome, ear);
        } catch (IOException | RuntimeException e) {
            // A read-only installation, a full disk: the nodes start as they would without an archive.
            System.err.println("the class archive was not made (" + e + "): nodes start without one");
        }
    }

    private static void train(Path jbossHome, Path ear) throws IOException, InterruptedException {
        Path archive = of(jbossHome, ear);
        Files.createDirectories(archive.getParent());
        try (FileChannel lockFile = FileChannel.open(archive.resolveSibling("training.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = lockFile.lock()) {
            if (Files.isRegularFile(archive)) {
                return;
            }
            long t0 = System.nanoTime();
            System.out.println("training the nodes' class archive for this EAR (once): " + archive);
            Path dir = archive.resolveSibling("training");
            deleteTree(dir);
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Consortium training = Consortium.at(dir);
            training.init(1, "ecdsa-p256-sha256", jbossHome, trainingPorts());
            NodeProcess node = Consortium.process(jbossHome, Consortium.nodeDirs(dir).get(0));
            boolean served = node.start(ear, List.of("-XX:ArchiveClassesAtExit=" + partial))
                    && Consortium.waitUntilServing(node, training.adminPassword());
            node.stop(120); // the JVM writes the archive as it exits
            if (served && Files.isRegularFile(partial)) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE);
                System.out.printf(java.util.Locale.ROOT, "class archive ready in %.0f s (%d MB)%n", (System.nanoTime() - t0) / 1e9, Files.size(archive) >> 20);
                prune(archive.getParent(), KEEP);
            } else {
                System.err.println("the class archive was not made (see " + dir.resolve("nodes") + "): nodes start without one");
                return;
            }
            deleteTree(dir);
        }
    }

    /** The first of {@link #TRAINING_SHIFTS} whose HTTP, HTTPS, management and peer ports are free on 127.0.0.1. */
    static Ports trainingPorts() {
        for (int shift : TRAINING_SHIFTS) {
            Ports p = new Ports(shift);
            if (free(p.http(0)) && free(p.https(0)) && free(p.management(0)) && free(p.p2p(0))) {
                return p;
            }
        }
        return new Ports(TRAINING_SHIFTS[0]); // all taken: the training says it failed, and nodes start without an archive
    }

    /** Whether {@code port} can be bound on 127.0.0.1 now. */
    static boolean free(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Deletes all but the {@code keep} most recently made archives of {@code dir}. A node running on a deleted one keeps
     * its mapping (the file goes once no process maps it); a later start without it trains again.
     */
    static void prune(Path dir, int keep) throws IOException {
        java.util.Map<Path, java.nio.file.attribute.FileTime> made = new java.util.HashMap<>();
        try (var files = Files.newDirectoryStream(dir, "*.jsa")) {
            for (Path p : files) {
                made.put(p, Files.getLastModifiedTime(p));
            }
        }
        List<Path> archives = made.keySet().stream().sorted(java.util.Comparator.comparing(made::get).reversed()).toList(); // newest first
        for (Path old : archives.subList(Math.min(keep, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
            System.out.println("removed an older class archive: " + old.getFileName());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
