package org.batteryledger.launcher;

import org.batteryledger.launcher.client.NodeClient;

import com.fasterxml.jackson.databind.JsonNode;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.RevocationReason;
import org.batteryledger.node.directory.NodeDirectory;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./consortium revoke-signer NODE [--reason R] [--serial S]}: revokes one of the node's document signers on chain
 * (its current one unless a serial is named), with an RFC 5280 reason. A running node of the same agency revokes it at
 * once (REVOKE_SIGNER); without one, the other agencies revoke it by a governance proposal.
 */
final class SignerRevocation {
    private SignerRevocation() {
    }

    static int revoke(Path dir, Path jbossHome, String nodeName, String reason, String serial) throws Exception {
        NodeDirectory nd = new NodeDirectory(dir.resolve("nodes").resolve(nodeName));
        if (!Files.exists(nd.propertiesFile())) {
            System.err.println("no node " + nodeName + " in " + dir);
            return 2;
        }
        try {
            reason = RevocationReason.fromLabel(reason).label();
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        String agency = nd.properties().getProperty("agency");
        NodeId node = NodeIds.fromCertificate(nd.suite(), nd.nodeCertificate());
        Governance governance = Governance.asAdmin(dir, jbossHome);
        int port = governance.nodeOf(agency);
        if (port < 0) {
            System.err.println("no node of the consortium runs");
            return 1;
        }
        String fingerprint = null;
        for (JsonNode s : governance.get(port, "/signers?nodeId=" + node.value())) {
            boolean named = serial == null ? s.path("status").asText().equals("current") : s.path("serial").asText().equals(serial);
            if (named) {
                fingerprint = s.path("fingerprint").asText();
            }
        }
        if (fingerprint == null) {
            System.err.println(nodeName + " has no " + (serial == null ? "current document signer" : "document signer of serial " + serial)
                    + " on chain (GET /ledger/api/signers?nodeId=" + node.value() + " lists them)");
            return 1;
        }
        String body = Governance.JSON.createObjectNode().put("reason", reason).toString();
        if (!agency.equals(governance.agencyAt(port))) {
            String outcome = governance.proposeAndApprove(port, Governance.JSON.createObjectNode().put("action", "revoke-signer")
                    .put("fingerprint", fingerprint).put("reason", reason).toString());
            if (!outcome.equals("executed")) {
                System.err.println("the revocation of " + nodeName + "'s signer is " + outcome);
                return 1;
            }
        } else {
            NodeClient.Reply r = governance.send(port, "POST", "/signers/" + fingerprint + "/revocation", body);
            if (r.status() != 202) {
                System.err.println("the revocation was refused (" + r.status() + "): " + r.detail());
                return 1;
            }
            String tx = r.json().path("txHash").asText();
            governance.awaitReceipt(port, tx);
            JsonNode receipt = governance.get(port, "/admin/transactions/" + tx);
            if (!receipt.path("ok").asBoolean()) {
                System.err.println("the chain refused the revocation: " + receipt.path("error").asText());
                return 1;
            }
        }
        System.out.println(nodeName + "'s document signer " + fingerprint.substring(0, 16) + " is revoked (" + reason
                + "); ./consortium rotate-signer " + nodeName + " gives it a new one");
        return Crls.publish(dir, jbossHome); // outsiders' validators learn it from the CRLs
    }
}
