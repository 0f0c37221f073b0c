package org.batteryledger.node.valuation;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.TxType;
import org.batteryledger.core.contract.DocumentSigners;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.SignerRecord;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.node.service.LedgerService;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's document signer on chain: registered before the first certificate it signs (and after each rotation,
 * which retires the one before), and the chain's word on any signer a certificate was signed with.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class SignerRegistration {
    @EJB
    private LedgerService ledger;
    @EJB
    private org.batteryledger.node.runtime.NodeRuntime runtime;
    /** One registration at a time: the lot's parallel valuations wait for the first, not send their own. */
    private final ReentrantLock registering = new ReentrantLock();

    /**
     * Registers this node's signer unless the chain knows it, waiting up to the registration timeout for the block.
     *
     * @throws CannotValue when the chain refuses it, does not commit it in time, or revoked it
     */
    public void ensureRegistered(ValuationKeys.Keys k) {
        if (!k.documentSigner()) {
            return; // a node key signs: the registry knows the node already
        }
        String fingerprint = fingerprint(k.signerCertificate());
        if (usable(fingerprint)) {
            return;
        }
        registering.lock();
        try {
            if (usable(fingerprint)) {
                return;
            }
            SubmitResult submitted = ledger.submitAsNode(TxType.REGISTER_SIGNER,
                    new Payloads.RegisterSigner(der(k.signerCertificate()), der(k.chain().get(1))).encode());
            if (!submitted.accepted()) {
                if (submitted.reason() != null && submitted.reason().contains(DocumentSigners.ALREADY_REGISTERED)) {
                    return; // committed since we looked, or sent before a crash and on its way (admission checks the pool too)
                }
                throw new CannotValue("the chain did not take this node's document signer: " + submitted.reason());
            }
            Optional<Long> height = ledger.awaitCommit(submitted.txHash(), Duration.ofMillis(k.registrationTimeoutMillis()));
            if (height.isEmpty()) {
                throw new CannotValue("this node's document signer is not on chain yet (transaction " + submitted.txHash().shortHex()
                        + "): try again in a moment");
            }
            String error = ledger.receipt(submitted.txHash().hex()).map(r -> r.error()).orElse(null);
            if (error != null && !error.startsWith(DocumentSigners.ALREADY_REGISTERED)) {
                throw new CannotValue("the chain refused this node's document signer: " + error);
            }
        } finally {
            registering.unlock();
        }
    }

    /** Known on chain and not revoked; a revoked one stops this node signing until it has a new one. */
    private boolean usable(String fingerprint) {
        Optional<SignerRecord> r = find(fingerprint);
        if (r.isPresent() && r.get().revoked()) {
            throw new CannotValue("this node's document signer (serial " + r.get().serial() + ") was revoked at block "
                    + r.get().revokedHeight() + " (" + r.get().reason().label() + "): ./consortium rotate-signer gives the node a new one");
        }
        return r.isPresent();
    }

    /** Every signer the chain knows, by fingerprint (a few per node: the table grows by one per rotation). */
    public java.util.SortedMap<String, SignerRecord> all() {
        return runtime.query(r -> {
            java.util.SortedMap<String, SignerRecord> out = new java.util.TreeMap<>();
            r.state().scan(Tables.SIGNER).forEach((fp, raw) -> out.put(fp, SignerRecord.decode(raw)));
            return out;
        });
    }

    /** Revokes a signer of this node's agency at once (REVOKE_SIGNER); another agency's goes through governance. */
    public SubmitResult revoke(String fingerprint, org.batteryledger.core.pki.RevocationReason reason) {
        return ledger.submitAsNode(TxType.REVOKE_SIGNER, new Payloads.RevokeSigner(fingerprint, reason).encode());
    }

    public Optional<SignerRecord> find(String fingerprint) {
        return ledger.state(Tables.SIGNER, fingerprint).map(SignerRecord::decode);
    }

    /**
     * Null when a certificate signed at {@code signedAt} by {@code signer} stands with the chain, else why not: a document
     * signer must be registered, and is judged by {@link DocumentSigners#standing} (node certificates, which signed before
     * nodes had document signers, answer to the node revocation list alone).
     *
     * @param registeredAt the height the chain registered the certificate at, if it did
     */
    public String standing(X509Certificate signer, boolean documentSigner, Instant signedAt, Long registeredAt) {
        if (!documentSigner) {
            return null;
        }
        Optional<SignerRecord> r = find(fingerprint(signer));
        if (r.isEmpty()) {
            return "the signer's certificate (serial " + signer.getSerialNumber() + ") is not registered on chain";
        }
        return DocumentSigners.standing(r.get(), signedAt, registeredAt, ledger::blockTime);
    }

    public Instant blockTime(long height) {
        return ledger.blockTime(height);
    }

    public String fingerprint(X509Certificate certificate) {
        return org.batteryledger.core.pki.CertificateFingerprint.of(ledger.suite(), certificate).hex();
    }

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a certificate this node read cannot be encoded", e);
        }
    }
}
