package org.batteryledger.web.edge;

import io.undertow.server.HttpServerExchange;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.util.Headers;
import jakarta.servlet.ServletContext;
import org.batteryledger.web.console.ConsoleSecurity;

import java.util.regex.Pattern;

/**
 * Looks at {@code Authorization: Basic} credentials before the server's BASIC mechanism does. Credentials that are
 * not base64 (a stray byte, a space, missing padding) made that mechanism fail with a 500 and WildFly's HTML error
 * page with a stack trace, on every path of the node; they get a 401 problem+json naming the header instead.
 * Well-formed credentials pass on untouched, right or wrong, to the realm.
 * <p>
 * An Undertow servlet extension (listed in {@code META-INF/services}): its initial handler runs before security,
 * which a servlet filter cannot.
 */
public final class BasicCredentialsCheck implements ServletExtension {
    /** RFC 7617 credentials: base64 (RFC 4648 section 4, padded) of {@code user:password}. */
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    static final String REALM_CHALLENGE = "Basic realm=\"ApplicationRealm\", charset=\"UTF-8\"";

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
        deployment.addInitialHandlerChainWrapper(next -> exchange -> {
            String problem = malformed(exchange.getRequestHeaders().get(Headers.AUTHORIZATION));
            if (problem == null) {
                next.handleRequest(exchange);
            } else {
                refuse(exchange, problem);
            }
        });
    }

    /**
     * Why one of the request's Authorization headers holds malformed Basic credentials; null when none does (no
     * header, another scheme, or credentials the realm can judge).
     */
    static String malformed(Iterable<String> authorizations) {
        if (authorizations == null) {
            return null;
        }
        for (String header : authorizations) {
            String value = header.strip();
            int space = value.indexOf(' ');
            String scheme = space < 0 ? value : value.substring(0, space);
            if (!scheme.equalsIgnoreCase("Basic") || space < 0) {
                continue;
            }
            String credentials = value.substring(space + 1).strip();
            if (!BASE64.matcher(credentials).matches()) {
                return "the Authorization header's Basic credentials are not base64 of user:password (RFC 7617: the "
                        + "letters A-Z, a-z, digits, + and /, padded with = to a multiple of 4 characters, nothing else)";
            }
        }
        return null;
    }

    private static void refuse(HttpServerExchange exchange, String detail) {
        // The console's own requests get no challenge: a browser would open its login dialog over the page.
        if (!ConsoleSecurity.CONSOLE_HEADER_VALUE.equals(exchange.getRequestHeaders().getFirst(ConsoleSecurity.CONSOLE_HEADER))) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, REALM_CHALLENGE);
        }
        EdgeAnswer.problem(exchange, 401, "Unauthorized", detail);
    }
}
