package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.TestAddressSpace;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Owner ids and inboxes ({@link LargeOwners}, {@link LargeInbox}): a thread frees its own Large
 * blocks with a store, so another thread's free of one must travel to the owner, and a free racing
 * with the owner's (a double free on two threads) must never put one block in two places. Each
 * {@link LargeCache} here stands for one thread: the tier knows a thread only by the cache it passes.
 */
class LargeOwnersTest {
    private static final long SIZE = 20L << 12; // 20 pages: in the thread-cached range

    @AutoClose
    private final TestAddressSpace space = new TestAddressSpace();
    private final LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, Long.MAX_VALUE);
    private final LargeCache a = new LargeCache(), b = new LargeCache();

    private int stateOf(long address) {
        LargeChunk c = tier.chunkAt(address);
        return c.state(c.pageIndex(address));
    }

    @Test
    void aBlockIsItsAllocatingThreadsAndItsOwnFreeCachesIt() {
        long x = tier.allocate(a, SIZE, 16, false);
        assertTrue(a.owner() > 0, "the cache took an id at its first malloc");
        assertEquals(LargeChunk.live(20, a.owner()), stateOf(x));
        tier.free(a, x);
        assertEquals(LargeChunk.cached(20, a.owner()), stateOf(x));
        assertEquals(1, a.cachedBlocks());
        assertEquals(x, tier.allocate(a, SIZE, 16, false));
    }

    @Test
    void anotherThreadsFreeWaitsInTheOwnersInboxAndTheOwnersNextMallocTakesIt() {
        long x = tier.allocate(a, SIZE, 16, false);
        tier.free(b, x);
        assertEquals(LargeChunk.remote(20, a.owner()), stateOf(x));
        assertEquals(0, b.cachedBlocks(), "the freeing thread does not keep another's block");
        assertEquals(1, tier.waitingBlocks());
        assertEquals(SIZE, tier.waitingBytes());
        assertEquals(1, tier.deliveredFrees());
        var twice = assertThrows(IllegalStateException.class, () -> tier.free(b, x));
        assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
        assertEquals(x, tier.allocate(a, SIZE, 16, false), "the owner took it from its inbox into its cache");
        assertEquals(0, tier.waitingBlocks());
        assertEquals(0, a.frees(), "the delivering thread counted the free, not the owner's cache");
        assertEquals(0, tier.racingDoubleFrees());
    }

    @Test
    void aThreadWithNoCacheDeliversToo() {
        long x = tier.allocate(a, SIZE, 16, false);
        tier.free(x);
        assertEquals(1, tier.waitingBlocks());
        tier.flush(a); // the owner's releaseThreadCache: its inbox goes to the arena too
        assertEquals(0, tier.waitingBlocks());
        assertEquals(0, tier.liveBlocks());
        assertEquals(0, tier.frees(), "the free was counted once, by its delivery");
        assertEquals(1, tier.deliveredFrees());
    }

    @Test
    void aPhantomOfARacingDoubleFreeIsRefusedCountedAndTheBlockHandedOutOnce() {
        long x = tier.allocate(a, SIZE, 16, false);
        // b's free lands first (live -> remote, delivered); then a's own free, which read live just
        // before, stores cached over it: both calls returned.
        tier.free(b, x);
        LargeChunk c = tier.chunkAt(x);
        c.setState(c.pageIndex(x), LargeChunk.cached(20, a.owner()));
        a.push(20, x);
        assertEquals(x, tier.allocate(a, SIZE, 16, false), "the owner's cache hands it out");
        assertEquals(0, tier.racingDoubleFrees(), "a cache hit does not look at the inbox");
        assertNotEquals(x, tier.allocate(a, SIZE, 16, false), "a miss takes the inbox: the entry is refused, x is not handed out again");
        assertEquals(1, tier.racingDoubleFrees(), "the inbox entry was refused: the word was not remote");
        assertEquals(LargeChunk.live(20, a.owner()), stateOf(x));
        assertEquals(0, tier.waitingBlocks());
        assertEquals(0, a.cachedBlocks());
    }

    @Test
    void whenTheOwnerHasEndedItsWaitingBlocksGoToTheArenaAndLaterFreesAreTakenByTheirThreads() {
        long x = tier.allocate(a, SIZE, 16, false), y = tier.allocate(a, SIZE, 16, false);
        tier.free(b, x);
        int id = a.owner();
        tier.abandon(a); // the reclaimer, after a's thread ended
        assertEquals(0, tier.waitingBlocks());
        assertEquals(1, tier.liveBlocks(), "x went back to its arena; y is live");
        tier.free(b, y);
        assertEquals(0, tier.waitingBlocks(), "no holder: b took y itself");
        assertEquals(1, b.cachedBlocks());
        assertEquals(LargeChunk.cached(20, b.owner()), stateOf(y));
        assertNotEquals(id, b.owner());
    }

    @Test
    void anIdIsTakenAgainAfterItsOwnerEndedAndItsHolderOwnsTheOldBlocks() {
        long x = tier.allocate(a, SIZE, 16, false), y = tier.allocate(a, SIZE, 16, false);
        int id = a.owner();
        tier.free(b, tier.allocate(b, SIZE, 16, false)); // b takes its own id first
        tier.abandon(a);
        LargeCache c = new LargeCache();
        tier.allocate(c, SIZE, 16, false);
        assertEquals(id, c.owner(), "the given-back id is taken again");
        tier.free(c, x);
        assertEquals(LargeChunk.cached(20, id), stateOf(x), "the new holder's free of an old block is an owner's");
        tier.free(b, y);
        assertEquals(1, tier.waitingBlocks(), "another thread's free of an old block goes to the new holder");
        assertEquals(x, tier.allocate(c, SIZE, 16, false), "its cache first");
        assertEquals(y, tier.allocate(c, SIZE, 16, false), "then, on the miss, its inbox");
    }

    @Test
    void anotherOwnersBlockIsNotGrownInPlace() {
        long x = tier.allocate(a, SIZE, 16, false);
        assertFalse(tier.growInPlace(b, x, SIZE + 4096), "b's realloc moves it instead");
        assertEquals(LargeChunk.live(20, a.owner()), stateOf(x));
        assertTrue(tier.growInPlace(a, x, SIZE + 4096), "the owner grows it");
        assertEquals(LargeChunk.live(21, a.owner()), stateOf(x));
    }

    @Test
    void aMissTakesAFewEntriesAtATimeTheRestWaitForTheNextMisses() {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 10; i++) blocks.add(tier.allocate(a, SIZE, 16, false));
        for (long p : blocks) tier.free(b, p);
        assertEquals(10, tier.waitingBlocks());
        long arenaFrees = tier.frees();
        Set<Long> again = new HashSet<>();
        for (int i = 0; i < 10; i++) again.add(tier.allocate(a, SIZE, 16, false));
        assertEquals(new HashSet<>(blocks), again, "every malloc took one of the freed blocks, through the cache");
        assertEquals(arenaFrees, tier.frees(), "none went through an arena");
        assertEquals(0, tier.waitingBlocks());
        assertEquals(10, tier.deliveredFrees());
    }

    @Test
    void whenIdsRunOutACacheGetsNoneAndAGivenBackOneIsTakenAgain() {
        LargeOwners owners = new LargeOwners(2);
        LargeCache c = new LargeCache();
        owners.register(a);
        owners.register(b);
        owners.register(c);
        assertEquals(1, a.owner());
        assertEquals(2, b.owner());
        assertEquals(0, c.owner(), "none left: its blocks are freed with a CAS, as any thread's");
        assertTrue(c.registered());
        owners.inbox(1).detach();
        owners.release(1);
        LargeCache d = new LargeCache();
        owners.register(d);
        assertEquals(1, d.owner());
        assertTrue(owners.inbox(1).deliver(4096, 1), "d holds id 1 now");
    }

    @Test
    void theOwnerIdSurvivesEveryPageCountInTheStateWord() {
        for (int pages : new int[] {1, 17, 64, 512, 1024}) {
            for (int owner : new int[] {0, 1, 4711, LargeChunk.MAX_OWNER}) {
                for (int s : new int[] {LargeChunk.live(pages, owner), LargeChunk.cached(pages, owner), LargeChunk.remote(pages, owner)}) {
                    assertEquals(pages, LargeChunk.pagesOf(s));
                    assertEquals(owner, LargeChunk.ownerOf(s));
                    assertTrue(s > 0 && s != LargeChunk.NO_STATE);
                }
            }
        }
    }
}
