package org.batteryledger.core.valuation.certificate;

import java.util.List;

/**
 * Where a valuation's inputs came from, for a certificate issued from the consortium's view of a battery: which member
 * node held which inputs (the certificate names each holder with the RFC 6962 root over the hashes of the inputs it
 * held, not each input's holder inline), and how complete the evidence was. A partial valuation (asked for by the
 * caller) says what was missing.
 *
 * @param missing      holders that did not answer (or were busy), by node name
 * @param failedRecords records a holder sent that failed their check against the chain: left out
 * @param refusals     what the data-sharing policy withheld from the valuer
 */
public record Provenance(List<Holder> holders, boolean partial, List<String> missing, int failedRecords, List<String> refusals) {
    public Provenance {
        holders = List.copyOf(holders);
        missing = List.copyOf(missing);
        refusals = List.copyOf(refusals);
    }

    /** A holder and the record hashes of the inputs it held. */
    public record Holder(String node, String agency, List<org.batteryledger.core.crypto.Hash> inputs) {
        public Holder {
            inputs = List.copyOf(inputs);
        }
    }

    public boolean complete() {
        return missing.isEmpty() && failedRecords == 0 && refusals.isEmpty();
    }
}
