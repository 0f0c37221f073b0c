package org.batteryledger.web.edge;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import jakarta.servlet.ServletContext;
import org.batteryledger.node.runtime.NodeRuntime;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.net.URI;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Both servers of a clustered member serve its API: the standby hands each API request and SOAP call to the member's
 * active server (the lease holder, at the address it wrote into the lease) through Undertow's reverse proxy, and the
 * client gets what that server answered. Only the server running the replica acknowledges a write, so nothing a standby
 * answers can be lost in a takeover. With no active server to reach (the seconds of a takeover) the standby answers
 * itself as before: writes get 503 with Retry-After.
 * <p>
 * An initial handler (an Undertow servlet extension, listed in {@code META-INF/services}): it runs before security and
 * sessions, so the standby neither checks credentials the active server checks nor locks a console session the active
 * server then waits for. Not handed on: {@code GET /api/health} (it describes this server) and the WSDL (its address is
 * this server's). A request one standby handed on is never handed on again ({@link #FORWARDED_BY}).
 */
public final class StandbyProxy implements ServletExtension {
    private static final Logger LOG = Logger.getLogger(StandbyProxy.class.getName());
    /** The request header a standby adds, naming itself. */
    static final HttpString FORWARDED_BY = new HttpString("Battery-Ledger-Forwarded-By");
    private static final String RUNTIME = "java:global/battery-ledger/ejb-ledger/NodeRuntime!" + NodeRuntime.class.getName();
    /** A commit wait, a valuation or a large push may take long under load; the active server bounds its own work. */
    private static final int MAX_REQUEST_MILLIS = 120_000;
    /** Connections to the active server per I/O thread, and requests waiting for one: both bounded. */
    private static final int CONNECTIONS_PER_THREAD = 8;
    private static final int MAX_QUEUED = 256;

    private volatile NodeRuntime runtime;
    /** The proxy to the active server last seen: one, replaced when another server takes the lease. */
    private volatile Target target;

    private record Target(String address, LoadBalancingProxyClient client, HttpHandler proxy) {
    }

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
        String server = System.getProperty(NodeRuntime.SERVER_NAME);
        if (server == null || server.isBlank()) {
            return; // a member of one server has no standby: nothing on its requests' path
        }
        String contextPath = deployment.getContextPath();
        deployment.addInitialHandlerChainWrapper(next -> exchange -> {
            NodeRuntime node = forwardable(exchange, contextPath) ? runtime() : null;
            Optional<String> active = node == null ? Optional.empty() : node.activeServer();
            if (active.isEmpty()) {
                next.handleRequest(exchange);
            } else if (exchange.getRequestHeaders().contains(FORWARDED_BY)) {
                exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "2");
                EdgeAnswer.problem(exchange, 503, "Service Unavailable", "this server (" + node.serverName() + ") is its member's standby and "
                        + "was handed this request by another standby: the member is taking over its replica; retry");
            } else {
                exchange.getRequestHeaders().put(FORWARDED_BY, node.serverName());
                exchange.addDefaultResponseListener(StandbyProxy::unanswered);
                proxyTo(active.get()).handleRequest(exchange);
            }
        });
    }

    /** Whether a standby hands this request on: the API but its health, and SOAP calls (POST). */
    static boolean forwardable(HttpServerExchange exchange, String contextPath) {
        String path = exchange.getRequestPath();
        if (!path.startsWith(contextPath + "/")) {
            return false;
        }
        path = path.substring(contextPath.length());
        if (path.startsWith("/soap/")) {
            return Methods.POST.equals(exchange.getRequestMethod());
        }
        return path.startsWith("/api/") && !(path.equals("/api/health") && Methods.GET.equals(exchange.getRequestMethod()));
    }

    /**
     * The reverse proxy to {@code address}, the active server's HTTP base with its context path: the proxy asks for that
     * path followed by the request's path inside this application.
     */
    private HttpHandler proxyTo(String address) {
        Target t = target;
        if (t == null || !t.address.equals(address)) {
            synchronized (this) {
                t = target;
                if (t == null || !t.address.equals(address)) {
                    LoadBalancingProxyClient client = new LoadBalancingProxyClient().setConnectionsPerThread(CONNECTIONS_PER_THREAD)
                            .setMaxQueueSize(MAX_QUEUED).addHost(URI.create(address));
                    HttpHandler proxy = ProxyHandler.builder().setProxyClient(client).setMaxRequestTime(MAX_REQUEST_MILLIS)
                            .setMaxConnectionRetries(0) // a write the active server may have taken is never sent twice
                            .build();
                    if (t != null) {
                        t.client.removeHost(URI.create(t.address)); // closes its connections
                    }
                    LOG.info(() -> "this standby hands API requests and SOAP calls to its member's active server at " + address);
                    t = new Target(address, client, proxy);
                    target = t;
                }
            }
        }
        return t.proxy;
    }

    /**
     * The proxy ended the exchange without an answer of the active server (it could not be reached, or did not answer in
     * time): a 503 problem with Retry-After instead of an empty one.
     */
    private static boolean unanswered(HttpServerExchange exchange) {
        if (exchange.isResponseStarted() || exchange.getStatusCode() < 500) {
            return false;
        }
        exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "2");
        EdgeAnswer.problem(exchange, 503, "Service Unavailable", "the member's active server did not answer: it may be taking over; retry. A "
                + "write it did not answer may or may not have been taken: a record or transaction submitted again is recognised as the same");
        return true;
    }

    private NodeRuntime runtime() {
        NodeRuntime r = runtime;
        if (r == null) {
            try {
                runtime = r = InitialContext.doLookup(RUNTIME);
            } catch (NamingException | RuntimeException e) {
                return null; // not deployed yet: this server answers itself
            }
        }
        return r;
    }
}
