package org.batteryledger.web.edge;

import jakarta.ejb.EJB;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.batteryledger.core.json.Json;
import org.batteryledger.node.ha.LeaseTable;
import org.batteryledger.node.runtime.NodeRuntime;
import org.batteryledger.node.store.LedgerStore;
import org.batteryledger.web.api.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Both servers of a clustered member serve its API: the standby hands each API request and SOAP call to the member's
 * active server (the lease holder, at the address it wrote into the lease) and answers with what that one answered. A
 * write is acknowledged only by the server that runs the replica, so nothing the standby answers can be lost in a
 * takeover. Without an active server to reach (the takeover's seconds) the request is answered here as before: writes
 * get 503 with Retry-After.
 * <p>
 * Not forwarded: {@code GET /api/health} (it describes this server) and the WSDL (its address is this server's). A
 * request that a standby forwarded already is never forwarded again ({@link #FORWARDED_BY}): two servers that both
 * believe themselves standby answer 503 instead of passing it between them.
 */
public class StandbyForwarding extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(StandbyForwarding.class.getName());
    /** The request header a standby adds, naming itself. */
    static final String FORWARDED_BY = "Battery-Ledger-Forwarded-By";
    /** How long the lease holder's address is reused before the store is asked again: a quarter of the default lease. */
    private static final long HOLDER_MILLIS = 750;
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and those the JDK's client sets itself: never copied. */
    private static final Set<String> NOT_COPIED = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
            "upgrade", "host", "content-length", "expect", "http2-settings", FORWARDED_BY.toLowerCase(Locale.ROOT));
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
    /** A commit wait, a valuation or a large push may take long under load; the active server bounds its own work. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    @EJB
    private NodeRuntime runtime;
    @EJB
    private LedgerStore store;
    private volatile Holder holder = new Holder(null, 0);

    private record Holder(LeaseTable.Holder seen, long readAtNanos) {
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain) throws IOException, ServletException {
        Optional<String> active = runtime.standby() == null || !forwardable(req) ? Optional.empty() : activeAddress();
        if (active.isEmpty()) {
            chain.doFilter(req, resp);
            return;
        }
        if (req.getHeader(FORWARDED_BY) != null) {
            unavailable(req, resp, "this server (" + runtime.serverName() + ") is its member's standby and was handed this request by "
                    + "another standby: the member is taking over its replica");
            return;
        }
        forward(req, resp, active.get());
    }

    /** Whether a standby hands this request on: the API but its health, SOAP calls (POST). */
    static boolean forwardable(HttpServletRequest req) {
        String path = path(req);
        if (path.startsWith("/soap/")) {
            return "POST".equals(req.getMethod());
        }
        return path.startsWith("/api/") && !(path.equals("/api/health") && "GET".equals(req.getMethod()));
    }

    /** The active server's HTTP base while its lease runs, else empty. */
    private Optional<String> activeAddress() {
        Holder h = holder;
        if (h.seen == null || System.nanoTime() - h.readAtNanos > HOLDER_MILLIS * 1_000_000) {
            try {
                h = new Holder(store.leaseHolder().orElse(null), System.nanoTime());
            } catch (RuntimeException e) {
                return Optional.empty(); // the store does not answer: nobody can take a write now; answered here
            }
            holder = h;
        }
        LeaseTable.Holder seen = h.seen;
        if (seen == null || seen.address() == null || seen.expiresAtMillis() < System.currentTimeMillis() || seen.server().equals(runtime.serverName())) {
            return Optional.empty();
        }
        return Optional.of(seen.address());
    }

    /** The request's path inside the application, as the client encoded it. */
    private static String path(HttpServletRequest req) {
        return req.getRequestURI().substring(req.getContextPath().length());
    }

    private void forward(HttpServletRequest req, HttpServletResponse resp, String activeBase) throws IOException {
        String path = path(req);
        URI target;
        try {
            target = URI.create(activeBase + path + (req.getQueryString() == null ? "" : "?" + req.getQueryString()));
        } catch (IllegalArgumentException e) {
            resp.setStatus(400);
            resp.setContentType("application/problem+json;charset=UTF-8");
            resp.getOutputStream().write(Json.write(Problem.body(400, "Bad Request", "the request's path or query is not a URI (RFC 3986)"))
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        InputStream body = req.getInputStream();
        boolean noBody = req.getContentLengthLong() == 0 || (req.getContentLengthLong() < 0 && req.getHeader("Transfer-Encoding") == null);
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(REQUEST_TIMEOUT)
                .method(req.getMethod(), noBody ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofInputStream(() -> body));
        for (String name : java.util.Collections.list(req.getHeaderNames())) {
            if (copied(name)) {
                for (String value : java.util.Collections.list(req.getHeaders(name))) {
                    b.header(name, value);
                }
            }
        }
        b.header(FORWARDED_BY, runtime.serverName());
        b.header("X-Forwarded-For", req.getRemoteAddr());
        HttpResponse<InputStream> answer;
        try {
            answer = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            LOG.warning(() -> "the member's active server at " + activeBase + " did not answer a forwarded " + req.getMethod() + " " + path + ": " + e);
            holder = new Holder(null, 0);
            unavailable(req, resp, "the member's active server did not answer (" + e.getClass().getSimpleName() + "): it may be taking over; "
                    + "retry. A write it did not answer may or may not have been taken: submissions of the same record or transaction are "
                    + "recognised as such");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(req, resp, "interrupted while the member's active server answered");
            return;
        }
        resp.setStatus(answer.statusCode());
        for (Map.Entry<String, List<String>> h : answer.headers().map().entrySet()) {
            if (copied(h.getKey()) && !h.getKey().startsWith(":")) {
                for (String v : h.getValue()) {
                    resp.addHeader(h.getKey(), v);
                }
            }
        }
        resp.addHeader("Via", "1.1 " + runtime.serverName());
        try (InputStream in = answer.body(); OutputStream out = resp.getOutputStream()) {
            in.transferTo(out);
        }
    }

    static boolean copied(String header) {
        return !NOT_COPIED.contains(header.toLowerCase(Locale.ROOT));
    }

    /** 503 with Retry-After: problem+json, or a soap:Server fault to a SOAP call. */
    private static void unavailable(HttpServletRequest req, HttpServletResponse resp, String detail) throws IOException {
        resp.setStatus(503);
        resp.setHeader("Retry-After", "2");
        if (path(req).startsWith("/soap/")) {
            resp.setContentType("text/xml;charset=UTF-8");
            resp.getOutputStream().write(("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault>"
                    + "<faultcode>soap:Server</faultcode><faultstring>" + detail.replace("&", "&amp;").replace("<", "&lt;")
                    + "</faultstring></soap:Fault></soap:Body></soap:Envelope>").getBytes(StandardCharsets.UTF_8));
            return;
        }
        resp.setContentType("application/problem+json;charset=UTF-8");
        resp.getOutputStream().write(Json.write(Problem.body(503, "Service Unavailable", detail)).getBytes(StandardCharsets.UTF_8));
    }
}
