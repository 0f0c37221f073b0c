package org.batteryledger.core.merkle;

import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 §2.1 and §2.1.1 transcribed literally (recursive MTH and PATH over sublists), deliberately slow and
 * sharing no code with the production tree, as the oracle the fast tree is checked against.
 */
final class Rfc6962Reference {
    private Rfc6962Reference() {
    }

    /** MTH(D[n]). */
    static Hash mth(CryptoSuite suite, List<byte[]> d) {
        int n = d.size();
        if (n == 0) {
            return suite.hash(new byte[0]);
        }
        if (n == 1) {
            return suite.hash(concat(new byte[] {0x00}, d.get(0)));
        }
        int k = largestPowerOfTwoBelow(n);
        return suite.hash(concat(new byte[] {0x01}, mth(suite, d.subList(0, k)).bytes(), mth(suite, d.subList(k, n)).bytes()));
    }

    /** PATH(m, D[n]). */
    static List<Hash> path(CryptoSuite suite, int m, List<byte[]> d) {
        int n = d.size();
        List<Hash> out = new ArrayList<>();
        if (n == 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m < k) {
            out.addAll(path(suite, m, d.subList(0, k)));
            out.add(mth(suite, d.subList(k, n)));
        } else {
            out.addAll(path(suite, m - k, d.subList(k, n)));
            out.add(mth(suite, d.subList(0, k)));
        }
        return out;
    }

    /** The largest power of two smaller than n (n > 1), found the slow way on purpose. */
    static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    static List<byte[]> bytesOf(List<Hash> hashes) {
        List<byte[]> out = new ArrayList<>(hashes.size());
        for (Hash h : hashes) {
            out.add(h.bytes());
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) {
            len += p.length;
        }
        byte[] out = new byte[len];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
