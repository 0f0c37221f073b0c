package org.batteryledger.core.chain;

import org.batteryledger.core.codec.CanonicalReader;
import org.batteryledger.core.codec.CanonicalWriter;
import org.batteryledger.core.codec.Limits;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.crypto.Signer;

/**
 * A signed request to change the ledger state. The sender is a registered node; its agency is the one the
 * registry names for it. The hash covers everything but the signature, so a re-encoded (malleated) signature
 * cannot make one request count twice. {@code expiryHeight} bounds how long it may wait and how long nodes must
 * remember it to deduplicate.
 */
public final class Transaction {
    private static final int DOMAIN = 0x54; // 'T'
    private static final int VERSION = 1;

    private final TxType type;
    private final NodeId sender;
    private final long nonce;
    private final long expiryHeight;
    private final byte[] payload;
    private final byte[] signature;
    private byte[] signingBytes;
    private Hash hash;
    private int encodedSize = -1;

    public Transaction(TxType type, NodeId sender, long nonce, long expiryHeight, byte[] payload, byte[] signature) {
        this.type = type;
        this.sender = sender;
        this.nonce = nonce;
        this.expiryHeight = expiryHeight;
        this.payload = payload.clone();
        this.signature = signature.clone();
    }

    public static Transaction sign(CryptoSuite suite, Signer signer, TxType type, long nonce, long expiryHeight, byte[] payload) {
        NodeId sender = NodeId.of(suite, signer.publicKey());
        byte[] toSign = signingBytes(type, sender, nonce, expiryHeight, payload);
        return new Transaction(type, sender, nonce, expiryHeight, payload, signer.sign(toSign));
    }

    private static byte[] signingBytes(TxType type, NodeId sender, long nonce, long expiryHeight, byte[] payload) {
        return new CanonicalWriter(payload.length + 96).u8(DOMAIN).u8(VERSION).u8(type.code()).str(sender.value())
                .u64(nonce).u64(expiryHeight).bytes(payload).toByteArray();
    }

    public synchronized byte[] signingBytes() {
        if (signingBytes == null) {
            signingBytes = signingBytes(type, sender, nonce, expiryHeight, payload);
        }
        return signingBytes;
    }

    /** Identity of the transaction: suite hash of its signing bytes (the signature is not part of it). */
    public synchronized Hash hash(CryptoSuite suite) {
        if (hash == null) {
            hash = suite.hash(signingBytes());
        }
        return hash;
    }

    /** What a block's {@code sigRoot} commits to for this transaction: the suite hash of its signature's bytes. */
    public Hash signatureHash(CryptoSuite suite) {
        return suite.hash(signature);
    }

    public boolean verifySignature(CryptoSuite suite, byte[] senderPublicKey) {
        return suite.verify(senderPublicKey, signingBytes(), signature);
    }

    public void write(CanonicalWriter w) {
        w.u8(VERSION).u8(type.code()).str(sender.value()).u64(nonce).u64(expiryHeight).bytes(payload).bytes(signature);
    }

    public static Transaction read(CanonicalReader r) {
        int version = r.u8();
        if (version != VERSION) {
            throw new org.batteryledger.core.codec.DecodeException("unsupported transaction version " + version);
        }
        TxType type = TxType.fromCode(r.u8());
        NodeId sender = ChainCodec.nodeId(r);
        long nonce = r.u64();
        long expiry = r.uint("expiryHeight");
        byte[] payload = r.bytes(Limits.MAX_TX_PAYLOAD_BYTES);
        byte[] signature = r.bytes(Limits.MAX_SIGNATURE_BYTES);
        return new Transaction(type, sender, nonce, expiry, payload, signature);
    }

    public synchronized int encodedSize() {
        if (encodedSize < 0) {
            CanonicalWriter w = new CanonicalWriter(payload.length + signature.length + 96);
            write(w);
            encodedSize = w.size();
        }
        return encodedSize;
    }

    public TxType type() {
        return type;
    }

    public NodeId sender() {
        return sender;
    }

    public long nonce() {
        return nonce;
    }

    public long expiryHeight() {
        return expiryHeight;
    }

    public byte[] payload() {
        return payload.clone();
    }

    public byte[] signature() {
        return signature.clone();
    }

    /** A copy with another signature: for tests and Byzantine simulation only. */
    public Transaction withSignature(byte[] sig) {
        return new Transaction(type, sender, nonce, expiryHeight, payload, sig);
    }

    @Override
    public String toString() {
        return "Tx[" + type + " from " + sender.shortId() + " nonce " + nonce + "]";
    }
}
