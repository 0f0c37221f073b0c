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

    /** A fixed snapshot of revoked node ids and serials (copied: later changes to the sets do not show). */
    static RevocationView of(java.util.Set<NodeId> nodes, java.util.Set<BigInteger> serials) {
        java.util.Set<NodeId> n = java.util.Set.copyOf(nodes);
        java.util.Set<BigInteger> s = java.util.Set.copyOf(serials);
        return new RevocationView() {
            @Override
            public boolean isSerialRevoked(BigInteger serial) {
                return s.contains(serial);
            }

            @Override
            public boolean isNodeRevoked(NodeId id) {
                return n.contains(id);
            }
        };
    }
}
