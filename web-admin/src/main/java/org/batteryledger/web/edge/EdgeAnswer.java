package org.batteryledger.web.edge;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.batteryledger.core.json.Json;
import org.batteryledger.web.api.Problem;

import java.nio.charset.StandardCharsets;

/** The answers the edge checks give before the request reaches the application: problem+json, or a SOAP 1.1 fault. */
final class EdgeAnswer {
    private EdgeAnswer() {
    }

    static void problem(HttpServerExchange exchange, int status, String title, String detail) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/problem+json;charset=UTF-8");
        exchange.getResponseSender().send(Json.write(Problem.body(status, title, detail)), StandardCharsets.UTF_8);
    }

    /** A {@code soap:Client} fault: the client's mistake, with the reason. */
    static void clientFault(HttpServerExchange exchange, int status, String reason) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/xml;charset=UTF-8");
        exchange.getResponseSender().send(clientFaultXml(reason), StandardCharsets.UTF_8);
    }

    /** The envelope of a {@code soap:Client} fault with the reason. */
    static String clientFaultXml(String reason) {
        return "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault>"
                + "<faultcode>soap:Client</faultcode><faultstring>" + xml(reason) + "</faultstring></soap:Fault></soap:Body></soap:Envelope>";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
