package org.batteryledger.node.valuation;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.InclusionProof;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordProof;
import org.batteryledger.core.proof.RecordVerifier;
import org.batteryledger.core.valuation.certificate.AnchoredRecord;
import org.batteryledger.core.valuation.certificate.CertificateInputs;
import org.batteryledger.core.valuation.certificate.CertificateVerifier;
import org.batteryledger.core.valuation.certificate.EvidenceBundle;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.exchange.ConsortiumRecords;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.records.ProofService;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A certificate's evidence beyond its root: the list of its inputs with their anchors (kept by the issuing node), the
 * evidence bundle that lets anyone check them offline, and the verification of a bundle someone brings.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ValuationEvidence {
    @EJB
    private ValuationService valuations;
    @EJB
    private ConsortiumRecords consortium;
    @EJB
    private ProofService proofs;
    @EJB
    private LedgerService ledger;

    /**
     * The inputs of a certificate this node issued.
     *
     * @throws NotHeld when this node did not issue it
     */
    public CertificateInputs inputs(String certificateId) {
        return valuations.inputs(certificateId).orElseThrow(() -> notIssuedHere(certificateId));
    }

    /**
     * The evidence bundle of a certificate this node issued: the audit paths of inputs held by other members are asked
     * of them (as a valuation gathers them), the anchoring blocks' evidence comes from this node's chain.
     *
     * @throws NotHeld     when this node did not issue it
     * @throws Unavailable when a holder of some input does not answer now
     */
    public EvidenceBundle bundle(String certificateId) {
        ValuationService.Stored stored = valuations.certificate(certificateId).orElseThrow(() -> notIssuedHere(certificateId));
        CertificateInputs inputs = inputs(certificateId);
        ConsortiumRecords.Gathering g;
        try {
            g = consortium.gatherAll(stored.certificate().batteryCode(), ValuationService.MAX_SESSIONS);
        } catch (IllegalStateException e) {
            throw new Unavailable("the audit paths of certificate " + certificateId + "'s inputs cannot be gathered now: " + e.getMessage());
        }
        Map<Hash, InclusionProof> paths = new HashMap<>();
        for (List<ConsortiumRecords.Gathered> kind : List.of(g.masters(), g.sessions())) {
            for (ConsortiumRecords.Gathered r : kind) {
                if (r.verified() && r.path() != null) {
                    paths.put(Hash.fromHex(r.hash()), r.path());
                }
            }
        }
        List<InclusionProof> inOrder = new ArrayList<>(inputs.records().size());
        List<AnchorEvidence> anchors = new ArrayList<>();
        java.util.Set<Hash> anchoringTxs = new java.util.HashSet<>();
        for (AnchoredRecord r : inputs.records()) {
            InclusionProof p = paths.get(r.hash());
            if (p == null || p.leafIndex() != r.leafIndex() || p.treeSize() != r.treeSize()) {
                String missing = g.missing().stream().map(ConsortiumRecords.Holder::name).toList().toString();
                throw new Unavailable("the audit path of input " + r.recordId() + " of certificate " + certificateId + " is not available now"
                        + (g.missing().isEmpty() ? "" : " (not answering: " + missing + ")"));
            }
            inOrder.add(p);
            if (anchoringTxs.add(r.txHash())) { // each anchoring transaction's block evidence once, with its first input
                anchors.add(proofs.evidence(new RecordProof(r.hash(), p, r.batchRoot(), r.blockHeight(), r.txHash())));
            }
        }
        return new EvidenceBundle(certificateId, stored.cms(), inputs, inOrder, anchors);
    }

    /**
     * Verifies a bundle someone brings: the certificate as {@link ValuationService#verify} does (signature, signer's
     * standing, registration), then its inputs against the evidence root, their paths, and their anchoring blocks
     * against this node's validator set and chain.
     */
    public ValuationService.Verdict verify(EvidenceBundle bundle) {
        CertificateVerifier.Verdict signed = valuations.signature(bundle.cms());
        ValuationService.Verdict certificate = valuations.verify(signed);
        if (!certificate.valid()) {
            return certificate;
        }
        LedgerService.Validators v = ledger.validators();
        EvidenceBundle.Verdict evidence = bundle.verify(ledger.suite(), signed, new RecordVerifier(ledger.suite(), v.chainId(), v.keys()));
        String reason = evidence.reason();
        boolean valid = evidence.valid();
        if (valid) {
            for (Hash root : bundle.inputs().batchRoots()) {
                if (ledger.state(Tables.ANCHOR, root.hex()).isEmpty()) {
                    valid = false;
                    reason = "evidence batch " + root.hex() + " is not anchored on this node's chain";
                    break;
                }
            }
        }
        return new ValuationService.Verdict(valid, valid ? certificate.reason() + "; " + evidence.evidence() : "certificate " + certificate.certificateId()
                + " is genuine, but its evidence bundle fails: " + reason, certificate.certificateId(), certificate.batteryCode(),
                certificate.signer(), certificate.registration());
    }

    private static NotHeld notIssuedHere(String certificateId) {
        return new NotHeld("this node holds no valuation certificate " + certificateId
                + " (a node keeps the inputs of the certificates it issued; the chain's registry names the issuing agency)");
    }
}
