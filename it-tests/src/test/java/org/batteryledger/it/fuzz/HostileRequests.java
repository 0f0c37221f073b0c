package org.batteryledger.it.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of the requests a hostile or broken client sends a node: records with one field made hostile,
 * JSON broken in structure or encoding, the less-travelled endpoints with odd bodies and parameters, odd methods,
 * paths and headers, and SOAP envelopes broken every way the SOAP stack can be. Each case is a whole request (see
 * {@link org.batteryledger.it.RawHttp}); the same seed gives the same cases. The generator never writes the words a
 * leaked stack trace would carry (exception and package names), so finding them in an answer means a leak.
 */
public final class HostileRequests {
    /** One request: who sends it, what, and where; {@code kind} names the generator that made it. */
    public record Case(int number, String kind, String user, String method, String target, Map<String, String> headers, byte[] body) {
        public boolean soap() {
            return target.startsWith("/ledger/soap");
        }

        public String describe() {
            String b = new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1);
            return String.format(Locale.ROOT, "case %d (%s) %s %s as %s %s body %d bytes: %s", number, kind, method,
                    target.length() > 200 ? target.substring(0, 200) + "..." : target, user, headers, body.length, b);
        }
    }

    /** Hostile JSON values, as raw JSON text (some of which is not JSON at all). */
    static final List<String> VALUES = List.of("\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "2e308", "-2e308",
            "1e2147483648", "1e-2147483648", "1e-400", "-0", "0.0", "-1", "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(400),
            "true", "false", "null", "[]", "{}", "[" .repeat(100) + "]".repeat(100), "{\"a\":{\"b\":{\"c\":[1,2,{}]}}}", "NaN", "Infinity",
            "-Infinity", "0x10", "1_000", "01", "1.", ".5", "+1", "\"2024-02-30T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
            "\"0000-01-01T00:00:00Z\"", "\"2024-03-01T00:00:00+01:00\"", "\"2024-03-01\"", "\"NaN\"", "\"<script>alert(1)</script>\"",
            "\"' OR '1'='1\"", "\"${jndi:ldap://127.0.0.1/x}\"", "\"%s%n%x\"", "\"\u202e\"", "\"../../etc/passwd\"", "\"\uD83D\uDD0B\"",
            "\"" + "x".repeat(70_000) + "\"", "\"\\\"\"", "'single'", "undefined", "\"\\x41\"", "\"\t\"", "1e308", "4.9e-324");

    static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get");
    static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=bogus", "application/json; charset=utf-16",
            "application/json; charset=ebcdic", "text/plain", "application/xml", "multipart/form-data", "multipart/form-data; boundary=",
            "application/x-www-form-urlencoded", "*/*", "application/json;;;", "application/json; charset=\"", ";", "a/b/c", "\u00ff/\u00fe");
    static final List<String> ACCEPTS = List.of("*/*;q=bogus", "application/json;q=2", "text/html", "application/xml", "image/png", "*/*;q=0",
            "application/json, */*;q=-1", ";;;", "application/pdf", "application/pkcs7-mime", "x/y;q=0.5;q=0.7");
    static final List<String> AUTHORIZATIONS = List.of("Basic", "Basic ", "Basic ===", "Basic \u00ff\u00fe", "Basic Og==", "Basic YWRtaW4=",
            "Bearer abc", "Digest username=\"admin\"", "Basic " + "QUFB".repeat(5_000), "basic YWRtaW46eA==", "Basic YWRtaW46eA== extra",
            "Negotiate xyz");
    static final List<String> API_GETS = List.of("/chain", "/nodes", "/blocks/%s", "/records/%s", "/records/%s/proof", "/batteries/%s",
            "/batteries?limit=%s", "/batteries?filter=%s", "/batteries?sort=%s", "/batteries?cursor=%s", "/batteries/summary?filter=%s",
            "/valuations/%s", "/valuations/%s/evidence", "/valuations/%s/bundle", "/valuations/lots/%s", "/agencies", "/metrics", "/health", "/openapi", "/batteries/%s/consortium",
            "/signers/%s", "/signers/%s/certificate", "/signers?nodeId=%s", "/revocations");
    static final List<String> ODD_SEGMENTS = List.of("-1", "0", "99999999999999999999", "%00", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%2f",
            "%ff%fe", "%", "%zz", "a%20b", "x".repeat(5_000), "==", ";jsessionid=x", "%E2%80%AE", "1e3", "NaN", "chemistry==",
            "chemistry=in=(", "a==b;c==d,e==f", "stateOfHealth=ge=abc", "((((((((((((((((", "manufacturer==*", "-", "+stateOfHealth",
            "evil,drop", "100000000", "2147483648");
    static final List<String> SOAP_OPS = List.of("submitRecords", "verifyRecord", "getBattery", "getProof", "noSuchOperation");

    private final Random random;
    private final String run;
    private final String batteryCode;
    private int number;

    /**
     * @param run         a tag unique to the run: record ids are new, so a case the node takes is taken as new
     * @param batteryCode a battery the node holds, for sessions that pass the battery check and reach the field checks
     */
    public HostileRequests(long seed, String run, String batteryCode) {
        this.random = new Random(seed);
        this.run = run;
        this.batteryCode = batteryCode;
    }

    public Case next() {
        number++;
        int k = random.nextInt(100);
        if (k < 30) {
            return recordField();
        } else if (k < 45) {
            return brokenJson();
        } else if (k < 60) {
            return endpoint();
        } else if (k < 75) {
            return headers();
        } else if (k < 92) {
            return SoapCases.next(this, random);
        }
        return path();
    }

    Case make(String kind, String user, String method, String target, Map<String, String> headers, byte[] body) {
        return new Case(number, kind, user, method, target, headers, body);
    }

    String recordId() {
        return "fz-" + run + "-" + number + "-" + random.nextInt(1_000);
    }

    String batteryCode() {
        return batteryCode;
    }

    <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** A valid master or session of the held battery (a new master's code is new), as ordered field, raw JSON value. */
    Map<String, String> record(boolean master) {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("recordId", q(recordId()));
        if (master) {
            r.put("type", q("battery"));
            r.put("batteryCode", q(String.format(Locale.ROOT, "FZ%s%08d", run, number)));
            r.put("manufacturer", q("Fuzz Motors"));
            r.put("chemistry", q(random.nextBoolean() ? "NMC" : "LFP"));
            r.put("ratedCapacityAh", "280");
            r.put("nominalVoltageV", "3.2");
            r.put("ratedCycleLife", "6000");
            r.put("ratedCycleDod", "1");
            r.put("ratedCycleTempC", "25");
            r.put("manufacturedAt", q("2024-03-01T00:00:00Z"));
        } else {
            r.put("type", q("session"));
            r.put("batteryCode", q(batteryCode));
            r.put("operator", q("Fuzz Charging"));
            r.put("startedAt", q("2024-05-01T08:00:00Z"));
            r.put("endedAt", q("2024-05-01T09:00:00Z"));
            r.put("socStart", "0.2");
            r.put("socEnd", "0.8");
            r.put("energyKWh", "12.5");
            r.put("avgTempC", "27.5");
            r.put("maxTempC", "31");
        }
        return r;
    }

    static String json(Map<String, String> record) {
        StringBuilder b = new StringBuilder("{");
        record.forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append(q(k)).append(':').append(v));
        return b.append('}').toString();
    }

    static String q(String s) {
        return "\"" + s + "\"";
    }

    /** One to three records, one field of one of them hostile (or gone, or added). */
    private Case recordField() {
        boolean master = random.nextBoolean();
        List<String> records = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        int bad = random.nextInt(n);
        for (int i = 0; i < n; i++) {
            Map<String, String> r = record(master);
            if (i == bad) {
                List<String> fields = new ArrayList<>(r.keySet());
                String field = fields.get(random.nextInt(fields.size()));
                switch (random.nextInt(4)) {
                    case 0 -> r.remove(field);
                    case 1 -> r.put("note" + random.nextInt(3), pick(VALUES));
                    default -> r.put(field, pick(VALUES));
                }
            }
            records.add(json(r));
        }
        String body = random.nextInt(10) == 0 ? records.get(0) : "[" + String.join(",", records) + "]";
        String target = random.nextInt(4) == 0 ? "/ledger/api/records/verify" : "/ledger/api/records";
        if (target.endsWith("verify")) {
            body = records.get(0);
        }
        return make("record-field", master ? "manufacturer" : "charging", "POST", target, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid submission broken as a whole: cut, bytes changed, nesting, duplicate keys, encodings. */
    private Case brokenJson() {
        byte[] body = ("[" + json(record(false)) + "]").getBytes(StandardCharsets.UTF_8);
        String how;
        switch (random.nextInt(9)) {
            case 0 -> {
                how = "cut";
                body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
            }
            case 1 -> {
                how = "bytes";
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> {
                how = "nesting";
                int depth = pick(List.of(65, 1_000, 10_000, 100_000));
                body = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
            }
            case 3 -> {
                how = "duplicate keys";
                Map<String, String> r = record(false);
                body = ("[" + json(r).replace("}", ",\"recordId\":" + q(recordId()) + ",\"socEnd\":0.1}") + "]").getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> {
                how = "byte order mark";
                byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
                byte[] out = new byte[bom.length + body.length];
                System.arraycopy(bom, 0, out, 0, bom.length);
                System.arraycopy(body, 0, out, bom.length, body.length);
                body = out;
            }
            case 5 -> {
                how = "utf-16";
                body = new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
            }
            case 6 -> {
                how = "noise";
                body = new byte[random.nextInt(2_000)];
                random.nextBytes(body);
            }
            case 7 -> {
                how = "top level";
                body = pick(VALUES).getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                how = "many records";
                StringBuilder b = new StringBuilder("[");
                for (int i = 0, n = pick(List.of(10_001, 20_000)); i < n; i++) {
                    b.append(i > 0 ? "," : "").append("{}");
                }
                body = b.append(']').toString().getBytes(StandardCharsets.US_ASCII);
            }
        }
        return make("broken-json " + how, "charging", "POST", pick(List.of("/ledger/api/records", "/ledger/api/records/verify",
                "/ledger/api/valuations", "/ledger/api/valuations/verify", "/ledger/api/valuations/lots")), Map.of("Content-Type", "application/json"), body);
    }

    /** The less-travelled endpoints with odd parameters and bodies. */
    private Case endpoint() {
        if (random.nextBoolean()) {
            String path = String.format(Locale.ROOT, pick(API_GETS), pick(ODD_SEGMENTS));
            return make("endpoint get", pick(List.of("auditor", "recycler", "admin")), "GET", "/ledger/api" + path, Map.of(), new byte[0]);
        }
        String value = pick(VALUES);
        String body = pick(List.of("{\"batteryCode\":" + value + "}", "{\"batteryCodes\":[" + value + "]}", "{\"filter\":" + value + "}",
                "{\"batteryCodes\":" + value + ",\"filter\":" + value + "}", "{\"certificate\":" + value + "}", "{\"reason\":" + value + "}", value,
                // an evidence bundle with one hostile part
                "{\"type\":\"battery-valuation-evidence\",\"formatVersion\":1,\"certificateId\":\"VC-1\",\"certificate\":\"MAA=\","
                        + "\"inputs\":[{\"recordId\":" + value + ",\"hash\":" + value + ",\"leafIndex\":" + value + ",\"auditPath\":[" + value
                        + "]}],\"anchors\":[{\"evidence\":" + value + "}]}",
                "{\"type\":\"battery-valuation-evidence\",\"formatVersion\":" + value + ",\"certificate\":" + value + ",\"inputs\":" + value + "}"));
        String target = pick(List.of("/ledger/api/valuations", "/ledger/api/valuations/lots", "/ledger/api/valuations/verify",
                "/ledger/api/valuations/lots/" + pick(ODD_SEGMENTS) + "/cancel", "/ledger/api/admin/proposals/" + pick(ODD_SEGMENTS) + "/approve",
                "/ledger/api/signers/" + pick(ODD_SEGMENTS) + "/revocation"));
        return make("endpoint post", pick(List.of("recycler", "auditor", "admin")), "POST", target, Map.of("Content-Type", "application/json"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** A valid request with hostile headers. */
    private Case headers() {
        Map<String, String> h = new LinkedHashMap<>();
        String user = "charging";
        switch (random.nextInt(6)) {
            case 0 -> h.put("Content-Type", pick(CONTENT_TYPES));
            case 1 -> {
                h.put("Content-Type", "application/json");
                h.put("Accept", pick(ACCEPTS));
            }
            case 2 -> {
                h.put("Content-Type", "application/json");
                h.put("Authorization", pick(AUTHORIZATIONS));
                user = null;
            }
            case 3 -> {
                h.put("Content-Type", "application/json");
                h.put("Content-Encoding", pick(List.of("gzip", "deflate", "br", "bogus", "gzip, gzip")));
            }
            case 4 -> {
                h.put("Content-Type", "application/json");
                h.put(pick(List.of("X-Forwarded-For", "Accept-Language", "Range", "If-None-Match", "Cookie", "Expect")),
                        pick(List.of("x".repeat(7_000), "bytes=-1", "100-continue", "\u00ff\u00fe", "*", "JSESSIONID=%00")));
            }
            default -> {
                h.put("Content-Type", "application/json");
                h.put("Accept-Charset", pick(List.of("bogus", "utf-16", "*;q=x")));
            }
        }
        return make("headers", user, "POST", "/ledger/api/records", h, ("[" + json(record(false)) + "]").getBytes(StandardCharsets.UTF_8));
    }

    /** Odd methods and targets anywhere under the application and outside it. */
    private Case path() {
        String target = pick(List.of("/ledger/api/", "/ledger/api/records", "/ledger/api/nosuch", "/ledger/", "/ledger/console/",
                "/ledger/console/" + pick(ODD_SEGMENTS), "/ledger/api/" + pick(ODD_SEGMENTS), "/ledger/soap/BatteryLedger?wsdl=" + pick(ODD_SEGMENTS),
                "/ledger/soap/" + pick(ODD_SEGMENTS), "/" + pick(ODD_SEGMENTS), "/ledger/api/chain?" + "a=1&".repeat(2_000),
                "/ledger/api/chain#x", "*", "http://127.0.0.1/ledger/api/chain", "/ledger/api/./chain", "/ledger//api//chain"));
        return make("path", pick(List.of("auditor", "admin")), pick(METHODS), target, Map.of(), new byte[0]);
    }
}
