package org.batteryledger.core.crypto;

/**
 * Signs on behalf of one key. The core only ever sees this interface: the private key stays with whoever
 * implements it (a keystore in the node, a keyed hash in the simulator).
 */
public interface Signer {
    /** The public key in the suite's encoding (X.509 SubjectPublicKeyInfo DER for the real suites). */
    byte[] publicKey();

    byte[] sign(byte[] message);
}
