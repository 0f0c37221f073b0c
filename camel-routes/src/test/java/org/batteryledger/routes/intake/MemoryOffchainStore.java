package org.batteryledger.routes.intake;

import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.MemoryStore;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.intake.Submission;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The intake route's store for route tests: ledger-core's decisions on a memory store, one submission at a time. */
public final class MemoryOffchainStore implements OffchainStore {
    public final MemoryStore memory = new MemoryStore();
    /** The store's clock: tests move it to run out a deferral. */
    public final AtomicLong now = new AtomicLong(1_000);

    @Override
    public synchronized List<Outcome> take(Submission submission) {
        return Intake.take(Suites.ecdsa(), submission, memory, now.get());
    }

    /** Why the store takes no records now: tests set it as a full disk or a database away would. */
    public volatile String refusal;

    @Override
    public String refusal() {
        return refusal;
    }

    @Override
    public synchronized String position(String partner) {
        return memory.cursor(partner).position();
    }

    public synchronized long sessions() {
        return memory.records().stream().filter(s -> s.record().record().type().equals("session")).count();
    }

    public synchronized long batteries() {
        return memory.records().stream().filter(s -> s.record().record().type().equals("battery")).count();
    }

    public synchronized List<MemoryStore.DeadLetter> deadLetters() {
        return memory.deadLetters();
    }
}
