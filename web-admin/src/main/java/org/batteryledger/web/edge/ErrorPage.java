package org.batteryledger.web.edge;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.batteryledger.core.json.Json;
import org.batteryledger.web.api.Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The application's error page (web.xml's default {@code <error-page>}): what the container answers itself (a method
 * a static page does not take, a page that does not exist, an exception nothing caught) is problem+json that names
 * the status, the method and the path, in place of the server's HTML error page. A method no servlet knows (the
 * servlet API's 501) is a 405: the client's mistake. An exception's text stays in the
 * node's log under a reference; the client gets the reference, never the text.
 */
public class ErrorPage extends HttpServlet {
    private static final Logger LOG = Logger.getLogger(ErrorPage.class.getName());
    private static final Map<Integer, String> TITLES = Map.ofEntries(Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(408, "Request Timeout"), Map.entry(411, "Length Required"), Map.entry(413, "Content Too Large"),
            Map.entry(414, "URI Too Long"), Map.entry(415, "Unsupported Media Type"), Map.entry(431, "Request Header Fields Too Large"),
            Map.entry(500, "Internal Server Error"), Map.entry(503, "Service Unavailable"));

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        if (status == 501) {
            status = 405; // a method the servlet does not know (FOO, PATCH, get) is the client's mistake, not the node's
        }
        String method = String.valueOf(req.getAttribute("jakarta.servlet.forward.method") != null ? req.getAttribute("jakarta.servlet.forward.method")
                : req.getMethod());
        Object uri = req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = uri == null ? "this path" : printable(uri.toString());
        String detail = switch (status) {
            case 404 -> "nothing is served at " + path;
            case 405 -> printable(method) + " is not a method " + path + " takes";
            case 401 -> "this needs a user of the node (BASIC credentials, or the console's login)";
            case 403 -> "the user's roles do not allow " + printable(method) + " " + path;
            default -> status >= 500 ? failed(req, status, path) : "the request to " + path + " could not be taken";
        };
        resp.resetBuffer();
        resp.setStatus(status);
        resp.setContentType("application/problem+json;charset=UTF-8");
        resp.getOutputStream().write(Json.write(Problem.body(status, TITLES.getOrDefault(status, "HTTP " + status), detail))
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String failed(HttpServletRequest req, int status, String path) {
        Object error = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String reference = Problem.reference();
        if (error instanceof Throwable t) {
            LOG.log(Level.WARNING, "problem " + reference + " (" + status + " for " + path + ")", t);
        }
        return "the node failed to answer " + path + " (the node logged the details as " + reference + ")";
    }

    /** At most 200 characters, printable ASCII: the path is the client's text, echoed. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
