package org.batteryledger.web.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Response headers of the console and the login page: everything the page loads, runs, fetches or submits comes from
 * this node (the console works without a network outside it, and injected markup can load nothing), it is never
 * framed, and it sends no referrer. API answers get nosniff too.
 */
@WebFilter(urlPatterns = {"/console/*", "/login", "/logout", "/assets/*", "/api/*"}, asyncSupported = true)
public class SecurityHeaders extends HttpFilter {
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.getServletPath().equals("/api")) {
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
        } else {
            forPages(response);
        }
        chain.doFilter(request, response);
    }

    /** The headers of a page; also set by the login page, which the container reaches by forward (filters see requests only). */
    static void forPages(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", "no-store");
    }
}
