package org.batteryledger.core.ha;

import java.util.Collection;
import java.util.Optional;

/**
 * A standby's watch on its member's lease holder through the member's group (the servers' JGroups view): the holder is
 * {@link Lease.Departed departed} only when this server saw it in the group while it held the lease at that epoch, and
 * then saw it missing. So a server whose group has not formed yet (it just started, or the other server is on a host it
 * cannot reach) never takes a lease early; neither does a server that lost a lease to a holder it could not see (which
 * would take it back and forth with the other server for as long as the two cannot see each other).
 * <p>
 * Inputs come from one thread (the lease's): each look's reading of the lease, each poll of the group.
 */
public final class HolderWatch {
    private String holder;
    private long epoch;
    private boolean seen;
    private boolean gone;

    /** What a look read from the store: the holder and its epoch. A new holder or epoch starts the watch afresh. */
    public void leaseRead(String holder, long epoch) {
        if (!holder.equals(this.holder) || epoch != this.epoch) {
            this.holder = holder;
            this.epoch = epoch;
            seen = false;
            gone = false;
        }
    }

    /**
     * The member's group as its failure detector has it now (server names; null when this server has no group). True
     * the first time it shows a holder this watch saw before as gone: the caller looks at the lease at once.
     */
    public boolean group(Collection<String> members) {
        if (holder == null || members == null) {
            return false;
        }
        if (members.contains(holder)) {
            seen = true;
            gone = false; // back in the group (a suspicion that was false, or a merge): no evidence any more
            return false;
        }
        if (seen && !gone) {
            gone = true;
            return true;
        }
        return false;
    }

    /** The holder that left the group while holding the lease it holds now, if it did. */
    public Optional<Lease.Departed> departed() {
        return gone ? Optional.of(new Lease.Departed(holder, epoch)) : Optional.empty();
    }
}
