package org.batteryledger.core.ha;

import java.util.Objects;
import java.util.Optional;

/**
 * Which server of a clustered member runs its replica: the lease its store holds. {@code epoch} is the fencing token
 * (it grows with every takeover, never on a renewal); the store refuses a persist from any other epoch, so a server
 * that was paused past its lease cannot write after another took over, however late its clock or its thread resumes.
 * Clocks decide only when a takeover happens (liveness), never whether two servers write (safety): the epoch does.
 *
 * @param holder          the server's name (unique within the member)
 * @param epoch           1 for the first holder, one more at every takeover
 * @param expiresAtMillis the holder's own clock when it last renewed, plus the lease's duration
 */
public record Lease(String holder, long epoch, long expiresAtMillis) {
    public Lease {
        Objects.requireNonNull(holder, "holder");
        if (holder.isBlank() || holder.length() > MAX_HOLDER_CHARS) {
            throw new IllegalArgumentException("a lease holder is a server name of 1 to " + MAX_HOLDER_CHARS + " characters");
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("a lease's epoch starts at 1: " + epoch);
        }
    }

    public static final int MAX_HOLDER_CHARS = 128;

    /** A holder renews every quarter of the lease; one and a half of those without a renewal is a missed one. */
    public static long missedRenewalMillis(long durationMillis) {
        return durationMillis * 3 / 8;
    }

    /** What a server does with the lease at one look: hold it (write {@code next} if the store still has what it read), or wait. */
    public sealed interface Decision {
        /** Write {@code next} in place of what was read; a takeover when its epoch is new, a renewal when not. */
        record Hold(Lease next, boolean takeover) implements Decision {
        }

        /** Another server holds an unexpired lease. */
        record Wait(Lease current) implements Decision {
        }
    }

    /**
     * A holder the deciding server saw leave the member's group while it held the lease at {@code epoch} (the group's
     * failure detector: a killed server's sockets close at once). Evidence for this lease only: a later epoch, or the
     * lease in another's name, makes it void ({@link HolderWatch} keeps it).
     */
    public record Departed(String holder, long epoch) {
        public Departed {
            Objects.requireNonNull(holder, "holder");
        }
    }

    /**
     * What server {@code me}, holding epoch {@code heldEpoch} (0 when it holds none: after its start, or after it lost the
     * lease), does at {@code nowMillis} when the store holds {@code current}.
     * <ul>
     * <li>No lease yet: take epoch 1.</li>
     * <li>Its own, at the epoch it holds: renew (same epoch), even expired: no one took it over, or the epoch would differ.</li>
     * <li>Expired, or in its own name at an epoch it does not hold (an earlier run of this server): take it with the next
     * epoch, which fences whoever held it.</li>
     * <li>Another server's, unexpired: wait.</li>
     * </ul>
     */
    public static Decision decide(Optional<Lease> current, String me, long heldEpoch, long nowMillis, long durationMillis) {
        return decide(current, me, heldEpoch, nowMillis, durationMillis, Optional.empty());
    }

    /**
     * As above, and another server's unexpired lease is taken too, with the next epoch, when {@code departed} is its
     * holder at its epoch and the holder has missed a renewal (more than one and a half look periods, three eighths of
     * the duration, since its last one): it left the member's group and stopped renewing, so waiting out its lease only
     * keeps the member from taking part. The missed renewal keeps a healthy holder whose link to the deciding server
     * broke (it renews on time through the store) from being taken over at every flap of that link. Safe even when both
     * were wrong: the epoch fences the holder at its next persist, and a server sends only what it persisted.
     */
    public static Decision decide(Optional<Lease> current, String me, long heldEpoch, long nowMillis, long durationMillis, Optional<Departed> departed) {
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("a lease lasts a positive time: " + durationMillis);
        }
        if (current.isEmpty()) {
            return new Decision.Hold(new Lease(me, 1, nowMillis + durationMillis), true);
        }
        Lease c = current.get();
        boolean mine = c.holder().equals(me);
        if (mine && heldEpoch == c.epoch()) {
            return new Decision.Hold(new Lease(me, c.epoch(), nowMillis + durationMillis), false);
        }
        boolean gone = departed.isPresent() && departed.get().holder().equals(c.holder()) && departed.get().epoch() == c.epoch()
                && nowMillis >= c.expiresAtMillis() - durationMillis + missedRenewalMillis(durationMillis);
        if (mine || gone || nowMillis >= c.expiresAtMillis()) {
            return new Decision.Hold(new Lease(me, c.epoch() + 1, nowMillis + durationMillis), true);
        }
        return new Decision.Wait(c);
    }
}
