package org.batteryledger.web.soap;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.jws.HandlerChain;
import jakarta.jws.WebService;
import jakarta.xml.ws.WebServiceContext;
import org.apache.cxf.annotations.EndpointProperty;
import org.batteryledger.core.codec.Hex;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.proof.AnchorEvidence;
import org.batteryledger.core.proof.RecordProof;
import org.batteryledger.node.availability.Unavailable;
import org.batteryledger.node.records.InvalidInput;
import org.batteryledger.node.exchange.RecordVerification;
import org.batteryledger.node.records.ProofService;
import org.batteryledger.routes.intake.RecordIntake;
import org.batteryledger.node.records.NotHeld;
import org.batteryledger.node.exchange.ConsortiumRecords;
import org.batteryledger.node.passport.PassportService;
import org.batteryledger.web.soap.contract.Accepted;
import org.batteryledger.web.soap.contract.Anchor;
import org.batteryledger.web.soap.contract.BatteryLedgerPortType;
import org.batteryledger.web.soap.contract.GetBattery;
import org.batteryledger.web.soap.contract.GetBatteryResponse;
import org.batteryledger.web.soap.contract.LedgerFault;
import org.batteryledger.web.soap.contract.Proof;
import org.batteryledger.web.soap.contract.Rejected;
import org.batteryledger.web.soap.contract.FailedRecord;
import org.batteryledger.web.soap.contract.Holder;
import org.batteryledger.web.soap.contract.SessionSummary;
import org.batteryledger.web.soap.contract.SubmitRecords;
import org.batteryledger.web.soap.contract.SubmitRecordsResponse;
import org.batteryledger.web.soap.contract.VerifyRecord;
import org.batteryledger.web.soap.contract.VerifyRecordResponse;
import org.batteryledger.web.soap.contract.IssueValuation;
import org.batteryledger.web.soap.contract.IssueValuationResponse;
import org.batteryledger.web.soap.contract.Registration;
import org.batteryledger.web.soap.contract.VerifyValuation;
import org.batteryledger.web.soap.contract.VerifyValuationResponse;
import org.batteryledger.node.valuation.CannotValue;
import org.batteryledger.node.valuation.ValuationService;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's SOAP endpoint: the service of {@code WEB-INF/wsdl/BatteryLedger.wsdl}, published as that file, with the
 * semantics of the REST API ({@code POST /records}, {@code POST /records/verify}, {@code GET /batteries/{code}}).
 * Mapped to {@code /soap/BatteryLedger} in web.xml, behind BASIC authentication; roles are checked per operation.
 * Errors are {@code LedgerFault}s with a code and a reason; XML the runtime cannot read gets its Client fault.
 */
@WebService(serviceName = "BatteryLedger", portName = "BatteryLedgerPort", targetNamespace = "urn:batteryledger:ledger:1",
        endpointInterface = "org.batteryledger.web.soap.contract.BatteryLedgerPortType",
        wsdlLocation = "WEB-INF/wsdl/BatteryLedger.wsdl")
@HandlerChain(file = "handlers.xml")
@EndpointProperty(key = "org.apache.cxf.logging.FaultListener", beanClass = ClientFaultsUnlogged.class) // no stack trace a bad request
public class BatteryLedgerEndpoint implements BatteryLedgerPortType {
    static final String LEDGER_NS = "urn:batteryledger:ledger:1";
    private static final List<String> SUBMITTER_ROLES = List.of("manufacturer", "charging", "admin");
    private static final List<String> VALUER_ROLES = List.of("recycler", "admin");

    @Resource
    private WebServiceContext context;
    @EJB
    private RecordIntake intake;
    @EJB
    private ProofService proofs;
    @EJB
    private RecordVerification verification;
    @EJB
    private PassportService passports;
    @EJB
    private ValuationService valuations;
    @EJB
    private org.batteryledger.node.fleet.FleetIndex fleet;

