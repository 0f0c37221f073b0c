package org.batteryledger.web.api;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import org.batteryledger.core.json.Json;
import org.batteryledger.core.json.JsonException;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * JSON-P request bodies ({@code JsonObject} parameters: typed as exactly that, since a reader of the closest type
 * wins over an application's reader of a wider one) read under the rules every JSON body of the node follows, the
 * ones {@code POST /records} always had: the text decoded strictly (UTF-8 unless the Content-Type names another
 * charset), nested at most {@link Json#MAX_DEPTH} levels, numbers a decimal can hold, no name twice in an object. The
 * core's parser checks that, then JSON-P builds the value. The runtime's own reader answered 500 to a body nested
 * 10,000 deep and to 1e2147483648 (issue 17). The server caps every body at 10 MB before this reads it.
 * <p>
 * An application's entity provider is preferred to the runtime's own for the same type (Jakarta REST 3.1, 4.1.3).
 */
@Provider
@Consumes({MediaType.APPLICATION_JSON, "application/*+json"})
public class JsonBodyReader implements MessageBodyReader<JsonObject> {
    /**
     * JSON-P's provider, looked up once: {@code jakarta.json.Json}'s static methods run the service loader on every
     * call, which cost more than reading the body.
     */
    static final JsonProvider JSON_P = JsonProvider.provider();

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == JsonObject.class;
    }

    @Override
    public JsonObject readFrom(Class<JsonObject> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                              MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        String text = decode(body.readAllBytes(), mediaType);
        try {
            Json.parse(text);
        } catch (JsonException e) {
            throw Problem.badRequest("malformed JSON: " + e.getMessage());
        }
        JsonValue value;
        try (jakarta.json.JsonReader reader = JSON_P.createReader(new StringReader(text))) {
            value = reader.readValue();
        }
        if (!(value instanceof JsonObject object)) {
            throw Problem.badRequest("the body must be a JSON object, not " + shape(value));
        }
        return object;
    }

    static String decode(byte[] bytes, MediaType mediaType) {
        String named = mediaType == null ? null : mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        Charset charset = StandardCharsets.UTF_8;
        if (named != null) {
            try {
                charset = Charset.forName(named);
            } catch (IllegalArgumentException e) {
                throw new jakarta.ws.rs.WebApplicationException(Problem.response(415, "Unsupported Media Type",
                        "the Content-Type's charset '" + named + "' is not one this node reads; send UTF-8"));
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Problem.badRequest("the body is not " + charset.name() + " text (a byte sequence that is not a character)");
        }
    }

    private static String shape(JsonValue v) {
        return switch (v.getValueType()) {
            case OBJECT -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
        };
    }
}
