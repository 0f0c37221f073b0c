package org.batteryledger.launcher;

import org.batteryledger.node.directory.NodeDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line as an operator meets it: help, completion, usage errors with exit status 2, and what the drills write. */
class MainTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A consortium directory with one node, as far as the drills read it: its node.properties. */
    @BeforeEach
    void oneNode() throws IOException {
        Files.createDirectories(dir.resolve("nodes/node3/data"));
        Properties p = new Properties();
        p.setProperty("name", "node3");
        p.setProperty("index", "3");
        try (var w = Files.newBufferedWriter(dir.resolve("nodes/node3/data/node.properties"))) {
            p.store(w, null);
        }
    }

    private int run(String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private Properties nodeProperties() throws IOException {
        return new NodeDirectory(dir.resolve("nodes/node3")).properties();
    }

    @Test
    void helpListsEveryCommandAndEachCommandHasItsOwn() {
        assertEquals(0, run("--help"));
        List<String> commands = List.of("up", "status", "down", "stop", "start", "kill", "add-agency", "add-node", "prepare-node", "sign-csr",
                "remove-node", "revoke", "rotate-signer", "revoke-signer", "crl", "slow", "byzantine", "kill-loop", "soak", "simulate", "verify-evidence",
                "generate-completion");
        for (String c : commands) {
            assertTrue(out.toString().contains("  " + c + " "), c + " missing from\n" + out);
        }
        assertFalse(out.toString().contains("  init "), "init is the build's, not an operator's");
        for (String c : commands) {
            out.getBuffer().setLength(0);
            assertEquals(0, run(c, "--help"), c);
            assertTrue(out.toString().startsWith("Usage: consortium " + c), out.toString());
        }
        out.getBuffer().setLength(0);
        assertEquals(0, run("help", "up"));
        assertTrue(out.toString().contains("--nodes=N") && out.toString().contains("--db=DB") && out.toString().contains("--fleet="), out.toString());
    }

    @Test
    void completionIsABashScriptForEveryCommand() {
        assertEquals(0, run("generate-completion"));
        assertTrue(out.toString().contains("complete -F _complete_consortium"), out.toString());
        assertTrue(out.toString().contains("revoke-signer") && out.toString().contains("kill-loop"));
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhat() throws IOException {
        assertEquals(2, run());
        assertTrue(err.toString().contains("a command is required"), err.toString());
        assertEquals(2, run("bogus"));
        assertEquals(2, run("kill", "--dir", dir.toString()));
        assertTrue(err.toString().contains("NODE"), err.toString());
        assertEquals(2, run("slow", "node9", "100", "--dir", dir.toString()));
        assertTrue(err.toString().contains("no node node9"), err.toString());
        assertEquals(2, run("slow", "node3", "soon", "--dir", dir.toString()));
        assertEquals(2, run("slow", "node3", "60001", "--dir", dir.toString()));
        assertEquals(2, run("byzantine", "node3", "loud", "--dir", dir.toString()));
        assertEquals(2, run("byzantine", "node3", "flood", "0", "--dir", dir.toString()));
        assertEquals(2, run("up", "--nodes", "21", "--template", dir.toString(), "--dir", dir.toString()));
        assertEquals(2, run("up", "--nodes", "four"));
        assertEquals(2, run("status", "--dir", dir.resolve("nowhere").toString(), "extra"));
        assertEquals(2, run("simulate", "--nodes", "4", "--byzantine", "3", "--crash", "2"));
        assertFalse(err.toString().contains("\tat "), "no stack trace for a usage error:\n" + err);
        assertTrue(nodeProperties().stringPropertyNames().stream().noneMatch(k -> k.startsWith("p2p.") || k.startsWith("byzantine.")),
                "a refused drill changed nothing");
    }

    @Test
    void slowAndByzantineSetTheNodesPropertiesAndOffRemovesThem() throws IOException {
        assertEquals(0, run("slow", "node3", "1500", "--dir", dir.toString()));
        assertEquals("1500", nodeProperties().getProperty("p2p.delay.millis"));
        assertEquals(0, run("slow", "node3", "off", "--dir", dir.toString()));
        assertNull(nodeProperties().getProperty("p2p.delay.millis"));

        long before = System.currentTimeMillis();
        assertEquals(0, run("byzantine", "node3", "equivocate", "--dir", dir.toString()));
        Properties p = nodeProperties();
        assertEquals("equivocate", p.getProperty("byzantine.mode"));
        long until = Long.parseLong(p.getProperty("byzantine.until"));
        assertTrue(until >= before + 60_000 && until <= System.currentTimeMillis() + 60_000, "60 s by default");
        assertEquals(0, run("byzantine", "node3", "off", "--dir", dir.toString()));
        assertNull(nodeProperties().getProperty("byzantine.mode"));
        assertNull(nodeProperties().getProperty("byzantine.until"));
        assertEquals("node3", nodeProperties().getProperty("name"), "the other keys stay");
        try (var files = Files.list(dir.resolve("nodes/node3/data"))) {
            assertEquals(List.of("node.properties"), files.map(f -> f.getFileName().toString()).toList(), "no temporary file left");
        }
    }

    @Test
    void theSimulatorRunsFromTheCommandLine() {
        assertEquals(0, run("simulate", "--nodes", "4", "--seeds", "2"));
    }

    @Test
    void aCommandOnNoConsortiumSaysHowToMakeOne() {
        assertEquals(2, run("kill", "node3", "--dir", dir.toString()));
        assertTrue(err.toString().contains("run ./consortium up first"), err.toString());
    }
}
