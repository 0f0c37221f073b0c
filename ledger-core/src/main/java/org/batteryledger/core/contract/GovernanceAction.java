package org.batteryledger.core.contract;

import org.batteryledger.core.chain.ChainCodec;
import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.NodeId;

/**
 * What a governance proposal asks for. Wire codes are stable and never reused. Registry changes take effect
 * at the height after the block that executes them (the validator set of height h is the registry after h-1).
 */
public sealed interface GovernanceAction {
    int code();

    void writeBody(CanonicalWriter w);

    /** A short human description, for proposal lists and logs. */
    String describe();

    /** Admits a node; its index and admission height are assigned when the action runs. */
    record RegisterNode(NodeId nodeId, String name, String agency, byte[] publicKey, String caHash, Role role) implements GovernanceAction {
        public int code() {
            return 1;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(nodeId.value()).str(name).str(agency).bytes(publicKey).str(caHash).u8(role.code());
        }

        public String describe() {
            return "register " + role.label() + " node " + name + " (" + nodeId.shortId() + ") of " + agency;
        }
    }

    record RemoveNode(NodeId nodeId) implements GovernanceAction {
        public int code() {
            return 2;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(nodeId.value());
        }

        public String describe() {
            return "remove node " + nodeId.shortId();
        }
    }

    /** Demotes a consensus node to observer or promotes an observer. */
    record SetRole(NodeId nodeId, Role role) implements GovernanceAction {
        public int code() {
            return 3;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(nodeId.value()).u8(role.code());
        }

        public String describe() {
            return "make node " + nodeId.shortId() + " " + role.label();
        }
    }

    /** Revokes a node and/or a certificate serial (decimal); either may be empty but not both. */
    record Revoke(String nodeIdOrEmpty, String serialOrEmpty) implements GovernanceAction {
        public int code() {
            return 4;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(nodeIdOrEmpty).str(serialOrEmpty);
        }

        public String describe() {
            return "revoke" + (nodeIdOrEmpty.isEmpty() ? "" : " node " + nodeIdOrEmpty.substring(0, Math.min(8, nodeIdOrEmpty.length())))
                    + (serialOrEmpty.isEmpty() ? "" : " serial " + serialOrEmpty);
        }
    }

    record SetParameter(String name, long value) implements GovernanceAction {
        public int code() {
            return 5;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(name).u64(value);
        }

        public String describe() {
            return "set " + name + " = " + value;
        }
    }

    record AddAgency(String name) implements GovernanceAction {
        public int code() {
            return 6;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(name);
        }

        public String describe() {
            return "add agency " + name;
        }
    }

    default byte[] encode() {
        CanonicalWriter w = new CanonicalWriter(128).u8(code());
        writeBody(w);
        return w.toByteArray();
    }

    static GovernanceAction decode(byte[] bytes) {
        CanonicalReader r = new CanonicalReader(bytes);
        int code = r.u8();
        GovernanceAction a = switch (code) {
            case 1 -> new RegisterNode(ChainCodec.nodeId(r), r.str(Limits.MAX_NAME_BYTES), r.str(Limits.MAX_NAME_BYTES),
                    r.bytes(Limits.MAX_KEY_BYTES), r.str(Limits.MAX_NAME_BYTES), Role.fromCode(r.u8()));
            case 2 -> new RemoveNode(ChainCodec.nodeId(r));
            case 3 -> new SetRole(ChainCodec.nodeId(r), Role.fromCode(r.u8()));
            case 4 -> new Revoke(r.str(64), r.str(128));
            case 5 -> new SetParameter(r.str(Limits.MAX_NAME_BYTES), r.u64());
            case 6 -> new AddAgency(r.str(Limits.MAX_NAME_BYTES));
            default -> throw new DecodeException("unknown governance action " + code);
        };
        r.end();
        return a;
    }
}
