package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Large tier's arenas: routing of allocations and frees, concurrency, and memory pressure across arenas.
 * Tests that could deadlock run under a timeout in a thread of their own, so that a deadlock fails the
 * test instead of hanging the build (a same-thread timeout only interrupts, which a lock wait ignores).
 */
class LargeArenasTest {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final long MiB = 1L << 20;
    private static final int ARENAS = 4;

    private MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    private Reservation reservation = new Reservation(512 * MiB, budget);
    private ChunkRegistry registry = new ChunkRegistry(reservation.base(), reservation.size(), true);

    @AfterEach
    void unmap() {
        reservation.unmap();
    }

    private void limitBudget(long limit) {
        reservation.unmap();
        budget = new MemoryBudget(limit);
        reservation = new Reservation(512 * MiB, budget);
        registry = new ChunkRegistry(reservation.base(), reservation.size(), true);
    }

    @Test
    void defaultArenaCountIsTwiceTheProcessorsRoundedUpToAPowerOfTwo() {
        assertEquals(2, LargeTier.defaultArenas(1));
        assertEquals(4, LargeTier.defaultArenas(2));
        assertEquals(8, LargeTier.defaultArenas(3));
        assertEquals(8, LargeTier.defaultArenas(4));
        assertEquals(LargeTier.MAX_ARENAS, LargeTier.defaultArenas(1000));
    }

