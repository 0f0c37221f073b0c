package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.merkle.MerkleTree;

import java.util.ArrayList;
import java.util.List;

/**
 * A header and the transactions its {@code txRoot} commits to (an RFC 6962 tree over the transaction hashes), and in
 * a version 2 header its {@code sigRoot} to their signatures (a tree over each signature's hash, in the same order).
 */
public final class Block {
    private final BlockHeader header;
    private final List<Transaction> transactions;
    private Hash hash;
    private int encodedSize = -1;

    public Block(BlockHeader header, List<Transaction> transactions) {
        this.header = header;
        this.transactions = List.copyOf(transactions);
    }

    public static Hash txRoot(CryptoSuite suite, List<Transaction> txs) {
        List<Hash> leaves = new ArrayList<>(txs.size());
        for (Transaction tx : txs) {
            leaves.add(tx.hash(suite));
        }
        return MerkleTree.root(suite, leaves);
    }

    public static Hash sigRoot(CryptoSuite suite, List<Transaction> txs) {
        List<Hash> leaves = new ArrayList<>(txs.size());
        for (Transaction tx : txs) {
            leaves.add(tx.signatureHash(suite));
        }
        return MerkleTree.root(suite, leaves);
    }

    public BlockHeader header() {
        return header;
    }

    public long height() {
        return header.height();
    }

    public List<Transaction> transactions() {
        return transactions;
    }

    public synchronized Hash hash(CryptoSuite suite) {
        if (hash == null) {
            hash = header.hash(suite);
        }
        return hash;
    }

    public void write(CanonicalWriter w) {
        header.write(w);
        w.list(transactions, (ww, tx) -> tx.write(ww));
    }

    public static Block read(CanonicalReader r) {
        BlockHeader header = BlockHeader.read(r);
        List<Transaction> txs = r.list(Limits.MAX_TXS_PER_BLOCK, Transaction::read);
        return new Block(header, txs);
    }

    public synchronized int encodedSize() {
        if (encodedSize < 0) {
            int size = 200;
            for (Transaction tx : transactions) {
                size += tx.encodedSize();
            }
            encodedSize = size;
        }
        return encodedSize;
    }

    @Override
    public String toString() {
        return "Block[" + header.height() + " view " + header.view() + " by " + header.proposer().shortId() + ", " + transactions.size() + " txs]";
    }
}
