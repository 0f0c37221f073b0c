package org.batteryledger.web.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The node's REST API: {@code http://127.0.0.1:{http}/ledger/api}. */
@ApplicationPath("/api")
public class LedgerApi extends Application {
}
