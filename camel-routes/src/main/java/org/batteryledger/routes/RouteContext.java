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
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.batteryledger.node.records.IntakeService;
import org.batteryledger.node.records.RecordStore;
import org.batteryledger.node.service.LedgerService;
import org.batteryledger.node.service.NodeAdminService;
import org.batteryledger.routes.intake.NodeOffchainStore;
import org.batteryledger.routes.intake.OffchainStore;
import org.batteryledger.routes.intake.RecordIntakeRoute;
import org.batteryledger.routes.pull.Partner;
import org.batteryledger.routes.pull.PartnerRoutes;
import org.batteryledger.routes.pull.PullSettings;
import org.batteryledger.routes.pull.PullStatus;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
    @EJB
    private NodeAdminService admin;
    @EJB
    private IntakeService intake;
    @EJB
    private RecordStore records;
    @EJB
    private org.batteryledger.node.availability.WriteGate gate;

    private volatile CamelContext camel;
    private volatile ProducerTemplate template;
    private volatile Map<String, PullStatus> partners = Map.of();
    private volatile String configurationError;

    @PostConstruct
    void start() {
        OffchainStore store = new NodeOffchainStore(intake, records, gate);
        List<RoutesBuilder> builders = new ArrayList<>();
        builders.add(new RecordIntakeRoute(store));
        PullSettings settings = PullSettings.DEFAULTS;
        try {
            // A mistake in the partners' settings must not keep the node out of consensus: the node runs without
            // pulling, and its health says why.
            Properties p = admin.directory().properties();
            settings = PullSettings.fromProperties(p);
            PartnerRoutes pull = PartnerRoutes.of(Partner.fromProperties(p), settings, store);
            builders.addAll(pull.builders());
            partners = pull.statuses();
        } catch (IOException | IllegalArgumentException e) {
            configurationError = "partners not pulled: " + e.getMessage();
            LOG.severe(configurationError);
        }
        camel = create("battery-ledger-" + ledger.nodeName(), builders, settings);
        template = camel.createProducerTemplate();
        LOG.info(() -> "Camel context " + camel.getName() + " started with routes " + routeIds());
    }

    @PreDestroy
    void stop() {
        if (template != null) {
            try {
                template.stop();
            } catch (RuntimeException e) {
                LOG.warning("producer template: " + e.getMessage());
            }
        }
        if (camel != null) {
            camel.stop();
        }
    }

    /**
     * Builds and starts a context with one builder per external system and direction (route configurations
     * first); the deployment's class loader resolves the routes' classes.
     */
    static CamelContext create(String name, List<RoutesBuilder> builders, PullSettings settings) {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.setApplicationContextClassLoader(RouteContext.class.getClassLoader());
        HttpComponent http = context.getComponent("http", HttpComponent.class);
        http.setConnectTimeout(settings.timeoutMillis());
        http.setConnectionRequestTimeout(settings.timeoutMillis());
        http.setResponseTimeout(settings.timeoutMillis());
        http.setSoTimeout(settings.timeoutMillis());
        try {
            for (RoutesBuilder b : builders) {
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

    /** For the intake's entry points; thread-safe. */
    public ProducerTemplate template() {
        ProducerTemplate t = template;
        if (t == null) {
            throw new IllegalStateException("the routes are not started");
        }
        return t;
    }

    /** The partner routes' statuses by partner name. */
    public Map<String, PullStatus> partners() {
        return partners;
    }

    /** Why partners are not pulled, if their settings are wrong; null otherwise. */
    public String configurationError() {
        return configurationError;
    }

    public List<String> routeIds() {
        CamelContext c = camel;
        return c == null ? List.of() : c.getRoutes().stream().map(Route::getRouteId).toList();
    }
}
