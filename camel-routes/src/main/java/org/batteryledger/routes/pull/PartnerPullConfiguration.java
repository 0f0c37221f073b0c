package org.batteryledger.routes.pull;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.http.base.HttpOperationFailedException;

import java.util.Map;
import java.util.logging.Logger;

/**
 * Error handling shared by the partner routes: a failed step (a partner down, slow, answering 500 or garbage, or
 * the node's database failing) is retried with exponential backoff; when the retries run out the cycle ends, the
 * partner's status says why, and the next cycle starts from the same cursor. Nothing is lost: the cursor moves only
 * with stored records.
 */
public class PartnerPullConfiguration extends RouteConfigurationBuilder {
    public static final String ID = "partner-pull";
    private static final Logger LOG = Logger.getLogger(PartnerPullConfiguration.class.getName());

    private final PullSettings settings;
    private final Map<String, PullStatus> statuses;

    public PartnerPullConfiguration(PullSettings settings, Map<String, PullStatus> statuses) {
        this.settings = settings;
        this.statuses = statuses;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                .maximumRedeliveries(settings.retries())
                .redeliveryDelay(settings.retryDelayMillis())
                .useExponentialBackOff().backOffMultiplier(2)
                .maximumRedeliveryDelay(settings.maxRetryDelayMillis())
                .retryAttemptedLogLevel(LoggingLevel.DEBUG) // one WARN per failed cycle (below), not one per retry: logs are capped
                .logExhausted(false)
                .handled(true)
                .process(this::cycleFailed);
    }

    private void cycleFailed(Exchange e) {
        String partner = e.getProperty(PartnerPullRoute.PARTNER, String.class);
        String reason = describe(e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        PullStatus s = statuses.get(partner);
        if (s != null) {
            s.failedCycles.incrementAndGet();
            s.consecutiveFailures.incrementAndGet();
            s.lastError.set(reason);
        }
        LOG.warning(() -> "partner " + partner + ": pull failed after " + settings.retries() + " retries, next try in one period: " + reason);
    }

    /** A failure as an operator wants to read it: what the partner said, not a stack of wrappers. */
    static String describe(Throwable t) {
        if (t instanceof HttpOperationFailedException h) {
            String fault = h.getResponseBody() == null ? null : ErpEnvelope.faultString(h.getResponseBody());
            String body = fault != null ? fault : h.getResponseBody() == null ? "" : h.getResponseBody();
            return "HTTP " + h.getStatusCode() + " from " + h.getUri() + (body.isBlank() ? "" : ": " + abbreviate(body));
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof PartnerFormatException)) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + abbreviate(String.valueOf(root.getMessage()));
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 300 ? one : one.substring(0, 297) + "...";
    }
}
