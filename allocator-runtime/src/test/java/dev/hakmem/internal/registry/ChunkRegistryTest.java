package dev.hakmem.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.small.Slab;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class ChunkRegistryTest {
    private static final long BASE = 0x7f00_0000_0000L;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private final ChunkRegistry registry = new ChunkRegistry(BASE, 64L << 20, true);

    @Test
    void routesEveryAddressOfASpanToItsSlab() {
        Slab mid = new Slab(BASE + (4L << 20) + (512 << 10), 25, 3072, 170, 0);
        registry.registerSlab(mid, 512 << 10, 8);
        // The chunk's part of the Mid state map (one byte per 256-byte granule) is accessible and reads 0.
        long firstState = registry.stateMap().address(mid.base(), StateMap.MID_SHIFT);
        long lastState = registry.stateMap().address(mid.base() + (512 << 10) - 256, StateMap.MID_SHIFT);
        assertEquals(2047, lastState - firstState, "one state byte per 256-byte granule of the span");
        assertEquals(0, ALL.get(ValueLayout.JAVA_BYTE, firstState));
        ALL.set(ValueLayout.JAVA_BYTE, firstState, (byte) 1);
        ALL.set(ValueLayout.JAVA_BYTE, lastState, (byte) 2);
        for (long a = mid.base(); a < mid.base() + (512 << 10); a += 4096) {
            assertSame(mid, registry.slab(a));
            assertEquals(26, registry.kind(a));
        }
        assertNull(registry.slab(mid.base() - 1));
        assertEquals(ChunkRegistry.NONE, registry.kind(mid.base() + (512 << 10)));
        registry.unregister(mid.base(), 512 << 10);
        assertEquals(0, ALL.get(ValueLayout.JAVA_BYTE, firstState), "unregister clears the span's states");
        assertEquals(0, ALL.get(ValueLayout.JAVA_BYTE, lastState));
        assertNull(registry.slab(mid.base()));
        assertEquals(ChunkRegistry.NONE, registry.kind(mid.base()));
    }

    @Test
    void refusesAGranuleShiftOfNoStateMapAndChangesNothing() {
        Slab tiny = new Slab(BASE + (12L << 20), 3, 64, 1024, 0);
        for (int shift : new int[] {0, StateMap.TINY_SHIFT - 1, StateMap.TINY_SHIFT + 1, StateMap.MID_SHIFT + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.registerSlab(tiny, 64 << 10, shift, 4711));
            assertTrue(e.getMessage().contains("1 << " + shift + " bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> registry.stateMap().address(tiny.base(), shift));
        }
        assertNull(registry.slab(tiny.base()), "nothing registered");
        assertEquals(ChunkRegistry.NONE, registry.kind(tiny.base()));
        // The chunk's states were not committed by the refused calls: the first valid registration commits them.
        registry.registerSlab(tiny, 64 << 10, StateMap.TINY_SHIFT, 4711);
        assertSame(tiny, registry.slab(tiny.base()));
        assertEquals(0, ALL.get(ValueLayout.JAVA_BYTE, registry.stateMap().address(tiny.base(), StateMap.TINY_SHIFT)));
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

    @Test
    void recordsTheOwnerNextToTheKindAndDisownsOnlyAnUnchangedPage() {
        Slab tiny = new Slab(BASE + (8L << 20), 3, 64, 1024, 0);
        registry.registerSlab(tiny, 64 << 10, 4, 4711);
        int info = registry.infoOf(tiny.base() + 100);
        assertEquals(4, ChunkRegistry.kindOfInfo(info));
        assertEquals(4711, ChunkRegistry.ownerOfInfo(info));
        assertEquals(4, registry.kindOf(tiny.base()));
        assertEquals(0, registry.infoOf(BASE - 1), "outside the range");

        registry.disown(tiny, 64 << 10, 4712); // not the owner: nothing changes
        assertEquals(4711, ChunkRegistry.ownerOfInfo(registry.infoOf(tiny.base())));
        registry.disown(tiny, 64 << 10, 4711);
        assertEquals(0, ChunkRegistry.ownerOfInfo(registry.infoOf(tiny.base())));
        assertEquals(4, registry.kind(tiny.base()), "disowning keeps the class");

        registry.unregister(tiny.base(), 64 << 10);
        Slab other = new Slab(tiny.base(), 5, 96, 682, 0);
        registry.registerSlab(other, 64 << 10, 4, 4711);
        registry.disown(tiny, 64 << 10, 4711); // the old slab's owner ended after its span was reused
        assertEquals(6, registry.kind(other.base()));
        assertEquals(4711, ChunkRegistry.ownerOfInfo(registry.infoOf(other.base())), "a re-registered page is left alone");

        registry.markLargeChunk(BASE + (12L << 20), true);
        assertEquals(ChunkRegistry.LARGE, registry.kindOf(BASE + (12L << 20) + 5));
        assertEquals(0, ChunkRegistry.ownerOfInfo(registry.infoOf(BASE + (12L << 20))));
    }
}
