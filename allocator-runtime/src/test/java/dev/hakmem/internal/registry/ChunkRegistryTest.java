package dev.hakmem.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.small.Slab;
import org.junit.jupiter.api.Test;

class ChunkRegistryTest {
    private static final long BASE = 0x7f00_0000_0000L;
    private final ChunkRegistry registry = new ChunkRegistry(BASE, 64L << 20, true);

    @Test
    void routesEveryAddressOfASpanToItsSlab() {
        Slab mid = new Slab(BASE + (4L << 20) + (512 << 10), 25, 3072, 170, 0);
        registry.registerSlab(mid, 512 << 10, 8);
        assertEquals(16384, registry.states(mid.base()).length, "one state byte per 256-byte granule of the chunk");
        for (long a = mid.base(); a < mid.base() + (512 << 10); a += 4096) {
            assertSame(mid, registry.slab(a));
            assertEquals(26, registry.kind(a));
        }
        assertNull(registry.slab(mid.base() - 1));
        assertEquals(ChunkRegistry.NONE, registry.kind(mid.base() + (512 << 10)));
        registry.unregister(mid.base(), 512 << 10);
        assertNull(registry.slab(mid.base()));
        assertEquals(ChunkRegistry.NONE, registry.kind(mid.base()));
    }

    @Test
    void containsIsARangeCheckAndLargeChunksAreMarked() {
        assertTrue(registry.contains(BASE));
        assertTrue(registry.contains(BASE + (64L << 20) - 1));
        assertFalse(registry.contains(BASE + (64L << 20)));
        assertFalse(registry.contains(BASE - 1));
        assertFalse(registry.contains(0));
        registry.markLargeChunk(BASE + (8L << 20), true);
        assertEquals(ChunkRegistry.LARGE, registry.kind(BASE + (12L << 20) - 1));
        registry.markLargeChunk(BASE + (8L << 20), false);
        assertEquals(ChunkRegistry.NONE, registry.kind(BASE + (8L << 20)));
    }
}
