package org.batteryledger.node.exchange;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.exchange.HeldRecord;
import org.batteryledger.core.exchange.ReceivedRecords;
import org.batteryledger.core.exchange.RecordPage;
import org.batteryledger.core.exchange.RecordQuery;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordProof;
import org.batteryledger.core.proof.RecordVerifier;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.ProofService;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@code POST /records/verify} on any node, for a record any member anchored: held here, it is checked with this
 * node's proof; otherwise the other members are asked where a record with its hash sits (a proof query discloses
 * nothing: the caller has the record), and the answer is checked against this node's chain and its offline evidence
 * built from this node's blocks. The holder is named in the verdict.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class RecordVerification {
    @EJB
    private ProofService proofs;
    @EJB
    private RecordStore store;
    @EJB
    private RecordExchange exchange;
    @EJB
    private LedgerService ledger;

    public ProofService.Verification verify(String recordJson) {
        RecordSchema.Valid valid = parse(recordJson);
        byte[] canonical = valid.parsed().canonicalBytes();
        Hash hash = ledger.suite().hash(canonical);
        // The hash covers the record id, so a record held here is found by its id; a changed copy then fails with the
        // local reason.
        if (store.record(valid.parsed().record().recordId()).isPresent()) {
            return proofs.verify(recordJson);
        }
        Map<NodeRecord, CompletableFuture<RecordPage>> asked = new LinkedHashMap<>();
        for (NodeRecord n : ledger.activeNodes()) {
            if (!n.nodeId().equals(ledger.nodeId())) {
                asked.put(n, exchange.ask(n.nodeId(), id -> new RecordQuery.Proof(id, hash), ConsortiumRecords.DEFAULT_TIMEOUT_MILLIS));
            }
        }
        List<String> silent = new ArrayList<>();
        String failure = null;
        for (Map.Entry<NodeRecord, CompletableFuture<RecordPage>> e : asked.entrySet()) {
            RecordPage page;
            try {
                page = e.getValue().join();
            } catch (CompletionException | java.util.concurrent.CancellationException ex) {
                silent.add(e.getKey().name());
                continue;
            }
            if (page.status() != RecordPage.Status.OK) {
                silent.add(e.getKey().name() + " (" + page.reason() + ")");
                continue;
            }
            for (HeldRecord h : page.records()) {
                HeldRecord withContent = new HeldRecord(canonical, h.path(), h.batchRoot(), h.seq());
                ReceivedRecords.Check c = new ReceivedRecords(ledger.suite(), ledger.committedState()).check(withContent, e.getKey().agency(), null);
                if (c instanceof ReceivedRecords.Verified v) {
                    AnchorEvidence evidence = proofs.evidence(new RecordProof(hash, h.path(), h.batchRoot(), v.anchor().height(), v.anchor().txHash()));
                    RecordVerifier.Verdict verdict = proofs.verdict(canonical, evidence);
                    return new ProofService.Verification(verdict.valid(), verdict.reason() + "; held by " + e.getKey().name() + " ("
                            + e.getKey().agency() + ")", evidence);
                }
                failure = "held by " + e.getKey().name() + " (" + e.getKey().agency() + "), but " + ((ReceivedRecords.Failed) c).reason();
            }
        }
        if (failure != null) {
            return new ProofService.Verification(false, failure, null);
        }
        return new ProofService.Verification(false, "no member node holds a record with hash " + hash.hex() + ": the record was changed, "
                + "or never anchored" + (silent.isEmpty() ? "" : " (not answering: " + String.join(", ", silent) + ")"), null);
    }

    private static RecordSchema.Valid parse(String recordJson) {
        Object tree;
        try {
            tree = Json.parse(recordJson);
        } catch (JsonException e) {
            throw new InvalidInput("the record is not valid JSON: " + e.getMessage());
        }
        RecordSchema.Result r = RecordSchema.check(tree);
        if (r instanceof RecordSchema.Invalid inv) {
            throw new InvalidInput("not a valid record: " + inv.reason());
        }
        return (RecordSchema.Valid) r;
    }
}
