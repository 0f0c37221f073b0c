package org.batteryledger.core.pbft;

import org.batteryledger.core.codec.DecodeException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Peer frames as a faulty member could send them: seeded mutations of valid messages of every type (bit flips, bytes
 * replaced, inserted and deleted, length and count fields inflated, two messages spliced, truncations) and random
 * bytes. Whatever arrives, {@link MessageCodec#decode} either returns a message that encodes back to exactly the bytes
 * received (one encoding per message: nothing malleable reaches the replica) or throws {@link DecodeException}; any
 * other exception would be a crash of the peer handler's thread. 20,000 cases in the build;
 * {@code -Dfuzz.cases=1000000} for the long run (BENCHMARKS.md).
 */
class MessageCodecFuzzTest {
    private static final int CASES = Integer.getInteger("fuzz.cases", 20_000);
    private static final long SEED = Long.getLong("fuzz.seed", 17);

    @Test
    void anyBytesDecodeToTheSameBytesOrAreADecodeError() {
        Fixture fx = new Fixture(4);
        List<byte[]> valid = new ArrayList<>();
        for (PbftMessage m : MessageCodecTest.everyType(fx)) {
            valid.add(MessageCodec.encode(m));
        }
        Random random = new Random(SEED);
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(random, valid);
            PbftMessage m;
            try {
                m = MessageCodec.decode(input);
            } catch (DecodeException e) {
                refused++;
                continue;
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("case " + i + " (seed " + SEED + "): " + e + " decoding " + hex(input), e);
                return;
            }
            decoded++;
            assertArrayEquals(input, MessageCodec.encode(m), "case " + i + ": decoded to another encoding: " + hex(input));
        }
        // the mutations must reach past the first bytes: some decode, most do not
        assertTrue(decoded > 0 && refused > CASES / 2, decoded + " decoded, " + refused + " refused");
    }

    static byte[] mutate(Random random, List<byte[]> valid) {
        byte[] b = valid.get(random.nextInt(valid.size())).clone();
        int kind = random.nextInt(8);
        switch (kind) {
            case 0 -> { // bit flips
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    int at = random.nextInt(b.length);
                    b[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            case 2 -> { // a length or count field made huge: 4 bytes of 0xff or 0x7f at a random place
                int at = random.nextInt(Math.max(1, b.length - 4));
                byte v = random.nextBoolean() ? (byte) 0xff : (byte) 0x7f;
                for (int k = 0; k < 4 && at + k < b.length; k++) {
                    b[at + k] = v;
                }
            }
            case 3 -> b = Arrays.copyOf(b, random.nextInt(b.length)); // truncated
            case 4 -> { // bytes inserted
                int at = random.nextInt(b.length + 1);
                byte[] extra = new byte[1 + random.nextInt(8)];
                random.nextBytes(extra);
                byte[] out = new byte[b.length + extra.length];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(extra, 0, out, at, extra.length);
                System.arraycopy(b, at, out, at + extra.length, b.length - at);
                b = out;
            }
            case 5 -> { // bytes deleted
                int at = random.nextInt(b.length);
                int len = Math.min(b.length - at, 1 + random.nextInt(8));
                byte[] out = new byte[b.length - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, b.length - at - len);
                b = out;
            }
            case 6 -> { // the head of one message and the tail of another
                byte[] other = valid.get(random.nextInt(valid.size()));
                int cut = random.nextInt(b.length);
                int from = random.nextInt(other.length);
                byte[] out = Arrays.copyOf(b, cut + other.length - from);
                System.arraycopy(other, from, out, cut, other.length - from);
                b = out;
            }
            default -> { // noise, sometimes behind a valid version and code
                b = new byte[random.nextInt(256)];
                random.nextBytes(b);
                if (b.length >= 2 && random.nextBoolean()) {
                    b[0] = MessageCodec.VERSION;
                    b[1] = (byte) (1 + random.nextInt(9));
                }
            }
        }
        return b;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 512); i++) {
            s.append(String.format("%02x", b[i]));
        }
        return s + (b.length > 512 ? "... (" + b.length + " bytes)" : "");
    }
}
