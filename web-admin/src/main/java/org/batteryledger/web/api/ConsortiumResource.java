package org.batteryledger.web.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.EJB;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.batteryledger.core.contract.Member;
import org.batteryledger.core.contract.Tables;
import org.batteryledger.node.exchange.DisclosureEntity;
import org.batteryledger.node.exchange.RecordHolder;
import org.batteryledger.node.service.LedgerService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The consortium as members see it: each agency's member kinds and parties (on chain), and this node's log of what it
 * disclosed to other members (who asked, for what, when, how many records, what the policy refused).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "consortium")
public class ConsortiumResource {
    static final int MAX_DISCLOSURES = 1_000;

    @EJB
    private LedgerService ledger;
    @EJB
    private RecordHolder holder;

    /** A member company with the kinds of member it is and the parties it answers for (on chain). */
    public record Agency(String agency, List<String> kinds, List<String> parties) {
    }

    /** One disclosure to another member: who asked, for what, when, how many records went, what the policy refused. */
    public record Disclosure(String at, String askerNode, String askerAgency, String kind, String subject, int disclosed, String refused) {
    }

    @GET
    @Path("agencies")
    public List<Agency> agencies() {
        List<Agency> out = new ArrayList<>();
        for (String a : new TreeSet<>(ledger.agencies())) { // a member just added has no node yet, and is listed
            Member m = Member.decode(ledger.state(Tables.AGENCY, a).orElse(null));
            out.add(new Agency(a, List.copyOf(m.kindLabels()), List.copyOf(m.parties())));
        }
        return out;
    }

    @GET
    @Path("disclosures")
    @RolesAllowed({"admin", "auditor"})
    public List<Disclosure> disclosures(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_DISCLOSURES) {
            throw Problem.badRequest("limit must be 1 to " + MAX_DISCLOSURES + ", not " + limit);
        }
        List<Disclosure> out = new ArrayList<>();
        for (DisclosureEntity d : holder.disclosures(limit)) {
            out.add(new Disclosure(Instant.ofEpochMilli(d.askedAt()).toString(), d.askerNode(), d.askerAgency(), d.kind(), d.subject(),
                    d.disclosed(), d.refused()));
        }
        return out;
    }
}
