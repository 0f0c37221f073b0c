package org.batteryledger.core.pbft;

import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Everything collected for one (height, view): the accepted pre-prepare and the prepares and commits, one per
 * sender in arrival order (so a commit certificate holds the first quorum that arrived). A sender's first vote
 * is kept; a second, different one is equivocation.
 */
final class Slot {
    final int view;
    PbftMessage.PrePrepare prePrepare;
    boolean prepared;
    final LinkedHashMap<NodeId, PbftMessage.Prepare> prepares = new LinkedHashMap<>();
    final LinkedHashMap<NodeId, PbftMessage.Commit> commits = new LinkedHashMap<>();

    Slot(int view) {
        this.view = view;
    }

    List<PbftMessage.Prepare> preparesFor(Hash blockHash) {
        List<PbftMessage.Prepare> out = new ArrayList<>();
        for (PbftMessage.Prepare p : prepares.values()) {
            if (p.blockHash().equals(blockHash)) {
                out.add(p);
            }
        }
        return out;
    }

    List<PbftMessage.Commit> commitsFor(Hash blockHash) {
        List<PbftMessage.Commit> out = new ArrayList<>();
        for (PbftMessage.Commit c : commits.values()) {
            if (c.blockHash().equals(blockHash)) {
                out.add(c);
            }
        }
        return out;
    }
}
