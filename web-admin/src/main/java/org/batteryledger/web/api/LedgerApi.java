package org.batteryledger.web.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The node's REST API: {@code http://127.0.0.1:{http}/ledger/api}, described by {@code GET /ledger/api/openapi}
 * (generated from these resources when the war is built; see web-admin's pom).
 */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "Battery Ledger node API", version = "1"), security = @SecurityRequirement(name = "basic"))
@SecurityScheme(securitySchemeName = "basic", type = SecuritySchemeType.HTTP, scheme = "basic",
        description = "a user of the node's application realm, one per role: admin, manufacturer, charging, recycler, auditor "
                + "(./consortium writes them to consortium.d/users.properties)")
public class LedgerApi extends Application {
}
