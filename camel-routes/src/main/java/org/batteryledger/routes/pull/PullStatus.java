package org.batteryledger.routes.pull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** What a partner route has done, for health and metrics: counts since the node started, and the last failure. */
public final class PullStatus {
    private final Partner partner;
    final AtomicLong pages = new AtomicLong();
    final AtomicLong taken = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong deferred = new AtomicLong();
    final AtomicLong failedCycles = new AtomicLong();
    final AtomicLong consecutiveFailures = new AtomicLong();
    final AtomicLong lastSuccessAt = new AtomicLong();
    final AtomicReference<String> lastError = new AtomicReference<>();
    final AtomicReference<String> paused = new AtomicReference<>();

    PullStatus(Partner partner) {
        this.partner = partner;
    }

    public Partner partner() {
        return partner;
    }

    public long pages() {
        return pages.get();
    }

    /** New records stored (duplicates not counted). */
    public long taken() {
        return taken.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Records deferred (a session before its battery's record), counted each time. */
    public long deferred() {
        return deferred.get();
    }

    /** Cycles that ended in failure after all their retries. */
    public long failedCycles() {
        return failedCycles.get();
    }

    /** Failed cycles since the last successful page: 0 when the partner answers. */
    public long consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Epoch millis of the last page taken; 0 if none yet. */
    public long lastSuccessAt() {
        return lastSuccessAt.get();
    }

    /** Why the route waits without asking the partner (the node's store takes no records now); null when it pulls. */
    public String paused() {
        return paused.get();
    }

    /** Why the last failed cycle failed; null if none did. */
    public String lastError() {
        return lastError.get();
    }
}
