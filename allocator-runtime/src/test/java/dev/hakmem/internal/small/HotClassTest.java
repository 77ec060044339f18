package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import org.junit.jupiter.api.Test;

/**
 * The free path takes the thread's hot class cache ({@link ThreadCache#hotClass}: the class of its
 * last refill or flush) when the block is of that class, and the class's own cache otherwise: a block
 * of another class never lands in the hot class's cache, with checks on and off.
 */
class HotClassTest {
    private static void blocksOfAnotherClassGoToTheirOwnCache(AllocatorConfig config) {
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            long small = a.malloc(16); // the first malloc of the class refills it: it is the hot class
            ThreadCache tc = a.smallFront().caches().own();
            assertEquals(16, a.mallocUsableSize(16), "set-up: a 16-byte class");
            ClassCache hot = tc.hotClass;
            long big = a.malloc(512);
            tc.makeHot(hot); // keep the 16-byte class hot whatever the 512-byte refill did
            a.free(big);
            assertSame(hot, tc.hotClass, "a free that does not flush leaves the hot class alone");
            long again16 = a.malloc(16);
            assertNotEquals(big, again16, "a 512-byte block was pushed on the hot 16-byte class's cache");
            assertEquals(big, a.malloc(512), "the 512-byte block is back in its own class's cache, on top");
            a.free(small);
            assertEquals(small, a.malloc(16), "a block of the hot class goes on its cache's top");
            a.free(again16);
        }
    }

    @Test
    void withChecks() {
        blocksOfAnotherClassGoToTheirOwnCache(AllocatorConfig.defaults());
    }

    @Test
    void withoutChecks() {
        blocksOfAnotherClassGoToTheirOwnCache(AllocatorConfig.defaults().toBuilder().checks(false).build());
    }

    @Test
    void aCacheWithoutAnIdHasAHotInfoNoPageHas() {
        int[] caps = {64, 64}, batches = {16, 16};
        ThreadCache owned = new ThreadCache(caps, batches, Thread.currentThread(), 5);
        assertEquals(ChunkRegistry.smallInfo(0, 5), owned.hotInfo, "its own slabs of class 0");
        owned.makeHot(owned.byClass[1]);
        assertEquals(ChunkRegistry.smallInfo(1, 5), owned.hotInfo);
        ThreadCache idless = new ThreadCache(caps, batches, Thread.currentThread());
        assertEquals(ChunkRegistry.NO_PAGE_INFO, idless.hotInfo);
        for (int info : new int[] {0, ChunkRegistry.LARGE & 0xFF, ChunkRegistry.smallInfo(0, 0), ChunkRegistry.smallInfo(1, 0)}) {
            assertNotEquals(info, idless.hotInfo, "a shared slab's, a Large or an empty page's info");
        }
    }

    @Test
    void aDoubleFreeOfTheHotClassIsStillCaught() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long p = a.malloc(16);
            assertSame(a.smallFront().caches().own().hotClass.cls, 0, "set-up: the 16-byte class is hot");
            a.free(p);
            assertThrows(IllegalStateException.class, () -> a.free(p), "a double free");
            assertThrows(IllegalArgumentException.class, () -> a.free(a.malloc(32) + 16), "an interior address");
        }
    }
}