    @Override
    public SubmitRecordsResponse submitRecords(SubmitRecords request) throws LedgerFault {
        if (SUBMITTER_ROLES.stream().noneMatch(context::isUserInRole)) {
            throw fault("Forbidden", "submitRecords needs one of the roles " + String.join(", ", SUBMITTER_ROLES));
        }
        List<Object> records = request.getBatteryOrSession();
        if (records.isEmpty()) {
            throw fault("EmptySubmission", "the submission holds no records");
        }
        if (records.size() > Intake.MAX_RECORDS_PER_SUBMISSION) {
            throw fault("TooManyRecords", "a submission holds at most " + Intake.MAX_RECORDS_PER_SUBMISSION + " records, this one "
                    + records.size() + "; nothing was stored, split it");
        }
        Set<String> allowed = new TreeSet<>();
        if (context.isUserInRole("manufacturer") || context.isUserInRole("admin")) {
            allowed.add("battery");
        }
        if (context.isUserInRole("charging") || context.isUserInRole("admin")) {
            allowed.add("session");
        }
        List<Map<String, Object>> trees = records.stream().map(RecordTrees::of).toList();
        List<Outcome> outcomes;
        try {
            outcomes = intake.submit(trees, "soap:" + context.getUserPrincipal().getName(), allowed);
        } catch (InvalidInput e) {
            throw fault("InvalidSubmission", e.getMessage());
        } catch (Unavailable e) {
            throw unavailable(e);
        }
        SubmitRecordsResponse response = new SubmitRecordsResponse();
        for (Outcome o : outcomes) {
            if (o instanceof Outcome.Accepted a) {
                Accepted x = new Accepted();
                x.setIndex(a.index());
                x.setRecordId(a.recordId());
                x.setHash(a.hash());
                x.setDuplicate(a.duplicate());
                response.getAcceptedOrRejected().add(x);
            } else if (o instanceof Outcome.Rejected r) {
                Rejected x = new Rejected();
                x.setIndex(r.index());
                x.setRecordId(r.recordId());
                x.setReason(r.reason());
                response.getAcceptedOrRejected().add(x);
            } else {
                throw new AssertionError(o); // pushed records are never deferred (that is for pulled ones)
            }
        }
        return response;
    }

    @Override
    public VerifyRecordResponse verifyRecord(VerifyRecord request) throws LedgerFault {
        Object record = request.getBattery() != null ? request.getBattery() : request.getSession();
        if (record == null) {
            throw fault("InvalidRecord", "verifyRecord holds one battery or session element");
        }
        ProofService.Verification v;
        try {
            v = verification.verify(Json.write(RecordTrees.of(record)));
        } catch (InvalidInput e) {
            throw fault("InvalidRecord", e.getMessage());
        }
        VerifyRecordResponse response = new VerifyRecordResponse();
        response.setValid(v.valid());
        response.setReason(v.reason());
        if (v.evidence() != null) {
            response.setProof(proof(v.evidence()));
        }
        return response;
    }

