package org.batteryledger.web.api;

import jakarta.annotation.PreDestroy;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * The one {@link Jsonb} every response body is written with. Without a resolver, RESTEasy builds a new Jsonb for each
 * entity it writes: a service-loader lookup through the module class loader plus Yasson's introspection of the type,
 * about a third of the CPU a REST call cost (issue 16). A Jsonb is thread-safe; its configuration is the default the
 * runtime used, so no body changes.
 */
@Provider
public class JsonbResolver implements ContextResolver<Jsonb> {
    private final Jsonb jsonb = JsonbBuilder.create();

    @Override
    public Jsonb getContext(Class<?> type) {
        return jsonb;
    }

    /** No checked exception here: an interceptor method may not declare one (Weld warned at every start, WELD-001471). */
    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception e) {
            java.util.logging.Logger.getLogger(JsonbResolver.class.getName()).fine(() -> "JSON-B did not close: " + e);
        }
    }
}
