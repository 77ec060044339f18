package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.TestAddressSpace;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The bounds of one thread's {@link LargeCache}, and what does not enter it. */
class LargeCacheTest {
    @AutoClose
    private final TestAddressSpace space = new TestAddressSpace();
    private final LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, Long.MAX_VALUE);

    @Test
    void eachPageCountKeepsItsCapacityAndTheCacheAtMostTwoMiB() {
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int pages = 1; pages <= LargeCache.MAX_PAGES; pages++) {
            for (int i = 0; i < 20; i++) blocks.add(tier.allocate(cache, (long) pages << 12, 16, false));
        }
        long arenaFreesBefore = tier.frees();
        for (long p : blocks) tier.free(cache, p);
        assertTrue(cache.cachedBytes() <= LargeCache.MAX_BYTES, "cached " + cache.cachedBytes());
        assertTrue(cache.cachedBytes() > LargeCache.MAX_BYTES - (64L << 12), "the cache filled up to its bound: " + cache.cachedBytes());
        assertEquals(blocks.size(), cache.frees() + tier.frees() - arenaFreesBefore, "every free went to the cache or the arena");
        assertEquals(cache.cachedBlocks(), tier.liveBlocks(), "the arena counts exactly the cached blocks as allocated");
        for (int pages = 1; pages <= LargeCache.MAX_PAGES; pages++) {
            assertTrue(cache.count(pages) <= LargeCache.capacity(pages), pages + " pages: " + cache.count(pages));
        }
        assertEquals(16, cache.count(1), "the first page count filled its stack");
        assertEquals(14, LargeCache.capacity(9));
        assertEquals(2, LargeCache.capacity(64));
    }

    @Test
    void pageAlignedRunsOfAtMost64PagesAreCachedOthersAreNot() {
        LargeCache cache = new LargeCache();
        long big = tier.allocate(cache, 65L << 12, 16, false);
        long aligned = tier.allocate(cache, 9L << 12, 8192, false);
        long ok = tier.allocate(cache, 64L << 12, 4096, false);
        tier.free(cache, big);
        tier.free(cache, aligned); // freed blocks of any alignment enter the cache by page count
        tier.free(cache, ok);
        assertEquals(2, cache.cachedBlocks(), "65 pages is beyond the cache");
        assertEquals(ok, tier.allocate(cache, 64L << 12, 4096, false));
        long again = tier.allocate(cache, 9L << 12, 8192, false);
        assertEquals(0, again & 8191, "an alignment above a page is not served from the cache");
        assertEquals(1, cache.cachedBlocks());
        assertEquals(aligned, tier.allocate(cache, 9L << 12, 16, false));
        assertEquals(0, cache.cachedBlocks());
    }

    @Test
    void aFlushReturnsEveryBlockToItsArena() {
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) blocks.add(tier.allocate(cache, 40_000, 16, false));
        for (long p : blocks) tier.free(cache, p);
        assertEquals(10, cache.cachedBlocks());
        assertEquals(10, tier.liveBlocks());
        tier.flush(cache);
        assertEquals(0, cache.cachedBlocks());
        assertEquals(0, cache.cachedBytes());
        assertEquals(0, tier.liveBlocks());
        assertEquals(0, tier.frees(), "the arena does not count a flushed block as a free (the cache did)");
        assertEquals(10, cache.frees());
    }
}
