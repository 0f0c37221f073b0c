package org.batteryledger.launcher.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Properties;
import java.util.function.Function;

/**
 * A node's REST API over HTTP, as one of the consortium's users: the one client the launcher and the system tests share.
 * It speaks HTTP and Basic authentication and hands back the status, body and the headers callers act on; what a body
 * means is the caller's ({@link Reply#json()} reads it with Jackson, {@link Reply#as} with any other reader).
 */
public final class NodeClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** One answer. {@code retryAfter}: the Retry-After header (a 503's), or null. */
    public record Reply(int status, String body, String contentType, String retryAfter) {
        public boolean ok() {
            return status / 100 == 2;
        }

        /** The body as JSON; an {@link UncheckedIOException} when it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("not JSON (" + status + " " + contentType + "): " + body, e);
            }
        }

        /** The body read by {@code reader} (e.g. jakarta.json's, in tests that compare with the server's own binding). */
        public <T> T as(Function<String, T> reader) {
            return reader.apply(body);
        }

        /** The problem+json {@code detail}, or the body when it has none. */
        public String detail() {
            try {
                return JSON.readTree(body).path("detail").asText(body);
            } catch (JsonProcessingException e) {
                return body;
            }
        }
    }

    private final String api;
    private final Path consortiumDir;
    private final String defaultUser;
    private final Duration timeout;
    private Properties users; // read once: the launcher writes the users when it creates the consortium

    private NodeClient(String api, Path consortiumDir, Properties users, String defaultUser, Duration timeout) {
        this.api = api;
        this.consortiumDir = consortiumDir;
        this.users = users;
        this.defaultUser = defaultUser;
        this.timeout = timeout;
    }

    /** A client of the node serving HTTP on 127.0.0.1:{@code httpPort} as any user of the consortium in {@code consortiumDir} (admin by default). */
    public NodeClient(int httpPort, Path consortiumDir) {
        this(base(httpPort), consortiumDir, null, "admin", DEFAULT_TIMEOUT);
    }

    /** A client of the node serving HTTP on 127.0.0.1:{@code httpPort} as one user. */
    public static NodeClient of(int httpPort, String user, String password) {
        Properties p = new Properties();
        p.setProperty(user, password);
        return new NodeClient(base(httpPort), null, p, user, DEFAULT_TIMEOUT);
    }

    /** The same client with another timeout per request. */
    public NodeClient withTimeout(Duration t) {
        return new NodeClient(api, consortiumDir, users, defaultUser, t);
    }

    private static String base(int httpPort) {
        return "http://127.0.0.1:" + httpPort + "/ledger/api";
    }

    /** The API's base URL, for calls this client does not make (bytes, other media types). */
    public String api() {
        return api;
    }

    /** The user's password from the consortium's {@code users.properties}; null for an unknown user. */
    public synchronized String password(String user) throws IOException {
        if (users == null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(consortiumDir.resolve("users.properties"), StandardCharsets.UTF_8)) {
                p.load(r);
            }
            users = p;
        }
        return users.getProperty(user);
    }

    /**
     * The typed client of the node's API as {@code user}: openapi-generator's, from the description the node serves
     * (web-admin's build), e.g. {@code new ChainApi(node.typed("auditor")).chainResourceChain()}. Its errors are
     * {@link org.batteryledger.client.ApiException}s carrying the status and the problem+json body.
     */
    public org.batteryledger.client.ApiClient typed(String user) throws IOException {
        String credentials = Base64.getEncoder().encodeToString((user + ":" + password(user)).getBytes(StandardCharsets.UTF_8));
        org.batteryledger.client.ApiClient client = new org.batteryledger.client.ApiClient();
        client.updateBaseUri(api.substring(0, api.length() - "/api".length()));
        client.setRequestInterceptor(b -> b.header("Authorization", "Basic " + credentials));
        client.setConnectTimeout(Duration.ofSeconds(10));
        client.setReadTimeout(timeout);
        return client;
    }

    /** A call as {@code user} (null: anonymous); {@code json} null sends no body. */
    public Reply call(String user, String method, String path, String json) throws IOException, InterruptedException {
        return call(user, user == null ? null : password(user), method, path, json);
    }

    public Reply call(String user, String password, String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout);
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null));
    }

    public Reply get(String user, String path) throws IOException, InterruptedException {
        return call(user, "GET", path, null);
    }

    public Reply post(String user, String path, String json) throws IOException, InterruptedException {
        return call(user, "POST", path, json);
    }

    /** A call as the client's default user. */
    public Reply send(String method, String path, String json) throws IOException, InterruptedException {
        return call(defaultUser, method, path, json);
    }

    /** The JSON of a 200 to {@code GET path} as the default user; an {@link IOException} for any other answer. */
    public JsonNode getJson(String path) throws IOException, InterruptedException {
        Reply r = send("GET", path, null);
        if (r.status() != 200) {
            throw new IOException("GET " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.json();
    }

    /** The JSON of a 200 to {@code GET path}; null for any other answer, or none (a node starting or down). */
    public JsonNode getJsonOrNull(String path) {
        try {
            Reply r = send("GET", path, null);
            return r.status() == 200 ? r.json() : null;
        } catch (IOException | UncheckedIOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The committed height, or -1 when the node does not answer. */
    public long height() {
        JsonNode chain = getJsonOrNull("/chain");
        return chain == null ? -1 : chain.path("height").asLong(-1);
    }
}
