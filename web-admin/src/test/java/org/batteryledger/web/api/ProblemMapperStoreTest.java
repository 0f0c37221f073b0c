package org.batteryledger.web.api;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only a failure out of the database layer may become a 503 while the database is away; a bug stays a 500. */
class ProblemMapperStoreTest {
    @Test
    void aFailureCausedByJdbcOrJpaIsTheStores() {
        assertTrue(ProblemMapper.fromTheStore(new jakarta.ejb.EJBException(new IllegalStateException("x",
                new jakarta.persistence.PersistenceException(new SQLException("connection refused"))))));
        assertTrue(ProblemMapper.fromTheStore(new jakarta.ejb.EJBTransactionRolledbackException("rolled back")));
    }

    @Test
    void aBugIsNot() {
        assertFalse(ProblemMapper.fromTheStore(new NullPointerException()));
        assertFalse(ProblemMapper.fromTheStore(new jakarta.ejb.EJBException(new IllegalArgumentException("bad index"))));
    }
}
