package org.batteryledger.node.valuation;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.service.LedgerService;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The node's valuation registrations ({@link RegistrationGroups}). With {@value #GROUPS_PROPERTY} on, {@value #THREADS}
 * registering threads, started with the first registration, each submit what the node's issues queued meanwhile as
 * one transaction; off (the default), each registration is its own transaction, as before.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ValuationRegistrar {
    @EJB
    private LedgerService ledger;
    @EJB
    private ValuationKeys keys;
    @EJB
    private org.batteryledger.node.runtime.NodeRuntime runtime;
    @Resource
    private ManagedThreadFactory threads;

    /** Groups in flight at most: registering threads. */
    static final int THREADS = 4;

    private RegistrationGroups groups;
    private final java.util.List<Thread> registering = new java.util.ArrayList<>();

    @PostConstruct
    void start() {
        boolean grouping = grouping();
        groups = new RegistrationGroups(new RegistrationGroups.Chain() {
            @Override
            public SubmitResult submit(TxType type, byte[] payload) {
                return ledger.submitAsNode(type, payload);
            }

            @Override
            public Optional<Long> awaitCommit(Hash txHash, Duration timeout) {
                return ledger.awaitCommit(txHash, timeout);
            }

            @Override
            public String receiptError(Hash txHash) {
                return ledger.receipt(txHash.hex()).map(r -> r.error()).orElse(null);
            }
        }, Duration.ofMillis(keys.keys().registrationTimeoutMillis()), grouping);
        for (int i = 0; grouping && i < THREADS; i++) {
            Thread t = threads.newThread(groups::run);
            t.setName("valuation-registrations-" + i);
            t.setDaemon(true);
            t.start();
            registering.add(t);
        }
    }

    /** {@code valuation.registration.groups=true} in node.properties: on once every validator runs this version. */
    private boolean grouping() {
        try {
            return Boolean.parseBoolean(runtime.directory().properties().getProperty(GROUPS_PROPERTY, "false").trim());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public static final String GROUPS_PROPERTY = "valuation.registration.groups";

    @PreDestroy
    void stop() {
        registering.forEach(Thread::interrupt);
    }

    /** Registers a certificate, with whatever else is queued when grouping is on; see {@link RegistrationGroups#register}. */
    public RegistrationGroups.Outcome register(Payloads.RegisterValuation entry, Consumer<Hash> onSubmitted,
                                               Consumer<RegistrationGroups.Outcome> onFinal) {
        return groups.register(entry, onSubmitted, onFinal);
    }

    /** {@code [transactions, registrations]} submitted since the node started. */
    public long[] counts() {
        return groups.counts();
    }
}
