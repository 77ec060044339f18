package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.TestAddressSpace;
import dev.hakmem.internal.os.MemoryBudget;
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
    void eachPageCountKeepsItsCapacityAndTheCacheAtMostTwoMiBWithoutBorrowing() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, 0); // nothing to borrow
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int pages = 1; pages <= 64; pages++) {
            for (int i = 0; i < 20; i++) blocks.add(tier.allocate(cache, (long) pages << 12, 16, false));
        }
        long arenaFreesBefore = tier.frees();
        for (long p : blocks) tier.free(cache, p);
        assertTrue(cache.cachedBytes() <= LargeCache.BASE_BYTES, "cached " + cache.cachedBytes());
        assertTrue(cache.cachedBytes() > LargeCache.BASE_BYTES - (64L << 12), "the cache filled up to its bound: " + cache.cachedBytes());
        assertEquals(0, cache.borrowed);
        assertEquals(blocks.size(), cache.frees() + tier.frees() - arenaFreesBefore, "every free went to the cache or the arena");
        assertEquals(cache.cachedBlocks(), tier.liveBlocks(), "the arena counts exactly the cached blocks as allocated");
        for (int pages = 1; pages <= 64; pages++) {
            assertTrue(cache.count(pages) <= LargeCache.capacity(pages), pages + " pages: " + cache.count(pages));
        }
        assertEquals(16, cache.count(1), "the first page count filled its stack");
        assertEquals(14, LargeCache.capacity(9));
        assertEquals(2, LargeCache.capacity(64));
        assertEquals(2, LargeCache.capacity(512));
    }

    @Test
    void aRunOfMoreThan64PagesIsCachedOnlyInBorrowedBytes() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, 0); // nothing to borrow
        LargeCache cache = new LargeCache();
        long big = tier.allocate(cache, 65L << 12, 16, false), small = tier.allocate(cache, 64L << 12, 16, false);
        tier.free(cache, big);
        tier.free(cache, small);
        assertEquals(1, cache.cachedBlocks(), "with a retained limit of 0 a 65-page run goes to the arena");
        assertEquals(64L << 12, cache.cachedBytes());
        assertEquals(1, tier.frees());
    }

    @Test
    void aMallocFindsTheSmallestFittingPageCountAcrossBitmapWords() {
        LargeCache cache = new LargeCache(); // its stacks alone: addresses need no memory here
        cache.pushAccepted(130, 130L << 12);
        cache.pushAccepted(63, 63L << 12);
        cache.pushAccepted(512, 512L << 12);
        assertEquals(0, cache.pop(100), "130 pages is more than a quarter above 100");
        assertEquals(130L << 12, cache.pop(110), "110 takes up to 137: 130, in the next bitmap word");
        assertEquals(0, cache.pop(64), "nothing in 64..80");
        assertEquals(63L << 12, cache.pop(51), "51 takes up to 63");
        assertEquals(512L << 12, cache.pop(410), "410 takes up to 512, the last word's one bit");
        assertEquals(0, cache.takeAny());
        cache.pushAccepted(1, 1L << 12);
        assertEquals(1L << 12, cache.takeAny());
        assertEquals(0, cache.cachedBlocks());
    }

    /** The arenas' allowances plus the caches' borrowed bytes plus what is left is the limit. */
    private static void assertPoolBalances(LargeTier tier, long limit, LargeCache cache) {
        long allowances = 0;
        for (int i = 0; i < tier.arenaCount(); i++) allowances += tier.ofArena(i, LargeArena::allowance);
        assertEquals(limit, tier.pool().available() + allowances + cache.borrowed);
    }

    @Test
    void theCacheBorrowsFromTheRetainedPoolUpToItsMaximumAndGivesItBackWhenFlushed() {
        long limit = 64L << 20;
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, limit);
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int pages = 449; pages <= 512; pages++) blocks.add(tier.allocate(cache, (long) pages << 12, 16, false));
        for (long p : blocks) tier.free(cache, p);
        assertTrue(cache.cachedBytes() <= LargeCache.MAX_BYTES, "cached " + cache.cachedBytes());
        assertTrue(cache.cachedBytes() > LargeCache.MAX_BYTES - LargeCache.BASE_BYTES - (2L << 20), "borrowed up to its maximum: " + cache.cachedBytes());
        assertTrue(cache.borrowed >= cache.cachedBytes() - LargeCache.BASE_BYTES);
        assertPoolBalances(tier, limit, cache);
        tier.flush(cache);
        assertEquals(0, cache.borrowed, "a flush gives the borrowed bytes back");
        assertEquals(0, tier.liveBlocks());
        assertPoolBalances(tier, limit, cache);
    }

    @Test
    void theCacheBorrowsAtMostToAnEighthOfTheMemoryLimit() {
        MemoryBudget budget = new MemoryBudget(64L << 20);
        LargeTier tier = new LargeTier(space.reservation, budget, space.registry, 64L << 20);
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int pages = 449; pages <= 468; pages++) blocks.add(tier.allocate(cache, (long) pages << 12, 16, false));
        for (long p : blocks) tier.free(cache, p);
        assertTrue(cache.cachedBytes() <= (8L << 20) - LargeCache.BASE_BYTES, "cached " + cache.cachedBytes());
        assertTrue(cache.cachedBytes() > (8L << 20) - LargeCache.BASE_BYTES - (2L << 20), "it did borrow: " + cache.cachedBytes());
        assertTrue(cache.borrowed <= (8L << 20) - LargeCache.BASE_BYTES);
        tier.flush(cache);
    }

    @Test
    void theCacheDoesNotBorrowWhenLessThanHalfTheLimitIsLeft() {
        long limit = 64L << 20;
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, limit);
        long lent = tier.pool().take(limit / 2); // the arenas hold half of it
        LargeCache cache = new LargeCache();
        List<Long> blocks = new ArrayList<>();
        for (int pages = 449; pages <= 460; pages++) blocks.add(tier.allocate(cache, (long) pages << 12, 16, false));
        for (long p : blocks) tier.free(cache, p);
        assertEquals(0, cache.borrowed);
        assertTrue(cache.cachedBytes() <= LargeCache.BASE_BYTES, "cached " + cache.cachedBytes());
        tier.flush(cache);
        tier.pool().give(lent);
    }

    @Test
    void runsOfAnyAlignmentAreCachedButOnlyPageAlignedMallocsAreServedFromTheCache() {
        LargeCache cache = new LargeCache();
        long big = tier.allocate(cache, 512L << 12, 16, false);
        long aligned = tier.allocate(cache, 9L << 12, 8192, false);
        long ok = tier.allocate(cache, 64L << 12, 4096, false);
        tier.free(cache, big);
        tier.free(cache, aligned); // freed blocks of any alignment enter the cache by page count
        tier.free(cache, ok);
        assertEquals(3, cache.cachedBlocks(), "every Large size is cached, 2 MiB included");
        assertEquals(ok, tier.allocate(cache, 64L << 12, 4096, false));
        assertEquals(big, tier.allocate(cache, 500L << 12, 16, false), "up to a quarter more pages");
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
