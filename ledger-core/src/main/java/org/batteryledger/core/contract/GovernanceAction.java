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

    /**
     * Revokes an agency CA, named by the hash the registry knows it by ({@code caHash} of its nodes): every node it
     * certified leaves the validator set and loses its links at once. (A serial on the revocation list cuts links, but
     * the chain cannot tell which nodes a serial certified.)
     */
    record RevokeAgencyCa(String caHash) implements GovernanceAction {
        public int code() {
            return 9;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(caHash);
        }

        public String describe() {
            return "revoke agency CA " + caHash.substring(0, Math.min(8, caHash.length()));
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

    /**
     * A new member company. Its profile is optional: an agency added without one is {@link Member#UNDECLARED}, and its
     * encoding is the one from before profiles existed (so earlier proposals still decode to the same bytes).
     */
    record AddAgency(String name, Member member) implements GovernanceAction {
        public AddAgency(String name) {
            this(name, Member.UNDECLARED);
        }

        public int code() {
            return 6;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(name);
            if (!member.equals(Member.UNDECLARED)) {
                w.bytes(member.encode());
            }
        }

        public String describe() {
            return "add agency " + name + (member.kinds().isEmpty() ? "" : " (" + String.join(", ", member.kindLabels()) + ")");
        }
    }

    /** Sets an agency's member kinds and the parties its records speak for (replacing what it had). */
    record SetMember(String agency, Member member) implements GovernanceAction {
        public int code() {
            return 7;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(agency).bytes(member.encode());
        }

        public String describe() {
            return "make agency " + agency + " " + (member.kinds().isEmpty() ? "no kind" : String.join(", ", member.kindLabels()))
                    + (member.parties().isEmpty() ? "" : ", speaking for " + String.join(", ", member.parties()));
        }
    }

    /**
     * Withdraws a registered valuation certificate (one agency supersedes only its own; the consortium can withdraw
     * any, for instance one issued from evidence later found wrong). It stays on chain, marked withdrawn with the reason.
     */
    record WithdrawValuation(String certificateId, String reason) implements GovernanceAction {
        public int code() {
            return 8;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(certificateId).str(reason);
        }

        public String describe() {
            return "withdraw valuation " + certificateId + ": " + reason;
        }
    }

    /** Revokes any agency's document signer, with an RFC 5280 reason (an agency revokes its own with REVOKE_SIGNER). */
    record RevokeSigner(String fingerprint, org.batteryledger.core.pki.RevocationReason reason) implements GovernanceAction {
        public int code() {
            return 10;
        }

        public void writeBody(CanonicalWriter w) {
            w.str(fingerprint).u8(reason.code());
        }

        public String describe() {
            return "revoke document signer " + fingerprint.substring(0, Math.min(16, fingerprint.length())) + " (" + reason.label() + ")";
        }
    }

    /** An encoded member profile at most: 64 parties of up to 128 characters (UTF-8) and the kinds. */
    int MAX_MEMBER_BYTES = 64 * (4 + 4 * 128) + 64;

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
            case 6 -> {
                String name = r.str(Limits.MAX_NAME_BYTES);
                yield new AddAgency(name, r.remaining() == 0 ? Member.UNDECLARED : Member.decode(r.bytes(MAX_MEMBER_BYTES)));
            }
            case 7 -> new SetMember(r.str(Limits.MAX_NAME_BYTES), Member.decode(r.bytes(MAX_MEMBER_BYTES)));
            case 8 -> new WithdrawValuation(r.str(Limits.MAX_NAME_BYTES), r.str(Limits.MAX_NAME_BYTES));
            case 9 -> new RevokeAgencyCa(r.str(Limits.MAX_NAME_BYTES));
            case 10 -> new RevokeSigner(r.str(128), Payloads.RevokeSigner.reason(r.u8()));
            default -> throw new DecodeException("unknown governance action " + code);
        };
        r.end();
        return a;
    }
}
