package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Tier;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.small.SizeClasses;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * threadChurn (mimalloc-bench mleak; docs/WORKLOADS.md), default configuration (checks on).
 *
 * <p>Many short-lived threads, run a group at a time ({@value #PLATFORM_GROUP} platform threads or
 * {@value #VIRTUAL_GROUP} virtual threads started, then joined). Each allocates {@value #BLOCKS} blocks of
 * 16 B-4 KiB (Tiny and Mid), checks and frees all but one, leaves that one in a shared queue and checks
 * and frees one block left there by an earlier (ended) thread. After the churn the main thread frees the
 * remaining leftovers; nothing may be live.
 *
 * <p>Memory bound. Each ended thread's cache still holds what it freed and what its refills brought
 * (a Tiny refill is a batch of 128 blocks up to 128 B and 32 above, a Mid one 8 or 4), so without reclamation the memory stranded
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
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ThreadChurnTest {
    static final int BLOCKS = 4;
    static final int MIN = 16, MAX = 4096;
    static final int PLATFORM_GROUP = 8, VIRTUAL_GROUP = 256;
    static final int PLATFORM_FIRST = 5_000 * Stress.FACTOR, PLATFORM_SECOND = 10_000 * Stress.FACTOR;
    static final int VIRTUAL_FIRST = 50_000 * Stress.FACTOR, VIRTUAL_SECOND = 100_000 * Stress.FACTOR;

    /**
     * bytesCommitted after a churn, all leftovers freed. Structural: one 64 KiB slab per Tiny class and
     * one 512 KiB span per Mid class touched by sizes 16 B-4 KiB, for each thread of a group that uses
     * the class at once, since every platform thread carves slabs of its own, and an ended thread's
     * slab goes whole to one taker (issue 15, orphaned slabs); at most 8 x (20 x 64 KiB + 8 x 512 KiB)
     * = 42 MiB, mostly never touched (resident stays under 1 MiB). Virtual threads' stripes own slabs
     * the same way, one per class and stripe ({@link #stripeCarving}). Measured (2 cores, JDK 25): virtual
     * 14.6-20.6 MiB committed, 0.5-1.1 MiB resident (5.6-5.7 MiB committed, 2.3-3.1 MiB resident when the
     * stripes shared slabs, before session 32); platform 11.9-12.5 MiB after the first churn, 13.3-14.6 MiB
     * after the second (5,000 + 10,000 threads, and 50,000 + 100,000 in the long mode: the most threads
     * that ever used a class at once grows, slowly, with the number of groups). Before the orphaned
     * slabs, when ended threads' slabs were carved by all threads at once: 5.25 MiB. Bound: 32 MiB.
     * Memory stranded per thread would be ~50 KiB x 10,000 = ~500 MiB.
     */
    static final long COMMITTED_BOUND = 32L << 20;
    /** Tiny + Mid cachedBytes after a churn, all leftovers freed. Measured: 0.4-0.8 MiB. Bound: 8 MiB. */
    static final long CACHED_BOUND = 8L << 20;
    /**
     * How much more the second (twice as long) churn may have committed than the first. Measured: 1.3-2.7
     * MiB (see {@link #COMMITTED_BOUND}: more groups, more chances for one class to be used by more
     * threads at once). Memory stranded per thread would add ~500 MiB.
     */
    static final long GROWTH_SLACK = 6L << 20;

    /**
     * The most the stripes of virtual threads may commit for the classes of sizes {@link #MIN} to
     * {@link #MAX}: each stripe owns a slab (64 KiB) per Tiny class and a span (512 KiB) per Mid class
     * it carves, and which (stripe, class) pairs have been carved grows with the churn until all have:
     * the second churn may reach this even where the first stayed below it. Memory per thread would
     * still exceed it by far.
     */
    static long stripeCarving(Stress.Session s, AllocatorStats stats) {
        long perStripe = 0;
        int previous = 0;
        for (AllocatorStats.ClassStats c : stats.classes()) {
            if (c.size() >= MIN && previous < MAX) {
                perStripe += 1L << (c.tier() == Tier.TINY ? SizeClasses.TINY_SLAB_SHIFT : SizeClasses.MID_SPAN_SHIFT);
            }
            previous = c.size();
        }
        return ((HakmemAllocator) s.alloc).stripeCount() * perStripe;
    }

    @Test
    void platformThreadChurn() {
        Stress.run("ThreadChurnTest.platform", run -> churnTwice(run, false, PLATFORM_FIRST, PLATFORM_SECOND, PLATFORM_GROUP));
    }

    @Test
    void virtualThreadChurn() {
        Stress.run("ThreadChurnTest.virtual", run -> churnTwice(run, true, VIRTUAL_FIRST, VIRTUAL_SECOND, VIRTUAL_GROUP));
    }

    /** A churn of {@code first} threads, then one of {@code second}, on one allocator; then the bounds above. */
    void churnTwice(Stress.Run run, boolean virtual, int first, int second, int group) throws Exception {
        String kind = virtual ? "virtual" : "platform";
        try (Stress.Session s = run.open()) {
            AllocatorStats s0 = s.alloc.stats();
            AllocatorStats s1 = churn(s, virtual, first, group, run.seed);
            AllocatorStats s2 = churn(s, virtual, second, group, Stress.mix(run.seed));
            run.errors.assertNone();
            for (AllocatorStats st : List.of(s0, s1, s2)) {
                System.out.printf("[stress] ThreadChurnTest.%s: committed %s, resident %s, cached Tiny %s Mid %s, live %d%n",
                        kind, Stress.mib(st.bytesCommitted()), Stress.mib(st.bytesResident()),
                        Stress.mib(st.tier(Tier.TINY).cachedBytes()), Stress.mib(st.tier(Tier.MID).cachedBytes()), st.liveBlocks());
            }
            String ctx = " (" + kind + ", seed " + run.seed + ")";
            for (AllocatorStats st : List.of(s1, s2)) {
                long bound = virtual ? Math.max(COMMITTED_BOUND, stripeCarving(s, st) + GROWTH_SLACK) : COMMITTED_BOUND;
                assertTrue(st.bytesCommitted() <= bound,
                        "committed " + Stress.mib(st.bytesCommitted()) + " > bound " + Stress.mib(bound) + ctx);
                assertTrue(Stress.cachedSmall(st) <= CACHED_BOUND,
                        "Tiny+Mid cached " + Stress.mib(Stress.cachedSmall(st)) + " > bound " + Stress.mib(CACHED_BOUND) + ctx);
            }
            long floor = virtual ? Math.max(s1.bytesCommitted(), stripeCarving(s, s2)) : s1.bytesCommitted();
            assertTrue(s2.bytesCommitted() <= floor + GROWTH_SLACK,
                    String.format("committed grew with the thread count: %s after %,d threads, %s after %,d more%s",
                            Stress.mib(s1.bytesCommitted()), first, Stress.mib(s2.bytesCommitted()), second, ctx));
            s.assertAllFreed();
            run.report(String.format(
                    "%,d + %,d %s threads; committed after first %s, after second %s; process VmHWM %,d KiB",
                    first, second, kind, Stress.mib(s1.bytesCommitted()), Stress.mib(s2.bytesCommitted()), Stress.vmHwmKiB()));
        }
    }

    /** Runs {@code count} threads, a group at a time; frees the leftovers; returns the stats then. */
    AllocatorStats churn(Stress.Session s, boolean virtual, int count, int group, long seed) throws Exception {
        ConcurrentLinkedQueue<Long> leftovers = new ConcurrentLinkedQueue<>();
        AtomicLong left = new AtomicLong(), taken = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int base = 0; base < count; base += group) {
            threads.clear();
            for (int i = base; i < Math.min(count, base + group); i++) {
                long threadSeed = Stress.mix(seed + i);
                Stress.ThrowingRunnable body = () -> body(s, new SplittableRandom(threadSeed), leftovers, left, taken);
                threads.add(virtual ? s.virtualThread("churn-v" + i, body) : s.thread("churn-p" + i, body));
            }
            s.runAll(threads);
            if (s.errors.count.get() > 0) break;
        }
        long n = 0;
        for (Long b; (b = leftovers.poll()) != null; n++) s.freePacked(b);
        s.run.ops.addAndGet(n);
        assertEquals(left.get(), taken.get() + n, "leftovers made vs freed (seed " + seed + ")");
        return s.alloc.stats();
    }

    void body(Stress.Session s, SplittableRandom rnd, ConcurrentLinkedQueue<Long> leftovers, AtomicLong left, AtomicLong taken) {
        long[] mine = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            long size = MIN + rnd.nextInt(MAX - MIN + 1);
            long p = s.alloc.malloc(size);
            if (p == 0 || (p & 15) != 0 || p >>> Stress.ADDRESS_BITS != 0) {
                s.errors.add(String.format("malloc(%d) returned 0x%x", size, p));
            }
            s.allocated(p, size);
            mine[i] = Stress.pack(p, size);
        }
        for (int i = 1; i < BLOCKS; i++) s.freePacked(mine[i]);
        Long other = leftovers.poll(); // made by an earlier thread, most likely ended
        if (other != null) {
            s.freePacked(other);
            taken.incrementAndGet();
        }
        leftovers.add(mine[0]);
        left.incrementAndGet();
        s.run.ops.addAndGet(BLOCKS + BLOCKS - 1 + (other != null ? 1 : 0));
    }
}
