package org.batteryledger.routes;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.batteryledger.routes.pull.PullSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RouteContextTest {
    @Test
    void theContextStartsWithItsRoutesAndStopsCleanly() {
        CamelContext c = RouteContext.create("test-node", List.<org.apache.camel.RoutesBuilder>of(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:ping").routeId("ping").transform(constant("pong"));
            }
        }), PullSettings.DEFAULTS);
        assertEquals("test-node", c.getName());
        assertEquals(ServiceStatus.Started, c.getStatus());
        assertEquals("pong", c.createProducerTemplate().requestBody("direct:ping", "x", String.class));
        c.stop();
        assertEquals(ServiceStatus.Stopped, c.getStatus());
    }

    @Test
    void aBrokenRouteFailsTheStartWithItsReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RouteContext.create("test-node", List.<org.apache.camel.RoutesBuilder>of(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:a").routeId("twice").log("a");
                from("direct:b").routeId("twice").log("b");
            }
        }), PullSettings.DEFAULTS));
        assertEquals(true, e.getMessage().contains("twice"), e.getMessage());
    }
}
