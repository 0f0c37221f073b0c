package org.batteryledger.web.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * Cross-site request forgery protection for every state-changing request (anything but GET, HEAD and OPTIONS).
 * <ul>
 *   <li>A browser's {@code Sec-Fetch-Site} other than same-origin or none is refused.</li>
 *   <li>An {@code Origin} other than this node's own is refused: the other nodes on the same host are the same
 *       <em>site</em> (cookies ignore ports), so SameSite cookies alone would let one node's page act on another's.</li>
 *   <li>A request authenticated by the console's login session must carry the session's token in
 *       {@code X-CSRF-Token} (from {@code GET /api/session}, kept in the page's memory, never in a cookie).</li>
 * </ul>
 * Clients that authenticate every request with BASIC and send none of the browser headers (curl, the launcher, SOAP
 * and ERP integrations) pass: a forged cross-site request always carries an Origin.
 */
@WebFilter(urlPatterns = "/*", asyncSupported = true)
public class CsrfFilter extends HttpFilter {
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> SAME_ORIGIN_FETCH = Set.of("same-origin", "none");

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String refusal = SAFE_METHODS.contains(request.getMethod()) ? null : refusal(request);
        if (refusal != null) {
            ConsoleSecurity.problem(response, 403, "Forbidden", refusal);
            return;
        }
        chain.doFilter(request, response);
    }

    /** Why a state-changing request is refused, or null. */
    static String refusal(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !SAME_ORIGIN_FETCH.contains(fetchSite)) {
            return "a " + request.getMethod() + " from another site (Sec-Fetch-Site: " + fetchSite + ") is refused";
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            return "a " + request.getMethod() + " from origin " + origin + " is refused: only this node's own pages may change it";
        }
        if ("FORM".equals(request.getAuthType())
                && !ConsoleSecurity.csrfTokenMatches(request.getSession(false), request.getHeader(ConsoleSecurity.CSRF_HEADER))) {
            return "the request lacks the console session's " + ConsoleSecurity.CSRF_HEADER
                    + " header (reload the console; scripts using the API authenticate with BASIC instead)";
        }
        return null;
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI o = URI.create(origin);
            int port = o.getPort() != -1 ? o.getPort() : "https".equals(o.getScheme()) ? 443 : 80;
            return request.getScheme().equals(o.getScheme()) && request.getServerName().equalsIgnoreCase(o.getHost())
                    && request.getServerPort() == port;
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed or file pages) and anything unparsable
        }
    }
}
