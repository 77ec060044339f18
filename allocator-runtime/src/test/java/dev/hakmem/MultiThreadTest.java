package dev.hakmem;

import static dev.hakmem.TestMemory.MiB;
import static dev.hakmem.TestMemory.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;

/**
 * Four threads allocate blocks of random sizes over Tiny, Mid and Large, fill them with a pattern and
 * hand about half of them to the other threads through concurrent queues; the receiving thread verifies
 * the content and frees the block (or first reallocs it, also a cross-thread operation). 4 x 50,000
 * operations. No block may be corrupted, and when everything is freed no block is live.
 */
@ExtendWith(OomAsFailure.class)
class MultiThreadTest {
    static final int THREADS = 4;
    static final int OPS_PER_THREAD = 50_000;
    static final int LOCAL_CAP = 1_000;
    static final long SEED = 0xFEEDFACEL;

    record Msg(long address, long size, long tag, int from) {}

    final AtomicLong corruptions = new AtomicLong();
    final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    final AtomicLong crossThreadFrees = new AtomicLong();
    final AtomicLong crossThreadReallocs = new AtomicLong();
    final AtomicLong totalOps = new AtomicLong();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void crossThreadFreesKeepEveryBlockIntact() throws Exception {
        run(AllocatorConfig.defaults());
    }

