package org.batteryledger.routes.pull;

import java.util.Properties;

/**
 * How every partner route retries and waits, from {@code node.properties}:
 * <pre>
 * partners.first.poll.delay.millis=5000    # after the node starts
 * partners.retries=4                       # per cycle, after the first attempt
 * partners.retry.delay.millis=1000         # doubled after each retry ...
 * partners.max.retry.delay.millis=30000    # ... up to this
 * partners.timeout.millis=10000            # connect and response timeout of each request
 * </pre>
 * After the retries the cycle ends; the next one starts a period later, from the same cursor.
 */
public record PullSettings(long firstPollDelayMillis, int retries, long retryDelayMillis, long maxRetryDelayMillis, int timeoutMillis) {
    public static final PullSettings DEFAULTS = new PullSettings(5_000, 4, 1_000, 30_000, 10_000);

    public static PullSettings fromProperties(Properties p) {
        return new PullSettings(Partner.number(p, "partners.first.poll.delay.millis", DEFAULTS.firstPollDelayMillis, 0, 3_600_000),
                (int) Partner.number(p, "partners.retries", DEFAULTS.retries, 0, 100),
                Partner.number(p, "partners.retry.delay.millis", DEFAULTS.retryDelayMillis, 0, 3_600_000),
                Partner.number(p, "partners.max.retry.delay.millis", DEFAULTS.maxRetryDelayMillis, 0, 3_600_000),
                (int) Partner.number(p, "partners.timeout.millis", DEFAULTS.timeoutMillis, 100, 600_000));
    }
}
