package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A thread's cache of a class starts at a quarter of the class's capacity and grows, at refills, to
 * the capacity when the thread's working set of the class needs it ({@link ClassCache#arrayForRefill}):
 * then the working set stays in the cache (nothing spills), and never more than the capacity does.
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
        long[] held = new long[n];
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            held[i] = a.malloc(SIZE);
            assertTrue(seen.add(held[i]), "a live block handed out twice");
        }
        for (long p : held) a.free(p);
    }

    @Test
    void aWorkingSetLargerThanTheFirstArrayGrowsItAndStaysInTheCache() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            a.free(a.malloc(SIZE));
            ClassCache cc = cacheOf(a, SIZE);
            assertEquals(cc.capacity / 4, cc.blocks.length, "a first array of a quarter of the capacity");
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
            for (int round = 0; round < 1000; round++) cycle(a, 50); // two refills, then none
            assertEquals(128, cacheOf(a, SIZE).blocks.length);
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
            assertEquals(64, cc.count);
            assertEquals(2000 - 64, spillOf(a, SIZE).blocks(), "the rest of the working set is in the spill");
        }
    }

    @Test
    void theFirstArrayHoldsAtLeastOneBatch() {
        AllocatorConfig config = AllocatorConfig.builder().classCache(SIZE, 40, 32).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            a.free(a.malloc(SIZE));
            assertEquals(32, cacheOf(a, SIZE).blocks.length, "a batch, more than a quarter of 40");
            for (int round = 0; round < 20; round++) cycle(a, 500);
            assertEquals(40, cacheOf(a, SIZE).blocks.length, "doubling stops at the capacity");
        }
    }
}
