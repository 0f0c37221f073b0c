package org.batteryledger.core.sim;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.KeyPairs;
import org.batteryledger.core.crypto.LocalSigner;
import org.batteryledger.core.crypto.Signer;
import org.batteryledger.core.crypto.Suites;
import org.batteryledger.core.crypto.SuiteKeyPair;

/** Suites and reproducible keys for simulated nodes: the keyed-hash suite, or a real one (ECDSA P-256, SM2). */
final class SimCrypto {
    private SimCrypto() {
    }

    static CryptoSuite suite(String id) {
        return SimSuite.ID.equals(id) ? new SimSuite() : Suites.byId(id);
    }

    static Signer signer(CryptoSuite suite, long seed, int index) {
        if (suite instanceof SimSuite sim) {
            return sim.newSigner(seed, index);
        }
        EcSuite ec = (EcSuite) suite;
        SuiteKeyPair kp = KeyPairs.generate(ec, KeyPairs.seededRandom("sim-" + seed + "-node-" + index));
        return new LocalSigner(ec, kp.privateKey());
    }
}
