package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * larson (docs/WORKLOADS.md), default configuration (checks on): 4 threads, and oversubscribed 8 and 16
 * (issue 15: on a 2-core machine threads are preempted in the middle of every path), each own
 * {@value #SLOTS} slots, pre-filled by the main thread. Each step checks and frees a random slot and
 * mallocs a size uniform in [8, 1000] into it, writing the pattern. After {@link #STEPS_PER_GENERATION}
 * steps a thread starts a replacement that inherits its slots and ends; there are {@value #GENERATIONS}
 * generations per chain. So nearly every free is of a block made by another (often ended) thread. At the
 * end the main thread checks and frees every slot.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class LarsonTest {
    static final int SLOTS = 5000;
    static final int GENERATIONS = 8;
    static final int STEPS_PER_GENERATION = 20_000 * Stress.FACTOR;
    static final int MIN = 8, MAX = 1000;

    /** Threads started, over all chains and generations. */
    final AtomicLong started = new AtomicLong();

    static final class Slots {
        final long[] address = new long[SLOTS];
        final int[] size = new int[SLOTS];
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {4, 8, 16})
    void larson(int threads) {
        Stress.run("LarsonTest[" + threads + " threads]", run -> {
            try (Stress.Session s = run.open()) {
                SplittableRandom main = new SplittableRandom(run.seed);
                Slots[] slots = new Slots[threads];
                for (int t = 0; t < threads; t++) {
                    slots[t] = new Slots();
                    for (int i = 0; i < SLOTS; i++) {
                        int size = MIN + main.nextInt(MAX - MIN + 1);
                        slots[t].address[i] = mallocChecked(s, size);
                        slots[t].size[i] = size;
                    }
                }
                run.ops.addAndGet((long) threads * SLOTS);
                CountDownLatch done = new CountDownLatch(threads);
                for (int t = 0; t < threads; t++) spawn(s, slots[t], t, 0, done);

                boolean finished = done.await(run.deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                // join everything started (a chain broken by an exception has counted down as well)
                s.joinAll();
                assertTrue(finished, "chains did not finish before the deadline (seed " + run.seed + ")");
                run.errors.assertNone();
                assertEquals((long) threads * GENERATIONS, started.get(), "threads started");

                AllocatorStats mid = s.alloc.stats();
                assertEquals((long) threads * SLOTS, mid.liveBlocks(), "live blocks before the final frees (seed " + run.seed + ")");
                assertEquals(run.live.size(), mid.liveBlocks(), "allocator's live blocks vs test's live set (seed " + run.seed + ")");
                for (Slots sl : slots) {
                    for (int i = 0; i < SLOTS; i++) freeChecked(s, sl.address[i], sl.size[i]);
                }
                run.ops.addAndGet((long) threads * SLOTS);
                s.assertAllFreed();
                run.report(String.format(
                        "threads %d, committed at steady state %s, resident %s, process VmHWM %,d KiB",
                        started.get(), Stress.mib(mid.bytesCommitted()), Stress.mib(mid.bytesResident()), Stress.vmHwmKiB()));
            }
        });
    }

    /** Starts generation {@code generation} of chain {@code chain}, which hands the slots on to the next one. */
    void spawn(Stress.Session s, Slots slots, int chain, int generation, CountDownLatch done) {
        SplittableRandom rnd = new SplittableRandom(Stress.mix(s.run.seed ^ (chain * 1_000_003L + generation)));
        started.incrementAndGet();
        s.start("larson-" + chain + "-g" + generation, () -> {
            boolean handedOff = false;
            try {
                long n = 0;
                for (int step = 0; step < STEPS_PER_GENERATION; step++) {
                    int i = rnd.nextInt(SLOTS);
                    freeChecked(s, slots.address[i], slots.size[i]);
                    int size = MIN + rnd.nextInt(MAX - MIN + 1);
                    slots.address[i] = 0;
                    slots.address[i] = mallocChecked(s, size);
                    slots.size[i] = size;
                    n += 2;
                }
                s.run.ops.addAndGet(n);
                if (generation + 1 < GENERATIONS) {
                    spawn(s, slots, chain, generation + 1, done);
                    handedOff = true;
                }
            } finally {
                if (!handedOff) done.countDown();
            }
        });
    }

    long mallocChecked(Stress.Session s, long size) {
        long p = s.alloc.malloc(size);
        if (p == 0 || (p & 15) != 0) s.errors.add(String.format("malloc(%d) returned 0x%x", size, p));
        s.allocated(p, size);
        return p;
    }

    void freeChecked(Stress.Session s, long p, long size) {
        if (p == 0) return; // a slot left empty by a malloc that threw (already reported)
        s.free(p, size);
    }
}
