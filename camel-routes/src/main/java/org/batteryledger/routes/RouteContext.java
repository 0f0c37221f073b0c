package org.batteryledger.routes;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.batteryledger.node.service.LedgerService;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The node's Camel context. Camel 4 has no CDI integration, so this singleton owns the context's life: built and
 * started when the node deploys (after the replica, whose facades the routes call), stopped when it undeploys, so
 * in-flight exchanges finish before the ledger goes away.
 */
@Singleton
@Startup
@DependsOn("NodeRuntime")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RouteContext {
    private static final Logger LOG = Logger.getLogger(RouteContext.class.getName());

    @EJB
    private LedgerService ledger;

    private volatile CamelContext camel;

    @PostConstruct
    void start() {
        camel = create("battery-ledger-" + ledger.nodeName(), builders());
        LOG.info(() -> "Camel context " + camel.getName() + " started with " + camel.getRoutes().size() + " routes");
    }

    @PreDestroy
    void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    /** The routes of this node: one builder per external system and direction. */
    List<RouteBuilder> builders() {
        return new ArrayList<>();
    }

    /** Builds and starts a context; the deployment's class loader resolves the routes' classes. */
    static CamelContext create(String name, List<RouteBuilder> builders) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.setApplicationContextClassLoader(RouteContext.class.getClassLoader());
        try {
            for (RouteBuilder b : builders) {
                context.addRoutes(b);
            }
            context.start();
        } catch (Exception e) {
            context.stop();
            throw new IllegalStateException("cannot start the routes: " + e.getMessage(), e);
        }
        return context;
    }

    /** Started, Stopping, Stopped...: what the health check reports. */
    public String status() {
        CamelContext c = camel;
        return c == null ? "Stopped" : c.getStatus().name();
    }

    public List<String> routeIds() {
        CamelContext c = camel;
        return c == null ? List.of() : c.getRoutes().stream().map(Route::getRouteId).toList();
    }
}
