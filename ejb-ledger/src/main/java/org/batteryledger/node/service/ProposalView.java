package org.batteryledger.node.service;

import org.batteryledger.core.contract.Proposal;

/** A governance proposal with its on-chain id (the hash of the transaction that made it). */
public record ProposalView(String id, Proposal proposal) {
}
