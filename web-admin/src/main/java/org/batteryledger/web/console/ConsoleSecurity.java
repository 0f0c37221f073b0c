package org.batteryledger.web.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.batteryledger.core.json.Json;
import org.batteryledger.web.api.Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What the console's login, CSRF filter and session endpoint share: the console's request header, the session's CSRF
 * token, and problem+json answers written by servlets (outside JAX-RS).
 */
public final class ConsoleSecurity {
    /** Every fetch of the console carries it: a 401 then comes without a BASIC challenge (no browser dialog). */
    public static final String CONSOLE_HEADER = "X-Requested-With";
    public static final String CONSOLE_HEADER_VALUE = "battery-ledger-console";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String CSRF_ATTRIBUTE = "org.batteryledger.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsoleSecurity() {
    }

    public static boolean fromConsole(HttpServletRequest request) {
        return CONSOLE_HEADER_VALUE.equals(request.getHeader(CONSOLE_HEADER));
    }

    /** The session's CSRF token, made on first use: 32 random bytes, hex. */
    public static String csrfToken(HttpSession session) {
        synchronized (session) {
            Object token = session.getAttribute(CSRF_ATTRIBUTE);
            if (token == null) {
                byte[] b = new byte[32];
                RANDOM.nextBytes(b);
                token = HexFormat.of().formatHex(b);
                session.setAttribute(CSRF_ATTRIBUTE, token);
            }
            return (String) token;
        }
    }

    /** Whether {@code presented} is the session's token, compared in constant time. */
    static boolean csrfTokenMatches(HttpSession session, String presented) {
        Object token = session == null ? null : session.getAttribute(CSRF_ATTRIBUTE);
        return token != null && presented != null && MessageDigest.isEqual(((String) token).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    static void problem(HttpServletResponse response, int status, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(Json.write(Problem.body(status, title, detail)));
    }
}
