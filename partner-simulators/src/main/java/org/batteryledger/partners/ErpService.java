package org.batteryledger.partners;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.batteryledger.partners.erp.GetBatteryMasterData;
import org.batteryledger.partners.erp.GetBatteryMasterDataResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The manufacturer ERP's SOAP 1.1 service at {@code /erp/BatteryMasterService}, contract first
 * ({@code wsdl/erp-battery-master.wsdl}): {@code GET ?wsdl} serves the WSDL with the live address; {@code POST} answers
 * {@code erp:GetBatteryMasterData} with a page of battery master records, or a SOAP fault. The messages are the WSDL's
 * JAXB beans in SAAJ envelopes ({@link ErpMessages}); the HTTP exchange stays here, where the fault injector reaches it.
 */
final class ErpService implements HttpHandler {
    static final String PATH = "/erp/BatteryMasterService";
    static final String NS = ErpMessages.NS;
    static final String SOAP_NS = ErpMessages.SOAP_NS;
    static final String WSDL_RESOURCE = "/wsdl/erp-battery-master.wsdl";
    static final int DEFAULT_MAX_RESULTS = 500;
    static final int MAX_RESULTS = 1000;
    /** What the invalid-record fault puts into the first battery of a page. */
    static final BigDecimal INVALID_DOD = new BigDecimal("1.5");
    private static final int MAX_REQUEST_BYTES = 1 << 20;

    private final Fleet fleet;
    private final FaultInjector faults;
    private final Supplier<String> address;
    private final String wsdlTemplate;

    ErpService(Fleet fleet, FaultInjector faults, Supplier<String> address) {
        this.fleet = fleet;
        this.faults = faults;
        this.address = address;
        try (InputStream in = ErpService.class.getResourceAsStream(WSDL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + WSDL_RESOURCE);
            }
            this.wsdlTemplate = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The WSDL with its soap:address pointing at {@code location}. */
    String wsdl(String location) {
        return wsdlTemplate.replaceFirst("<soap:address location=\"[^\"]*\"/>", "<soap:address location=\"" + escape(location) + "\"/>");
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(PATH)) {
                Http.send(exchange, 404, "text/plain; charset=utf-8", ("no service at " + path + "; the service is " + PATH + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            String method = exchange.getRequestMethod();
            String query = exchange.getRequestURI().getRawQuery();
            if ("GET".equals(method) && query != null && query.toLowerCase(Locale.ROOT).equals("wsdl")) {
                Http.send(exchange, 200, Http.XML, wsdl(address.get()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!"POST".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, POST");
                Http.send(exchange, 405, "text/plain; charset=utf-8", ("use POST for SOAP requests or GET " + PATH + "?wsdl\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            FaultInjector.Fault fault = faults.next(FaultInjector.Target.ERP);
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BYTES + 1);
            if (fault != null && fault.mode() == FaultInjector.Mode.ERROR) {
                fault(exchange, false, "injected fault: the ERP failed");
                return;
            }
            if (fault != null && fault.mode() == FaultInjector.Mode.TIMEOUT && !Http.delay(fault.delayMillis())) {
                return;
            }
            String response;
            try {
                response = answer(exchange.getRequestHeaders().getFirst("Content-Type"), body, fault);
            } catch (ClientFault e) {
                fault(exchange, true, e.getMessage());
                return;
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            if (fault != null && fault.mode() == FaultInjector.Mode.MALFORMED) {
                bytes = Http.truncated(bytes);
            }
            Http.send(exchange, 200, Http.XML, bytes);
        }
    }

    /** A request the client got wrong: a soap:Client fault with this message as faultstring. */
    static final class ClientFault extends Exception {
        ClientFault(String message) {
            super(message);
        }
    }

    private String answer(String contentType, byte[] body, FaultInjector.Fault fault) throws ClientFault {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/xml")) {
            throw new ClientFault("Content-Type must be text/xml (SOAP 1.1), was " + (contentType == null ? "absent" : "'" + contentType + "'"));
        }
        if (body.length > MAX_REQUEST_BYTES) {
            throw new ClientFault("request larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        GetBatteryMasterData request = ErpMessages.request(body);
        int maxResults;
        try {
            maxResults = Page.size("maxResults", request.getMaxResults(), DEFAULT_MAX_RESULTS, MAX_RESULTS);
        } catch (IllegalArgumentException e) {
            throw new ClientFault(e.getMessage());
        }
        String after = request.getAfter() == null ? null : request.getAfter().trim();
        int position = -1;
        if (after != null && !after.isEmpty()) {
            position = fleet.batteryPosition(after);
            if (position < 0) {
                throw new ClientFault("unknown after: no battery record with recordId '" + after + "'");
            }
        }
        Page<BatteryMaster> page = Page.of(fleet.batteries(), position, maxResults);
        List<BatteryMaster> records = new ArrayList<>(page.records());
        if (fault != null && fault.mode() == FaultInjector.Mode.INVALID_RECORD && !records.isEmpty()) {
            records.set(0, records.get(0).withRatedCycleDod(INVALID_DOD));
        }
        return response(records, page.more());
    }

    static String response(List<BatteryMaster> records, boolean more) {
        GetBatteryMasterDataResponse response = new GetBatteryMasterDataResponse();
        for (BatteryMaster m : records) {
            org.batteryledger.partners.erp.BatteryMaster b = new org.batteryledger.partners.erp.BatteryMaster();
            b.setRecordId(m.recordId());
            b.setBatteryCode(m.batteryCode());
            b.setManufacturer(m.manufacturer());
            b.setChemistry(m.chemistry().name());
            b.setRatedCapacityAh(plain(m.ratedCapacityAh()));
            b.setNominalVoltageV(plain(m.nominalVoltageV()));
            b.setRatedCycleLife(Integer.toString(m.ratedCycleLife()));
            b.setRatedCycleDod(plain(m.ratedCycleDod()));
            b.setRatedCycleTempC(plain(m.ratedCycleTempC()));
            b.setManufacturedAt(Times.format(m.manufacturedAt()));
            response.getBattery().add(b);
        }
        response.setMore(Boolean.toString(more));
        return ErpMessages.answer(response);
    }

    private static void fault(HttpExchange exchange, boolean client, String message) throws IOException {
        Http.send(exchange, 500, Http.XML, ErpMessages.fault(client, message).getBytes(StandardCharsets.UTF_8));
    }

    static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : c);
            }
        }
        return b.toString();
    }
}
