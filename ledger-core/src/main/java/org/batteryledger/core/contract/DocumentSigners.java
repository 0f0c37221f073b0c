package org.batteryledger.core.contract;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.pki.DocumentSignerCertificate;
import org.batteryledger.core.pki.RevocationReason;
import org.batteryledger.core.state.PointReads;
import org.batteryledger.core.state.StateOverlay;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.LongFunction;

/**
 * The chain's register of document signers: the keys valuation certificates are signed with. A node registers its
 * agency's signers (REGISTER_SIGNER), a newer signer of a node retires the older one (rotation: what the older one
 * signed before stays valid), and the agency (REVOKE_SIGNER) or the consortium (governance) revokes one with an RFC 5280
 * reason. {@link #standing} judges a signed document against this register.
 */
public final class DocumentSigners {
    private DocumentSigners() {
    }

    public static SignerRecord find(PointReads state, String fingerprint) {
        byte[] raw = state.get(Tables.SIGNER, fingerprint);
        return raw == null ? null : SignerRecord.decode(raw);
    }

    /** The fingerprint of the signer a node registered last, unless it was revoked since. */
    public static String current(PointReads state, String nodeId) {
        byte[] raw = state.get(Tables.SIGNER_CURRENT, nodeId);
        return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
    }

    /**
     * Registers a signer the sender's agency CA issued for a node of the sender's agency, so no agency can register a
     * signer in another's name, even with a certificate its own CA made up: the named node's registry entry fixes
     * both the agency and the CA (its {@code caHash}).
     */
    static void register(StateOverlay s, CryptoSuite suite, long height, NodeRecord sender, Payloads.RegisterSigner p) {
        if (!(suite instanceof EcSuite ec)) {
            throw new ContractException("suite " + suite.id() + " has no X.509 certificates to register");
        }
        DocumentSignerCertificate c;
        try {
            c = DocumentSignerCertificate.read(ec, p.certificate(), p.agencyCa());
        } catch (IllegalArgumentException e) {
            throw new ContractException(e.getMessage());
        }
        NodeRecord node = Registry.node(s, c.node());
        if (node == null) {
            throw new ContractException("the document signer names node " + c.node().shortId() + ", which is not registered");
        }
        if (!node.agency().equals(sender.agency())) {
            throw new ContractException("node " + node.name() + " belongs to " + node.agency() + ": " + sender.agency()
                    + " registers document signers only for its own nodes");
        }
        if (!suite.hash(p.agencyCa()).hex().equals(node.caHash())) {
            throw new ContractException("the document signer was issued by another agency CA than the one node " + node.name() + " was admitted with");
        }
        if (!c.agency().equals(node.agency())) {
            throw new ContractException("the document signer names agency " + c.agency() + ", not " + node.agency());
        }
        if (Registry.isRevoked(s, node.nodeId())) {
            throw new ContractException("node " + node.name() + " is revoked");
        }
        if (s.get(Tables.REVOKED_SERIAL, c.serial().toString()) != null) {
            throw new ContractException("certificate serial " + c.serial() + " is revoked");
        }
        String fingerprint = suite.hash(p.certificate()).hex();
        if (s.get(Tables.SIGNER, fingerprint) != null) {
            throw new ContractException(ALREADY_REGISTERED + fingerprint.substring(0, 16));
        }
        String previous = current(s, node.nodeId().value());
        if (previous != null) {
            s.put(Tables.SIGNER, previous, find(s, previous).retire(height, fingerprint).encode());
        }
        s.put(Tables.SIGNER, fingerprint, new SignerRecord(node.nodeId(), node.agency(), c.serial().toString(), p.certificate(),
                height, 0, "", 0, null).encode());
        s.put(Tables.SIGNER_CURRENT, node.nodeId().value(), fingerprint.getBytes(StandardCharsets.UTF_8));
    }

    /** The receipt's words when a signer's certificate is registered already: callers that retry look for them. */
    public static final String ALREADY_REGISTERED = "document signer already registered: ";

    /** @param agency the sender's agency, which may revoke only its own signers; null for the consortium (governance) */
    static void revoke(StateOverlay s, long height, String agency, String fingerprint, RevocationReason reason) {
        SignerRecord r = find(s, fingerprint);
        if (r == null) {
            throw new ContractException("no registered document signer " + fingerprint);
        }
        if (agency != null && !agency.equals(r.agency())) {
            throw new ContractException("document signer " + shortId(fingerprint) + " belongs to " + r.agency() + ", not " + agency
                    + ": revoke it through a governance proposal");
        }
        if (r.revoked()) {
            throw new ContractException("document signer " + shortId(fingerprint) + " is already revoked (" + r.reason().label() + ")");
        }
        s.put(Tables.SIGNER, fingerprint, r.revoke(height, reason).encode());
        if (fingerprint.equals(current(s, r.node().value()))) {
            s.delete(Tables.SIGNER_CURRENT, r.node().value()); // a newer signer retires nothing revoked
        }
    }

    /**
     * Whether a document signed by {@code signer} at {@code signedAt} stands: null if it does, else why not.
     * A document whose hash the chain registered before the signer was revoked is proven to exist before, whatever
     * happened to the key after. A retired signer's documents stand if signed before the block that retired it, or
     * registered on chain at all: a rotation says nothing against the old key, and only the issuing node registers what
     * it signed (a certificate signed just before a rotation may reach its block after it, and the signing clock and the
     * block's proposer's clock differ). A revoked signer's stand if signed before the block that revoked it, unless the
     * key was compromised, which condemns every signature not proven earlier (its holder could have backdated them).
     *
     * @param registeredAt the height at which the chain registered the document, or null if it did not
     * @param blockTime    the timestamp of a committed block
     */
    public static String standing(SignerRecord signer, Instant signedAt, Long registeredAt, LongFunction<Instant> blockTime) {
        if (signer.revoked()) {
            boolean provenBefore = registeredAt != null && registeredAt < signer.revokedHeight();
            boolean signedBefore = signer.reason() != RevocationReason.KEY_COMPROMISE && signedAt.isBefore(blockTime.apply(signer.revokedHeight()));
            if (!provenBefore && !signedBefore) {
                return "the signer's certificate (serial " + signer.serial() + ") was revoked at block " + signer.revokedHeight()
                        + ": " + signer.reason().label();
            }
        }
        if (signer.retired()) {
            Instant retiredAt = blockTime.apply(signer.retiredHeight());
            if (registeredAt == null && !signedAt.isBefore(retiredAt)) {
                return "signed at " + signedAt + " with a key its node retired at block " + signer.retiredHeight() + " (" + retiredAt
                        + ") for signer " + shortId(signer.retiredBy());
            }
        }
        return null;
    }

    private static String shortId(String fingerprint) {
        return fingerprint.substring(0, Math.min(16, fingerprint.length()));
    }
}
