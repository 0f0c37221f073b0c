package org.batteryledger.launcher;

import org.batteryledger.core.crypto.NodeId;

import java.nio.file.Path;

/**
 * A node prepared for the console's add-node flow ({@link Consortium#prepareNode}): its directory with the key it made,
 * its id, and the CSR its agency CA signs (in the console, or by {@code ./consortium sign-csr}).
 */
public record PreparedNode(String name, Path nodeDir, NodeId nodeId, byte[] publicKey, String csrPem, String p2pAddress) {
}
