package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * The chain's revocation list as outsiders' tools need it: revoked node ids, certificate serials and agency CAs (by the
 * {@code caHash} the registry names them with), each with the block that revoked it and that block's time. The
 * launcher turns it (with {@code GET /signers}) into the agencies' CRLs ({@code ./consortium crl}).
 */
@jakarta.enterprise.context.RequestScoped
@Path("/revocations")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "signers")
public class RevocationResource {
    @EJB
    private LedgerService ledger;

    public record Revoked(String id, long height, String at) {
    }

    public record Revocations(List<Revoked> nodes, List<Revoked> serials, List<Revoked> agencyCas) {
    }

    @GET
    public Revocations revocations() {
        LedgerService.Revocations r = ledger.revocations();
        return new Revocations(listed(r.nodes()), listed(r.serials()), listed(r.agencyCas()));
    }

    private List<Revoked> listed(SortedMap<String, Long> heights) {
        List<Revoked> out = new ArrayList<>();
        heights.forEach((id, h) -> out.add(new Revoked(id, h, ledger.blockTime(h).toString())));
        return out;
    }
}
