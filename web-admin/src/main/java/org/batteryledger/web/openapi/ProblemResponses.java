package org.batteryledger.web.openapi;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Runs when the API description is generated (web-admin's pom), never on the node: gives every operation its error
 * answer, RFC 9457 problem+json ({@code Problem} in the components), as the default response, since every resource
 * answers a client's mistake with a specific 4xx problem and the node's own failure with a 5xx one.
 */
public class ProblemResponses implements OASFilter {
    static final String MEDIA_TYPE = "application/problem+json";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        openAPI.getComponents().addSchema("Problem", OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details: what is wrong, specifically; never a stack trace")
                .properties(Map.of(
                        "type", string.description("about:blank"),
                        "title", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("the status's name"),
                        "status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).description("the HTTP status"),
                        "detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING).description("what is wrong with this request")))
                .required(List.of("type", "title", "status", "detail")));
    }

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getResponses() != null && operation.getResponses().getDefaultValue() == null) {
            operation.getResponses().setDefaultValue(OASFactory.createAPIResponse()
                    .description("a specific 4xx for the request's mistake (400, 401, 403, 404, 409, 413, 415, 422, 503 with "
                            + "Retry-After while the node takes no writes), 5xx with a reference to the node's log")
                    .content(OASFactory.createContent().addMediaType(MEDIA_TYPE, OASFactory.createMediaType()
                            .schema(OASFactory.createSchema().ref("Problem")))));
        }
        return operation;
    }
}
