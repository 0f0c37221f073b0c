package org.batteryledger.routes.pull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A partner system this node pulls records from, as configured in the node's {@code node.properties}:
 * <pre>
 * partner.erp-a.kind=erp-soap                 # or charging-rest
 * partner.erp-a.url=http://127.0.0.1:8700/erp/BatteryMasterService
 * partner.erp-a.period.millis=5000            # between polls once caught up (default 5000)
 * partner.erp-a.page.size=500                 # records per request (default 500, at most 1000)
 * partner.cpo-a.max.deferral.millis=600000    # how long a session may wait for its battery's record (default 10 min)
 * </pre>
 */
public record Partner(String name, Kind kind, String url, long periodMillis, int pageSize, long maxDeferralMillis) {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public enum Kind {
        /** A manufacturer ERP serving battery master data over SOAP. */
        ERP_SOAP("erp-soap", "battery"),
        /** A charging platform serving sessions over REST. */
        CHARGING_REST("charging-rest", "session");

        public final String key;
        /** The record type this kind of partner may deliver. */
        public final String recordType;

        Kind(String key, String recordType) {
            this.key = key;
            this.recordType = recordType;
        }

        static Kind of(String key, String partner) {
            for (Kind k : values()) {
                if (k.key.equals(key)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("partner." + partner + ".kind must be erp-soap or charging-rest, not '" + key + "'");
        }
    }

    /** The partners named in these properties, by name; a mistake in any of them is named in the exception. */
    public static List<Partner> fromProperties(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("partner.")) {
                int dot = key.indexOf('.', "partner.".length());
                if (dot < 0) {
                    throw new IllegalArgumentException("'" + key + "' names no setting: use partner.<name>.kind, .url, ...");
                }
                names.add(key.substring("partner.".length(), dot));
            }
        }
        List<Partner> out = new ArrayList<>();
        for (String name : names) {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("partner name '" + name + "' must be 1-32 characters of [a-z0-9-]");
            }
            String prefix = "partner." + name + ".";
            String kind = p.getProperty(prefix + "kind");
            String url = p.getProperty(prefix + "url");
            if (kind == null || url == null) {
                throw new IllegalArgumentException("partner " + name + " needs " + prefix + "kind and " + prefix + "url");
            }
            if (!url.toLowerCase(Locale.ROOT).matches("https?://[^?#]+")) {
                throw new IllegalArgumentException(prefix + "url must be an http(s) URL without query, not '" + url + "'");
            }
            int pageSize = (int) number(p, prefix + "page.size", 500, 1, 1_000);
            out.add(new Partner(name, Kind.of(kind.trim(), name), url.trim(), number(p, prefix + "period.millis", 5_000, 100, 86_400_000),
                    pageSize, number(p, prefix + "max.deferral.millis", 600_000, 0, 86_400_000L * 30)));
        }
        return out;
    }

    static long number(Properties p, String key, long fallback, long min, long max) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException(key + " must be from " + min + " to " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + v + "'");
        }
    }

    public String routeId() {
        return (kind == Kind.ERP_SOAP ? "erp-soap-pull-" : "charging-rest-pull-") + name;
    }

    /** The sub-route that fetches one page (ask, call, read): retried whole. */
    public String fetchRouteId() {
        return routeId() + "-fetch";
    }

    /** The source kept with each record and dead letter of this partner. */
    public String source() {
        return "pull:" + name;
    }
}