    /** The passport view of {@code GET /batteries/{code}} ({@link PassportService}), in the WSDL's types. */
    @Override
    public GetBatteryResponse getBattery(GetBattery request) throws LedgerFault {
        PassportService.Passport p;
        try {
            p = passports.passport(request.getBatteryCode() == null ? "" : request.getBatteryCode(), request.getCursor(),
                    request.getLimit() == null ? PassportService.DEFAULT_LIMIT : request.getLimit());
        } catch (InvalidInput e) {
            throw fault("InvalidBatteryCode", e.getMessage());
        } catch (NotHeld e) {
            throw fault("NotFound", e.getMessage());
        }
        GetBatteryResponse response = new GetBatteryResponse();
        response.setBatteryCode(p.batteryCode());
        if (p.master() != null) {
            response.setMaster(RecordTrees.toBattery(p.master().record()));
            response.setMasterHash(p.master().hash());
            response.setMasterAnchor(anchor(p.master().anchor()));
            response.setMasterHolder(p.master().holder());
        }
        if (p.equivalentFullCycles() != null) {
            response.setEquivalentFullCycles(BigDecimal.valueOf(p.equivalentFullCycles()));
        }
        response.setSessionCount(p.sessions().size());
        response.setSessions(new GetBatteryResponse.Sessions());
        for (PassportService.Entry s : p.sessions()) {
            Map<?, ?> r = s.record();
            SessionSummary x = new SessionSummary();
            x.setRecordId(RecordTrees.text(r, "recordId"));
            x.setHash(s.hash());
            x.setStartedAt(RecordTrees.text(r, "startedAt"));
            x.setEndedAt(RecordTrees.text(r, "endedAt"));
            x.setSocStart(RecordTrees.number(r, "socStart"));
            x.setSocEnd(RecordTrees.number(r, "socEnd"));
            x.setAnchor(anchor(s.anchor()));
            x.setHolder(s.holder());
            x.setVerified(s.verified());
            x.setVerification(s.verification());
            response.getSessions().getSession().add(x);
        }
        if (p.registration() != null) {
            response.setRegisteredBy(p.registration().agency());
        }
        response.setComplete(p.complete());
        response.setNextCursor(p.nextCursor());
        response.setHolders(new GetBatteryResponse.Holders());
        for (ConsortiumRecords.Holder h : p.holders()) {
            Holder x = new Holder();
            x.setNode(h.name());
            x.setNodeId(h.nodeId());
            x.setAgency(h.agency());
            x.setStatus(h.status().label());
            x.setReason(h.reason().isEmpty() ? null : h.reason());
            x.setRecords(h.records());
            x.setFailed(h.failed());
            response.getHolders().getHolder().add(x);
        }
        response.getRefusal().addAll(p.refusals());
        for (PassportService.Entry f : p.failed()) {
            FailedRecord x = new FailedRecord();
            x.setRecordId(RecordTrees.text(f.record(), "recordId"));
            x.setHash(f.hash());
            x.setHolder(f.holder());
            x.setReason(f.verification());
            response.getFailedRecord().add(x);
        }
        return response;
    }

    /** As {@code POST /valuations}: a certificate of this node's agency, registered on chain. */
    @Override
    public IssueValuationResponse issueValuation(IssueValuation request) throws LedgerFault {
        if (VALUER_ROLES.stream().noneMatch(context::isUserInRole)) {
            throw fault("Forbidden", "issueValuation needs one of the roles " + String.join(", ", VALUER_ROLES));
        }
        ValuationService.Issued issued;
        try {
            issued = valuations.issue(request.getBatteryCode() == null ? "" : request.getBatteryCode(), Boolean.TRUE.equals(request.isPartial()));
        } catch (InvalidInput e) {
            throw fault("InvalidBatteryCode", e.getMessage());
        } catch (NotHeld e) {
            throw fault("NotFound", e.getMessage());
        } catch (CannotValue e) {
            throw fault("CannotValue", e.getMessage());
        } catch (Unavailable e) {
            throw unavailable(e);
        }
        org.batteryledger.web.api.FleetRowOfIssued.keep(fleet, issued);
        Map<?, ?> results = (Map<?, ?>) issued.certificate().document().get("results");
        Map<?, ?> value = (Map<?, ?>) results.get("residualValue");
        IssueValuationResponse r = new IssueValuationResponse();
        r.setCertificateId(issued.certificate().id());
        r.setBatteryCode(issued.certificate().batteryCode());
        r.setCertificateHash(issued.hash().hex());
        r.setRegistration(registration(issued.registration()));
        r.setStateOfHealth((BigDecimal) results.get("stateOfHealth"));
        r.setStateOfHealthLow((BigDecimal) results.get("stateOfHealthLow"));
        r.setStateOfHealthHigh((BigDecimal) results.get("stateOfHealthHigh"));
        r.setRemainingFullCycles((BigDecimal) results.get("remainingFullCycles"));
        r.setStatus((String) results.get("status"));
        r.setResidualValue((BigDecimal) value.get("amount"));
        r.setCurrency((String) value.get("currency"));
        r.setCertificateJson(new String(issued.certificate().content(), java.nio.charset.StandardCharsets.UTF_8));
        r.setCertificateCms(issued.cms());
        return r;
    }

