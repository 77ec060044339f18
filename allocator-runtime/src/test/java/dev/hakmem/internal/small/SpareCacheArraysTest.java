package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A thread that follows an ended one reuses its cache arrays ({@link SpareCacheArrays}): its life makes
 * little Java garbage, and the blocks it is handed are still each handed out once.
 */
class SpareCacheArraysTest {
    /** Mallocs and frees one block of every Tiny class. */
    private static void touchEveryTinyClass(HakmemAllocator a) {
        for (int size = 16; size <= AllocatorConfig.TINY_MAX; size += 16) a.free(a.malloc(size));
    }

    /** The Java bytes a new thread's {@link #touchEveryTinyClass} allocates once its cache exists. */
    private static long inNewThread(HakmemAllocator a) throws InterruptedException {
        // the first malloc makes the cache (structures, not arrays: not measured)
        return ThreadHeapBytes.ofEndedThread(() -> a.free(a.malloc(16)), () -> touchEveryTinyClass(a));
    }

    @Test
    void aThreadAfterAReclaimedOneAllocatesNoCacheArrays() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long first = inNewThread(a);
            int tinyClasses = AllocatorConfig.defaults().tinyClasses().length;
            // At least 128 addresses per class: 1 KiB of array per Tiny class for a thread with nothing to reuse.
            assertTrue(first >= tinyClasses * 128 * 8L, "set-up: the first thread allocates its arrays (" + first + " bytes)");
            a.smallFront().caches().reclaimDead(); // unless the reaper was first
            assertEquals(0, a.liveThreadCaches(), "the first thread's cache is reclaimed");
            long second = inNewThread(a);
            // The second reuses the arrays; what it still allocates (its slab list growing, say) is small.
            assertTrue(first - second >= tinyClasses * 128 * 8L * 3 / 4,
                    "the second thread allocated " + second + " bytes, the first " + first);
        }
    }

    @Test
    void lentArraysHandOutEveryBlockOnce() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            for (int round = 0; round < 4; round++) {
                Set<Long> seen = new HashSet<>();
                long[] held = new long[3000];
                Thread t = new Thread(() -> {
                    for (int i = 0; i < held.length; i++) held[i] = a.malloc(16 + 16 * (i % 64));
                    for (int i = 0; i < held.length; i += 2) a.free(held[i]); // half go back to the caches and spills
                });
                t.start();
                t.join();
                a.smallFront().caches().reclaimDead();
                for (int i = 1; i < held.length; i += 2) assertTrue(seen.add(held[i]), "a live block handed out twice");
                long[] again = new long[3000];
                for (int i = 0; i < again.length; i++) {
                    again[i] = a.malloc(16 + 16 * (i % 64));
                    assertTrue(seen.add(again[i]), "a block handed out while live, round " + round);
                }
                for (long p : again) a.free(p);
                for (int i = 1; i < held.length; i += 2) a.free(held[i]);
            }
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void keepsAndLendsArraysWithinItsBound() {
        int[] caps = {4, 4}, batches = {2, 2};
        SpareCacheArrays spare = new SpareCacheArrays(2);
        ThreadCache[] dead = new ThreadCache[SpareCacheArrays.PER_CLASS + 1];
        for (int i = 0; i < dead.length; i++) {
            dead[i] = new ThreadCache(caps, batches, Thread.currentThread(), 1);
            dead[i].byClass[0].blocks = new long[4];
            spare.keep(dead[i]);
        }
        assertEquals(SpareCacheArrays.PER_CLASS, spare.held(0), "no more than the bound is kept");
        assertEquals(0, spare.held(1), "an unused class has nothing to keep");
        assertEquals(0, dead[0].byClass[0].blocks.length, "a kept array is detached from the reclaimed cache");
        assertEquals(4, dead[dead.length - 1].byClass[0].blocks.length, "one past the bound stays where it was");

        ThreadCache busy = new ThreadCache(caps, batches, Thread.currentThread(), 2);
        busy.byClass[0].blocks = new long[4];
        busy.byClass[0].count = 1;
        spare.keep(busy);
        assertEquals(4, busy.byClass[0].blocks.length, "an array that still holds a block is never kept");

        ThreadCache fresh = new ThreadCache(caps, batches, Thread.currentThread(), 3);
        spare.lend(fresh);
        assertNotNull(fresh.byClass[0].blocks);
        assertEquals(4, fresh.byClass[0].blocks.length, "the fresh cache got a kept array");
        assertEquals(SpareCacheArrays.PER_CLASS - 1, spare.held(0));
        long[] own = fresh.byClass[0].blocks;
        spare.lend(fresh);
        assertSame(own, fresh.byClass[0].blocks, "a cache that has an array keeps it");
        assertEquals(SpareCacheArrays.PER_CLASS - 1, spare.held(0));
    }
}
