package org.batteryledger.core.crypto;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle JCA provider instance of the core. It is passed explicitly to every JCA/BC builder and is
 * never registered with {@code Security.addProvider}, so the core does not change the JVM's global provider list.
 */
public final class BouncyCastle {
    public static final BouncyCastleProvider PROVIDER = new BouncyCastleProvider();

    private BouncyCastle() {
    }
}
