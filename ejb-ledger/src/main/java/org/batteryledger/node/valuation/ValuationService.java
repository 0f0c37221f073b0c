package org.batteryledger.node.valuation;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.BatteryRegistry;
import org.batteryledger.core.contract.BlockExecutor;
import org.batteryledger.core.contract.Payloads;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.core.record.BatteryRecord;
import org.batteryledger.core.record.RecordSchema;
import org.batteryledger.core.valuation.Assessment;
import org.batteryledger.core.valuation.Evidence;
import org.batteryledger.core.valuation.ValuationEngine;
import org.batteryledger.core.valuation.ValuationParameters;
import org.batteryledger.core.valuation.certificate.AnchoredRecord;
import org.batteryledger.core.valuation.certificate.CertificateInputs;
import org.batteryledger.core.valuation.certificate.CertificateSigner;
import org.batteryledger.core.valuation.certificate.CertificateVerifier;
import org.batteryledger.core.valuation.certificate.Provenance;
import org.batteryledger.core.valuation.certificate.ValuationCertificate;
import org.batteryledger.node.availability.WriteGate;
import org.batteryledger.node.exchange.ConsortiumRecords;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Valuation certificates: issued from this node's anchored records of a battery, signed with the node's key for its
 * agency, registered on chain (REGISTER_VALUATION: the chain keeps the hash, the latest per battery and what
 * superseded what), and verified for anyone who brings one. No container transaction spans the wait for the chain.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ValuationService {
    @EJB
    private WriteGate gate;
    @EJB
    private RecordStore records;
    @EJB
    private ConsortiumRecords consortium;
    @EJB
    private LedgerService ledger;
    @EJB
    private ValuationStore store;
    @EJB
    private ValuationKeys keys;
    @EJB
    private SignerRegistration signers;
    @EJB
    private ValuationRegistrar registrar;

    /**
     * Where a certificate stands on chain: {@code registered} (with block, transaction, the agency that registered it
     * and the certificate that superseded it, if any), {@code submitted}, {@code refused} or {@code unknown}.
     */
    public record Registration(String status, String certificateHash, Long blockHeight, String txHash, String agency,
                               String supersededBy, String error) {
        public boolean current() {
            return "registered".equals(status) && (supersededBy == null || supersededBy.isEmpty());
        }
    }

    /** A certificate just issued, with the valuation it carries. */
    public record Issued(ValuationCertificate certificate, Hash hash, byte[] cms, Registration registration, Valued valued) {
    }

    public record Stored(ValuationCertificate certificate, byte[] cms, Registration registration) {
    }

    /** The answer to a verification: {@code valid} when the signature (or the stored signed copy) and the chain agree. */
    public record Verdict(boolean valid, String reason, String certificateId, String batteryCode, String signer,
                          Registration registration) {
    }

    /**
     * Values a battery from this node's anchored records and registers the certificate; waits up to the node's
     * registration timeout for the block (the registration's status says if it is still pending).
     *
     * @throws InvalidInput for a malformed battery code
     * @throws NotHeld      when this node holds no master record of the battery
     * @throws CannotValue  when the evidence is not usable or the chain refuses the registration
     */
    public Issued issue(String batteryCode) {
        return issue(batteryCode, false);
    }

    /** @param partial as {@link #value(String, boolean)}: the certificate then says what was missing */
    public Issued issue(String batteryCode, boolean partial) {
        gate.admit();
        ValuationKeys.Keys k = keys.keys();
        String valuer = BlockExecutor.valuerRefusal(ledger.committedState(), k.agency());
        if (valuer != null) {
            throw new CannotValue(valuer); // before anything is signed: the chain would refuse the registration
        }
        signers.ensureRegistered(k); // a certificate signed with a key the chain does not know would not verify
        Valued v = value(batteryCode, partial);
        Assessment assessment = v.assessment();
        BatteryRecord.Master master = v.master();
        CryptoSuite suite = ledger.suite();
        Instant now = v.now();
        String supersedes = ledger.state(Tables.VALUATION_LATEST, batteryCode).map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        CertificateInputs inputs = CertificateInputs.of(v.masterAnchor(), v.sessionAnchors()); // the list the certificate's root is of
        ValuationCertificate certificate = ValuationCertificate.issue(suite, ledger.validators().chainId(),
                new ValuationCertificate.Issuer(k.agency(), ledger.nodeName(), ledger.nodeId()), now, supersedes, master, inputs,
                v.unanchored(), k.parameters(), assessment, v.provenance());
        byte[] cms = CertificateSigner.sign(k.suite(), k.signer(), k.chain(), certificate);
        Hash hash = certificate.hash(suite);

        store.save(new ValuationEntity(certificate.id(), batteryCode, hash.hex(), now.toEpochMilli(), certificate.content(), cms, inputs.encode()));
        register(certificate.id(), batteryCode, hash);
        return new Issued(certificate, hash, cms, registration(certificate.id(), hash.hex()), v);
    }

    /**
     * Submits the registration of a stored certificate and waits for its block (up to the timeout; the registration's
     * status says if it is still on its way).
     *
     * @throws CannotValue when the chain refuses it
     */
    private void register(String certificateId, String batteryCode, Hash hash) {
        // Through the registrar (grouped with concurrent issues' registrations when the node is so configured). What
        // finally became of it is recorded by settle(), on the registrar's thread, also after this caller was answered.
        // The transaction is written down only when the caller is answered before its block (a third transaction per
        // certificate otherwise): the chain names it once registered, and a certificate signed and stored but never
        // settled is registered again after a crash, the chain's "already registered" then taken as registered.
        RegistrationGroups.Outcome o = registrar.register(new Payloads.RegisterValuation(certificateId, batteryCode, hash),
                tx -> { }, fin -> settle(certificateId, hash, fin));
        if (o.accepted() && o.height() == null && o.txHash() != null) {
            store.submitted(certificateId, o.txHash().hex());
        }
        if (!o.accepted() && o.queued()) {
            // The queue is full: the certificate stays signed and unregistered; a later issue or a lot's settling registers it.
            throw new org.batteryledger.node.availability.Unavailable("certificate " + certificateId + " is signed but not registered: " + o.reason());
        }
        String refusal = !o.accepted() ? "the chain did not take the registration: " + o.reason()
                : o.height() != null && o.error() != null ? "the chain refused the registration of " + certificateId + ": " + o.error() : null;
        if (refusal != null && !alreadyRegistered(o.accepted() ? o.error() : o.reason(), certificateId)) {
            throw new CannotValue(refusal);
        }
    }

    /** Records what finally became of a registration. */
    private void settle(String certificateId, Hash hash, RegistrationGroups.Outcome o) {
        if (!o.accepted()) {
            if (o.queued()) {
                return;
            }
            if (alreadyRegistered(o.reason(), certificateId)) {
                // Its registration acknowledged before a crash is on chain, or in the pool on its way there (the
                // admission checks against both): this very certificate is registered, not refused.
                onChain(certificateId, hash).ifPresent(h -> store.registered(certificateId, h));
                return;
            }
            store.refused(certificateId, "the chain did not take the registration: " + o.reason());
            return;
        }
        if (o.height() == null) {
            return; // submitted, its block not in yet: the chain's registry answers for it from then on
        }
        if (alreadyRegistered(o.error(), certificateId)) {
            // An earlier registration of it, sent before a crash, won (in this block or before it).
            store.registered(certificateId, onChain(certificateId, hash).orElse(o.height()));
        } else if (o.error() != null) {
            store.refused(certificateId, o.error());
        } else {
            store.registered(certificateId, o.height());
        }
    }

    /**
     * A certificate this node issued of the battery at or after {@code sinceMillis} that the chain did not refuse, if
     * any: what a lot interrupted by a crash adopts instead of valuing the battery again. One only signed before the
     * crash has its registration submitted now.
     */
    public Optional<Stored> issuedSince(String batteryCode, long sinceMillis) {
        for (ValuationEntity e : store.ofBattery(batteryCode)) {
            if (e.issuedAt() < sinceMillis) {
                break; // newest first
            }
            if (e.status() == ValuationEntity.Status.REFUSED) {
                continue;
            }
            if (e.status() == ValuationEntity.Status.SIGNED) {
                // Its registration may have been acknowledged just before the crash: register() takes the chain's
                // "already registered" for this very certificate as registered.
                register(e.certificateId(), batteryCode, Hash.fromHex(e.certificateHash()));
            }
            return certificate(e.certificateId());
        }
        return Optional.empty();
    }

    /** A battery valued from this node's anchored records, with the anchors of the evidence; nothing signed or stored. */
    public record Valued(BatteryRecord.Master master, Assessment assessment, ValuationParameters parameters, AnchoredRecord masterAnchor,
                         List<AnchoredRecord> sessionAnchors, int unanchored, Instant now, Provenance provenance) {
    }

    /** Sessions of one battery a valuation gathers at most (pages of 500 from each holder). */
    static final int MAX_SESSIONS = 50_000;

    /** As {@link #value(String, boolean)}, refusing incomplete evidence. */
    public Valued value(String batteryCode) {
        return value(batteryCode, false);
    }

    /**
     * Values a battery now from the consortium's evidence without issuing a certificate (the passport export uses this):
     * every member's records of the battery that the data-sharing policy discloses to this node, each checked against
     * this node's chain ({@link ConsortiumRecords}); a record that fails its check is never used.
     *
     * @param partial value from what there is when a holder did not answer, a record failed its check, or the policy
     *                withheld records; otherwise that refuses with the reason
     * @throws InvalidInput, NotHeld, CannotValue as {@link #issue}
     */
    public Valued value(String batteryCode, boolean partial) {
        if (batteryCode == null || !RecordSchema.BATTERY_CODE.matcher(batteryCode).matches()) {
            throw new InvalidInput("a battery code is 1-64 characters of [A-Z0-9-], not '" + batteryCode + "'");
        }
        ValuationKeys.Keys k = keys.keys();
        if (k.parameters() == null) {
            throw new CannotValue(k.parametersError());
        }
        ConsortiumRecords.Gathering g;
        try {
            g = consortium.gatherAll(batteryCode, MAX_SESSIONS);
        } catch (IllegalStateException e) {
            throw new CannotValue(e.getMessage());
        }
        Optional<BatteryRegistry.Registration> registration = BatteryRegistry.registration(ledger.committedState(), batteryCode);
        List<ConsortiumRecords.Gathered> masters = g.masters().stream().filter(ConsortiumRecords.Gathered::verified).toList();
        ConsortiumRecords.Gathered master = masters.stream()
                .filter(m -> registration.isEmpty() || m.hash().equals(registration.get().masterHash().hex())).reduce((a, b) -> b).orElse(null);
        List<String> missing = g.missing().stream().map(h -> h.name() + " (" + h.status().label() + ": " + h.reason() + ")").toList();
        boolean onlyBusy = !missing.isEmpty() && g.missing().stream().allMatch(h -> h.status() == ConsortiumRecords.Status.BUSY);
        if (onlyBusy && (master == null || !partial)) {
            // A holder answering its share of this node's queries already: a matter of seconds, not of the evidence.
            // 503 with Retry-After to a caller; a lot puts the battery back in line.
            throw new org.batteryledger.node.availability.Unavailable("the evidence of " + batteryCode + " cannot be gathered now: "
                    + String.join(", ", missing));
        }
        if (master == null) {
            if (registration.isEmpty() && g.masters().isEmpty() && g.sessions().isEmpty()) {
                throw new NotHeld("no member holds a battery record for " + batteryCode);
            }
            throw new CannotValue("the battery record of " + batteryCode + registration.map(r -> " (registered by " + r.agency() + ")").orElse("")
                    + " is not available to this node" + (missing.isEmpty() ? "" : ": " + String.join(", ", missing))
                    + (g.refusals().isEmpty() ? "" : "; " + String.join("; ", g.refusals())));
        }
        int failed = (int) (g.masters().stream().filter(m -> !m.verified()).count() + g.sessions().stream().filter(m -> !m.verified()).count());
        List<String> refusals = g.refusals();
        if (!partial && (!missing.isEmpty() || failed > 0 || !refusals.isEmpty())) {
            List<String> why = new ArrayList<>();
            if (!missing.isEmpty()) {
                why.add("not answering: " + String.join(", ", missing));
            }
            if (failed > 0) {
                why.add(failed + " record(s) failed their check against the chain");
            }
            why.addAll(refusals);
            throw new CannotValue("the evidence of " + batteryCode + " is incomplete (" + String.join("; ", why)
                    + "); ask for a partial valuation to value from what there is, and the certificate says what was missing");
        }

        Map<String, List<Hash>> held = new LinkedHashMap<>();
        Map<String, String> agencies = new HashMap<>();
        AnchoredRecord masterAnchor = anchored(master, held, agencies);
        List<BatteryRecord.Session> sessions = new ArrayList<>();
        List<AnchoredRecord> sessionAnchors = new ArrayList<>();
        for (ConsortiumRecords.Gathered r : g.sessions()) {
            if (r.verified()) {
                sessions.add((BatteryRecord.Session) r.record());
                sessionAnchors.add(anchored(r, held, agencies));
            }
        }
        List<Provenance.Holder> holders = new ArrayList<>();
        held.forEach((node, hashes) -> holders.add(new Provenance.Holder(node, agencies.get(node), hashes)));
        Provenance provenance = new Provenance(holders, partial, g.missing().stream().map(ConsortiumRecords.Holder::name).toList(), failed, refusals);

        BatteryRecord.Master m = (BatteryRecord.Master) master.record();
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant valuedAt = now; // a partner's clock may run ahead: value at the latest session's end then
        for (BatteryRecord.Session s : sessions) {
            if (s.endedAt().isAfter(valuedAt)) {
                valuedAt = s.endedAt();
            }
        }
        if (valuedAt.isBefore(m.manufacturedAt())) {
            valuedAt = m.manufacturedAt();
        }
        Assessment assessment = new ValuationEngine(k.parameters()).assess(new Evidence(m, sessions), valuedAt);
        return new Valued(m, assessment, k.parameters(), masterAnchor, sessionAnchors, (int) records.unanchoredCount(batteryCode), now, provenance);
    }

    private static AnchoredRecord anchored(ConsortiumRecords.Gathered r, Map<String, List<Hash>> held, Map<String, String> agencies) {
        Hash hash = Hash.fromHex(r.hash());
        held.computeIfAbsent(r.holderName(), k -> new ArrayList<>()).add(hash);
        agencies.put(r.holderName(), r.holderAgency());
        return new AnchoredRecord(r.recordId(), hash, r.leafIndex(), r.treeSize(), Hash.fromHex(r.batchRoot()), r.blockHeight(), Hash.fromHex(r.txHash()));
    }

    /** A certificate this node issued, with its registration. */
    public Optional<Stored> certificate(String certificateId) {
        return store.find(certificateId).map(e -> new Stored(ValuationCertificate.read(ledger.suite(), e.content()), e.cms(),
                registration(certificateId, e.certificateHash())));
    }

    /** This node's certificates of a battery, newest first. */
    public List<Stored> ofBattery(String batteryCode) {
        return store.ofBattery(batteryCode).stream().map(this::stored).toList();
    }

    /** This node's latest certificates, newest first; {@code search} as {@link ValuationStore#recent}. */
    public List<Stored> recent(String search, int limit) {
        return store.recent(search, limit).stream().map(this::stored).toList();
    }

    private Stored stored(ValuationEntity e) {
        return new Stored(ValuationCertificate.read(ledger.suite(), e.content()), e.cms(), registration(e.certificateId(), e.certificateHash()));
    }

    /** Whether the chain's refusal says this certificate id is registered already (ids are hashes of the content). */
    private static boolean alreadyRegistered(String reason, String certificateId) {
        return reason != null && reason.contains("valuation certificate " + certificateId + " is already registered");
    }

    /** The height of the block that registered this certificate (these very bytes), if the chain holds it. */
    private Optional<Long> onChain(String certificateId, Hash hash) {
        return ledger.state(Tables.VALUATION, certificateId).map(Payloads.Valuation::decode)
                .filter(v -> v.certificateHash().equals(hash)).map(Payloads.Valuation::height);
    }

    /** The chain's word on a certificate id; {@code expectedHash} (may be null) is what this node stored for it. */
    public Registration registration(String certificateId, String expectedHash) {
        Optional<Payloads.Valuation> v = ledger.state(Tables.VALUATION, certificateId).map(Payloads.Valuation::decode);
        if (v.isPresent()) {
            Payloads.Valuation x = v.get();
            return new Registration("registered", x.certificateHash().hex(), x.height(), x.txHash().hex(), x.agency(),
                    x.supersededBy().isEmpty() ? null : x.supersededBy(), null);
        }
        Optional<ValuationEntity> mine = store.find(certificateId);
        if (mine.isPresent()) {
            ValuationEntity e = mine.get();
            return switch (e.status()) {
                case REFUSED -> new Registration("refused", e.certificateHash(), null, e.txHash(), null, null, e.error());
                case SUBMITTED, SIGNED, REGISTERED -> new Registration("submitted", e.certificateHash(), null, e.txHash(), null, null, null);
            };
        }
        return new Registration("unknown", expectedHash, null, null, null, null, null);
    }

    /**
     * Verifies a certificate someone holds. CMS: the signature offline against the chain CA (with the chain's
     * revocations), then the registry. JSON: the registry's hash, and the signed copy this node holds if it issued it.
     * Valid means genuine and registered; a superseded certificate is valid but not current, and the reason says so.
     */
    public Verdict verify(byte[] body, boolean cms) {
        if (cms) {
            return verify(signature(body));
        }
        ValuationCertificate certificate;
        try {
            certificate = ValuationCertificate.read(ledger.suite(), body);
        } catch (IllegalArgumentException e) {
            return new Verdict(false, e.getMessage(), null, null, null, null);
        }
        String signer = null;
        CertificateVerifier.Verdict signed = null; // the signature checked, when this node holds a signed copy
        Optional<ValuationEntity> mine = store.find(certificate.id());
        if (mine.isPresent()) {
            CertificateVerifier.Verdict v = signature(mine.get().cms());
            if (!v.valid() || !v.certificate().equals(certificate)) {
                return new Verdict(false, "the signed copy this node holds of " + certificate.id() + " does not verify: " + v.reason(),
                        certificate.id(), certificate.batteryCode(), null, null);
            }
            signer = v.signer().value();
            signed = v;
        }
        return onChain(certificate, signer, signed, false);
    }

    /** A CMS checked offline against the chain CA, with the chain's revocations: the first half of a verification. */
    public CertificateVerifier.Verdict signature(byte[] cms) {
        ValuationKeys.Keys k = keys.keys();
        Checking c = checking;
        if (c == null || c.chainCa() != k.chainCa()) {
            c = new Checking(k.chainCa(), new CertificateVerifier(k.suite(), k.chainCa()));
            checking = c;
        }
        return c.verifier().verify(cms, chainRevocations());
    }

    /**
     * One verifier for the chain CA the keys hold, kept across requests: it remembers parsed certificates and verified
     * issuer signatures by their bytes (bounded), never a verdict; time, revocations and roles are checked every time.
     */
    private record Checking(java.security.cert.X509Certificate chainCa, CertificateVerifier verifier) {
    }

    private volatile Checking checking;

    /** The verification of a CMS whose {@link #signature} was checked: the signer's standing, then the registry. */
    public Verdict verify(CertificateVerifier.Verdict signed) {
        if (!signed.valid()) {
            return new Verdict(false, signed.reason(), null, null, null, null);
        }
        return onChain(signed.certificate(), signed.signer().value(), signed, true);
    }

    private Verdict onChain(ValuationCertificate certificate, String signer, CertificateVerifier.Verdict signed, boolean cms) {
        CryptoSuite suite = ledger.suite();
        String hash = certificate.hash(suite).hex();
        Registration reg = registration(certificate.id(), hash);
        String id = certificate.id();
        if (signed != null) {
            // The signer's standing first: a certificate forged with a revoked key is that, whether registered or not.
            Long provenAt = "registered".equals(reg.status()) && hash.equals(reg.certificateHash()) ? reg.blockHeight() : null;
            String standing = signers.standing(signed.signerCertificate(), signed.documentSigner(), certificate.issuedAt(), provenAt);
            if (standing != null) {
                return new Verdict(false, "certificate " + id + ": " + standing, id, certificate.batteryCode(), signer, reg);
            }
        }
        if (!"registered".equals(reg.status())) {
            return new Verdict(false, "certificate " + id + " is not registered on chain (" + reg.status() + ")", id, certificate.batteryCode(), signer, reg);
        }
        if (!reg.certificateHash().equals(hash)) {
            return new Verdict(false, "certificate " + id + " does not match the one registered on chain: its hash is " + hash
                    + ", the chain holds " + reg.certificateHash(), id, certificate.batteryCode(), signer, reg);
        }
        // Where this node knows the inputs: inline in format 1, the stored list of a format 2 certificate it issued.
        Optional<CertificateInputs> known = certificate.formatVersion() == 1 ? Optional.of(CertificateInputs.ofFirstFormat(certificate))
                : inputs(id);
        for (Hash root : known.map(CertificateInputs::batchRoots).orElse(List.of())) {
            if (ledger.state(Tables.ANCHOR, root.hex()).isEmpty()) {
                return new Verdict(false, "certificate " + id + " names evidence batch " + root.hex() + ", which the chain never anchored",
                        id, certificate.batteryCode(), signer, reg);
            }
        }
        String how = signer != null ? (cms ? "signature valid" : "matches the signed copy held by this node") : "matches the hash on chain";
        String reason = how + "; registered at block " + reg.blockHeight() + " by agency " + reg.agency()
                + (reg.current() ? "; the issuing agency's current valuation of the battery"
                : reg.supersededBy().startsWith("withdrawn") ? "; " + reg.supersededBy() : "; superseded by " + reg.supersededBy());
        if (known.isEmpty()) {
            reason += "; its inputs' anchors were not checked here: the issuing node lists them (GET /valuations/" + id
                    + "/evidence), and its evidence bundle proves them";
        }
        return new Verdict(true, reason, id, certificate.batteryCode(), signer, reg);
    }

    /** The inputs of a certificate this node issued, in evidence-root order (format 1: read from the certificate). */
    public Optional<CertificateInputs> inputs(String certificateId) {
        return store.find(certificateId).map(e -> e.inputs() != null ? CertificateInputs.decode(e.inputs())
                : CertificateInputs.ofFirstFormat(ValuationCertificate.read(ledger.suite(), e.content())));
    }

    /** What the chain says of revoked certificates and nodes, for a signature check. */
    public RevocationView chainRevocations() {
        return new RevocationView() {
            @Override
            public boolean isSerialRevoked(BigInteger serial) {
                return ledger.state(Tables.REVOKED_SERIAL, serial.toString()).isPresent();
            }

            @Override
            public boolean isNodeRevoked(NodeId id) {
                return ledger.state(Tables.REVOKED_NODE, id.value()).isPresent();
            }
        };
    }
}
