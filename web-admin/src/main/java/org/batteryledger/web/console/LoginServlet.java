package org.batteryledger.web.console;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The FORM login page of the console, and the answer to anonymous API calls. The application authenticates with
 * {@code BASIC?silent=true,FORM}: a request with BASIC credentials is authenticated by them; one without is forwarded
 * here. A forward from the REST API or SOAP gets 401 with a BASIC challenge (what their clients expect), one from
 * the console's own scripts a 401 without a challenge (so the browser never opens its password dialog), and a page
 * request gets the login form, which posts to the container's {@code j_security_check}.
 */
@WebServlet(urlPatterns = "/login")
public class LoginServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String from = (String) request.getAttribute(RequestDispatcher.FORWARD_SERVLET_PATH);
        boolean failed = request.getParameter("failed") != null;
        if (!failed && from != null && (from.equals("/api") || from.startsWith("/soap"))) {
            if (!ConsoleSecurity.fromConsole(request)) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"ApplicationRealm\", charset=\"UTF-8\"");
            }
            ConsoleSecurity.problem(response, 401, "Unauthorized", "authenticate with HTTP BASIC (a user of "
                    + "users.properties) or log in to the console at " + request.getContextPath() + "/console/");
            return;
        }
        if (!failed && request.getUserPrincipal() != null) {
            response.sendRedirect(request.getContextPath() + "/console/");
            return;
        }
        SecurityHeaders.forPages(response);
        response.setStatus(failed ? 401 : 200);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(page(request.getContextPath(), failed));
    }

    /** The container forwards the failed {@code j_security_check} POST to the error page, this servlet. */
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        doGet(request, response);
    }

    private static String page(String context, boolean failed) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Battery Ledger — log in</title>
                <link rel="stylesheet" href="%1$s/assets/console.css">
                </head>
                <body class="login">
                <main class="login-box">
                <h1>Battery Ledger</h1>
                <p class="muted">Log in to this node's console.</p>
                %2$s
                <form method="post" action="%1$s/j_security_check" id="login-form" autocomplete="off">
                <label>User <input id="username" name="j_username" required autofocus></label>
                <label>Password <input id="password" name="j_password" type="password" required></label>
                <button type="submit" id="login">Log in</button>
                </form>
                <p class="muted small">Users and their passwords are in <code>consortium/users.properties</code>.</p>
                </main>
                </body>
                </html>
                """.formatted(context, failed ? "<p class=\"error\" id=\"login-error\">Wrong user name or password.</p>" : "");
    }
}
