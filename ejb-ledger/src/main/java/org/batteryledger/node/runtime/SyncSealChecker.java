package org.batteryledger.node.runtime;

import org.batteryledger.core.chain.CommitCertificate;
import org.batteryledger.core.chain.CommitSeal;
import org.batteryledger.core.chain.CommittedBlock;
import org.batteryledger.core.codec.DecodeException;
import org.batteryledger.core.crypto.CheckedSignatures;
import org.batteryledger.core.crypto.CryptoSuite;
import org.batteryledger.core.crypto.Hash;
import org.batteryledger.core.crypto.NodeId;
import org.batteryledger.core.pbft.MessageCodec;
import org.batteryledger.core.pbft.PbftMessage;
import org.batteryledger.core.pbft.ValidatorSet;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Verifies the commit seals of a sync response on a thread of its own while the replica applies the response: from
 * its last block down, while the replica goes from its first block up, so the two meet about halfway. In a catch-up of
 * small blocks the seals are most of the replica's work (three ECDSA verifications a block of a few transactions), and
 * the replica's thread is what the catch-up waits for; this puts half of them on the machine's other core.
 *
 * <p>The replica asks {@link #checked} before it verifies a seal itself ({@code Replica.Config#withCheckedSeals}) and
 * is told yes only for the exact key, message and signature verified here; whose seal it is, once, and the quorum it
 * still checks itself. A question marks the seal as reached by the replica, and the walk down stops at the first
 * seal the replica reached, or at the first that fails (the replica stops at that certificate too).
 *
 * <p>Bounds: only a response that answers a request the replica sent that peer is checked (a faulty peer's unasked
 * responses cost nothing here); one waits to be checked at most, the newest (one skipped is verified by the replica
 * itself, as without this); 8,192 seals are remembered at most, forgotten when the next response comes.
 */
final class SyncSealChecker implements CheckedSignatures {
    private static final Logger LOG = Logger.getLogger(SyncSealChecker.class.getName());
    /** Seals remembered at most: a response of 1,024 blocks with certificates of up to 8 seals; beyond it, none is added. */
    static final int MAX_SEALS = 8_192;
    private static final int SYNC_RESPONSE = new PbftMessage.SyncResponse(List.of()).wireCode();
    private static final int SYNC_REQUEST = new PbftMessage.SyncRequest(0, 0).wireCode();

    /** One seal's signature check, compared by content. */
    private record Seal(byte[] key, byte[] message, byte[] signature) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Seal s && Arrays.equals(key, s.key) && Arrays.equals(message, s.message) && Arrays.equals(signature, s.signature);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(signature);
        }

        @Override
        public String toString() {
            return "Seal[" + signature.length + " bytes]";
        }
    }

    private final CryptoSuite suite;
    private final Hash chainId;
    /** True: verified here. False: the replica reached it first (it verifies the seal itself). */
    private final Map<Seal, Boolean> seals = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private final int maxSeals;
    private volatile ValidatorSet validators;
    /** Per peer, the sync requests the replica sent it that no response answered yet (at most its share of answers). */
    private final Map<NodeId, java.util.concurrent.atomic.AtomicInteger> asked = new ConcurrentHashMap<>();

    SyncSealChecker(CryptoSuite suite, Hash chainId, ThreadFactory threads) {
        this(suite, chainId, threads, MAX_SEALS);
    }

    SyncSealChecker(CryptoSuite suite, Hash chainId, ThreadFactory threads, int maxSeals) {
        this.suite = suite;
        this.chainId = chainId;
        this.maxSeals = maxSeals;
        // One thread; only the newest response waits (an older one the replica is applying already, or never will).
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1), r -> {
            Thread t = threads.newThread(r);
            t.setName("sync-seals");
            return t;
        }, new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    /** A frame holding a SYNC-RESPONSE, recognised without decoding the rest. */
    static boolean isSyncResponse(byte[] frame) {
        return MessageCodec.wireCode(frame) == SYNC_RESPONSE;
    }

    /** The validators whose seals are checked: those of the replica's committed height (set on the replica's thread). */
    void validators(ValidatorSet current) {
        validators = current;
    }

    /** On the replica's thread, as it sends a frame: a sync request makes one response from that peer worth checking. */
    void sending(NodeId to, byte[] frame) {
        if (MessageCodec.wireCode(frame) == SYNC_REQUEST) {
            asked.computeIfAbsent(to, peer -> new java.util.concurrent.atomic.AtomicInteger()).updateAndGet(n -> Math.min(n + 1, SyncServer.MAX_PER_PEER));
        }
    }

    /**
     * From a peer link's thread, before the frame is queued for the replica: a sync response whose seals are checked
     * meanwhile, if it answers a request the replica sent that peer. A response nobody asked for costs the replica what
     * it always did, and nothing here. What was remembered of the response before is forgotten now, before the replica
     * can reach this one.
     */
    void offer(NodeId from, byte[] frame) {
        // One atomic step per count (a request sent meanwhile cannot slip between a test and a decrement): never below 0.
        java.util.concurrent.atomic.AtomicInteger open = asked.get(from);
        if (open == null || open.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return;
        }
        seals.clear(); // the last response's: the replica asked for this one once it had applied that one
        executor.execute(() -> {
            try {
                PbftMessage m = MessageCodec.decode(frame);
                if (m instanceof PbftMessage.SyncResponse r) {
                    check(r);
                }
            } catch (DecodeException e) {
                // The replica refuses the frame and strikes its sender; nothing to check.
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "checking a sync response's seals failed; the replica checks them itself", e);
            }
        });
    }

    /** The walk itself, from the response's last block down to the first seal the replica reached. */
    void check(PbftMessage.SyncResponse response) {
        ValidatorSet keys = validators;
        if (keys == null) {
            return;
        }
        List<CommittedBlock> blocks = response.blocks();
        for (int i = blocks.size() - 1; i >= 0; i--) {
            CommitCertificate cert = blocks.get(i).certificate();
            byte[] message = CommitCertificate.commitSigningBytes(chainId, cert.height(), cert.view(), cert.blockHash());
            for (CommitSeal s : cert.seals()) {
                byte[] key = keys.publicKey(s.nodeId());
                if (key == null) {
                    continue; // not a validator now: the replica decides (perhaps one of a later height's)
                }
                Seal seal = new Seal(key, message, s.signature());
                if (seals.containsKey(seal) || seals.size() >= maxSeals) {
                    return; // the replica got here first (or the bound is reached): it verifies the rest itself
                }
                if (!suite.verify(key, message, s.signature())) {
                    return; // the replica stops at this certificate too: what lies above it it never applies
                }
                if (seals.putIfAbsent(seal, Boolean.TRUE) != null) {
                    return;
                }
            }
        }
    }

    /** On the replica's thread: whether this seal was verified here; if not, it is marked as reached by the replica. */
    @Override
    public boolean checked(byte[] publicKey, byte[] message, byte[] signature) {
        Seal seal = new Seal(publicKey, message, signature);
        if (seals.size() >= maxSeals) {
            return Boolean.TRUE.equals(seals.get(seal));
        }
        return Boolean.TRUE.equals(seals.putIfAbsent(seal, Boolean.FALSE));
    }

    /** Seals remembered now (verified here or reached by the replica): for tests. */
    int remembered() {
        return seals.size();
    }

    void stop() {
        executor.shutdownNow();
    }

    /** Lets the checks offered so far finish, and takes no more: for tests. */
    boolean drain(long timeoutMillis) throws InterruptedException {
        executor.shutdown();
        return executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
