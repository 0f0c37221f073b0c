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
    @EJB
    private ValuationKeys keys;

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
        for (AnchoredRecord r : inputs.records()) {
            InclusionProof p = paths.get(r.hash());
            if (p == null || p.leafIndex() != r.leafIndex() || p.treeSize() != r.treeSize()) {
                String missing = g.missing().stream().map(ConsortiumRecords.Holder::name).toList().toString();
                throw new Unavailable("the audit path of input " + r.recordId() + " of certificate " + certificateId + " is not available now"
                        + (g.missing().isEmpty() ? "" : " (not answering: " + missing + ")"));
            }
            inOrder.add(p);
        }
        Map<AnchoredRecord, Integer> position = new java.util.IdentityHashMap<>();
        for (int i = 0; i < inputs.records().size(); i++) {
            position.put(inputs.records().get(i), i);
        }
        List<AnchorEvidence> anchors = new ArrayList<>();
        for (List<AnchoredRecord> group : inputs.byAnchor()) {
            AnchoredRecord first = group.get(0);
            InclusionProof path = inOrder.get(position.get(first));
            anchors.add(proofs.evidence(new RecordProof(first.hash(), path, first.batchRoot(), first.blockHeight(), first.txHash())));
        }
        return new EvidenceBundle(certificateId, stored.cms(), inputs, inOrder, anchors);
    }

    /**
     * Verifies a bundle someone brings: the certificate as {@link ValuationService#verify} does (signature, signer's
     * standing, registration), then its inputs against the evidence root, their paths, and their anchoring blocks
     * against this node's validator set and chain.
     */
    public ValuationService.Verdict verify(EvidenceBundle bundle) {
        ValuationService.Verdict certificate = valuations.verify(bundle.cms(), true);
        if (!certificate.valid()) {
            return certificate;
        }
        LedgerService.Validators v = ledger.validators();
        ValuationKeys.Keys k = keys.keys();
        EvidenceBundle.Verdict evidence = bundle.verify(ledger.suite(), new CertificateVerifier(k.suite(), k.chainCa()),
                valuations.chainRevocations(), new RecordVerifier(ledger.suite(), v.chainId(), v.keys()));
        String reason = evidence.reason();
        boolean valid = evidence.valid();
        if (valid) {
            for (List<AnchoredRecord> group : bundle.inputs().byAnchor()) {
                String root = group.get(0).batchRoot().hex();
                if (ledger.state(Tables.ANCHOR, root).isEmpty()) {
                    valid = false;
                    reason = "evidence batch " + root + " is not anchored on this node's chain";
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
