package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
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
 * address to a {@link ConcurrentHashMap#newKeySet()} of live addresses, every free must first remove it
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
class LockFreeRaceTest {
    static final int ROUNDS = 30 * Stress.FACTOR;
    static final int OPS_PER_ROUND = 20_000;
    static final int[] SIZES = {16, 48, 128, 1024, 2048, 16384};

    final Set<Long> live = ConcurrentHashMap.newKeySet();
    final AtomicLong ops = new AtomicLong();
    final AtomicLong ooms = new AtomicLong();

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void remoteFreesVsOwnerAllocation() throws Exception {
        race("remoteFreesVsOwnerAllocation", AllocatorConfig.defaults(), 2);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void remoteFreesVsOwnerAllocationTinyCaches() throws Exception {
        race("remoteFreesVsOwnerAllocationTinyCaches", AllocatorConfig.builder().tinyCache(2, 1).midCache(2, 1).build(), 3);
    }

    void race(String name, AllocatorConfig config, int remotes) throws Exception {
        long seed = Stress.seed("LockFreeRaceTest." + name);
        Stress.Errors errors = new Stress.Errors("LockFreeRaceTest." + name, seed);
        Stress.within(60, errors, () -> {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            for (int round = 0; round < ROUNDS && errors.count.get() == 0; round++) {
                long size = SIZES[round % SIZES.length];
                long roundSeed = Stress.mix(seed + round);
                NativeAllocator alloc = Hakmem.create(config);
                List<Thread> threads = new ArrayList<>();
                try {
                    List<ConcurrentLinkedQueue<Long>> to = new ArrayList<>();
                    for (int r = 0; r < remotes; r++) to.add(new ConcurrentLinkedQueue<>());
                    AtomicLong ownerDone = new AtomicLong();
                    CyclicBarrier go = new CyclicBarrier(remotes + 1);
                    threads.add(Stress.platform(name + "-owner", Stress.guarded(errors, () -> {
                        SplittableRandom rnd = new SplittableRandom(roundSeed);
                        go.await();
                        long[] local = new long[64];
                        int nl = 0;
                        long n = 0;
                        try {
                            for (int i = 0; i < OPS_PER_ROUND; i++) {
                                long p = malloc(alloc, size, errors);
                                n++;
                                if (rnd.nextInt(4) == 0) { // keep some locally, free them locally later
                                    if (nl == local.length) {
                                        for (int k = 0; k < nl; k++) free(alloc, local[k], size, errors);
                                        n += nl;
                                        nl = 0;
                                    }
                                    local[nl++] = p;
                                } else {
                                    to.get(rnd.nextInt(remotes)).add(p);
                                }
                            }
                            for (int k = 0; k < nl; k++) free(alloc, local[k], size, errors);
                            n += nl;
                        } finally {
                            ops.addAndGet(n);
                            ownerDone.set(1);
                        }
                    })));
                    for (int r = 0; r < remotes; r++) {
                        ConcurrentLinkedQueue<Long> in = to.get(r);
                        long remoteSeed = Stress.mix(roundSeed + r + 1);
                        threads.add(Stress.platform(name + "-remote-" + r, Stress.guarded(errors, () -> {
                            SplittableRandom rnd = new SplittableRandom(remoteSeed);
                            go.await();
                            long n = 0;
                            try {
                                while (true) {
                                    Long p = in.poll();
                                    if (p == null) {
                                        if (ownerDone.get() != 0 && in.isEmpty()) break;
                                        // meanwhile allocate the same class here too, and free it again
                                        long q = malloc(alloc, size, errors);
                                        free(alloc, q, size, errors);
                                        n += 2;
                                        Thread.onSpinWait();
                                        continue;
                                    }
                                    free(alloc, p, size, errors);
                                    n++;
                                    if (rnd.nextInt(8) == 0) {
                                        long q = malloc(alloc, size, errors);
                                        free(alloc, q, size, errors);
                                        n += 2;
                                    }
                                }
                            } finally {
                                ops.addAndGet(n);
                            }
                        })));
                    }
                    threads.forEach(Thread::start);
                    Stress.joinAll(threads, deadline, errors);
                    errors.assertNone();
                    assertTrue(live.isEmpty(), () -> "round with size " + size + ": " + live.size() + " blocks not freed (test)");
                    Stress.assertNoLeak(alloc, errors);
                } finally {
                    Stress.closeIfQuiet(alloc, threads);
                }
            }
            errors.assertNone();
            Stress.report("LockFreeRaceTest." + name, ops.get(), start, ROUNDS + " rounds");
        });
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void endedThreadCachesReclaimedWhileOthersAllocate() throws Exception {
        String name = "endedThreadCachesReclaimedWhileOthersAllocate";
        long seed = Stress.seed("LockFreeRaceTest." + name);
        Stress.Errors errors = new Stress.Errors("LockFreeRaceTest." + name, seed);
        int rounds = 10 * Stress.FACTOR, waves = 100, perWave = 4, blocksPerThread = 300;
        Stress.within(60, errors, () -> {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            for (int round = 0; round < rounds && errors.count.get() == 0; round++) {
                long size = SIZES[round % SIZES.length];
                NativeAllocator alloc = Hakmem.create();
                List<Thread> threads = new ArrayList<>();
                ConcurrentLinkedQueue<Long> pool = new ConcurrentLinkedQueue<>();
                AtomicLong stop = new AtomicLong();
                long roundSeed = Stress.mix(seed + round);
                try {
                    // the owner: allocates the class continuously, keeps a window, feeds the pool
                    Thread owner = Stress.platform(name + "-owner", Stress.guarded(errors, () -> {
                        SplittableRandom rnd = new SplittableRandom(roundSeed);
                        long n = 0;
                        try {
                            while (stop.get() == 0) {
                                long p = malloc(alloc, size, errors);
                                n++;
                                if (rnd.nextBoolean() || pool.size() > 20_000) {
                                    free(alloc, p, size, errors);
                                    n++;
                                } else {
                                    pool.add(p);
                                }
                            }
                        } finally {
                            ops.addAndGet(n);
                        }
                    }));
                    threads.add(owner);
                    owner.start();
                    // waves of short-lived threads: free blocks from the pool (remote), allocate some, end
                    for (int w = 0; w < waves && errors.count.get() == 0; w++) {
                        List<Thread> wave = new ArrayList<>();
                        for (int k = 0; k < perWave; k++) {
                            wave.add(Stress.platform(name + "-w" + w + "-" + k, Stress.guarded(errors, () -> {
                                long[] mine = new long[blocksPerThread];
                                long n = 0;
                                for (int i = 0; i < blocksPerThread; i++) {
                                    Long p = pool.poll();
                                    if (p != null) {
                                        free(alloc, p, size, errors);
                                        n++;
                                    }
                                    mine[i] = malloc(alloc, size, errors);
                                    n++;
                                }
                                // free in the other order: the cache ends full of a mix of blocks
                                for (int i = blocksPerThread - 1; i >= 0; i--) free(alloc, mine[i], size, errors);
                                ops.addAndGet(n + blocksPerThread);
                            })));
                        }
                        threads.addAll(wave);
                        wave.forEach(Thread::start);
                        Stress.joinAll(wave, deadline, errors);
                    }
                    stop.set(1);
                    Stress.joinOne(owner, deadline, errors);
                    long n = 0;
                    for (Long p; (p = pool.poll()) != null; n++) free(alloc, p, size, errors);
                    ops.addAndGet(n);
                    errors.assertNone();
                    assertTrue(live.isEmpty(), () -> live.size() + " blocks not freed (test)");
                    Stress.assertNoLeak(alloc, errors);
                } finally {
                    Stress.closeIfQuiet(alloc, threads);
                }
            }
            errors.assertNone();
            Stress.report("LockFreeRaceTest." + name, ops.get(), start, rounds + " rounds");
        });
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void pressureReleaseVsCrossThreadTraffic() throws Exception {
        String name = "pressureReleaseVsCrossThreadTraffic";
        long seed = Stress.seed("LockFreeRaceTest." + name);
        Stress.Errors errors = new Stress.Errors("LockFreeRaceTest." + name, seed);
        int rounds = 6 * Stress.FACTOR, phases = 12, threadsN = 3;
        long limit = 32L << 20, perThreadLive = 3L << 20;
        Stress.within(60, errors, () -> {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            for (int round = 0; round < rounds && errors.count.get() == 0; round++) {
                NativeAllocator alloc = Hakmem.create(AllocatorConfig.builder().memoryLimit(limit).largeRetainedBytes(0).build());
                List<Thread> threads = new ArrayList<>();
                List<ConcurrentLinkedQueue<Long>> inbox = new ArrayList<>();
                for (int t = 0; t < threadsN; t++) inbox.add(new ConcurrentLinkedQueue<>());
                CyclicBarrier phaseBarrier = new CyclicBarrier(threadsN);
                long roundSeed = Stress.mix(seed + round);
                try {
                    int roundNo = round;
                    for (int t = 0; t < threadsN; t++) {
                        int id = t;
                        threads.add(Stress.platform(name + "-" + t, Stress.guarded(errors, () -> {
                            SplittableRandom rnd = new SplittableRandom(Stress.mix(roundSeed + id));
                            long n = 0;
                            try {
                                for (int ph = 0; ph < phases; ph++) {
                                    // every phase uses another class: the previous phase's slabs, now free,
                                    // must be released under pressure while the other threads still push/pop
                                    long size = SIZES[(ph + roundNo) % SIZES.length];
                                    long held = 0;
                                    while (held < perThreadLive) {
                                        long p;
                                        try {
                                            p = malloc(alloc, size, errors);
                                        } catch (OutOfMemoryError e) {
                                            ooms.incrementAndGet();
                                            break;
                                        }
                                        n++;
                                        held += size;
                                        // hand it to another thread, which frees it (remote), or free it here
                                        if (rnd.nextInt(3) == 0) {
                                            free(alloc, p, size, errors);
                                            n++;
                                        } else {
                                            inbox.get((id + 1 + rnd.nextInt(threadsN - 1)) % threadsN).add(size << 47 | p);
                                        }
                                        for (Long q; rnd.nextInt(4) != 0 && (q = inbox.get(id).poll()) != null; n++) {
                                            free(alloc, q & ((1L << 47) - 1), q >>> 47, errors);
                                        }
                                    }
                                    phaseBarrier.await(30L * Stress.FACTOR, TimeUnit.SECONDS);
                                    for (Long q; (q = inbox.get(id).poll()) != null; n++) {
                                        free(alloc, q & ((1L << 47) - 1), q >>> 47, errors);
                                    }
                                    phaseBarrier.await(30L * Stress.FACTOR, TimeUnit.SECONDS);
                                }
                            } finally {
                                ops.addAndGet(n);
                            }
                        })));
                    }
                    threads.forEach(Thread::start);
                    Stress.joinAll(threads, deadline, errors);
                    errors.assertNone();
                    assertTrue(live.isEmpty(), () -> live.size() + " blocks not freed (test)");
                    Stress.assertNoLeak(alloc, errors);
                    AllocatorStats s = alloc.stats();
                    assertTrue(s.bytesCommitted() <= limit, "committed above the memory limit: " + s);
                } finally {
                    Stress.closeIfQuiet(alloc, threads);
                }
            }
            errors.assertNone();
            Stress.report("LockFreeRaceTest." + name, ops.get(), start,
                    rounds + " rounds, OutOfMemoryErrors (tolerated) " + ooms.get());
        });
    }

    /** Virtual threads share try-locked cache stripes: many of them race on the stripes and the central lists. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void virtualThreadStripesVsCrossThreadFrees() throws Exception {
        virtualRace("virtualThreadStripesVsCrossThreadFrees", AllocatorConfig.defaults(), 100_000);
    }

    /**
     * The same under a memory limit the workload exceeds: pressure drains idle stripes and releases free
     * slabs while virtual threads hold other stripes. OutOfMemoryError is tolerated (counted).
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void virtualThreadStripesUnderMemoryPressure() throws Exception {
        virtualRace("virtualThreadStripesUnderMemoryPressure",
                AllocatorConfig.builder().memoryLimit(8L << 20).largeRetainedBytes(0).build(), 2_000);
    }

    void virtualRace(String name, AllocatorConfig config, int poolCap) throws Exception {
        long seed = Stress.seed("LockFreeRaceTest." + name);
        Stress.Errors errors = new Stress.Errors("LockFreeRaceTest." + name, seed);
        int rounds = 10 * Stress.FACTOR, virtuals = 200, platforms = 2, steps = 2_000;
        Stress.within(60, errors, () -> {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            for (int round = 0; round < rounds && errors.count.get() == 0; round++) {
                NativeAllocator alloc = Hakmem.create(config);
                List<Thread> threads = new ArrayList<>();
                ConcurrentLinkedQueue<Long> pool = new ConcurrentLinkedQueue<>();
                AtomicLong pooled = new AtomicLong();
                long roundSeed = Stress.mix(seed + round);
                try {
                    CyclicBarrier go = new CyclicBarrier(virtuals + platforms);
                    for (int t = 0; t < virtuals + platforms; t++) {
                        long threadSeed = Stress.mix(roundSeed + t);
                        Runnable body = Stress.guarded(errors, () -> {
                            SplittableRandom rnd = new SplittableRandom(threadSeed);
                            go.await(30L * Stress.FACTOR, TimeUnit.SECONDS);
                            long n = 0;
                            try {
                                for (int i = 0; i < steps; i++) {
                                    long size = SIZES[rnd.nextInt(SIZES.length)];
                                    long p;
                                    try {
                                        p = malloc(alloc, size, errors);
                                        n++;
                                        if (pooled.incrementAndGet() > poolCap) {
                                            pooled.decrementAndGet();
                                            free(alloc, p, size, errors);
                                            n++;
                                        } else {
                                            pool.add(size << 47 | p);
                                        }
                                    } catch (OutOfMemoryError e) {
                                        ooms.incrementAndGet();
                                    }
                                    Long q = pool.poll(); // most likely made by another thread: a remote free
                                    if (q != null) {
                                        pooled.decrementAndGet();
                                        free(alloc, q & ((1L << 47) - 1), q >>> 47, errors);
                                        n++;
                                    }
                                    if ((i & 63) == 0) Thread.yield(); // a virtual thread moves between carriers
                                }
                            } finally {
                                ops.addAndGet(n);
                            }
                        });
                        threads.add(t < virtuals ? Thread.ofVirtual().name("stress-" + name + "-v" + t).unstarted(body)
                                : Stress.platform(name + "-p" + t, body));
                    }
                    threads.forEach(Thread::start);
                    Stress.joinAll(threads, deadline, errors);
                    long n = 0;
                    for (Long q; (q = pool.poll()) != null; n++) free(alloc, q & ((1L << 47) - 1), q >>> 47, errors);
                    ops.addAndGet(n);
                    errors.assertNone();
                    assertTrue(live.isEmpty(), () -> live.size() + " blocks not freed (test)");
                    Stress.assertNoLeak(alloc, errors);
                } finally {
                    Stress.closeIfQuiet(alloc, threads);
                }
            }
            errors.assertNone();
            Stress.report("LockFreeRaceTest." + name, ops.get(), start,
                    rounds + " rounds, OutOfMemoryErrors (tolerated) " + ooms.get());
        });
    }

    long malloc(NativeAllocator alloc, long size, Stress.Errors errors) {
        long p = alloc.malloc(size);
        if (p == 0 || (p & 15) != 0 || p >>> 47 != 0) {
            errors.add(String.format("malloc(%d) returned 0x%x", size, p));
            throw new IllegalStateException("bad address 0x" + Long.toHexString(p));
        }
        if (!live.add(p)) errors.add(String.format("DUPLICATE: malloc(%d) returned 0x%x, which is still live", size, p));
        Stress.fill(p, size, errors.seed);
        return p;
    }

    void free(NativeAllocator alloc, long p, long size, Stress.Errors errors) {
        errors.checkBlock(p, size);
        if (!live.remove(p)) errors.add(String.format("freeing 0x%x: not in the live set", p));
        alloc.free(p);
    }
}
