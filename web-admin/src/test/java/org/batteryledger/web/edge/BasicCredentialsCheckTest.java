package org.batteryledger.web.edge;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which Authorization headers the node answers itself (malformed Basic credentials) and which go on to the realm. */
class BasicCredentialsCheckTest {
    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void wellFormedCredentialsRightOrWrongGoOnToTheRealm() {
        for (String ok : List.of(basic("admin:secret"), basic("a:"), basic("admin:pässwörd"), "basic YWRtaW46d3Jvbmc=", "BASIC YWRtaW46d3Jvbmc=",
                "Basic  YWRtaW46d3Jvbmc= ", "Basic //79", "Basic YWRtaW46//4=", "Basic", "Basic ", "Bearer abc", "Digest x", "Negotiate %%%")) {
            assertNull(BasicCredentialsCheck.malformed(List.of(ok)), ok);
        }
        assertNull(BasicCredentialsCheck.malformed(null));
        assertNull(BasicCredentialsCheck.malformed(List.of()));
    }

    @Test
    void credentialsThatAreNotPaddedBase64AreMalformed() {
        // Each of these made WildFly's BASIC mechanism answer 500 with its HTML error page (issue 17).
        for (String bad : List.of("Basic %%%notbase64", "Basic YWRtaW46d3Jvbmc", "Basic YWRt aW46", "Basic \u00c3(abc", "Basic YWRtaW46d3Jvbmc===",
                "Basic YQ", "Basic Y===", "Basic YWRtaW46d3Jvbmc=\u0000", "Basic YW-tX_46")) {
            assertNotNull(BasicCredentialsCheck.malformed(List.of(bad)), bad);
        }
        // One bad header among good ones is enough.
        assertNotNull(BasicCredentialsCheck.malformed(List.of(basic("admin:secret"), "Basic YWRt aW46")));
    }
}
