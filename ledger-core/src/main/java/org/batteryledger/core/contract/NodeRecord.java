package org.batteryledger.core.contract;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.NodeId;

/**
 * An entry of the node registry: the fields of the reference deployment's node list (id, name, agency, CA hash,
 * index, block number of admission) plus the public key and role.
 */
public record NodeRecord(NodeId nodeId, String name, String agency, byte[] publicKey, String caHash, long idx,
                         long blockNumber, Role role) {

    public byte[] encode() {
        return new CanonicalWriter(256).u8(1).str(nodeId.value()).str(name).str(agency).bytes(publicKey).str(caHash)
                .u64(idx).u64(blockNumber).u8(role.code()).toByteArray();
    }

    public static NodeRecord decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        r.u8();
        NodeRecord n = new NodeRecord(ChainCodec.nodeId(r), r.str(Limits.MAX_NAME_BYTES), r.str(Limits.MAX_NAME_BYTES),
                r.bytes(Limits.MAX_KEY_BYTES), r.str(Limits.MAX_NAME_BYTES), r.u64(), r.u64(), Role.fromCode(r.u8()));
        r.end();
        return n;
    }

    public NodeRecord withRole(Role newRole) {
        return new NodeRecord(nodeId, name, agency, publicKey, caHash, idx, blockNumber, newRole);
    }
}
