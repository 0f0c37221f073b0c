package org.batteryledger.core.pbft;

import org.batteryledger.core.chain.Transaction;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Verified transactions waiting for a block, in arrival order (so proposals are deterministic given the inputs).
 * Every transaction here has had its signature checked once; it leaves when committed or expired. Each sender (a
 * node of the registry) has an equal share of the capacity: one member flooding the pool cannot crowd out the others.
 */
final class TxPool {
    private static final class Entry {
        final Transaction tx;
        long lastForwardTick;

        Entry(Transaction tx, long tick) {
            this.tx = tx;
            this.lastForwardTick = tick;
        }
    }

    private final LinkedHashMap<Hash, Entry> entries = new LinkedHashMap<>();
    private final int capacity;
    private final Map<NodeId, Integer> perSender = new HashMap<>();
    private int senderShare;

    TxPool(int capacity) {
        this.capacity = capacity;
        this.senderShare = capacity;
    }

    /** Divides the capacity among {@code senders} (the registry's active nodes). */
    void senderShare(int senders) {
        this.senderShare = Math.max(1, capacity / Math.max(1, senders));
    }

    int senderShare() {
        return senderShare;
    }

    boolean isFull(NodeId sender) {
        return perSender.getOrDefault(sender, 0) >= senderShare;
    }

    boolean contains(Hash h) {
        return entries.containsKey(h);
    }

    boolean isFull() {
        return entries.size() >= capacity;
    }

    void add(Hash h, Transaction tx, long tick) {
        if (entries.putIfAbsent(h, new Entry(tx, tick)) == null) {
            perSender.merge(tx.sender(), 1, Integer::sum);
        }
    }

    void remove(Hash h) {
        Entry e = entries.remove(h);
        if (e != null) {
            left(e.tx);
        }
    }

    private void left(Transaction tx) {
        perSender.computeIfPresent(tx.sender(), (k, n) -> n == 1 ? null : n - 1);
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The oldest transactions, up to a count and a byte budget. */
    List<Transaction> candidates(int maxTxs, long maxBytes) {
        List<Transaction> out = new ArrayList<>(Math.min(maxTxs, entries.size()));
        long bytes = 0;
        for (Entry e : entries.values()) {
            if (out.size() >= maxTxs || bytes + e.tx.encodedSize() > maxBytes) {
                break;
            }
            bytes += e.tx.encodedSize();
            out.add(e.tx);
        }
        return out;
    }

    /** Drops transactions that can no longer be committed at {@code height}; returns how many. */
    int evictExpired(long height) {
        int n = 0;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.tx.expiryHeight() < height) {
                it.remove();
                left(e.tx);
                n++;
            }
        }
        return n;
    }

    /** Transactions not forwarded for {@code quietTicks}, at most {@code max}: forwarding may have been lost. */
    List<Transaction> staleForForward(long tick, long quietTicks, int max) {
        List<Transaction> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (out.size() >= max) {
                break;
            }
            if (tick - e.lastForwardTick >= quietTicks) {
                e.lastForwardTick = tick;
                out.add(e.tx);
            }
        }
        return out;
    }
}