    /** Blocks allocated on several threads and all freed on this one go back to the arenas that own their chunks. */
    @Test
    void aBlockFreedOnAnotherThreadReturnsToItsArena() throws Exception {
        LargeTier tier = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, ARENAS);
        ConcurrentHashMap<Long, Integer> owner = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10; i++) {
                    long p = tier.allocate(40_000, 4096, false);
                    owner.put(p, tier.arenaOf(p));
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        long[] perArena = new long[ARENAS];
        for (int a : owner.values()) perArena[a]++;
        for (long p : owner.keySet()) tier.free(p); // all on this thread
        for (int a = 0; a < ARENAS; a++) {
            assertEquals(perArena[a], tier.ofArena(a, LargeArena::allocations), "allocations of arena " + a);
            assertEquals(perArena[a], tier.ofArena(a, LargeArena::frees), "frees in arena " + a);
            assertEquals(0, tier.ofArena(a, LargeArena::liveBlocks));
            assertEquals(perArena[a] * 40_960, tier.ofArena(a, LargeArena::cachedBytes), "arena " + a + " keeps the freed pages");
        }
        assertEquals(80, tier.frees());
    }

    /** The freed run is reused by its own arena, not by the arena of the thread that freed it. */
    @Test
    void theFreedRunIsReusedByItsOwnArena() throws Exception {
        LargeTier tier = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, ARENAS);
        long[] p = new long[1];
        Thread t = new Thread(() -> p[0] = tier.allocateIn(2, 100_000, 4096, false));
        t.start();
        t.join();
        assertEquals(2, tier.arenaOf(p[0]));
        long other = tier.allocateIn(0, 100_000, 4096, false);
        assertEquals(0, tier.arenaOf(other));
        tier.free(p[0]);
        assertEquals(p[0], tier.allocateIn(2, 100_000, 4096, false), "arena 2 hands out its freed run again");
        assertNotEquals(p[0], tier.allocateIn(0, 100_000, 4096, false));
    }

    /**
     * A chunk given back by one arena and taken again by another: a second free of a block freed in
     * the first arena is still named a double free (the rings of recent frees are searched across arenas).
     */
    @Test
    void doubleFreeAfterTheChunkMovedToAnotherArenaIsStillADoubleFree() {
        LargeTier tier = new LargeTier(reservation, budget, registry, 0, ARENAS);
        long keep1 = tier.allocateIn(1, 2 * MiB, 4096, false), keep2 = tier.allocateIn(1, 2 * MiB, 4096, false); // chunk A, full
        long a = tier.allocateIn(1, 100_000, 4096, false); // chunk B, pages 0-24
        long r = tier.allocateIn(1, 100_000, 4096, false); // chunk B, pages 25-49
        tier.free(r);
        tier.free(a); // r's run start disappears into a's; chunk B is entirely free and goes back
        assertEquals(-1, tier.arenaOf(r));
        long s = tier.allocateIn(3, 50_000, 4096, false); // arena 3 takes chunk B again: pages 0-12
        assertEquals(a, s, "test set-up: arena 3 got chunk B");
        assertEquals(3, tier.arenaOf(r));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> tier.free(r));
        assertTrue(e.getMessage().contains("double free") && e.getMessage().contains("LARGE"), e.getMessage());
        for (long x : new long[] {keep1, keep2, s}) tier.free(x);
        assertEquals(0, tier.liveBlocks());
    }

    /** With every arena but the last one locked, an allocation does not wait: it goes to the free arena. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aBusyArenaSendsTheAllocationToAFreeOne() {
        LargeTier tier = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, ARENAS);
        for (int a = 0; a < ARENAS - 1; a++) tier.arena(a).lock();
        long p;
        try {
            p = tier.allocate(50_000, 4096, false);
        } finally {
            for (int a = 0; a < ARENAS - 1; a++) tier.arena(a).unlock();
        }
        assertEquals(ARENAS - 1, tier.arenaOf(p));
        tier.free(p);
    }

    /**
     * The small tiers' growth ({@link LargeTier#yieldRetained}) locks only arenas that keep free bytes:
     * with every other arena's lock held by another thread, it takes the freed run of the one that keeps
     * it and returns without waiting (a wait would hang here until the timeout).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theSmallTiersGrowthLocksOnlyArenasThatKeepFreeBytes() throws Exception {
        LargeTier tier = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, ARENAS);
        long p = tier.allocateIn(2, MiB, 4096, false);
        tier.free(p);
        long kept = tier.ofArena(2, LargeArena::cachedBytes);
        assertTrue(kept >= MiB, "set-up: arena 2 keeps the freed run resident, " + kept);
        CountDownLatch held = new CountDownLatch(1), done = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            for (int a = 0; a < ARENAS; a++) if (a != 2) tier.arena(a).lock();
            held.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                for (int a = 0; a < ARENAS; a++) if (a != 2) tier.arena(a).unlock();
            }
        });
        holder.setDaemon(true); // should the test time out, its locks must not keep the JVM from ending
        holder.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS), "set-up: the other arenas are locked");
            tier.yieldRetained(MiB);
            assertEquals(kept - MiB, tier.ofArena(2, LargeArena::cachedBytes), "arena 2 gave back what was asked");
            tier.yieldRetained(kept); // more than is left: arena 2 gives back the rest, the others are passed
            assertEquals(0, tier.ofArena(2, LargeArena::cachedBytes));
        } finally {
            done.countDown();
            holder.join();
        }
    }

    /**
     * Under the memory limit, an allocation in an arena with nothing cached takes back the dirty pages
     * cached by another arena (the budget's reclaimer locks every arena; the allocating arena has let
     * its own lock go meanwhile, or this would deadlock).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void memoryPressureInOneArenaTakesBackTheCacheOfAnother() {
        limitBudget(16 * MiB);
        LargeTier tier = new LargeTier(reservation, budget, registry, Long.MAX_VALUE, 2);
        budget.setReclaimer(tier::releaseCache);
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 15; i++) blocks.add(tier.allocateIn(0, MiB, 4096, false)); // 4 chunks: 4 + 4 + 4 + 3 blocks
        for (int i = 0; i < blocks.size(); i++) if (i % 4 != 3 && i != 14) tier.free(blocks.get(i)); // 4 stay live
        assertEquals(15 * MiB, budget.committed(), "11 MiB cached dirty in arena 0, 4 MiB live");
        assertEquals(11 * MiB, tier.ofArena(0, LargeArena::cachedBytes));
        long big = tier.allocateIn(1, 2 * MiB, 4096, false); // needs 2 fresh MiB: over the limit without reclaiming
        assertEquals(0, tier.ofArena(0, LargeArena::cachedBytes), "arena 0's cache was given back");
        assertEquals(6 * MiB, budget.committed());
        tier.free(big);
        for (int i = 3; i < blocks.size(); i += 4) tier.free(blocks.get(i));
        tier.free(blocks.get(14));
        assertEquals(0, tier.liveBlocks());
    }

    /**
     * Several threads allocate, write, verify and free Large blocks, handing a share of them to other
     * threads to free; nothing is lost or handed out twice, the counters add up, and the budget holds
     * exactly the cached pages at the end (none after releaseCache).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void concurrentAllocationAndCrossThreadFreesLoseNothing() throws Exception {
        int threads = 4, ops = 20_000, exchangeSlots = 64;
        long retained = 8 * MiB;
        LargeTier tier = new LargeTier(reservation, budget, registry, retained, ARENAS);
        AtomicLongArray exchange = new AtomicLongArray(exchangeSlots * 2); // [address, size] pairs, 0 = empty
        long[] allocated = new long[threads];
        Together.run(threads, me -> allocated[me] = work(tier, new SplittableRandom(1000 + me), ops, exchange));
        for (int i = 0; i < exchangeSlots; i++) {
            long p = exchange.get(2 * i);
            if (p != 0) {
                verify(p, exchange.get(2 * i + 1));
                tier.free(p);
            }
        }
        long total = 0;
        for (long n : allocated) total += n;
        assertEquals(total, tier.allocations());
        assertEquals(total, tier.frees());
        assertEquals(0, tier.liveBlocks());
        assertEquals(0, tier.liveBytes());
        assertTrue(tier.cachedBytes() <= retained, "cached " + tier.cachedBytes() + " over the retained limit " + retained);
        assertEquals(tier.cachedBytes(), budget.committed(), "with nothing live the budget holds exactly the cached pages");
        tier.releaseCache();
        assertEquals(0, tier.cachedBytes());
        assertEquals(0, budget.committed());
    }

    /** One worker's run; returns how many blocks it allocated. */
    private static long work(LargeTier tier, SplittableRandom rnd, int ops, AtomicLongArray exchange) {
        int slots = 48;
        long[] mine = new long[slots], sizes = new long[slots];
        long count = 0;
        for (int i = 0; i < ops; i++) {
            int s = rnd.nextInt(slots);
            if (mine[s] != 0) {
                verify(mine[s], sizes[s]);
                int x = rnd.nextInt(exchange.length() / 2);
                if (rnd.nextInt(4) == 0 && exchange.compareAndSet(2 * x, 0, -1)) { // hand it over
                    exchange.set(2 * x + 1, sizes[s]);
                    exchange.set(2 * x, mine[s]);
                } else {
                    tier.free(mine[s]);
                }
                mine[s] = 0;
            } else {
                int x = rnd.nextInt(exchange.length() / 2);
                long q = exchange.get(2 * x);
                if (q > 0 && exchange.compareAndSet(2 * x, q, -1)) { // free a block another thread handed over
                    verify(q, exchange.get(2 * x + 1));
                    exchange.set(2 * x, 0);
                    tier.free(q);
                }
                long size = rnd.nextInt(8) == 0 ? 32_769 + rnd.nextLong(2 * MiB - 32_769) : 32_769 + rnd.nextInt(100_000);
                long align = rnd.nextInt(16) == 0 ? 4096L << rnd.nextInt(8) : 4096;
                boolean zero = rnd.nextInt(8) == 0;
                long p = tier.allocate(size, align, zero);
                count++;
                assertEquals(0, p & (align - 1), "alignment");
                if (zero) {
                    for (long off = 0; off < size; off += 4096) {
                        if (ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + off) != 0) throw new AssertionError("calloc page not zero");
                    }
                }
                fill(p, size);
                mine[s] = p;
                sizes[s] = size;
            }
        }
        for (int s = 0; s < slots; s++) {
            if (mine[s] != 0) {
                verify(mine[s], sizes[s]);
                tier.free(mine[s]);
            }
        }
        return count;
    }

    /** Writes the block's address into the first 8 bytes of each of its pages and its last 8 bytes (not overlapping). */
    private static void fill(long p, long size) {
        for (long off = 0; off + 16 <= size; off += 4096) ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p + off, p ^ off);
        ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p + size - 8, ~p);
    }

    private static void verify(long p, long size) {
        for (long off = 0; off + 16 <= size; off += 4096) {
            long v = ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + off);
            if (v != (p ^ off)) throw new AssertionError("block 0x" + Long.toHexString(p) + " of " + size + " bytes overwritten at +" + off);
        }
        if (ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + size - 8) != ~p) {
            throw new AssertionError("block 0x" + Long.toHexString(p) + " of " + size + " bytes overwritten at its end");
        }
    }
}
