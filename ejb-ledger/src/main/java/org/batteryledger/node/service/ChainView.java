package org.batteryledger.node.service;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.List;
import java.util.SortedMap;

/** The head of the chain as this node holds it, read in one consistent step of the replica. */
public record ChainView(long height, Hash headHash, long view, NodeId primary, List<NodeId> validators, int f,
                        Hash chainId, SortedMap<String, Long> params, int poolSize) {
}
