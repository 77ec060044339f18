package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import org.junit.jupiter.api.Test;

/**
 * Blocks carved from a fresh slab reach the program in ascending address order, across refills: the
 * refill writes a carved batch highest first ({@link Slab#claimInto}), so the cache, popped from its
 * top, hands it out lowest first, and the next batch starts where this one ended. Before, every batch
 * of 32 came out highest first, a sawtooth that the hardware's stream prefetchers do not follow
 * (skewedFootprint reads its blocks back in allocation order).
 */
class CarveOrderTest {
    private static void ascending(AllocatorConfig config, int size) {
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            int blocks = 1000; // several refills' batches, within one fresh slab of the class
            long[] p = new long[blocks];
            for (int i = 0; i < blocks; i++) p[i] = a.malloc(size);
            long step = a.usableSize(p[0]);
            for (int i = 1; i < blocks; i++) {
                assertEquals(p[i - 1] + step, p[i], "block " + i + " follows block " + (i - 1) + " (size " + size + ")");
            }
            for (long q : p) a.free(q);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void tinyBlocksWithChecks() {
        ascending(AllocatorConfig.defaults(), 48);
    }

    @Test
    void tinyBlocksWithoutChecks() {
        ascending(AllocatorConfig.defaults().toBuilder().checks(false).stats(false).build(), 16);
    }

    @Test
    void midBlocks() {
        // 4 KiB blocks: a 512 KiB span holds 128, so stay within it
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long[] p = new long[100];
            for (int i = 0; i < p.length; i++) p[i] = a.malloc(4096);
            for (int i = 1; i < p.length; i++) assertTrue(p[i] == p[i - 1] + 4096, "block " + i + " ascends");
            for (long q : p) a.free(q);
        }
    }
}
