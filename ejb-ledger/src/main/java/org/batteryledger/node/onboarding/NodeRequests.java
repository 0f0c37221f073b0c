package org.batteryledger.node.onboarding;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.batteryledger.core.contract.GovernanceAction;
import org.batteryledger.core.contract.Role;
import org.batteryledger.core.crypto.EcSuite;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Pem;
import org.batteryledger.core.pbft.SubmitResult;
import org.batteryledger.core.pki.CertificateChecker;
import org.batteryledger.core.pki.CertificateFingerprint;
import org.batteryledger.core.pki.CheckResult;
import org.batteryledger.core.pki.Csr;
import org.batteryledger.core.pki.NodeIds;
import org.batteryledger.core.pki.RevocationView;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.service.NodeAdminService;
import org.batteryledger.node.service.NodeView;
import org.batteryledger.node.service.ProposalView;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Adding a node from the console, one checked step at a time, without a private key ever passing through the
 * browser or this node: the new node's operator makes its key and CSR on its own host ({@code ./consortium
 * prepare-node}); this node reads the CSR; the agency CA, held by the agency's operator, signs it ({@code ./consortium
 * sign-csr}); this node checks the certificate against the CSR and its agency's CA and proposes the registration for
 * its agency; the other agencies approve on their consoles; the new node starts, links and seals. Every step is read
 * back from the chain and the links ({@link #progress}), so nothing here is kept that a crash could lose.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class NodeRequests {
    /** A node name: what CSRs, certificates and the registry carry. */
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    @EJB
    private NodeRuntime runtime;
    @EJB
    private LedgerService ledger;
    @EJB
    private NodeAdminService admin;

    /** What a CSR asks for, once its signature shows the requester holds the key. */
    public record Request(NodeId nodeId, String name, String agency, byte[] publicKey) {
    }

    public record Proposed(Request request, String caHash, String txHash) {
    }

    /** Where a node request stands: each step as the chain and this node's links show it. */
    public record Progress(NodeId nodeId, Optional<ProposalView> proposal, Optional<NodeView> registered, Optional<LinkStats> link) {
    }

    public Request read(String csrPem) {
        refuseKeys(csrPem, "CSR");
        PKCS10CertificationRequest csr;
        try {
            csr = Pem.readCsr(csrPem);
        } catch (RuntimeException e) {
            throw new InvalidInput("not a PEM certificate signing request (-----BEGIN CERTIFICATE REQUEST-----): " + e.getMessage());
        }
        EcSuite suite = runtime.suite();
        byte[] key;
        try {
            key = Csr.verifiedPublicKey(suite, csr);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("the CSR is refused: " + e.getMessage());
        }
        RDN[] cn = csr.getSubject().getRDNs(BCStyle.CN);
        if (cn.length != 1) {
            throw new InvalidInput("the CSR's subject must carry exactly one common name (the node's name), not " + cn.length);
        }
        String name = IETFUtils.valueToString(cn[0].getFirst().getValue());
        if (!name.matches(NAME)) {
            throw new InvalidInput("the CSR's common name '" + name + "' is not a node name (letters, digits, '.', '_', '-'; up to 63)");
        }
        return new Request(NodeId.of(suite, key), name, agency(), key);
    }

    /** Checks the certificate against the CSR and this node's agency CA, then proposes the registration. */
    public Proposed propose(String csrPem, String certificatePem, Role role) {
        Request request = read(csrPem);
        refuseKeys(certificatePem, "certificate");
        X509Certificate certificate;
        try {
            certificate = Pem.readCertificate(certificatePem);
        } catch (RuntimeException e) {
            throw new InvalidInput("not a PEM certificate (-----BEGIN CERTIFICATE-----): " + e.getMessage());
        }
        EcSuite suite = runtime.suite();
        X509Certificate agencyCa;
        X509Certificate chainCa;
        try {
            agencyCa = runtime.directory().agencyCa();
            chainCa = runtime.directory().chainCa();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CheckResult check = new CertificateChecker(suite, chainCa).check(List.of(certificate, agencyCa), Instant.now(), RevocationView.NONE, id -> true);
        if (!check.ok()) {
            throw new InvalidInput("the certificate is refused: " + check.reason() + " (it must be issued by the CA of " + request.agency() + ")");
        }
        if (!NodeIds.fromCertificate(suite, certificate).equals(request.nodeId())) {
            throw new InvalidInput("the certificate is for another key than the CSR's (node " + NodeIds.fromCertificate(suite, certificate).shortId()
                    + ", the CSR asks for " + request.nodeId().shortId() + ")");
        }
        if (ledger.nodes().stream().anyMatch(v -> v.node().nodeId().equals(request.nodeId()) || v.node().name().equals(request.name()))) {
            throw new InvalidInput("node " + request.name() + " (" + request.nodeId().shortId() + ") or a node of that name is registered already");
        }
        String caHash = CertificateFingerprint.caHash(suite, agencyCa);
        SubmitResult r = admin.propose(new GovernanceAction.RegisterNode(request.nodeId(), request.name(), request.agency(), request.publicKey(),
                caHash, role));
        if (!r.accepted()) {
            throw new InvalidInput("the registration proposal is refused: " + r.reason());
        }
        return new Proposed(request, caHash, r.txHash().hex());
    }

    public Progress progress(NodeId nodeId) {
        Optional<ProposalView> proposal = admin.proposals().stream()
                .filter(p -> p.proposal().decodedAction() instanceof GovernanceAction.RegisterNode reg && reg.nodeId().equals(nodeId))
                .max((a, b) -> Long.compare(a.proposal().createdHeight(), b.proposal().createdHeight()));
        Optional<NodeView> registered = ledger.nodes().stream().filter(v -> v.node().nodeId().equals(nodeId)).findFirst();
        Optional<LinkStats> link = runtime.links().stream().filter(l -> l.peer().equals(nodeId.value())).findFirst();
        return new Progress(nodeId, proposal, registered, link);
    }

    public String agency() {
        try {
            return runtime.directory().properties().getProperty("agency");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Text holding a private key is refused, and never echoed back or logged. */
    private static void refuseKeys(String pem, String what) {
        if (pem == null || pem.isBlank()) {
            throw new InvalidInput("the " + what + " is empty: paste its PEM text");
        }
        if (pem.contains("PRIVATE KEY")) {
            throw new InvalidInput("this text holds a private key: it is refused and was not stored. A node's key never leaves its host; "
                    + "paste only the " + what);
        }
    }
}
