package org.batteryledger.web.console;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;
import org.batteryledger.node.directory.NodeDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The console's session cookie: one name per member, because cookies ignore ports and every node of a local consortium
 * is 127.0.0.1/ledger (a login at one node must not replace the session of another). The name comes from the member's
 * node certificate, so both servers of a clustered member use the same one: the session (distributable, web.xml) is
 * the member's, and a standby hands the cookie on with the requests it forwards. HttpOnly, SameSite=Strict.
 */
@WebListener
public class SessionCookie implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent event) {
        SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
        cookie.setName(name());
        cookie.setHttpOnly(true);
        cookie.setPath(event.getServletContext().getContextPath());
        cookie.setAttribute("SameSite", "Strict");
        cookie.setSecure(Boolean.getBoolean("batteryledger.console.secure.cookie"));
    }

    /** BLSESSION_ and 12 hex digits of the node certificate's SHA-256; the HTTP port while the node has no certificate. */
    static String name() {
        try {
            byte[] certificate = Files.readAllBytes(NodeDirectory.fromSystemProperty().nodeCertificateFile());
            return "BLSESSION_" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate), 0, 6);
        } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
            return "BLSESSION_" + (8080 + Integer.getInteger("jboss.socket.binding.port-offset", 0));
        }
    }
}
