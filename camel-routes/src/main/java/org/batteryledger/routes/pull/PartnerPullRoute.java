package org.batteryledger.routes.pull;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.batteryledger.core.intake.Intake;
import org.batteryledger.core.intake.Outcome;
import org.batteryledger.routes.intake.IntakeRequest;
import org.batteryledger.routes.intake.OffchainStore;
import org.batteryledger.routes.intake.RecordIntakeRoute;

import java.util.List;
import java.util.Set;

/**
 * A partner's feed pulled page by page after the cursor persisted with the records: on a timer, and then page after
 * page while the partner has more. Fetching a page (ask, call, read) is one sub-route without an error handler, so
 * a retry asks again from the cursor; the shared {@link PartnerPullConfiguration} retries with backoff and, when the
 * partner stays down, ends the cycle and reports it. Each partner has its own route and timer thread: one partner's
 * outage never holds up another's.
 */
public abstract class PartnerPullRoute extends RouteBuilder {
    static final String PARTNER = "partner";
    static final String POSITION = "position";
    static final String PAGE_MORE = "pageMore";
    static final String MORE = "more";

    protected final Partner partner;
    private final PullSettings settings;
    private final OffchainStore store;
    private final PullStatus status;

    protected PartnerPullRoute(Partner partner, PullSettings settings, OffchainStore store, PullStatus status) {
        this.partner = partner;
        this.settings = settings;
        this.store = store;
        this.status = status;
    }

    /** The http(s) endpoint of the partner's API; its method and path. */
    protected abstract String endpointUri();

    /** Sets the request's body and headers to ask for the records after {@code position} (null: from the start). */
    protected abstract void ask(Exchange exchange, String position, int pageSize);

    /** Reads the partner's answer into a page. */
    protected abstract PullPage read(String answer);

    @Override
    public void configure() {
        String name = partner.name();
        String fetch = "direct:fetch-" + name;
        from("timer:" + partner.routeId() + "?delay=" + settings.firstPollDelayMillis() + "&period=" + partner.periodMillis())
                .routeId(partner.routeId()).routeConfigurationId(PartnerPullConfiguration.ID)
                .setProperty(PARTNER, constant(name))
                .process(this::admit).id("admit-" + name)
                .loopDoWhile(exchangeProperty(MORE).isEqualTo(true))
                    .to(fetch).id("fetch-" + name)
                    .to(RecordIntakeRoute.URI).id("intake-" + name)
                    .process(this::taken).id("taken-" + name)
                .end();

        from(fetch).routeId(partner.fetchRouteId()).errorHandler(noErrorHandler())
                .removeHeaders("*")
                .process(e -> {
                    String position = store.position(name);
                    e.setProperty(POSITION, position);
                    ask(e, position, partner.pageSize());
                }).id("ask-" + name)
                .to(endpointUri()).id("call-" + name)
                .convertBodyTo(String.class)
                .process(this::toIntake).id("read-" + name);
    }

    private void toIntake(Exchange e) {
        PullPage page = read(e.getMessage().getBody(String.class));
        e.setProperty(PAGE_MORE, page.more());
        e.getMessage().setBody(new IntakeRequest(page.records(), partner.source(), Set.of(partner.kind().recordType),
                new Intake.PullOrigin(partner.name(), e.getProperty(POSITION, String.class), partner.maxDeferralMillis())));
    }

    /** Pulls only while the store takes records: a page it could not keep would be asked for again anyway. */
    private void admit(Exchange e) {
        String refusal = store.refusal();
        status.paused.set(refusal);
        e.setProperty(MORE, refusal == null);
    }

    /** Counts the page's outcomes; goes on to the next page only if the partner has more and nothing was deferred. */
    @SuppressWarnings("unchecked")
    private void taken(Exchange e) {
        List<Outcome> outcomes = e.getMessage().getBody(List.class);
        boolean deferred = false;
        for (Outcome o : outcomes) {
            if (o instanceof Outcome.Accepted a) {
                (a.duplicate() ? status.duplicates : status.taken).incrementAndGet();
            } else if (o instanceof Outcome.Rejected) {
                status.rejected.incrementAndGet();
            } else if (o instanceof Outcome.Deferred) {
                status.deferred.incrementAndGet();
                deferred = true;
            }
        }
        status.pages.incrementAndGet();
        status.consecutiveFailures.set(0);
        status.lastSuccessAt.set(System.currentTimeMillis());
        e.setProperty(MORE, e.getProperty(PAGE_MORE, Boolean.class) && !deferred && !outcomes.isEmpty());
    }
}