    /** Caches of two blocks: nearly every free and allocation goes through the shared central lists. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void crossThreadFreesKeepEveryBlockIntactWithTinyCaches() throws Exception {
        run(AllocatorConfig.builder().tinyCache(2, 1).midCache(2, 1).largeRetainedBytes(0).build());
    }

    void run(AllocatorConfig config) throws Exception {
        try (NativeAllocator alloc = Hakmem.create(config)) {
            List<ConcurrentLinkedQueue<Msg>> inbox = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) inbox.add(new ConcurrentLinkedQueue<>());
            CyclicBarrier start = new CyclicBarrier(THREADS);
            Thread[] threads = new Thread[THREADS];
            for (int t = 0; t < THREADS; t++) {
                int id = t;
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                        work(alloc, id, inbox);
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "hakmem-mt-" + t);
                threads[t].start();
            }
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(80));
                assertTrue(!th.isAlive(), th.getName() + " did not finish (deadlock?)");
            }
            // blocks sent after their receiver stopped polling: the main thread frees them (cross-thread too)
            for (ConcurrentLinkedQueue<Msg> q : inbox) {
                for (Msg m; (m = q.poll()) != null; ) {
                    check(m, "drain by main thread");
                    alloc.free(m.address);
                    crossThreadFrees.incrementAndGet();
                }
            }
            if (!errors.isEmpty()) {
                Throwable first = errors.peek();
                AssertionError e = new AssertionError(errors.size() + " worker(s) failed (seed " + SEED + "), first: " + first, first);
                errors.forEach(x -> { if (x != first) e.addSuppressed(x); });
                throw e;
            }
            assertEquals(0, corruptions.get(), () -> "corrupted blocks (seed " + SEED + "): " + reports);
            AllocatorStats s = alloc.stats();
            assertEquals(0, s.liveBlocks(), "live blocks after every block was freed: " + s);
            assertEquals(0, s.bytesLive(), "live bytes after every block was freed");
            assertEquals(s.allocations(), s.frees(), "allocations vs frees");
            assertTrue(totalOps.get() >= (long) THREADS * OPS_PER_THREAD);
            assertTrue(crossThreadFrees.get() > 10_000, "too few cross-thread frees to mean anything: " + crossThreadFrees);
            System.out.println("MultiThreadTest: " + totalOps + " ops, " + crossThreadFrees + " cross-thread frees, "
                    + crossThreadReallocs + " cross-thread reallocs");
        }
    }

    /**
     * Blocks freed by a thread that has since exited must become reusable: threads run one after
     * another, each allocating and freeing 128 blocks of 1 KiB (never more than 128 KiB live). The
     * contract does not say when an exited thread's cached blocks come back, but they must come back:
     * the memory carved for the class may not keep growing with the number of threads that have run.
     * Measured as a plateau: 400 more threads after the first 200 may add at most 10% (+ 2 slabs).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void memoryFreedByExitedPlatformThreadsIsReused() throws Exception {
        try (NativeAllocator alloc = Hakmem.create()) {
            Runnable phase = () -> {
                for (int t = 0; t < 200; t++) {
                    Thread th = new Thread(() -> churn(alloc, 128, 1024));
                    th.start();
                    try {
                        th.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            };
            assertPlateau(alloc, 1024, phase, "platform threads, 200 per phase");
        }
    }

    /** The same with virtual threads, 20 at a time, 400 per phase (each virtual thread is a thread to the allocator). */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void memoryFreedByFinishedVirtualThreadsIsReused() throws Exception {
        try (NativeAllocator alloc = Hakmem.create()) {
            Runnable phase = () -> {
                for (int round = 0; round < 20; round++) {
                    Thread[] batch = new Thread[20];
                    for (int i = 0; i < batch.length; i++) batch[i] = Thread.ofVirtual().start(() -> churn(alloc, 64, 512));
                    try {
                        for (Thread th : batch) th.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            };
            assertPlateau(alloc, 512, phase, "virtual threads, 400 per phase");
        }
    }

    /** Runs {@code phase} once, then twice more, and checks the class's carved slabs stopped growing. */
    void assertPlateau(NativeAllocator alloc, int classSize, Runnable phase, String what) {
        phase.run();
        long first = slabsOf(alloc, classSize);
        phase.run();
        phase.run();
        long last = slabsOf(alloc, classSize);
        assertTrue(errors.isEmpty(), () -> "worker failed: " + errors.peek());
        assertEquals(0, corruptions.get(), () -> "corrupted: " + reports);
        assertEquals(0, alloc.stats().liveBlocks());
        assertTrue(last <= first + first / 10 + 2,
                what + ": slabs carved for class " + classSize + " grew from " + first + " after one phase to " + last
                        + " after three, though every thread freed everything it allocated: freed blocks of exited threads are not reused"
                        + " (Tiny cached " + alloc.stats().tier(Tier.TINY).cachedBytes() + " bytes)");
    }

    static long slabsOf(NativeAllocator alloc, int classSize) {
        return alloc.stats().classes().stream().filter(x -> x.size() == classSize).findFirst().orElseThrow().slabs();
    }

    void churn(NativeAllocator alloc, int count, long size) {
        try {
            long[] ps = new long[count];
            for (int i = 0; i < count; i++) {
                ps[i] = alloc.malloc(size);
                TestMemory.fill(ps[i], size, ps[i]);
            }
            for (long p : ps) {
                if (TestMemory.mismatch(p, size, p) >= 0) corrupt("block " + hex(p) + " corrupted");
                alloc.free(p);
            }
        } catch (Throwable e) {
            errors.add(e);
        }
    }

    static long randomSize(SplittableRandom r) {
        int x = r.nextInt(1000);
        if (x < 700) return r.nextInt(1025);                    // Tiny
        if (x < 970) return 1025 + r.nextInt(64 * 1024 - 1024);  // Mid
        return 64 * 1024 + 1 + r.nextLong(2 * MiB - 64 * 1024);  // Large
    }

    void work(NativeAllocator alloc, int id, List<ConcurrentLinkedQueue<Msg>> inbox) {
        SplittableRandom r = new SplittableRandom(SEED + id);
        ArrayList<Msg> local = new ArrayList<>();
        ConcurrentLinkedQueue<Msg> mine = inbox.get(id);
        for (int i = 0; i < OPS_PER_THREAD; i++) {
            int k = r.nextInt(100);
            if (k < 45 && local.size() < LOCAL_CAP) {
                long size = randomSize(r);
                long p;
                if (r.nextInt(8) == 0) {
                    p = alloc.calloc(1, size);
                    long nz = TestMemory.firstNonZero(p, size);
                    if (nz >= 0) corrupt("calloc(1, " + size + ") = " + hex(p) + " not zeroed at byte " + nz);
                } else {
                    p = alloc.malloc(size);
                }
                if ((p & 15) != 0) corrupt("malloc(" + size + ") = " + hex(p) + " not 16-byte aligned");
                long tag = TestMemory.tag(SEED, p, ((long) id << 32) | i);
                TestMemory.fill(p, size, tag);
                Msg m = new Msg(p, size, tag, id);
                if (r.nextBoolean()) inbox.get((id + 1 + r.nextInt(THREADS - 1)) % THREADS).add(m);
                else local.add(m);
            } else if (k < 75 && !local.isEmpty()) {
                int j = r.nextInt(local.size());
                Msg m = local.get(j);
                local.set(j, local.get(local.size() - 1));
                local.remove(local.size() - 1);
                check(m, "free by owner");
                alloc.free(m.address);
            } else {
                Msg m = mine.poll();
                if (m != null) {
                    check(m, "free by receiver");
                    if (r.nextInt(4) == 0) {
                        long n = randomSize(r);
                        long q = alloc.realloc(m.address, n);
                        crossThreadReallocs.incrementAndGet();
                        long kept = Math.min(n, m.size);
                        long mm = TestMemory.mismatch(q, kept, m.tag);
                        if (mm >= 0) corrupt("cross-thread realloc(" + hex(m.address) + ", " + n + ") -> " + hex(q) + ": "
                                + TestMemory.describeMismatch(q, mm, m.tag));
                        long tag = TestMemory.tag(SEED, q, ((long) id << 32) | i | (1L << 31));
                        TestMemory.fill(q, n, tag);
                        local.add(new Msg(q, n, tag, id));
                    } else {
                        alloc.free(m.address);
                        crossThreadFrees.incrementAndGet();
                    }
                }
            }
            totalOps.incrementAndGet();
        }
        for (Msg m : local) {
            check(m, "final free by owner");
            alloc.free(m.address);
        }
        for (Msg m; (m = mine.poll()) != null; ) {
            check(m, "final free by receiver");
            alloc.free(m.address);
            crossThreadFrees.incrementAndGet();
        }
    }

    void check(Msg m, String when) {
        long mm = TestMemory.mismatch(m.address, m.size, m.tag);
        if (mm >= 0) corrupt(when + " (from thread " + m.from + ", size " + m.size + "): " + TestMemory.describeMismatch(m.address, mm, m.tag));
    }

    void corrupt(String what) {
        corruptions.incrementAndGet();
        if (reports.size() < 20) reports.add(what);
    }
}
