package org.batteryledger.launcher;

import org.batteryledger.client.ApiException;
import org.batteryledger.client.api.ChainApi;
import org.batteryledger.client.model.Chain;
import org.batteryledger.client.model.Node;
import org.batteryledger.core.contract.Concentration;
import org.batteryledger.launcher.client.NodeClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./consortium status}: each server's process, height, view and primary (a clustered member's servers with their
 * role), then the node list as the chain has it, then a warning for each agency that holds more validators than the
 * chain tolerates faulty ones.
 */
final class StatusReport {
    private final Consortium c;

    StatusReport(Consortium c) {
        this.c = c;
    }

    /** 1 when there is no consortium. */
    int print() throws IOException {
        List<Path> nodeDirs = Consortium.nodeDirs(c.dir());
        if (nodeDirs.isEmpty()) {
            System.out.println("no consortium in " + c.dir() + ": run ./consortium up");
            return 1;
        }
        Path jbossHome = Consortium.jbossHomeOf(c.dir());
        String admin = c.adminPassword();
        List<Node> nodes = null;
        System.out.printf(Locale.ROOT, "%-8s %-9s %8s %6s %-10s%n", "node", "process", "height", "view", "primary");
        for (Path node : nodeDirs) {
          for (NodeProcess p : MemberCluster.servers(jbossHome, node)) {
            ChainApi api = new ChainApi(NodeClient.of(p.httpPort(), "admin", admin).withTimeout(java.time.Duration.ofSeconds(10)).typed("admin"));
            Chain chain = null;
            if (p.running().isPresent()) {
                try {
                    chain = api.chainResourceChain();
                    if (nodes == null) {
                        nodes = api.chainResourceNodes();
                    }
                } catch (ApiException e) { // starting, or not answering
                    chain = null;
                }
            }
            if (chain == null) {
                System.out.printf(Locale.ROOT, "%-8s %-9s %8s %6s %-10s%n", p.serverName(), p.running().isPresent() ? "starting" : "down", "-", "-", "-");
                continue;
            }
            String role = p.serverName().equals(p.name()) ? "" : " " + Consortium.role(p, admin);
            System.out.printf(Locale.ROOT, "%-8s %-9s %8d %6d %-10s%s%n", p.serverName(), "up", chain.getHeight(), chain.getView(),
                    chain.getPrimary().substring(0, 8), role);
          }
        }
        if (nodes != null) {
            System.out.println();
            System.out.printf(Locale.ROOT, "%-10s %-10s %-10s %-10s %4s %6s %-10s %-9s %s%n", "id", "name", "agency", "caHash", "idx",
                    "block", "role", "status", "participation");
            for (Node n : nodes) {
                String caHash = n.getCaHash();
                System.out.printf(Locale.ROOT, "%-10s %-10s %-10s %-10s %4d %6d %-10s %-9s %.3f%n", n.getId().substring(0, 8), n.getName(),
                        n.getAgency(), caHash.substring(0, Math.min(8, caHash.length())), n.getIdx(), n.getBlockNumber(), n.getRole().getValue(),
                        n.getStatus().getValue(), n.getParticipation());
            }
            List<String> warnings = concentrationWarnings(nodes);
            if (!warnings.isEmpty()) {
                System.out.println();
            }
            warnings.forEach(w -> System.out.println("WARNING: " + w));
        }
        return 0;
    }

    /**
     * The node list's validators (its consensus nodes) judged by ledger-core's {@link Concentration}: one line per agency
     * holding more validators than f, with the fix, and one when fewer than four agencies hold validators.
     */
    static List<String> concentrationWarnings(List<Node> nodes) {
        return Concentration.ofAgencies(nodes.stream().filter(n -> n.getRole() == Node.RoleEnum.CONSENSUS).map(Node::getAgency).toList())
                .warnings();
    }
}
