package org.batteryledger.web.api;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;

import jakarta.ws.rs.Produces;
import org.batteryledger.core.contract.NodeRecord;
import org.batteryledger.node.net.LinkStats;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.ConsensusMetrics;
import org.batteryledger.node.service.NodeAdminService;
import org.batteryledger.node.service.NodeView;
import org.batteryledger.node.storage.DirectorySize;

import java.io.IOException;
import java.nio.file.Files;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prometheus text exposition (format 0.0.4) of what operators of the reference deployment could not see: per-node
 * participation in commit certificates, link round-trip times and throughput, and disk and log usage.
 */
@RequestScoped
@jakarta.ws.rs.Path("/metrics")
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "health")
public class MetricsResource {
    @EJB
    private NodeAdminService admin;
    @EJB
    private RecordStore recordStore;
    @EJB
    private org.batteryledger.routes.RouteContext routes;
    @EJB
    private org.batteryledger.node.valuation.ValuationRegistrar registrar;

    @GET
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() throws IOException {
        StringBuilder out = new StringBuilder();
        ConsensusMetrics m = admin.metrics();
        gauge(out, "batteryledger_height", "committed height", m.height());
        gauge(out, "batteryledger_view", "view at the height being decided", m.view());
        gauge(out, "batteryledger_validators", "validators at the next height", m.validators());
        gauge(out, "batteryledger_pool_transactions", "transactions waiting for a block", m.poolSize());
        gauge(out, "batteryledger_state_entries", "entries of the committed state in the replica's memory", m.stateEntries());
        gauge(out, "batteryledger_replay_index_transactions", "transactions the state remembers against replay until their expiry height "
                + "(two packed state entries, about 105-155 bytes of heap, each)", m.replayTransactions());
        counter(out, "batteryledger_blocks_committed_total", "blocks committed since start", m.blocksCommitted());
        counter(out, "batteryledger_transactions_committed_total", "transactions committed since start", m.txsCommitted());
        counter(out, "batteryledger_proposals_signed_total", "blocks this replica proposed (PRE-PREPAREs signed) since it started (a takeover starts a new one)", m.proposalsSigned());
        counter(out, "batteryledger_commits_signed_total", "COMMITs (seals) this replica signed since it started (a takeover starts a new one)", m.commitsSigned());
        counter(out, "batteryledger_view_changes_total", "view changes started since start", m.viewChangesStarted());
        counter(out, "batteryledger_signatures_verified_total", "ECDSA signatures the replica verified since it started (transactions, "
                + "votes, view changes, checkpoints, seals of synced blocks)", m.signaturesVerified());
        counter(out, "batteryledger_signatures_vouched_total", "transaction signatures of synced blocks taken on their commit "
                + "certificate's word since the replica started, not verified", m.signaturesVouched());
        var latency = admin.commitLatency();
        header(out, "batteryledger_commit_latency_seconds", "from the acknowledgement (202) of a transaction this node's clients "
                + "submitted to its block's commit on this node", "histogram");
        for (int i = 0; i < latency.boundsMillis().length; i++) {
            out.append(String.format(Locale.ROOT, "batteryledger_commit_latency_seconds_bucket{le=\"%s\"} %d%n",
                    java.math.BigDecimal.valueOf(latency.boundsMillis()[i], 3).stripTrailingZeros().toPlainString(), latency.cumulative()[i]));
        }
        out.append(String.format(Locale.ROOT, "batteryledger_commit_latency_seconds_bucket{le=\"+Inf\"} %d%n",
                latency.cumulative()[latency.boundsMillis().length]));
        out.append(String.format(Locale.ROOT, "batteryledger_commit_latency_seconds_sum %.6f%n", latency.sumSeconds()));
        out.append(String.format(Locale.ROOT, "batteryledger_commit_latency_seconds_count %d%n", latency.count()));
        counter(out, "batteryledger_equivocations_total", "conflicting votes seen since start", m.equivocationsSeen());
        counter(out, "batteryledger_invalid_messages_dropped_total", "messages dropped as late, duplicate or invalid", m.messagesInvalid());
        header(out, "batteryledger_participation", "share of the last 1000 commit certificates that carry the node's seal", "gauge");
        for (NodeView v : m.nodes()) {
            NodeRecord n = v.node();
            out.append(String.format(Locale.ROOT, "batteryledger_participation{node=\"%s\",name=\"%s\",agency=\"%s\",role=\"%s\"} %.4f%n",
                    n.nodeId().value(), n.name(), n.agency(), n.role().label(), v.participation()));
        }
        counter(out, "batteryledger_peer_links_refused_total", "peer links closed after the handshake: not in the registry, revoked or expired",
                admin.linksRefused());
        header(out, "batteryledger_drops", "inputs the replica dropped, by reason (a closed set)", "counter");
        admin.drops().forEach((reason, n) -> out.append(String.format(Locale.ROOT, "batteryledger_drops{reason=\"%s\"} %d%n",
                reason.name().toLowerCase(Locale.ROOT), n)));
        counter(out, "batteryledger_messages_undelivered_total", "messages not sent (link down) or inputs dropped (queue full)", m.messagesUndelivered());
        RecordStore.Progress records = recordStore.progress();
        long[] registrations = registrar.counts();
        counter(out, "batteryledger_valuation_registration_transactions_total", "valuation registration transactions submitted since start "
                + "(several certificates share one when issued together)", registrations[0]);
        counter(out, "batteryledger_valuation_registrations_total", "valuation certificates those transactions registered", registrations[1]);
        counter(out, "batteryledger_records_stored_total", "off-chain records stored on this node", records.stored());
        gauge(out, "batteryledger_records_unbatched", "stored records waiting for an anchoring batch", records.unbatched());
        gauge(out, "batteryledger_records_unanchored", "records in batches not yet anchored on chain", records.batchedNotAnchored());
        gauge(out, "batteryledger_records_batch_leaves", "leaves of the batches sealed here: stored minus unbatched while each record is in "
                + "exactly one batch", records.batchLeaves());
        counter(out, "batteryledger_records_rejected_total", "rejected records kept in the dead-letter store (its newest deadletters.max, 100,000 by default)", records.deadLetters());
        List<LinkStats> links = admin.links();
        header(out, "batteryledger_link_up", "1 when the outbound link to the peer is connected", "gauge");
        for (LinkStats l : links) {
            out.append(String.format(Locale.ROOT, "batteryledger_link_up{peer=\"%s\"} %d%n", l.peer(), l.connected() ? 1 : 0));
        }
        header(out, "batteryledger_link_rtt_seconds", "last measured round-trip time of the link (-1: not measured yet)", "gauge");
        for (LinkStats l : links) {
            out.append(String.format(Locale.ROOT, "batteryledger_link_rtt_seconds{peer=\"%s\"} %.6f%n", l.peer(), l.rttMillis() < 0 ? -1 : l.rttMillis() / 1000));
        }
        header(out, "batteryledger_link_bytes_per_second", "link throughput over the last interval", "gauge");
        for (LinkStats l : links) {
            out.append(String.format(Locale.ROOT, "batteryledger_link_bytes_per_second{peer=\"%s\",direction=\"sent\"} %.1f%n", l.peer(), l.sendBytesPerSec()));
            out.append(String.format(Locale.ROOT, "batteryledger_link_bytes_per_second{peer=\"%s\",direction=\"received\"} %.1f%n", l.peer(), l.receiveBytesPerSec()));
        }
        header(out, "batteryledger_partner_records_total", "records pulled from a partner, by outcome (deferred: waiting for the battery's record)", "counter");
        routes.partners().forEach((name, st) -> {
            for (Map.Entry<String, Long> e : Map.of("taken", st.taken(), "duplicate", st.duplicates(), "rejected", st.rejected(),
                    "deferred", st.deferred()).entrySet()) {
                out.append(String.format(Locale.ROOT, "batteryledger_partner_records_total{partner=\"%s\",outcome=\"%s\"} %d%n", name, e.getKey(), e.getValue()));
            }
        });
        header(out, "batteryledger_partner_failed_cycles_total", "pull cycles that failed after all retries", "counter");
        routes.partners().forEach((name, st) -> out.append(String.format(Locale.ROOT, "batteryledger_partner_failed_cycles_total{partner=\"%s\"} %d%n",
                name, st.failedCycles())));
        header(out, "batteryledger_partner_consecutive_failures", "failed cycles since the partner last answered (0: it answers)", "gauge");
        routes.partners().forEach((name, st) -> out.append(String.format(Locale.ROOT, "batteryledger_partner_consecutive_failures{partner=\"%s\"} %d%n",
                name, st.consecutiveFailures())));
        java.nio.file.Path log = admin.directory().log();
        java.nio.file.Path data = admin.directory().data();
        gauge(out, "batteryledger_log_directory_bytes", "size of the node's log directory", DirectorySize.of(log));
        gauge(out, "batteryledger_log_cap_bytes", "the most the log directory may hold (rotate size x (backups + 1))", logCap());
        gauge(out, "batteryledger_data_directory_bytes", "size of the node's data directory (the H2 database by default)", DirectorySize.of(data));
        gauge(out, "batteryledger_disk_free_bytes", "usable space on the node directory's file system", Files.getFileStore(data).getUsableSpace());
        return out.toString();
    }

    /** From the same system properties the logging configuration reads (defaults 10m and 4). */
    static long logCap() {
        String size = System.getProperty("batteryledger.log.rotate.size", "10m").trim().toLowerCase(Locale.ROOT);
        long unit = size.endsWith("g") ? 1L << 30 : size.endsWith("m") ? 1L << 20 : size.endsWith("k") ? 1L << 10 : 1;
        long n = Long.parseLong(unit == 1 ? size : size.substring(0, size.length() - 1));
        return n * unit * (Long.parseLong(System.getProperty("batteryledger.log.max.backups", "4")) + 1);
    }

    private static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, double value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(format(value)).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, double value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(format(value)).append('\n');
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6f", v);
    }
}
