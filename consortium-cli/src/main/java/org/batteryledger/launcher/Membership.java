package org.batteryledger.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.node.directory.NodeDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * {@code ./consortium remove-node NODE} (through the node registry) and {@code ./consortium revoke NODE} (the
 * node id and its certificate serial on the revocation list: every peer cuts it off at once, open links too).
 * Both are governance proposals, made by another node of the same agency when one runs, approved by the others.
 */
final class Membership {
    private Membership() {
    }

    static int change(String command, Path dir, String nodeName, Path jbossHome) throws Exception {
        Path nodeDir = dir.resolve("nodes").resolve(nodeName);
        if (!Files.exists(nodeDir.resolve("data/node.properties"))) {
            System.err.println("no node " + nodeName + " in " + dir);
            return 2;
        }
        NodeDirectory nd = new NodeDirectory(nodeDir);
        X509Certificate cert = nd.nodeCertificate();
        NodeId id = NodeIds.fromCertificate(nd.suite(), cert);
        String agency = nd.properties().getProperty("agency");
        Governance governance = Governance.asAdmin(dir, jbossHome);

        // Proposed by another running node, of the same agency if possible: the node itself may be the problem.
        int self = Integer.parseInt(nd.properties().getProperty("http.port"));
        int proposer = -1;
        for (Path p : Consortium.nodeDirs(dir)) {
            var np = new NodeDirectory(p).properties();
            int port = Integer.parseInt(np.getProperty("http.port"));
            if (port == self || Consortium.process(jbossHome, p).running().isEmpty()) {
                continue;
            }
            if (proposer < 0 || agency.equals(np.getProperty("agency"))) {
                proposer = port;
            }
        }
        if (proposer < 0) {
            System.err.println("no other node runs to propose the change");
            return 1;
        }
        ObjectNode body = Governance.JSON.createObjectNode().put("nodeId", id.value());
        if (command.equals("revoke")) {
            body.put("action", "revoke").put("serial", cert.getSerialNumber().toString());
        } else {
            body.put("action", "remove-node");
        }
        String outcome = governance.proposeAndApprove(proposer, body.toString());
        if (!outcome.equals("executed")) {
            System.err.println(command + " of " + nodeName + " is " + outcome);
            return 1;
        }
        if (command.equals("revoke")) {
            System.out.println(nodeName + " (" + id.shortId() + ", certificate serial " + cert.getSerialNumber() + ") is revoked: its peers cut it off");
        } else {
            NodeProcess p = Consortium.process(jbossHome, nodeDir);
            p.stop(60);
            System.out.println(nodeName + " (" + id.shortId() + ") is removed from the registry and stopped; its data stays in " + nodeDir);
        }
        return 0;
    }
}
