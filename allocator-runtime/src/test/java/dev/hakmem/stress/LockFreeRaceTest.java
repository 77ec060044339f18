package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Targeted races on the lock-free paths, each repeated over many rounds, every round on a fresh allocator
 * (so slab carving races too) with the threads released together by a barrier.
 *
 * <p>The invariant: no address is handed out twice while live. Every malloc must succeed in adding its
 * address to the run's set of live addresses ({@link Stress.Run#live}), every free must first remove it
 * (before the free, so a reissue can only come after the removal); blocks carry the pattern, checked
 * before each free. Any duplicate, missing address or corrupted block fails the test with the seed.
 *
 * <ul>
 *   <li>{@link #remoteFreesVsOwnerAllocation}: an owner mallocs blocks of one class and passes them to
 *       remote threads, which free them (sending batches to the owner's inbox with CAS) while the owner
 *       refills from its inbox (CAS) and carves; both also malloc/free locally.</li>
 *   <li>{@link #remoteFreesVsOwnerAllocationTinyCaches}: the same with caches of 2 blocks and batches of 1,
 *       so nearly every operation hits an inbox (remote frees send a batch of one).</li>
 *   <li>{@link #endedThreadCachesReclaimedWhileOthersAllocate}: short-lived threads free remote blocks and
 *       end with full caches and outboxes, which other threads drain (reclamation: inboxes closed, slabs
 *       made shared) while the owner allocates the same class and new threads push and pop.</li>
 *   <li>{@link #pressureReleaseVsCrossThreadTraffic}: a memory limit makes the allocator release entirely
 *       free slabs (taking the whole central list and every inbox, pushing the rest back) while other
 *       threads push and pop them. OutOfMemoryError is tolerated (counted) there, duplicates and corruption are not.</li>
 * </ul>
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LockFreeRaceTest {
    static final int ROUNDS = 30 * Stress.FACTOR;
    static final int OPS_PER_ROUND = 20_000;
    static final int[] SIZES = {16, 48, 128, 1024, 2048, 16384};

    final AtomicLong ooms = new AtomicLong();

    @Test
    void remoteFreesVsOwnerAllocation() {
        race("remoteFreesVsOwnerAllocation", AllocatorConfig.defaults(), 2);
    }

    @Test
    void remoteFreesVsOwnerAllocationTinyCaches() {
        race("remoteFreesVsOwnerAllocationTinyCaches", AllocatorConfig.builder().tinyCache(2, 1).midCache(2, 1).build(), 3);
    }

    void race(String name, AllocatorConfig config, int remotes) {
        rounds(name, ROUNDS, config, false, (s, round, roundSeed) -> {
            long size = SIZES[round % SIZES.length];
            List<ConcurrentLinkedQueue<Long>> to = new ArrayList<>();
            for (int r = 0; r < remotes; r++) to.add(new ConcurrentLinkedQueue<>());
            AtomicLong ownerDone = new AtomicLong();
            CyclicBarrier go = new CyclicBarrier(remotes + 1);
            List<Thread> threads = new ArrayList<>();
            threads.add(s.thread(name + "-owner", () -> {
                SplittableRandom rnd = new SplittableRandom(roundSeed);
                go.await();
                long[] local = new long[64];
                int nl = 0;
                long n = 0;
                try {
                    for (int i = 0; i < OPS_PER_ROUND; i++) {
                        long p = s.malloc(size);
                        n++;
                        if (rnd.nextInt(4) == 0) { // keep some locally, free them locally later
                            if (nl == local.length) {
                                for (int k = 0; k < nl; k++) s.free(local[k], size);
                                n += nl;
                                nl = 0;
                            }
                            local[nl++] = p;
                        } else {
                            to.get(rnd.nextInt(remotes)).add(p);
                        }
                    }
                    for (int k = 0; k < nl; k++) s.free(local[k], size);
                    n += nl;
                } finally {
                    s.run.ops.addAndGet(n);
                    ownerDone.set(1);
                }
            }));
            for (int r = 0; r < remotes; r++) {
                ConcurrentLinkedQueue<Long> in = to.get(r);
                long remoteSeed = Stress.mix(roundSeed + r + 1);
                threads.add(s.thread(name + "-remote-" + r, () -> {
                    SplittableRandom rnd = new SplittableRandom(remoteSeed);
                    go.await();
                    long n = 0;
                    try {
                        while (true) {
                            Long p = in.poll();
                            if (p == null) {
                                if (ownerDone.get() != 0 && in.isEmpty()) break;
                                // meanwhile allocate the same class here too, and free it again
                                long q = s.malloc(size);
                                s.free(q, size);
                                n += 2;
                                Thread.onSpinWait();
                                continue;
                            }
                            s.free(p, size);
                            n++;
                            if (rnd.nextInt(8) == 0) {
                                long q = s.malloc(size);
                                s.free(q, size);
                                n += 2;
                            }
                        }
                    } finally {
                        s.run.ops.addAndGet(n);
                    }
                }));
            }
            s.runAll(threads);
            s.assertAllFreed();
        });
    }

    @Test
    void endedThreadCachesReclaimedWhileOthersAllocate() {
        String name = "endedThreadCachesReclaimedWhileOthersAllocate";
        int waves = 100, perWave = 4, blocksPerThread = 300;
        rounds(name, 10 * Stress.FACTOR, AllocatorConfig.defaults(), false, (s, round, roundSeed) -> {
            long size = SIZES[round % SIZES.length];
            ConcurrentLinkedQueue<Long> pool = new ConcurrentLinkedQueue<>();
            AtomicLong stop = new AtomicLong();
            // the owner: allocates the class continuously, keeps a window, feeds the pool
            Thread owner = s.start(name + "-owner", () -> {
                SplittableRandom rnd = new SplittableRandom(roundSeed);
                long n = 0;
                try {
                    while (stop.get() == 0) {
                        long p = s.malloc(size);
                        n++;
                        if (rnd.nextBoolean() || pool.size() > 20_000) {
                            s.free(p, size);
                            n++;
                        } else {
                            pool.add(p);
                        }
                    }
                } finally {
                    s.run.ops.addAndGet(n);
                }
            });
            // waves of short-lived threads: free blocks from the pool (remote), allocate some, end
            for (int w = 0; w < waves && s.errors.count.get() == 0; w++) {
                List<Thread> wave = new ArrayList<>();
                for (int k = 0; k < perWave; k++) {
                    wave.add(s.thread(name + "-w" + w + "-" + k, () -> {
                        long[] mine = new long[blocksPerThread];
                        long n = 0;
                        for (int i = 0; i < blocksPerThread; i++) {
                            Long p = pool.poll();
                            if (p != null) {
                                s.free(p, size);
                                n++;
                            }
                            mine[i] = s.malloc(size);
                            n++;
                        }
                        // free in the other order: the cache ends full of a mix of blocks
                        for (int i = blocksPerThread - 1; i >= 0; i--) s.free(mine[i], size);
                        s.run.ops.addAndGet(n + blocksPerThread);
                    }));
                }
                s.runAll(wave);
            }
            stop.set(1);
            s.join(owner);
            long n = 0;
            for (Long p; (p = pool.poll()) != null; n++) s.free(p, size);
            s.run.ops.addAndGet(n);
            s.assertAllFreed();
        });
    }

    @Test
    void pressureReleaseVsCrossThreadTraffic() {
        String name = "pressureReleaseVsCrossThreadTraffic";
        int phases = 12, threadsN = 3;
        long limit = 32L << 20, perThreadLive = 3L << 20;
        AllocatorConfig config = AllocatorConfig.builder().memoryLimit(limit).largeRetainedBytes(0).build();
        rounds(name, 6 * Stress.FACTOR, config, true, (s, round, roundSeed) -> {
            List<ConcurrentLinkedQueue<Long>> inbox = new ArrayList<>();
            for (int t = 0; t < threadsN; t++) inbox.add(new ConcurrentLinkedQueue<>());
            CyclicBarrier phaseBarrier = new CyclicBarrier(threadsN);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < threadsN; t++) {
                int id = t;
                threads.add(s.thread(name + "-" + t, () -> {
                    SplittableRandom rnd = new SplittableRandom(Stress.mix(roundSeed + id));
                    long n = 0;
                    try {
                        for (int ph = 0; ph < phases; ph++) {
                            // every phase uses another class: the previous phase's slabs, now free,
                            // must be released under pressure while the other threads still push/pop
                            long size = SIZES[(ph + round) % SIZES.length];
                            long held = 0;
                            while (held < perThreadLive) {
                                long p;
                                try {
                                    p = s.malloc(size);
                                } catch (OutOfMemoryError e) {
                                    ooms.incrementAndGet();
                                    break;
                                }
                                n++;
                                held += size;
                                // hand it to another thread, which frees it (remote), or free it here
                                if (rnd.nextInt(3) == 0) {
                                    s.free(p, size);
                                    n++;
                                } else {
                                    inbox.get((id + 1 + rnd.nextInt(threadsN - 1)) % threadsN).add(Stress.pack(p, size));
                                }
                                for (Long q; rnd.nextInt(4) != 0 && (q = inbox.get(id).poll()) != null; n++) s.freePacked(q);
                            }
                            await(phaseBarrier);
                            for (Long q; (q = inbox.get(id).poll()) != null; n++) s.freePacked(q);
                            await(phaseBarrier);
                        }
                    } finally {
                        s.run.ops.addAndGet(n);
                    }
                }));
            }
            s.runAll(threads);
            s.assertAllFreed();
            AllocatorStats st = s.alloc.stats();
            assertTrue(st.bytesCommitted() <= limit, "committed above the memory limit: " + st);
        });
    }

    /** Virtual threads share try-locked cache stripes: many of them race on the stripes and the central lists. */
    @Test
    void virtualThreadStripesVsCrossThreadFrees() {
        virtualRace("virtualThreadStripesVsCrossThreadFrees", AllocatorConfig.defaults(), 100_000);
    }

    /**
     * The same under a memory limit the workload exceeds: pressure drains idle stripes and releases free
     * slabs while virtual threads hold other stripes. OutOfMemoryError is tolerated (counted).
     */
    @Test
    void virtualThreadStripesUnderMemoryPressure() {
        virtualRace("virtualThreadStripesUnderMemoryPressure",
                AllocatorConfig.builder().memoryLimit(8L << 20).largeRetainedBytes(0).build(), 2_000);
    }

    void virtualRace(String name, AllocatorConfig config, int poolCap) {
        int virtuals = 200, platforms = 2, steps = 2_000;
        rounds(name, 10 * Stress.FACTOR, config, true, (s, round, roundSeed) -> {
            ConcurrentLinkedQueue<Long> pool = new ConcurrentLinkedQueue<>();
            AtomicLong pooled = new AtomicLong();
            CyclicBarrier go = new CyclicBarrier(virtuals + platforms);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < virtuals + platforms; t++) {
                long threadSeed = Stress.mix(roundSeed + t);
                Stress.ThrowingRunnable body = () -> {
                    SplittableRandom rnd = new SplittableRandom(threadSeed);
                    await(go);
                    long n = 0;
                    try {
                        for (int i = 0; i < steps; i++) {
                            long size = SIZES[rnd.nextInt(SIZES.length)];
                            long p;
                            try {
                                p = s.malloc(size);
                                n++;
                                if (pooled.incrementAndGet() > poolCap) {
                                    pooled.decrementAndGet();
                                    s.free(p, size);
                                    n++;
                                } else {
                                    pool.add(Stress.pack(p, size));
                                }
                            } catch (OutOfMemoryError e) {
                                ooms.incrementAndGet();
                            }
                            Long q = pool.poll(); // most likely made by another thread: a remote free
                            if (q != null) {
                                pooled.decrementAndGet();
                                s.freePacked(q);
                                n++;
                            }
                            if ((i & 63) == 0) Thread.yield(); // a virtual thread moves between carriers
                        }
                    } finally {
                        s.run.ops.addAndGet(n);
                    }
                };
                threads.add(t < virtuals ? s.virtualThread(name + "-v" + t, body) : s.thread(name + "-p" + t, body));
            }
            s.runAll(threads);
            long n = 0;
            for (Long q; (q = pool.poll()) != null; n++) s.freePacked(q);
            s.run.ops.addAndGet(n);
            s.assertAllFreed();
        });
    }

    /** One round of a race on a fresh allocator, given its number and seed. */
    interface Round {
        void run(Stress.Session s, int round, long roundSeed) throws Exception;
    }

    /**
     * Runs {@code rounds} rounds, each on a fresh allocator made with {@code config}, until the first failure.
     * The report counts the OutOfMemoryErrors of the races that tolerate them.
     */
    void rounds(String name, int rounds, AllocatorConfig config, boolean oomTolerated, Round body) {
        Stress.run("LockFreeRaceTest." + name, run -> {
            for (int round = 0; round < rounds && run.errors.count.get() == 0; round++) {
                try (Stress.Session s = run.open(config)) {
                    body.run(s, round, Stress.mix(run.seed + round));
                }
            }
            run.errors.assertNone();
            run.report(rounds + " rounds" + (oomTolerated ? ", OutOfMemoryErrors (tolerated) " + ooms.get() : ""));
        });
    }

    /** Waits at the barrier, for at most 30 s x FACTOR. */
    static void await(CyclicBarrier barrier) throws Exception {
        barrier.await(30L * Stress.FACTOR, TimeUnit.SECONDS);
    }
}
