package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A thread's cache of a class starts at a quarter of the class's capacity and grows, at refills, to
 * the capacity when the thread's working set of the class needs it ({@link ClassCache#arrayForRefill}):
 * then the working set stays in the cache (nothing spills), and never more than the capacity does.
 * A full cache sends its older half to the spill, which gives it back a batch at a time to a Tiny
 * class and half a cache at a time to a Mid one ({@link SmallTier}'s {@code flushOldest} and
 * {@code spillTake}).
 */
class ClassCacheGrowthTest {
    private static final int SIZE = 32;

    private static ClassCache cacheOf(HakmemAllocator a, int size) {
        ThreadCache tc = a.smallFront().caches().own();
        return tc.byClass[indexOf(a, size)];
    }

    private static Spill spillOf(HakmemAllocator a, int size) {
        return a.smallFront().caches().own().spill[indexOf(a, size)];
    }

    private static int indexOf(HakmemAllocator a, int size) {
        int[] tiny = AllocatorConfig.defaults().tinyClasses(); // the tests change caches, not classes
        for (int i = 0; i < tiny.length; i++) if (tiny[i] == size) return i;
        throw new AssertionError("no class of " + size + " bytes");
    }

    /** Mallocs {@code n} blocks of {@link #SIZE} bytes, checks they are distinct, frees them oldest first. */
    private static void cycle(HakmemAllocator a, int n) {
        cycleOf(a, SIZE, n);
    }