    /** As {@code POST /valuations/verify}. */
    @Override
    public VerifyValuationResponse verifyValuation(VerifyValuation request) throws LedgerFault {
        ValuationService.Verdict v;
        if (request.getCertificateCms() != null) {
            v = valuations.verify(request.getCertificateCms(), true);
        } else if (request.getCertificateJson() != null) {
            v = valuations.verify(request.getCertificateJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        } else {
            throw fault("InvalidCertificate", "verifyValuation holds a certificateCms or a certificateJson element");
        }
        VerifyValuationResponse r = new VerifyValuationResponse();
        r.setValid(v.valid());
        r.setReason(v.reason());
        r.setCertificateId(v.certificateId());
        r.setBatteryCode(v.batteryCode());
        r.setSigner(v.signer());
        if (v.registration() != null) {
            r.setCurrent(v.registration().current());
            r.setRegistration(registration(v.registration()));
        }
        return r;
    }

    private static Registration registration(ValuationService.Registration g) {
        Registration x = new Registration();
        x.setStatus(g.status());
        x.setCertificateHash(g.certificateHash());
        x.setBlockHeight(g.blockHeight());
        x.setTxHash(g.txHash());
        x.setAgency(g.agency());
        x.setSupersededBy(g.supersededBy());
        x.setError(g.error());
        return x;
    }

    private static Anchor anchor(PassportService.Anchor a) {
        Anchor x = new Anchor();
        x.setStatus(a.status());
        x.setBlockHeight(a.blockHeight());
        x.setTxHash(a.txHash());
        return x;
    }

    /** As REST's proof view ({@code RecordResource.view}): CONTRACT.md's fields plus the evidence in hex. */
    private static Proof proof(AnchorEvidence e) {
        RecordProof p = e.proof();
        Proof x = new Proof();
        x.setRecordHash(p.recordHash().hex());
        x.setLeafIndex(p.path().leafIndex());
        x.setTreeSize(p.path().treeSize());
        x.setAuditPath(new Proof.AuditPath());
        p.path().auditPath().stream().map(Hash::hex).forEach(x.getAuditPath().getHash()::add);
        x.setBatchRoot(p.batchRoot().hex());
        x.setBlockHeight(p.blockHeight());
        x.setTxHash(p.txHash().hex());
        x.setEvidence(Hex.encode(e.encode()));
        return x;
    }

    /**
     * A fault of the WSDL's {@code ledgerFault} detail as a {@code soap:Client} fault: every code this endpoint raises
     * is the client's mistake (its input, its roles, a battery nobody holds), and a declared JAX-WS fault would go out
     * as {@code soap:Server}. The detail is the element the WSDL declares, so generated clients still read it as
     * their LedgerFault. The reason never names an exception's class (as REST's problem details: {@code Problem.safeDetail}).
     */
    private static jakarta.xml.ws.soap.SOAPFaultException fault(String code, String reason) {
        return fault("Client", code, reason);
    }

    /**
     * The node takes no writes now (disk at its floor, database away): {@code soap:Server}, as SOAP 1.1 has no
     * "retry later" of its own, with code {@code Unavailable} in the detail so a client can tell it from a failure.
     */
    private static jakarta.xml.ws.soap.SOAPFaultException unavailable(Unavailable e) {
        return fault("Server", "Unavailable", e.getMessage() + "; retry in " + e.retryAfterSeconds() + " s");
    }

    private static jakarta.xml.ws.soap.SOAPFaultException fault(String faultCode, String code, String reason) {
        String safe = org.batteryledger.web.api.Problem.safeDetail(code, reason);
        try {
            jakarta.xml.soap.SOAPFault f = jakarta.xml.soap.SOAPFactory.newInstance().createFault(safe,
                    new javax.xml.namespace.QName(jakarta.xml.soap.SOAPConstants.URI_NS_SOAP_ENVELOPE, faultCode, "soap"));
            jakarta.xml.soap.SOAPElement detail = f.addDetail().addChildElement(new javax.xml.namespace.QName(LEDGER_NS, "ledgerFault"));
            detail.addChildElement(new javax.xml.namespace.QName(LEDGER_NS, "code")).addTextNode(code);
            detail.addChildElement(new javax.xml.namespace.QName(LEDGER_NS, "reason")).addTextNode(safe);
            return new jakarta.xml.ws.soap.SOAPFaultException(f);
        } catch (jakarta.xml.soap.SOAPException e) {
            throw new IllegalStateException("cannot build the SOAP fault " + code, e);
        }
    }
}
