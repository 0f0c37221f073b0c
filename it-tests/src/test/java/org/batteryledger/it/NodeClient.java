package org.batteryledger.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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

/** A node's REST API over real HTTP, as one of the consortium's generated users (tests and load generators). */
public final class NodeClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param retryAfter the Retry-After header (a 503's), or null */
    public record Reply(int status, String body, String contentType, String retryAfter) {
        public JsonStructure json() {
            return Json.createReader(new StringReader(body)).read();
        }

        public JsonObject object() {
            return json().asJsonObject();
        }
    }

    private final String api;
    private final Path consortiumDir;

    private Properties users; // read once: the launcher writes the users when it creates the consortium

    public NodeClient(int httpPort, Path consortiumDir) {
        this.api = "http://127.0.0.1:" + httpPort + "/ledger/api";
        this.consortiumDir = consortiumDir;
    }

    /** The API's base URL, for calls this client does not make (bytes, other media types). */
    public String api() {
        return api;
    }

    public synchronized String password(String user) throws IOException {
        if (users == null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(consortiumDir.resolve("users.properties"))) {
                p.load(r);
            }
            users = p;
        }
        return users.getProperty(user);
    }

    public Reply call(String user, String method, String path, String json) throws IOException, InterruptedException {
        return call(user, user == null ? null : password(user), method, path, json);
    }

    public Reply call(String user, String password, String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null));
    }

    public Reply get(String user, String path) throws IOException, InterruptedException {
        return call(user, "GET", path, null);
    }

    public Reply post(String user, String path, String json) throws IOException, InterruptedException {
        return call(user, "POST", path, json);
    }

    /** The committed height, or -1 when the node does not answer. */
    public long height() {
        try {
            Reply r = get("auditor", "/chain");
            return r.status() == 200 ? r.object().getJsonNumber("height").longValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
