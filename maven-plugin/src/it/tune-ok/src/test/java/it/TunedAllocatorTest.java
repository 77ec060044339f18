package it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hakmem.NativeAllocator;
import it.gen.TunedAllocator;
import org.junit.jupiter.api.Test;

class TunedAllocatorTest {
    @Test
    void theTunedVariantServesTheRecordedSizesInTheirOwnClasses() {
        try (NativeAllocator a = TunedAllocator.create()) {
            int[][] requestAndBlock = {{24, 32}, {40, 48}, {72, 80}, {136, 144}, {264, 272}, {520, 528}};
            long[] blocks = new long[requestAndBlock.length];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = a.malloc(requestAndBlock[i][0]);
                assertEquals(requestAndBlock[i][1], a.usableSize(blocks[i]), "block of a " + requestAndBlock[i][0] + "-byte request");
            }
            for (long b : blocks) a.free(b);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void theHotClassesCachesFollowTheirBursts() {
        int[] tiny = TunedAllocator.CONFIG.tinyClasses();
        for (int i = 0; i < tiny.length; i++) {
            if (tiny[i] == 32) assertEquals(1024, TunedAllocator.CONFIG.cacheCapacity(i), "burst 600: 1024 blocks");
            if (tiny[i] == 144) assertEquals(128, TunedAllocator.CONFIG.cacheCapacity(i), "burst 90: 128 blocks");
        }
    }
}
