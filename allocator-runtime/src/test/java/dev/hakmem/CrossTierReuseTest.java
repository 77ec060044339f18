package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Memory is reused across tiers before the process grows: the freed Large memory the Large tier keeps
 * resident for reuse (its retained cache, {@code largeRetainedBytes}) goes back to the OS as the Tiny
 * and Mid tiers take spans they do not hold yet, so that committed memory follows what is live
 * instead of holding the Large tier's peak and the small tiers' peak at once. A Large tier whose
 * neighbours do not grow keeps its cache.
 */
@ExtendWith(OomAsFailure.class)
class CrossTierReuseTest {
    /** Large blocks beyond the Large thread cache's 256 KiB, so that their frees go to the arenas' retained cache. */
    static final long LARGE_BLOCK = 512 * KiB;
    static final int LARGE_BLOCKS = 32; // 16 MiB
    static final int TINY_SIZE = 64;
    static final long TINY_BYTES = 8 * MiB; // 128 fresh 64 KiB slabs

    @Test
    void smallTiersGrowingAfterLargeFreesTakeTheLargeTiersRetainedMemoryFirst() {
        try (NativeAllocator a = Hakmem.create()) { // the default retained limit, 64 MiB, holds all 16 MiB
            long[] large = new long[LARGE_BLOCKS];
            for (int i = 0; i < large.length; i++) TestMemory.fill(large[i] = a.malloc(LARGE_BLOCK), LARGE_BLOCK, i);
            for (long p : large) a.free(p);
            AllocatorStats afterLargeFrees = a.stats();
            long retained = afterLargeFrees.tier(Tier.LARGE).cachedBytes();
            assertTrue(retained >= LARGE_BLOCKS * LARGE_BLOCK, "set-up: the freed Large blocks are kept resident, " + retained);

            long[] tiny = new long[(int) (TINY_BYTES / TINY_SIZE)];
            for (int i = 0; i < tiny.length; i++) TestMemory.fill(tiny[i] = a.malloc(TINY_SIZE), TINY_SIZE, i);
            AllocatorStats afterTinyGrowth = a.stats();
            long yielded = retained - afterTinyGrowth.tier(Tier.LARGE).cachedBytes();
            assertTrue(yielded >= TINY_BYTES,
                    "the Large tier gave back at least what the Tiny tier grew by: " + yielded + " of " + TINY_BYTES);
            assertTrue(afterTinyGrowth.bytesCommitted() <= afterLargeFrees.bytesCommitted() + MiB,
                    "committed memory did not grow by the Tiny blocks: " + afterLargeFrees.bytesCommitted() + " -> "
                            + afterTinyGrowth.bytesCommitted());

            // Reused slabs are not growth: the Large tier keeps what it has left.
            for (long p : tiny) a.free(p);
            for (int i = 0; i < tiny.length; i++) tiny[i] = a.malloc(TINY_SIZE);
            assertEquals(afterTinyGrowth.tier(Tier.LARGE).cachedBytes(), a.stats().tier(Tier.LARGE).cachedBytes(),
                    "Tiny blocks from slabs the tier holds take nothing from the Large tier");
            for (long p : tiny) a.free(p);
        }
    }

    @Test
    void aLargeTierWhoseNeighboursDoNotGrowKeepsItsRetainedMemory() {
        try (NativeAllocator a = Hakmem.create()) {
            long[] tiny = new long[1024];
            for (int round = 0; round < 2; round++) { // the Tiny tier's slabs exist before the Large frees
                for (int i = 0; i < tiny.length; i++) tiny[i] = a.malloc(TINY_SIZE);
                for (long p : tiny) a.free(p);
            }
            long[] large = new long[LARGE_BLOCKS];
            for (int i = 0; i < large.length; i++) TestMemory.fill(large[i] = a.malloc(LARGE_BLOCK), LARGE_BLOCK, i);
            for (long p : large) a.free(p);
            long retained = a.stats().tier(Tier.LARGE).cachedBytes();
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < tiny.length; i++) tiny[i] = a.malloc(TINY_SIZE);
                for (long p : tiny) a.free(p);
            }
            assertEquals(retained, a.stats().tier(Tier.LARGE).cachedBytes(), "nothing grew, so nothing was given back");
        }
    }
}
