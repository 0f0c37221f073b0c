package org.batteryledger.node.valuation;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the Valuations page shows before anything is typed: this node's latest certificates, and the latest
 * registrations on chain by any agency (found by reading blocks back from the head, at most {@link #MAX_BLOCKS}), each
 * narrowed by a search (the beginning of a battery code or a certificate id).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class RecentValuations {
    public static final int MAX_LIMIT = 200;
    /** Blocks read back at most for one answer: recent means the last few thousand blocks. */
    static final int MAX_BLOCKS = 2_000;
    private static final int BLOCKS_PER_READ = 100;

    @EJB
    private ValuationService valuations;
    @EJB
    private LedgerService ledger;

    /** A registration on chain: the certificate, its battery and agency, where, and whether it is still the current one. */
    public record OnChain(String certificateId, String batteryCode, String agency, long blockHeight, String txHash, boolean current,
                          String supersededBy) {
    }

    /** The registrations found, newest first, and the blocks read for them (the search covers those). */
    public record Registrations(List<OnChain> registrations, long fromHeight, long toHeight) {
    }

    public List<ValuationService.Stored> issuedHere(String search, int limit) {
        return valuations.recent(normalize(search), limit);
    }

    public Registrations onChain(String search, int limit) {
        String q = normalize(search);
        long head = ledger.height();
        long lowest = Math.max(1, head - MAX_BLOCKS + 1);
        List<OnChain> out = new ArrayList<>();
        long to = head;
        long from = head + 1;
        while (to >= lowest && out.size() < limit) {
            from = Math.max(lowest, to - BLOCKS_PER_READ + 1);
            List<CommittedBlock> blocks = ledger.blocks(from, to);
            for (int i = blocks.size() - 1; i >= 0 && out.size() < limit; i--) {
                List<Transaction> txs = blocks.get(i).block().transactions();
                for (int t = txs.size() - 1; t >= 0 && out.size() < limit; t--) {
                    List<Payloads.RegisterValuation> entries = entries(txs.get(t));
                    for (int e = entries.size() - 1; e >= 0 && out.size() < limit; e--) {
                        registration(entries.get(e), q).ifPresent(out::add);
                    }
                }
            }
            to = from - 1;
        }
        return new Registrations(out, Math.min(from, head), head);
    }

    /** The registrations a committed transaction carries: one, several (a batch), or none. */
    private static List<Payloads.RegisterValuation> entries(Transaction tx) {
        return switch (tx.type()) {
            case REGISTER_VALUATION -> List.of(Payloads.RegisterValuation.decode(tx.payload()));
            case REGISTER_VALUATIONS -> Payloads.RegisterValuations.decode(tx.payload()).entries();
            default -> List.of();
        };
    }

    private Optional<OnChain> registration(Payloads.RegisterValuation r, String q) {
        if (!q.isEmpty() && !r.batteryCode().startsWith(q) && !r.certificateId().toUpperCase(Locale.ROOT).startsWith(q)) {
            return Optional.empty();
        }
        // A transaction in a block may still have been refused (its receipt says so): only what the registry holds counts.
        return ledger.state(Tables.VALUATION, r.certificateId()).map(Payloads.Valuation::decode)
                .filter(v -> v.certificateHash().equals(r.certificateHash()))
                .map(v -> new OnChain(r.certificateId(), v.batteryCode(), v.agency(), v.height(), v.txHash().hex(), v.supersededBy().isEmpty(),
                        v.supersededBy().isEmpty() ? null : v.supersededBy()));
    }

    private static String normalize(String search) {
        String q = search == null ? "" : search.trim().toUpperCase(Locale.ROOT);
        if (!q.matches("[A-Z0-9-]{0,64}")) {
            throw new org.batteryledger.node.records.InvalidInput("search is the beginning of a battery code or certificate id: up to 64 of "
                    + "[A-Za-z0-9-], not '" + search + "'");
        }
        return q;
    }
}
