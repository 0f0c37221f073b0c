package org.batteryledger.core.pki;

import org.batteryledger.core.crypto.NodeId;

import java.math.BigInteger;

/**
 * What the chain has revoked, as the certificate checker needs it. Serials are looked up without their issuer, so
 * the deployment keeps certificate serials unique across the whole chain.
 */
public interface RevocationView {
    RevocationView NONE = new RevocationView() {
        @Override
        public boolean isSerialRevoked(BigInteger serial) {
            return false;
        }

        @Override
        public boolean isNodeRevoked(NodeId id) {
            return false;
        }
    };

    boolean isSerialRevoked(BigInteger serial);

    boolean isNodeRevoked(NodeId id);
}
