package org.batteryledger.node.runtime;

import org.batteryledger.core.crypto.Hash;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitWaitsTest {
    private static final Hash TX = Hash.fromHex("ab".repeat(32));

    @Test
    void twoCallersOfOneTransactionAreBothToldItsBlock() throws Exception {
        CommitWaits waits = new CommitWaits();
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        waits.add(TX, first, 100);
        waits.add(TX, second, 200);
        waits.committed(TX, 17);
        assertEquals(17, first.get());
        assertEquals(17, second.get());
    }

    @Test
    void theSecondCallerIsToldWhenTheWaitExpiresOrTheLoopEnds() {
        CommitWaits waits = new CommitWaits();
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Long> second = new CompletableFuture<>();
        waits.add(TX, first, 100);
        waits.add(TX, second, 200);
        waits.expire(150);
        assertFalse(second.isDone(), "the shared wait lasts until the later deadline");
        waits.expire(200);
        ExecutionException e = assertThrows(ExecutionException.class, second::get);
        assertInstanceOf(TimeoutException.class, e.getCause());

        CompletableFuture<Long> third = new CompletableFuture<>();
        CompletableFuture<Long> fourth = new CompletableFuture<>();
        waits.add(TX, third, 300);
        waits.add(TX, fourth, 300);
        waits.failAll(new IllegalStateException("the loop ended"));
        assertTrue(third.isCompletedExceptionally());
        assertTrue(fourth.isCompletedExceptionally(), "the second caller was left to its own timeout");
    }
}
