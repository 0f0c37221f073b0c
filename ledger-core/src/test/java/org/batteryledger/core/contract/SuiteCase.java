package org.batteryledger.core.contract;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.sim.SimSuite;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A crypto suite with reproducible signers named by label, so a test runs unchanged with the simulator's
 * keyed-hash suite and with the real suites. Used as the argument of parameterized tests.
 */
public final class SuiteCase {
    private final String name;
    private final CryptoSuite suite;
    private final Function<String, Signer> factory;
    private final Map<String, Signer> signers = new HashMap<>();

    private SuiteCase(String name, CryptoSuite suite, Function<String, Signer> factory) {
        this.name = name;
        this.suite = suite;
        this.factory = factory;
    }

    public static SuiteCase sim() {
        SimSuite s = new SimSuite();
        return new SuiteCase("sim", s, label -> s.newSigner(20240501L, label.hashCode()));
    }

    public static SuiteCase real(EcSuite s) {
        return new SuiteCase(s.id(), s, label -> new LocalSigner(s,
                KeyPairs.generate(s, KeyPairs.seededRandom(s.id() + "/" + label)).privateKey()));
    }

    public static SuiteCase ecdsa() {
        return real(Suites.ecdsa());
    }

    public static SuiteCase sm2() {
        return real(Suites.sm2());
    }

    /** Every suite: the simulator's and both real ones. */
    public static Stream<SuiteCase> all() {
        return Stream.of(sim(), ecdsa(), sm2());
    }

    /** The simulator's suite and ECDSA: for tests that sign many transactions. */
    public static Stream<SuiteCase> simAndEcdsa() {
        return Stream.of(sim(), ecdsa());
    }

    public CryptoSuite suite() {
        return suite;
    }

    /** The same label always gives the same key (within a case and across runs). */
    public synchronized Signer signer(String label) {
        return signers.computeIfAbsent(label, factory);
    }

    public NodeId nodeId(String label) {
        return NodeId.of(suite, signer(label).publicKey());
    }

    @Override
    public String toString() {
        return name;
    }
}
