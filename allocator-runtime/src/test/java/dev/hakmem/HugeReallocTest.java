package dev.hakmem;

import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** realloc of a Huge block to a larger size remaps it ({@code mremap}) instead of copying it. */
class HugeReallocTest {

    @Test
    void aGrownHugeBlockKeepsItsBytesWithoutAMallocAndAFree() {
        try (NativeAllocator a = Hakmem.create()) {
            long p = a.malloc(3 * MiB);
            TestMemory.fill(p, 3 * MiB, 0x5EED);
            AllocatorStats.TierStats before = a.stats().tier(Tier.HUGE);
            long q = a.realloc(p, 40 * MiB);
            AllocatorStats.TierStats after = a.stats().tier(Tier.HUGE);
            assertEquals(before.allocations(), after.allocations(), "remapped: no new Huge block was made");
            assertEquals(before.frees(), after.frees(), "and none freed");
            assertEquals(40 * MiB, a.usableSize(q));
            assertEquals(40 * MiB, after.liveBytes());
            TestMemory.assertPattern(q, 3 * MiB, 0x5EED);
            assertEquals(-1, TestMemory.firstNonZero(q + 3 * MiB, 37 * MiB), "the new pages read as zero");
            TestMemory.fill(q, 40 * MiB, 0xF00D); // all of it is writable
            if (q != p) assertThrows(IllegalStateException.class, () -> a.free(p), "the old address, after a move, is a freed block");
            long r = a.realloc(q, 100 * MiB); // and again
            TestMemory.assertPattern(r, 40 * MiB, 0xF00D);
            a.free(r);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void underAMemoryLimitTheGrowthIsChargedAndRefusedAsAnyMalloc() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().memoryLimit(32 * MiB).build())) {
            long p = a.malloc(8 * MiB);
            TestMemory.fill(p, 8 * MiB, 7);
            assertThrows(OutOfMemoryError.class, () -> a.realloc(p, 40 * MiB), "40 MiB pass the 32 MiB limit");
            assertEquals(8 * MiB, a.usableSize(p), "the block is unchanged");
            TestMemory.assertPattern(p, 8 * MiB, 7);
            long q = a.realloc(p, 20 * MiB);
            TestMemory.assertPattern(q, 8 * MiB, 7);
            assertTrue(a.stats().bytesCommitted() <= 32 * MiB, "committed " + a.stats().bytesCommitted());
            a.free(q);
        }
    }
}
