package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * threadChurn (mimalloc-bench mleak; workloads.md), default configuration (checks on).
 *
 * <p>Many short-lived threads, run a group at a time ({@value #PLATFORM_GROUP} platform threads or
 * {@value #VIRTUAL_GROUP} virtual threads started, then joined). Each allocates {@value #BLOCKS} blocks of
 * 16 B-4 KiB (Tiny and Mid), checks and frees all but one, leaves that one in a shared queue and checks
 * and frees one block left there by an earlier (ended) thread. After the churn the main thread frees the
 * remaining leftovers; nothing may be live.
 *
 * <p>Memory bound. Each ended thread's cache still holds what it freed and what its refills brought
 * (a Tiny refill is a batch of 32 blocks, a Mid one 8 or 4), so without reclamation the memory stranded
 * in dead caches would grow with the number of threads: about 4 classes x 32 blocks x ~1 KiB, i.e. on the
 * order of 100 KiB per thread, or ~1 GiB for 10,000 threads. The allocator drains the caches of ended
 * threads into the central lists (every 64 new thread caches, and before a class carves fresh memory when
 * threads have come since the last look), where the next threads find them. So the footprint is bounded
 * by what the threads of one group plus at most ~64 not-yet-reclaimed dead caches hold, independent of the
 * thread count. The bounds below ({@link #COMMITTED_BOUND}, {@link #CACHED_BOUND}) were set from measurement
 * (5.25 MiB committed, under 1 MiB cached) with a wide margin; the second assertion, that a run with twice the
 * threads commits at most {@link #GROWTH_SLACK} more than the first, is the one that catches memory per
 * thread.
 */
class ThreadChurnTest {
    static final int BLOCKS = 4;
    static final int MIN = 16, MAX = 4096;
    static final int PLATFORM_GROUP = 8, VIRTUAL_GROUP = 256;
    static final int PLATFORM_FIRST = 5_000 * Stress.FACTOR, PLATFORM_SECOND = 10_000 * Stress.FACTOR;
    static final int VIRTUAL_FIRST = 50_000 * Stress.FACTOR, VIRTUAL_SECOND = 100_000 * Stress.FACTOR;

    /**
     * bytesCommitted after a churn, all leftovers freed. Measured (2 cores, JDK 25, 5,000 + 10,000
     * platform and 50,000 + 100,000 virtual threads): 5.25 MiB after both runs, both kinds. That is
     * structural: one 64 KiB slab per Tiny class and one 512 KiB span per Mid class touched by sizes
     * 16 B-4 KiB. Bound: 16 MiB (3x). Memory stranded per thread would be ~50 KiB x 10,000 = ~500 MiB.
     */
    static final long COMMITTED_BOUND = 16L << 20;
    /** Tiny + Mid cachedBytes after a churn, all leftovers freed. Measured: 0.4-0.8 MiB. Bound: 8 MiB. */
    static final long CACHED_BOUND = 8L << 20;
    /** How much more the second (twice as long) churn may have committed than the first. Measured: 0. */
    static final long GROWTH_SLACK = 2L << 20;

    final Set<Long> live = ConcurrentHashMap.newKeySet();
    final AtomicLong ops = new AtomicLong();

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void platformThreadChurn() throws Exception {
        long seed = Stress.seed("ThreadChurnTest.platform");
        Stress.Errors errors = new Stress.Errors("ThreadChurnTest.platform", seed);
        Stress.within(60, errors, () -> run(false, PLATFORM_FIRST, PLATFORM_SECOND, PLATFORM_GROUP, seed, errors));
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void virtualThreadChurn() throws Exception {
        long seed = Stress.seed("ThreadChurnTest.virtual");
        Stress.Errors errors = new Stress.Errors("ThreadChurnTest.virtual", seed);
        Stress.within(60, errors, () -> run(true, VIRTUAL_FIRST, VIRTUAL_SECOND, VIRTUAL_GROUP, seed, errors));
    }

    void run(boolean virtual, int first, int second, int group, long seed, Stress.Errors errors) throws Exception {
        long start = System.nanoTime();
        String kind = virtual ? "virtual" : "platform";
        NativeAllocator alloc = Hakmem.create();
        List<Thread> last = new ArrayList<>();
        try {
            AllocatorStats s0 = alloc.stats();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            AllocatorStats s1 = churn(alloc, virtual, first, group, seed, errors, deadline, last);
            AllocatorStats s2 = churn(alloc, virtual, second, group, Stress.mix(seed), errors, deadline, last);
            errors.assertNone();
            for (AllocatorStats s : List.of(s0, s1, s2)) {
                System.out.printf("[stress] ThreadChurnTest.%s: committed %s, resident %s, cached Tiny %s Mid %s, live %d%n",
                        kind, Stress.mib(s.bytesCommitted()), Stress.mib(s.bytesResident()),
                        Stress.mib(s.tier(Tier.TINY).cachedBytes()), Stress.mib(s.tier(Tier.MID).cachedBytes()), s.liveBlocks());
            }
            String ctx = " (" + kind + ", seed " + seed + ")";
            for (AllocatorStats s : List.of(s1, s2)) {
                assertTrue(s.bytesCommitted() <= COMMITTED_BOUND,
                        "committed " + Stress.mib(s.bytesCommitted()) + " > bound " + Stress.mib(COMMITTED_BOUND) + ctx);
                assertTrue(Stress.cachedSmall(s) <= CACHED_BOUND,
                        "Tiny+Mid cached " + Stress.mib(Stress.cachedSmall(s)) + " > bound " + Stress.mib(CACHED_BOUND) + ctx);
            }
            assertTrue(s2.bytesCommitted() <= s1.bytesCommitted() + GROWTH_SLACK,
                    String.format("committed grew with the thread count: %s after %,d threads, %s after %,d more%s",
                            Stress.mib(s1.bytesCommitted()), first, Stress.mib(s2.bytesCommitted()), second, ctx));
            assertTrue(live.isEmpty(), "test bookkeeping: live set not empty");
            Stress.assertNoLeak(alloc, errors);
            Stress.report("ThreadChurnTest." + kind, ops.get(), start, String.format(
                    "%,d + %,d %s threads; committed after first %s, after second %s; process VmHWM %,d KiB",
                    first, second, kind, Stress.mib(s1.bytesCommitted()), Stress.mib(s2.bytesCommitted()), Stress.vmHwmKiB()));
        } finally {
            Stress.closeIfQuiet(alloc, last);
        }
    }

    /** Runs {@code count} threads, a group at a time; frees the leftovers; returns the stats then. */
    AllocatorStats churn(NativeAllocator alloc, boolean virtual, int count, int group, long seed, Stress.Errors errors,
                         long deadline, List<Thread> last) throws Exception {
        ConcurrentLinkedQueue<Long> leftovers = new ConcurrentLinkedQueue<>();
        AtomicLong left = new AtomicLong(), taken = new AtomicLong();
        Thread.Builder builder = virtual ? Thread.ofVirtual().name("stress-churn-v", 0) : Thread.ofPlatform().daemon().name("stress-churn-p", 0);
        for (int base = 0; base < count; base += group) {
            last.clear();
            for (int i = base; i < Math.min(count, base + group); i++) {
                long threadSeed = Stress.mix(seed + i);
                last.add(builder.start(Stress.guarded(errors, () -> body(alloc, new SplittableRandom(threadSeed), leftovers, left, taken, errors))));
            }
            Stress.joinAll(last, deadline, errors);
            if (errors.count.get() > 0) break;
        }
        long n = 0;
        for (Long b; (b = leftovers.poll()) != null; n++) freeChecked(alloc, b, errors);
        ops.addAndGet(n);
        assertEquals(left.get(), taken.get() + n, "leftovers made vs freed (seed " + seed + ")");
        return alloc.stats();
    }

    void body(NativeAllocator alloc, SplittableRandom rnd, ConcurrentLinkedQueue<Long> leftovers, AtomicLong left,
              AtomicLong taken, Stress.Errors errors) {
        long[] mine = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            long size = MIN + rnd.nextInt(MAX - MIN + 1);
            long p = alloc.malloc(size);
            if (p == 0 || (p & 15) != 0 || p >>> 47 != 0) errors.add(String.format("malloc(%d) returned 0x%x", size, p));
            if (!live.add(p)) errors.add(String.format("malloc(%d) returned 0x%x, which is still live", size, p));
            Stress.fill(p, size, errors.seed);
            mine[i] = (size << 47) | p;
        }
        for (int i = 1; i < BLOCKS; i++) freeChecked(alloc, mine[i], errors);
        Long other = leftovers.poll(); // made by an earlier thread, most likely ended
        if (other != null) {
            freeChecked(alloc, other, errors);
            taken.incrementAndGet();
        }
        leftovers.add(mine[0]);
        left.incrementAndGet();
        ops.addAndGet(BLOCKS + BLOCKS - 1 + (other != null ? 1 : 0));
    }

    void freeChecked(NativeAllocator alloc, long packed, Stress.Errors errors) {
        long p = packed & ((1L << 47) - 1), size = packed >>> 47;
        errors.checkBlock(p, size);
        if (!live.remove(p)) errors.add(String.format("freeing 0x%x: not live (test bookkeeping)", p));
        alloc.free(p);
    }
}
