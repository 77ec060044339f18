package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The retained limit holds for the tier as a whole, however the arenas borrow it: whenever no arena
 * is in the middle of an operation, the dirty free bytes of all arenas together are at most
 * {@code largeRetainedBytes}, each arena's within its allowance, and the allowances plus what the pool
 * still has add up to the limit exactly.
 *
 * <p>The timeout runs the test in a thread of its own: a deadlock here is a thread waiting for an
 * arena lock, which ignores interrupts, so only then does the timeout fail the test instead of hanging.
 */
class RetainedLimitTest {
    private static final long MiB = 1L << 20;
    private static final int ARENAS = 4;
    /** Not a multiple of the 4 MiB grant, and a fair share (6.25 MiB) smaller than a few freed blocks. */
    private static final long LIMIT = 25 * MiB;

    private final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private final Reservation reservation = new Reservation(1024 * MiB, budget);
    private final ChunkRegistry registry = new ChunkRegistry(reservation.base(), reservation.size(), true);
    private final LargeTier tier = new LargeTier(reservation, budget, registry, LIMIT, ARENAS);

    {
        reservation.setSpaceReclaimer(tier::reclaimSpace);
    }

    @AfterEach
    void unmap() {
        reservation.unmap();
    }

    /**
     * Checks the limit with every arena's lock held, so that no operation is half done (arenas are
     * locked in index order; an operation holds at most one arena lock and never waits for another
     * while it does, so this cannot deadlock with one). Returns the tier's cached bytes.
     */
    private long assertWithinLimit(String when) {
        for (int a = 0; a < ARENAS; a++) tier.arena(a).lock();
        try {
            long cached = 0, lent = 0;
            for (int a = 0; a < ARENAS; a++) {
                LargeArena arena = tier.arena(a);
                assertTrue(arena.cachedBytes() <= arena.allowance(),
                        when + ": arena " + a + " caches " + arena.cachedBytes() + " bytes, its allowance is " + arena.allowance());
                cached += arena.cachedBytes();
                lent += arena.allowance();
            }
            assertTrue(cached <= LIMIT, when + ": the arenas cache " + cached + " bytes, over the retained limit " + LIMIT);
            assertEquals(LIMIT, lent + tier.pool().available(), when + ": allowances plus the pool's rest must be the limit");
            return cached;
        } finally {
            for (int a = ARENAS - 1; a >= 0; a--) tier.arena(a).unlock();
        }
    }

    /**
     * Random allocations in random arenas and frees of random blocks (up to 48 live, 32 KiB - 2 MiB),
     * with an occasional reclaim of free chunks or of the whole cache: the limit holds after every
     * operation. The workload frees far more than the limit, and one arena alone caches more than its
     * fair share at some point (so borrowing and trimming both happen).
     */
    @Test
    void theRetainedTotalNeverExceedsTheLimit() {
        SplittableRandom rnd = new SplittableRandom(2026);
        List<Long> live = new ArrayList<>();
        long maxOneArena = 0;
        for (int i = 0; i < 20_000; i++) {
            int op = rnd.nextInt(1000);
            String what;
            if (op == 0) {
                tier.releaseCache();
                what = "releaseCache";
            } else if (op < 4) {
                tier.releaseFreeChunks();
                what = "releaseFreeChunks";
            } else if (live.size() >= 48 || (!live.isEmpty() && rnd.nextBoolean())) {
                long p = live.remove(rnd.nextInt(live.size()));
                tier.free(p);
                what = "free of 0x" + Long.toHexString(p);
            } else {
                int arena = rnd.nextInt(ARENAS);
                long size = rnd.nextInt(4) == 0 ? 32_769 + rnd.nextLong(2 * MiB - 32_769) : 32_769 + rnd.nextInt(400_000);
                live.add(tier.allocateIn(arena, size, 4096, false));
                what = "allocation of " + size + " bytes in arena " + arena;
            }
            assertWithinLimit("step " + i + " (" + what + ")");
            for (int a = 0; a < ARENAS; a++) maxOneArena = Math.max(maxOneArena, tier.ofArena(a, LargeArena::cachedBytes));
        }
        assertTrue(tier.frees() * 32 * 1024 > 10 * LIMIT, "test set-up: far more freed than the limit");
        assertTrue(maxOneArena > LIMIT / ARENAS, "test set-up: one arena borrowed beyond its fair share (max " + maxOneArena + ")");
        for (long p : live) tier.free(p);
        assertWithinLimit("all freed");
        assertEquals(0, tier.liveBlocks());
        tier.releaseCache();
        assertEquals(0, assertWithinLimit("after releaseCache"));
        assertEquals(0, budget.committed(), "nothing live, nothing cached: nothing charged");
        assertEquals(LIMIT, tier.pool().available(), "releaseCache gives every allowance back");
    }

    /**
     * The same with threads (tier routing, cross-arena frees and rebalancing racing with each other)
     * while a checker takes every arena's lock, again and again, and checks the limit.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theRetainedTotalNeverExceedsTheLimitUnderConcurrency() throws Exception {
        int threads = 3, ops = 15_000;
        long[] shared = new long[64]; // blocks handed to another thread to free; guarded by itself
        // Workers go on past their ops until the checker has checked often enough while they ran: on a
        // loaded machine the checker could be scheduled too rarely (28 checks once in a clean clone).
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean checkerStopped = new java.util.concurrent.atomic.AtomicBoolean();
        Together.run(threads, me -> {
            SplittableRandom rnd = new SplittableRandom(500 + me);
            long[] mine = new long[16];
            for (int i = 0; i < ops || (checks.get() <= 100 && !checkerStopped.get()); i++) {
                int s = rnd.nextInt(mine.length);
                if (mine[s] == 0) {
                    long size = rnd.nextInt(4) == 0 ? 32_769 + rnd.nextLong(2 * MiB - 32_769) : 32_769 + rnd.nextInt(400_000);
                    mine[s] = tier.allocate(size, 4096, false);
                    continue;
                }
                long p = mine[s], other;
                mine[s] = 0;
                int x = rnd.nextInt(shared.length);
                synchronized (shared) { // swap: free a block another thread allocated, hand this one over
                    other = shared[x];
                    shared[x] = p;
                }
                if (other != 0) tier.free(other);
            }
            for (long p : mine) if (p != 0) tier.free(p);
        }, workersDone -> {
            try {
                for (; !workersDone.getAsBoolean(); checks.incrementAndGet()) {
                    assertWithinLimit("check " + checks.get());
                    Thread.onSpinWait();
                }
            } finally {
                checkerStopped.set(true); // a failed check ends the run with its own error, not a timeout
            }
        });
        assertTrue(checks.get() > 100, "test set-up: the checker ran while the workers did (" + checks.get() + " checks)");
        for (long p : shared) if (p != 0) tier.free(p);
        assertWithinLimit("all freed");
        assertEquals(0, tier.liveBlocks());
        assertEquals(tier.cachedBytes(), budget.committed(), "with nothing live the budget holds exactly the cached pages");
    }
}
