package org.batteryledger.node.net;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Locale;
import java.util.Random;

/**
 * A benchmark (not a test) of the record ciphers TLS 1.3 offers the peer links, as this JVM runs them: AES-128-GCM
 * and ChaCha20-Poly1305 sealing 16 KiB records (TLS's largest) for {@code seconds} each, three rounds. Run it with the
 * nodes' {@code -XX:TieredStopAtLevel=1} to see what they see ({@link PeerTls#cipherSuites}).
 *
 * <pre>mvn -q -pl ejb-ledger test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.batteryledger.node.net.PeerCipherBenchmark -Dexec.args=2    # MAVEN_OPTS=-XX:TieredStopAtLevel=1 for C1</pre>
 */
public final class PeerCipherBenchmark {
    private PeerCipherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long nanos = (long) (Double.parseDouble(args.length > 0 ? args[0] : "2") * 1e9);
        byte[] record = new byte[16 * 1024];
        new Random(42).nextBytes(record);
        for (int round = 1; round <= 3; round++) {
            for (String algorithm : new String[] {"AES/GCM/NoPadding", "ChaCha20-Poly1305"}) {
                boolean aes = algorithm.startsWith("AES");
                SecretKeySpec key = aes ? new SecretKeySpec(new byte[16], "AES") : new SecretKeySpec(new byte[32], "ChaCha20");
                Cipher cipher = Cipher.getInstance(algorithm);
                long sealed = 0;
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < nanos) {
                    byte[] nonce = new byte[12];
                    for (int i = 0; i < 8; i++) {
                        nonce[i] = (byte) (sealed >>> (8 * i)); // a fresh nonce per record, as TLS's sequence number gives
                    }
                    cipher.init(Cipher.ENCRYPT_MODE, key, aes ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
                    cipher.doFinal(record);
                    sealed++;
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "round %d %-18s %6.1f MB/s%n", round, algorithm, sealed * record.length / seconds / 1e6);
            }
        }
    }
}
