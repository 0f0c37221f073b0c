package org.batteryledger.web.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /ledger/api/openapi}: the API's OpenAPI description, as generated from the resources when the war was built
 * (JSON by default; YAML with {@code Accept: application/yaml} or {@code ?format=yaml}).
 */
@jakarta.enterprise.context.ApplicationScoped
@Path("/openapi")
public class OpenApiResource {
    private static final String YAML = "application/yaml";
    private volatile byte[] json;
    private volatile byte[] yaml;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Response json(@QueryParam("format") String format) {
        if ("yaml".equals(format)) {
            return yaml(null);
        }
        if (format != null && !format.equals("json")) {
            throw Problem.badRequest("format must be json or yaml, not '" + format + "'");
        }
        if (json == null) {
            json = read("openapi.json");
        }
        return Response.ok(json, MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Produces(YAML + ";qs=0.5")
    @Operation(hidden = true)
    public Response yaml(@QueryParam("format") String format) {
        if ("json".equals(format)) {
            return json(null);
        }
        if (yaml == null) {
            yaml = read("openapi.yaml");
        }
        return Response.ok(yaml, YAML).build();
    }

    private static byte[] read(String name) {
        try (InputStream in = OpenApiResource.class.getResourceAsStream("/META-INF/openapi/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the war holds no META-INF/openapi/" + name + ": it was built without its API description");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
