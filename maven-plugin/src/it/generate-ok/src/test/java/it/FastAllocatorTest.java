package it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.hakmem.NativeAllocator;
import it.gen.FastAllocator;
import org.junit.jupiter.api.Test;

class FastAllocatorTest {
    @Test
    void theGeneratedVariantAllocates() {
        assertFalse(FastAllocator.CONFIG.checks(), "the spec's settings");
        assertEquals(64, FastAllocator.CONFIG.cacheCapacity(0));
        try (NativeAllocator a = FastAllocator.create()) {
            long p = a.malloc(24);
            assertEquals(32, a.usableSize(p));
            a.free(p);
            assertEquals(0, a.stats().liveBlocks());
        }
    }
}
