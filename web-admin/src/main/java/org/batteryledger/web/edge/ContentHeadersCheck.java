package org.batteryledger.web.edge;

import io.undertow.servlet.ServletExtension;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.util.Headers;
import jakarta.servlet.ServletContext;

import java.nio.charset.Charset;
import java.util.regex.Pattern;

/**
 * Checks the headers that say how to read a request and how to write its answer, before anything reads them: a
 * Content-Type naming a charset the node has no decoder for ({@code charset=bogus}, {@code charset=ebcdic}) or a
 * multipart type without its boundary (the SOAP stack answered that as its own fault, {@code soap:Server}), a
 * Content-Type that is no media type at all ({@code ;}, {@code charset="}) and, on
 * the REST API, an Accept header that is not a list of media ranges with weights from 0 to 1 ({@code q=bogus}). The
 * REST runtime and the SOAP stack answered both with a 500 (issue 17); here they get a 415 or a 400 that names the
 * header: problem+json, or on the SOAP endpoint a SOAP 1.1 {@code soap:Client} fault.
 */
public final class ContentHeadersCheck implements ServletExtension {
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_RANGE = Pattern.compile(TOKEN + "/" + TOKEN);
    private static final Pattern PARAMETER = Pattern.compile("(" + TOKEN + ")\\s*=\\s*(" + TOKEN + "|\"[^\"]*\")");
    /** RFC 9110 section 12.4.2. */
    private static final Pattern QVALUE = Pattern.compile("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?");

    @Override
    public void handleDeployment(DeploymentInfo deployment, ServletContext context) {
        String api = context.getContextPath() + "/api/";
        String soap = context.getContextPath() + "/soap/";
        deployment.addInitialHandlerChainWrapper(next -> exchange -> {
            String contentType = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
            String malformed = malformedContentType(contentType);
            String unreadable = malformed == null ? unreadableContentType(contentType) : null;
            String accept = exchange.getRequestPath().startsWith(api) ? malformedAccept(exchange.getRequestHeaders().get(Headers.ACCEPT)) : null;
            if (malformed != null) {
                if (exchange.getRequestPath().startsWith(soap)) {
                    EdgeAnswer.clientFault(exchange, 400, malformed);
                } else {
                    EdgeAnswer.problem(exchange, 400, "Bad Request", malformed);
                }
            } else if (unreadable != null) {
                if (exchange.getRequestPath().startsWith(soap)) {
                    EdgeAnswer.clientFault(exchange, 415, unreadable);
                } else {
                    EdgeAnswer.problem(exchange, 415, "Unsupported Media Type", unreadable);
                }
            } else if (accept != null) {
                EdgeAnswer.problem(exchange, 400, "Bad Request", accept);
            } else {
                next.handleRequest(exchange);
            }
        });
    }

    /** Why a Content-Type is not a media type with name=value parameters (RFC 9110 section 8.3.1); null when it is one. */
    static String malformedContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";", -1);
        if (!MEDIA_RANGE.matcher(parts[0].strip()).matches()) {
            return "the Content-Type '" + abbreviate(contentType.strip()) + "' is not a media type like application/json";
        }
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isBlank() && !PARAMETER.matcher(parts[i].strip()).matches()) {
                return "the Content-Type's parameter '" + abbreviate(parts[i].strip()) + "' is not name=value";
            }
        }
        return null;
    }

    /**
     * Why the body cannot be read as the Content-Type says: a charset the node has no decoder for, or a multipart type
     * without the boundary that separates its parts; null otherwise.
     */
    static String unreadableContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] parts = contentType.split(";");
        if (parts[0].strip().toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")
                && java.util.Arrays.stream(parts).skip(1).map(p -> PARAMETER.matcher(p.strip()))
                .noneMatch(m -> m.matches() && m.group(1).equalsIgnoreCase("boundary"))) {
            return "the Content-Type " + abbreviate(parts[0].strip()) + " has no boundary parameter to separate its parts";
        }
        for (int i = 1; i < parts.length; i++) {
            var m = PARAMETER.matcher(parts[i].strip());
            if (m.matches() && m.group(1).equalsIgnoreCase("charset")) {
                String name = m.group(2).replace("\"", "");
                try {
                    Charset.forName(name);
                } catch (IllegalArgumentException e) {
                    return "the Content-Type's charset '" + abbreviate(name) + "' is not one this node reads; send UTF-8";
                }
            }
        }
        return null;
    }

    /** Why an Accept header is not a list of media ranges with weights; null when every one is well formed. */
    static String malformedAccept(Iterable<String> accepts) {
        if (accepts == null) {
            return null;
        }
        for (String header : accepts) {
            for (String element : header.split(",")) {
                if (element.isBlank()) {
                    continue; // a list may hold empty elements (RFC 9110 section 5.6.1)
                }
                String[] parts = element.split(";", -1);
                if (!MEDIA_RANGE.matcher(parts[0].strip()).matches()) {
                    return "the Accept header's '" + abbreviate(parts[0].strip()) + "' is not a media range like application/json or */*";
                }
                for (int i = 1; i < parts.length; i++) {
                    var m = PARAMETER.matcher(parts[i].strip());
                    if (parts[i].isBlank()) {
                        continue;
                    }
                    if (!m.matches()) {
                        return "the Accept header's parameter '" + abbreviate(parts[i].strip()) + "' is not name=value";
                    }
                    if (m.group(1).equalsIgnoreCase("q") && !QVALUE.matcher(m.group(2)).matches()) {
                        return "the Accept header's weight q=" + abbreviate(m.group(2)) + " is not a number from 0 to 1 with at most 3 decimals";
                    }
                }
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
