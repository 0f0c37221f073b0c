package org.batteryledger.web.console;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;

/**
 * The console's session cookie: one name per node, because cookies ignore ports and every node of a local consortium
 * is 127.0.0.1/ledger (a login at one node must not replace the session of another); HttpOnly, SameSite=Strict.
 */
@WebListener
public class SessionCookie implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setName("BLSESSION_" + (8080 + Integer.getInteger("jboss.socket.binding.port-offset", 0)));
        cookie.setHttpOnly(true);
        cookie.setPath(event.getServletContext().getContextPath());
        cookie.setAttribute("SameSite", "Strict");
        cookie.setSecure(Boolean.getBoolean("batteryledger.console.secure.cookie"));
    }
}
