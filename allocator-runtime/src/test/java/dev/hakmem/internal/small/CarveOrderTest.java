package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    /** {@code blocks} mallocs of {@code size} bytes on a fresh allocator: several refills, within one slab or span of the class. */
    private static void ascending(AllocatorConfig config, int size, int blocks) {
        try (HakmemAllocator a = new HakmemAllocator(config)) {
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
        ascending(AllocatorConfig.defaults(), 48, 1000); // 48 KB of a 64 KiB slab
    }

    @Test
    void tinyBlocksWithoutChecks() {
        ascending(AllocatorConfig.defaults().toBuilder().checks(false).stats(false).build(), 16, 1000);
    }

    @Test
    void midBlocks() {
        ascending(AllocatorConfig.defaults(), 4096, 100); // a 512 KiB span holds 128 of them
    }
}
