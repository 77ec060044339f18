package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The free path's routing ({@link SmallFront#free}): a block goes on its own class's cache, on top,
 * with checks on and off; "my slab" is one comparison with {@link ThreadCache#ownSlabs}, which no
 * page's owner equals for a cache without an id; misuse is still caught.
 */
class FreeRoutingTest {
    private static void blocksGoToTheirOwnClassCache(AllocatorConfig config) {
        blocksGoToTheirOwnClassCache(config, a -> {});
    }

    /**
     * The routing check, with {@code afterMallocs} run once a 16-byte and a 512-byte block are live
     * (and before the 512-byte one is freed): {@link HotClassTest} makes the 16-byte class hot there.
     */
    static void blocksGoToTheirOwnClassCache(AllocatorConfig config, Consumer<HakmemAllocator> afterMallocs) {
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            long small = a.malloc(16);
            long big = a.malloc(512);
            afterMallocs.accept(a);
            a.free(big);
            long again16 = a.malloc(16);
            assertNotEquals(big, again16, "a 512-byte block was pushed on the 16-byte class's cache");
            assertEquals(big, a.malloc(512), "the 512-byte block is back in its own class's cache, on top");
            a.free(small);
            assertEquals(small, a.malloc(16), "a freed block goes on its cache's top");
            a.free(again16);
        }
    }

    @Test
    void withChecks() {
        blocksGoToTheirOwnClassCache(AllocatorConfig.defaults());
    }

    @Test
    void withoutChecks() {
        blocksGoToTheirOwnClassCache(AllocatorConfig.defaults().toBuilder().checks(false).build());
    }

    @Test
    void aCacheWithoutAnIdOwnsNoPage() {
        int[] caps = {64, 64}, batches = {16, 16};
        assertEquals(5, new ThreadCache(caps, batches, Thread.currentThread(), 5).ownSlabs);
        int idless = new ThreadCache(caps, batches, Thread.currentThread()).ownSlabs;
        assertEquals(-1, idless, "no page's owner (0 for a shared slab, else a cache's id) is negative");
    }

    @Test
    void misuseIsStillCaught() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long p = a.malloc(16);
            a.free(p);
            assertThrows(IllegalStateException.class, () -> a.free(p), "a double free");
            assertThrows(IllegalArgumentException.class, () -> a.free(a.malloc(32) + 16), "an interior address");
        }
    }
}
