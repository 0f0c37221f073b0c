package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.batteryledger.node.directory.NodeDirectory;

import org.batteryledger.launcher.client.NodeClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * Drives a governance change through the running consortium's REST API, as its operators would: a node of one
 * agency proposes, nodes of the other agencies approve until the on-chain quorum of agencies is reached.
 */
final class Governance {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WITHIN = Duration.ofMinutes(10);

    private final Path dir;
    private final Path jbossHome;
    private final String password;

    Governance(Path dir, Path jbossHome, String adminPassword) {
        this.dir = dir;
        this.jbossHome = jbossHome;
        this.password = adminPassword;
    }

    /** As the local consortium's admin user (users.properties). */
    static Governance asAdmin(Path dir, Path jbossHome) throws IOException {
        return new Governance(dir, jbossHome, Users.loadOrCreate(dir.resolve("users.properties"), new java.security.SecureRandom()).get("admin"));
    }

    /** The HTTP port of a running node of the agency, else of any running node; -1 if none runs. */
    int nodeOf(String agency) throws IOException {
        int any = -1;
        for (Path p : Consortium.nodeDirs(dir)) {
            Properties np = new NodeDirectory(p).properties();
            if (Consortium.process(jbossHome, p).running().isEmpty()) {
                continue;
            }
            int port = Integer.parseInt(np.getProperty("http.port"));
            if (agency != null && agency.equals(np.getProperty("agency"))) {
                return port;
            }
            if (any < 0) {
                any = port;
            }
        }
        return any;
    }

    /**
     * Proposes on {@code proposerPort}, waits for it to commit, then asks one running node of each other agency to
     * approve until the proposal is executed. Returns its final status: executed, open, failed or missing.
     */
    String proposeAndApprove(int proposerPort, String body) throws Exception {
        NodeClient.Reply r = send(proposerPort, "POST", "/admin/proposals", body);
        if (r.status() != 202) {
            throw new IOException("the proposal was refused (" + r.status() + "): " + r.detail());
        }
        String proposal = r.json().path("txHash").asText();
        System.out.println("proposed: " + proposal);
        awaitReceipt(proposerPort, proposal);
        String proposerAgency = agencyAt(proposerPort);
        java.util.Set<String> asked = new java.util.HashSet<>(List.of(proposerAgency));
        for (Path p : Consortium.nodeDirs(dir)) {
            if (status(proposerPort, proposal).equals("executed")) {
                break;
            }
            Properties np = new NodeDirectory(p).properties();
            if (asked.contains(np.getProperty("agency")) || Consortium.process(jbossHome, p).running().isEmpty()) {
                continue;
            }
            int port = Integer.parseInt(np.getProperty("http.port"));
            NodeClient.Reply a = send(port, "POST", "/admin/proposals/" + proposal + "/approvals", null);
            if (a.status() == 202) {
                asked.add(np.getProperty("agency"));
                awaitReceipt(port, a.json().path("txHash").asText());
                System.out.println("approved by " + np.getProperty("agency") + " (" + np.getProperty("name") + ")");
            }
        }
        String outcome = status(proposerPort, proposal);
        if (outcome.equals("failed")) {
            System.err.println("the proposal failed: " + outcomeOf(proposerPort, proposal));
        }
        return outcome;
    }

    /** The agency of the node serving HTTP on {@code port}, as its node.properties say; empty if none here does. */
    String agencyAt(int port) throws IOException {
        for (Path p : Consortium.nodeDirs(dir)) {
            Properties np = new NodeDirectory(p).properties();
            if (np.getProperty("http.port").equals(Integer.toString(port))) {
                return np.getProperty("agency");
            }
        }
        return "";
    }

    String status(int port, String proposal) throws Exception {
        JsonNode p = proposal(port, proposal);
        return p == null ? "missing" : p.path("status").asText();
    }

    private String outcomeOf(int port, String proposal) throws Exception {
        JsonNode p = proposal(port, proposal);
        return p == null ? "" : p.path("outcome").asText();
    }

    private JsonNode proposal(int port, String proposal) throws Exception {
        for (JsonNode p : get(port, "/admin/proposals")) {
            if (p.path("id").asText().equals(proposal)) {
                return p;
            }
        }
        return null;
    }

    void awaitReceipt(int port, String tx) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (send(port, "GET", "/admin/transactions/" + tx, null).status() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("transaction " + tx + " not committed within " + WITHIN.toMinutes() + " minutes");
    }

    JsonNode get(int port, String path) throws Exception {
        return client(port).getJson(path);
    }

    NodeClient.Reply send(int port, String method, String path, String body) throws Exception {
        return client(port).send(method, path, body);
    }

    private NodeClient client(int port) {
        return NodeClient.of(port, "admin", password);
    }
}