    /** Mallocs {@code n} blocks of {@code size} bytes, checks they are distinct, frees them oldest first. */
    private static void cycleOf(HakmemAllocator a, int size, int n) {
        long[] held = new long[n];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            held[i] = a.malloc(size);
            assertTrue(seen.add(held[i]), "a live block handed out twice");
        }
        for (long p : held) a.free(p);
    }

    @Test
    void aWorkingSetLargerThanTheFirstArrayGrowsItAndStaysInTheCache() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            a.free(a.malloc(SIZE));
            ClassCache cc = cacheOf(a, SIZE);
            assertEquals(Math.max(cc.capacity / 4, 2 * cc.batch), cc.blocks.length, "a first array of a quarter of the capacity, or two batches");
            for (int round = 0; round < 20; round++) cycle(a, 300);
            assertEquals(512, cc.capacity, "set-up: the default Tiny capacity");
            assertEquals(512, cc.blocks.length, "grown to the capacity");
            assertTrue(cc.count >= 300, "every freed block is in the cache (and the rest of the last refill): " + cc.count);
            assertEquals(0, spillOf(a, SIZE).blocks(), "nothing spilled: the cache grew before it overflowed");
        }
    }

    @Test
    void aSmallWorkingSetKeepsTheFirstArray() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            for (int round = 0; round < 1000; round++) cycle(a, 50); // one refill, then none
            ClassCache cc = cacheOf(a, SIZE);
            assertEquals(256, cc.blocks.length, "two batches of 128 (more than a quarter of the capacity, 512)");
            assertEquals(2 * cc.batch, cc.blocks.length);
        }
    }

    @Test
    void theCacheNeverHoldsMoreThanItsCapacity() {
        AllocatorConfig config = AllocatorConfig.builder().classCache(SIZE, 64, 8).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            a.free(a.malloc(SIZE));
            ClassCache cc = cacheOf(a, SIZE);
            assertEquals(16, cc.blocks.length, "a quarter of 64");
            for (int round = 0; round < 20; round++) cycle(a, 2000);
            assertEquals(64, cc.blocks.length, "grown to the capacity, not beyond");
            assertTrue(cc.count > 32 && cc.count <= 64, "a full cache sends its older half away: " + cc.count);
            assertEquals(2000 - cc.count, spillOf(a, SIZE).blocks(), "the rest of the working set is in the spill");
        }
    }

    @Test
    void theFirstArrayHoldsTwoBatches() {
        AllocatorConfig config = AllocatorConfig.builder().classCache(SIZE, 100, 32).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            a.free(a.malloc(SIZE));
            assertEquals(64, cacheOf(a, SIZE).blocks.length, "two batches, more than a quarter of 100");
            for (int round = 0; round < 20; round++) cycle(a, 500);
            assertEquals(100, cacheOf(a, SIZE).blocks.length, "doubling stops at the capacity");
        }
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.builder().classCache(SIZE, 40, 32).build())) {
            a.free(a.malloc(SIZE));
            assertEquals(40, cacheOf(a, SIZE).blocks.length, "the capacity, less than two batches");
        }
    }

    @Test
    void aFullCacheSendsItsOlderHalfToTheSpillAndKeepsTheNewest() {
        AllocatorConfig config = AllocatorConfig.builder().classCache(SIZE, 64, 8).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            for (int round = 0; round < 20; round++) cycle(a, 2000); // grown to the capacity
            ClassCache cc = cacheOf(a, SIZE);
            Spill spill = spillOf(a, SIZE);
            long[] held = new long[2000];
            for (int i = 0; i < held.length; i++) held[i] = a.malloc(SIZE);
            assertEquals(0, cc.count + spill.blocks(), "set-up: everything handed out");
            for (int i = 0; i < 64; i++) a.free(held[i]);
            assertEquals(64, cc.count, "set-up: the cache is full");
            a.free(held[64]);
            assertEquals(33, cc.count, "the newest half and the block just freed stay");
            assertEquals(32, spill.blocks(), "the older half went to the spill");
            for (int i = 0; i < 33; i++) assertEquals(held[32 + i], cc.blocks[i], "in the order they were freed, at " + i);
            for (int i = 0; i < 33; i++) assertEquals(held[64 - i], a.malloc(SIZE), "the cache hands out the newest first");
            long[] refilled = new long[32];
            for (int i = 0; i < 32; i++) refilled[i] = a.malloc(SIZE);
            assertEquals(0, spill.blocks(), "refills took the spill back, a batch at a time");
            for (int i = 0; i < 32; i++) {
                int batch = i / 8, inBatch = i % 8; // the spill's top batch first, each in LIFO order
                assertEquals(held[31 - 8 * batch - inBatch], refilled[i], "newest of the spilled first, at " + i);
            }
            for (int i = 65; i < held.length; i++) a.free(held[i]);
            for (int i = 0; i < 65; i++) a.free(i < 32 ? refilled[i] : held[i]);
        }
    }

    @Test
    void aMidClassRefillTakesHalfTheCacheBackFromTheSpill() {
        int size = 10240, cls = AllocatorConfig.defaults().tinyClasses().length + 12; // the 13th Mid class
        assertEquals(size, AllocatorConfig.defaults().classSize(cls), "set-up: the class of 10 KiB");
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            for (int round = 0; round < 20; round++) cycleOf(a, size, 200); // grown to the capacity
            ThreadCache tc = a.smallFront().caches().own();
            ClassCache cc = tc.byClass[cls];
            Spill spill = tc.spill[cls];
            assertEquals(64, cc.blocks.length, "set-up: the default capacity of a Mid class above 4 KiB");
            assertEquals(4, cc.batch, "set-up: its default batch");
            long[] held = new long[200];
            for (int i = 0; i < held.length; i++) held[i] = a.malloc(size);
            List<Long> rest = new ArrayList<>();
            while (cc.count > 0 || spill.blocks() > 0) rest.add(a.malloc(size)); // the cache and the spill dry
            for (int i = 0; i < 65; i++) a.free(held[i]);
            assertEquals(33, cc.count, "a full cache sent its older half away");
            assertEquals(32, spill.blocks());
            for (int i = 0; i < 34; i++) held[i] = a.malloc(size); // the 33 cached, then a refill
            assertEquals(0, spill.blocks(), "one refill took half the cache's length back, not a batch of 4");
            assertEquals(31, cc.count);
            for (int i = 0; i < held.length; i++) if (i < 34 || i >= 65) a.free(held[i]); // 34..64 are free
            for (long p : rest) a.free(p);
        }
    }
}
