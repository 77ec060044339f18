package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * larson (workloads.md), default configuration (checks on): {@value #THREADS} threads each own
 * {@value #SLOTS} slots, pre-filled by the main thread. Each step checks and frees a random slot and
 * mallocs a size uniform in [8, 1000] into it, writing the pattern. After {@link #STEPS_PER_GENERATION}
 * steps a thread starts a replacement that inherits its slots and ends; there are {@value #GENERATIONS}
 * generations per chain. So nearly every free is of a block made by another (often ended) thread. At the
 * end the main thread checks and frees every slot.
 */
class LarsonTest {
    static final int THREADS = 4;
    static final int SLOTS = 5000;
    static final int GENERATIONS = 8;
    static final int STEPS_PER_GENERATION = 20_000 * Stress.FACTOR;
    static final int MIN = 8, MAX = 1000;

    final Set<Long> live = ConcurrentHashMap.newKeySet();
    final AtomicLong ops = new AtomicLong();
    final ConcurrentLinkedQueue<Thread> started = new ConcurrentLinkedQueue<>();

    static final class Slots {
        final long[] address = new long[SLOTS];
        final int[] size = new int[SLOTS];
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void larson() throws Exception {
        long seed = Stress.seed("LarsonTest");
        Stress.Errors errors = new Stress.Errors("LarsonTest", seed);
        Stress.within(60, errors, () -> run(seed, errors));
    }

    void run(long seed, Stress.Errors errors) throws Exception {
        long start = System.nanoTime();
        NativeAllocator alloc = Hakmem.create();
        try {
            SplittableRandom main = new SplittableRandom(seed);
            Slots[] slots = new Slots[THREADS];
            for (int t = 0; t < THREADS; t++) {
                slots[t] = new Slots();
                for (int i = 0; i < SLOTS; i++) {
                    int size = MIN + main.nextInt(MAX - MIN + 1);
                    slots[t].address[i] = mallocChecked(alloc, size, errors);
                    slots[t].size[i] = size;
                }
            }
            ops.addAndGet((long) THREADS * SLOTS);
            CountDownLatch done = new CountDownLatch(THREADS);
            for (int t = 0; t < THREADS; t++) spawn(alloc, slots[t], t, 0, seed, errors, done);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            boolean finished = done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            // join everything started (a chain broken by an exception has counted down as well)
            Stress.joinAll(new ArrayList<>(started), deadline, errors);
            assertTrue(finished, "chains did not finish before the deadline (seed " + seed + ")");
            errors.assertNone();
            assertEquals((long) THREADS * GENERATIONS, started.size(), "threads started");

            AllocatorStats mid = alloc.stats();
            assertEquals((long) THREADS * SLOTS, mid.liveBlocks(), "live blocks before the final frees (seed " + seed + ")");
            assertEquals(live.size(), mid.liveBlocks(), "allocator's live blocks vs test's live set (seed " + seed + ")");
            for (Slots s : slots) {
                for (int i = 0; i < SLOTS; i++) freeChecked(alloc, s.address[i], s.size[i], errors);
            }
            ops.addAndGet((long) THREADS * SLOTS);
            errors.assertNone();
            assertTrue(live.isEmpty(), "test bookkeeping: live set not empty");
            Stress.assertNoLeak(alloc, errors);
            Stress.report("LarsonTest", ops.get(), start, String.format(
                    "threads %d, committed at steady state %s, resident %s, process VmHWM %,d KiB",
                    started.size(), Stress.mib(mid.bytesCommitted()), Stress.mib(mid.bytesResident()), Stress.vmHwmKiB()));
        } finally {
            Stress.closeIfQuiet(alloc, started);
        }
    }

    void spawn(NativeAllocator alloc, Slots s, int chain, int generation, long seed, Stress.Errors errors, CountDownLatch done) {
        SplittableRandom rnd = new SplittableRandom(Stress.mix(seed ^ (chain * 1_000_003L + generation)));
        Thread th = Stress.platform("larson-" + chain + "-g" + generation, () -> {
            boolean handedOff = false;
            try {
                long n = 0;
                for (int step = 0; step < STEPS_PER_GENERATION; step++) {
                    int i = rnd.nextInt(SLOTS);
                    freeChecked(alloc, s.address[i], s.size[i], errors);
                    int size = MIN + rnd.nextInt(MAX - MIN + 1);
                    s.address[i] = 0;
                    s.address[i] = mallocChecked(alloc, size, errors);
                    s.size[i] = size;
                    n += 2;
                }
                ops.addAndGet(n);
                if (generation + 1 < GENERATIONS) {
                    spawn(alloc, s, chain, generation + 1, seed, errors, done);
                    handedOff = true;
                }
            } catch (Throwable e) {
                errors.add(e);
            } finally {
                if (!handedOff) done.countDown();
            }
        });
        started.add(th);
        th.start();
    }

    long mallocChecked(NativeAllocator alloc, long size, Stress.Errors errors) {
        long p = alloc.malloc(size);
        if (p == 0 || (p & 15) != 0) errors.add(String.format("malloc(%d) returned 0x%x", size, p));
        if (!live.add(p)) errors.add(String.format("malloc(%d) returned 0x%x, which is still live", size, p));
        Stress.fill(p, size, errors.seed);
        return p;
    }

    void freeChecked(NativeAllocator alloc, long p, long size, Stress.Errors errors) {
        if (p == 0) return; // a slot left empty by a malloc that threw (already reported)
        errors.checkBlock(p, size);
        if (!live.remove(p)) errors.add(String.format("freeing 0x%x: not live (test bookkeeping)", p));
        alloc.free(p);
    }
}
