package org.batteryledger.web.api;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a problem document may say (CONTRACT.md: a specific {@code detail}, never a stack trace or an exception's
 * class). Pure text rules, so they are tested without a server: {@link #speaksJava} finds a class name, an
 * exception's name or a stack frame; {@link #humanPart} keeps what a person wrote before it; {@link #ofServer} turns
 * what the JAX-RS runtime throws (unknown path, wrong method, unreadable parameter or body, ...) into a detail about
 * the request, never the runtime's own message.
 */
final class ProblemText {
    /** What the answer says: its status, title and detail. */
    record Text(int status, String title, String detail) {
    }

    /** A qualified class name ({@code java.lang.IllegalStateException}, {@code jakarta.ws.rs.QueryParam}), an
     * exception's simple name ({@code NumberFormatException}), or a stack frame ({@code (Foo.java:12)}, {@code at a.b(}). */
    private static final Pattern JAVA = Pattern.compile("\\b[a-z][a-z0-9_]*(?:\\.[a-z0-9_]+)*\\.[A-Z][A-Za-z0-9_$]*"
            + "|\\b[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b"
            + "|\\(\\w+\\.java:\\d+\\)"
            + "|\\bat [\\w$]+(?:\\.[\\w$]+)+\\(");
    /** The message codes WildFly's components put before their messages: RESTEASY003870, UT000036, WFLYEJB0034. */
    private static final Pattern SERVER_CODE = Pattern.compile("^(?:RESTEASY|UT|WFLY[A-Z]*|ELY|ISPN|HHH)\\d{3,6}: ");
    /** RESTEasy's unreadable parameter: {@code jakarta.ws.rs.QueryParam("buckets") value is 'abc' for ...}. */
    private static final Pattern PARAM = Pattern.compile("\\b(Query|Path|Matrix|Header|Cookie|Form)Param\\(\\\"([^\\\"]{0,100})\\\"\\) value is '(.*?)'(?: for |$)",
            Pattern.DOTALL);
    private static final Pattern PROPERTY = Pattern.compile("property '([^']{1,100})'");
    private static final int MAX_ECHO = 80;

    private ProblemText() {
    }

    /** Whether the text names a Java class or an exception, or holds a stack frame. */
    static boolean speaksJava(String text) {
        return text != null && JAVA.matcher(text).find();
    }

    /**
     * The text up to the last {@code ": "} before the first Java name in it ("the CSR is refused: org.bouncycastle...
     * PKCSException: ..." gives "the CSR is refused"); the text itself when it names none; null when nothing a person
     * wrote is left.
     */
    static String humanPart(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = JAVA.matcher(text);
        if (!m.find()) {
            return text;
        }
        int cut = text.lastIndexOf(": ", m.start());
        String kept = cut < 0 ? "" : text.substring(0, cut).strip();
        return kept.isEmpty() || JAVA.matcher(kept).find() ? null : kept;
    }

    /**
     * An error the JAX-RS runtime raised before or around a resource method, as a specific problem.
     *
     * @param status      the status the runtime chose
     * @param reason      its reason phrase (may be null for an unusual status)
     * @param message     the exception's message (the runtime's, with its message code and perhaps class names)
     * @param cause       the exception's cause, if any
     * @param allow       the answer's Allow header (405), or null
     * @param contentType the request's Content-Type, or null
     * @param accept      the request's Accept, or null
     */
    static Text ofServer(int status, String reason, String message, Throwable cause, String method, String path, String allow,
                         String contentType, String accept) {
        String title = reason == null || reason.isBlank() ? "HTTP " + status : reason;
        String at = method + " " + path;
        Matcher param = message == null ? null : PARAM.matcher(message);
        if (param != null && param.find()) {
            // JAX-RS answers 404 for an unreadable query or path parameter: the resource is there, the value is wrong.
            return new Text(400, "Bad Request", param.group(1).toLowerCase(Locale.ROOT) + " parameter '" + param.group(2)
                    + "' has a value " + at + " cannot read: '" + echo(param.group(3)) + "'");
        }
        Throwable json = jsonCause(cause);
        if (status == 400 && json != null) {
            return new Text(400, "Bad Request", malformedJson(json));
        }
        return switch (status) {
            case 401 -> new Text(401, title, "this API needs an authenticated user (HTTP BASIC, or the console's login)");
            case 403 -> new Text(403, title, "the user's roles do not allow " + at);
            // a 404 with a cause is a parameter the runtime could not convert (its message changed form): still the caller's
            case 404 -> cause != null ? new Text(400, "Bad Request", "a query or path parameter of " + at + " has a value it cannot read"
                    + (ownWords(cause.getMessage()) == null ? "" : " (" + echo(ownWords(cause.getMessage())) + ")"))
                    : new Text(404, title, "nothing at " + at + "; GET /ledger/api/openapi lists the API");
            case 405 -> new Text(405, title, method + " is not allowed on " + path + (allow == null || allow.isBlank() ? "" : "; allowed: " + allow));
            case 406 -> new Text(406, title, path + " cannot answer in a media type the Accept header asks for" + (accept == null ? "" : " (" + echo(accept) + ")"));
            case 415 -> new Text(415, title, path + " does not take a body of type " + (contentType == null ? "(none given)" : echo(contentType)));
            default -> {
                String own = ownWords(message);
                yield new Text(status, title, own != null ? own : title + " for " + at);
            }
        };
    }

    /** A body a JSON parser or binder could not read: the parser's account of where, never a class name. */
    static String malformedJson(Throwable e) {
        String own = ownWords(e.getMessage());
        if (own != null) {
            return "malformed JSON: " + own;
        }
        Matcher property = PROPERTY.matcher(String.valueOf(e.getMessage()));
        return property.find() ? "the body's field '" + property.group(1) + "' does not have the type this operation takes"
                : "the body is not the JSON this operation takes";
    }

    /** The message without a server's message code, if it is specific and names no Java type; else null. */
    private static String ownWords(String message) {
        if (message == null) {
            return null;
        }
        String m = SERVER_CODE.matcher(message.strip()).replaceFirst("");
        if (m.isEmpty() || m.matches("HTTP \\d{3}.*") || speaksJava(m)) {
            return null;
        }
        return m;
    }

    /** The first JSON-P or JSON-B exception among the causes, or null. */
    static Throwable jsonCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof jakarta.json.JsonException || t instanceof jakarta.json.bind.JsonbException) {
                return t;
            }
        }
        return null;
    }

    /** A value the caller sent, echoed back short and on one line. */
    private static String echo(String value) {
        String one = value.replaceAll("[\\p{Cntrl}]", " ");
        return one.length() <= MAX_ECHO ? one : one.substring(0, MAX_ECHO) + "…";
    }
}
