package org.batteryledger.it.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** SOAP envelopes broken every way the SOAP stack can meet them: each is a client's mistake, a soap:Client fault. */
final class SoapCases {
    static final String ENDPOINT = "/ledger/soap/BatteryLedger";
    static final String ENV = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String NS = "urn:batteryledger:ledger:1";

    private SoapCases() {
    }

    static HostileRequests.Case next(HostileRequests g, Random random) {
        String op = g.pick(HostileRequests.SOAP_OPS);
        String user = g.pick(List.of("manufacturer", "charging", "auditor"));
        String body;
        String how;
        switch (random.nextInt(12)) {
            case 0 -> {
                how = "field";
                body = envelope(operation(op, g, random, true));
            }
            case 1 -> {
                how = "no body";
                body = "<s:Envelope xmlns:s=\"" + ENV + "\"><s:Header/></s:Envelope>";
            }
            case 2 -> {
                how = "text body";
                body = "<s:Envelope xmlns:s=\"" + ENV + "\"><s:Body>just some text</s:Body></s:Envelope>";
            }
            case 3 -> {
                how = "empty body";
                body = "<s:Envelope xmlns:s=\"" + ENV + "\"><s:Body/></s:Envelope>";
            }
            case 4 -> {
                how = "not an envelope";
                body = g.pick(List.of("<Envelope/>", "<s:Envelope xmlns:s=\"urn:wrong\"><s:Body/></s:Envelope>", "{\"json\":true}", "",
                        "<?xml version=\"1.0\"?>", "<a><b></a>", "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body/></s:Envelope>"));
            }
            case 5 -> {
                how = "entities";
                body = g.pick(List.of(
                        "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><s:Envelope xmlns:s=\"" + ENV + "\"><s:Body>&x;</s:Body></s:Envelope>",
                        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                                + "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><s:Envelope xmlns:s=\"" + ENV + "\"><s:Body>&d;</s:Body></s:Envelope>",
                        envelope(operation(op, g, random, false)).replace("<l:recordId>", "<l:recordId>&#0;"),
                        envelope(operation(op, g, random, false)).replace("<l:batteryCode>", "<l:batteryCode>&undefined;")));
            }
            case 6 -> {
                how = "cut";
                String whole = envelope(operation(op, g, random, false));
                body = whole.substring(0, random.nextInt(whole.length()));
            }
            case 7 -> {
                how = "deep";
                int depth = g.pick(List.of(100, 5_000, 50_000));
                body = envelope("<l:" + op + ">" + "<l:x>".repeat(depth) + "</l:x>".repeat(depth) + "</l:" + op + ">");
            }
            case 8 -> {
                how = "wrong namespace";
                body = envelope(operation(op, g, random, false)).replace("xmlns:l=\"" + NS + "\"", "xmlns:l=\"urn:other\"");
            }
            case 9 -> {
                how = "big";
                body = envelope(operation(op, g, random, false).replace("<l:manufacturer>", "<l:manufacturer>" + "M".repeat(200_000)));
            }
            case 10 -> {
                how = "noise";
                byte[] b = new byte[random.nextInt(3_000)];
                random.nextBytes(b);
                body = new String(b, StandardCharsets.ISO_8859_1);
            }
            default -> {
                how = "repeated";
                body = envelope((operation(op, g, random, false)).repeat(2 + random.nextInt(3)));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", random.nextInt(8) == 0 ? g.pick(List.of("text/xml; charset=ebcdic", "application/json", "text/plain",
                "multipart/related", "text/xml; charset=utf-16", "application/soap+xml")) : "text/xml; charset=utf-8");
        headers.put("SOAPAction", random.nextInt(8) == 0 ? g.pick(List.of("\"urn:nope\"", "", "\"\"", "nonsense", "\"" + NS + ":" + op + "\" extra"))
                : "\"" + NS + ":" + op + "\"");
        return g.make("soap " + how, user, "POST", ENDPOINT, headers, body.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String envelope(String payload) {
        return "<s:Envelope xmlns:s=\"" + ENV + "\" xmlns:l=\"" + NS + "\"><s:Body>" + payload + "</s:Body></s:Envelope>";
    }

    /** An operation's element with a record (or a code), a field hostile when asked. */
    private static String operation(String op, HostileRequests g, Random random, boolean hostileField) {
        String inner;
        if (op.equals("getBattery") || op.equals("getProof")) {
            inner = "<l:batteryCode>" + (hostileField ? g.pick(XML_VALUES) : g.batteryCode()) + "</l:batteryCode>";
        } else {
            boolean master = random.nextBoolean();
            Map<String, String> r = g.record(master);
            r.remove("type");
            StringBuilder b = new StringBuilder("<l:").append(master ? "battery" : "session").append('>');
            String hostile = hostileField ? g.pick(List.copyOf(r.keySet())) : null;
            r.forEach((k, v) -> {
                String value = k.equals(hostile) ? g.pick(XML_VALUES) : v.replace("\"", "");
                if (!(k.equals(hostile) && random.nextInt(4) == 0)) {
                    b.append("<l:").append(k).append('>').append(value).append("</l:").append(k).append('>');
                }
            });
            inner = b.append("</l:").append(master ? "battery" : "session").append('>').toString();
        }
        return "<l:" + op + ">" + inner + "</l:" + op + ">";
    }

    static final List<String> XML_VALUES = List.of("", " ", "2e308", "-2e308", "1e2147483648", "NaN", "INF", "-INF", "-0", "1" + "0".repeat(400),
            "9223372036854775808", "abc", "&lt;b&gt;", "<nested>x</nested>", "<![CDATA[x]]>", "2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z",
            "2024-03-01", "\u202e", "x".repeat(70_000), "&amp;", "\uD83D\uDD0B", "true", "0x10", "1_000");
}
