package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The one interleaving the owner's plain free cannot see ({@link BlockState}): another thread's free of
 * the same block wins its CAS {@code LIVE -> REMOTE} between the owner's load and store. Both calls
 * return, the owner's cache holds the block, and a phantom entry travels to the owner's inbox. A
 * window of a few instructions is not reproducible by racing threads, so these tests build its outcome
 * step by step with the same transitions, then check that the phantom is refused wherever it arrives,
 * counted once, and that no block is ever handed out twice.
 */
class LateDoubleFreeTest {
    private static final int SIZE = 64;

    /** What the race leaves behind, for a live block {@code p} of the calling thread's own slab. */
    private static void raceOwnerAndRemoteFree(HakmemAllocator a, long p) {
        SmallFront front = a.smallFront();
        ThreadCache tc = front.caches().own();
        int cls = ChunkRegistry.kindOfInfo(a.pageInfo(p)) - 1;
        assertEquals(tc.id, ChunkRegistry.ownerOfInfo(a.pageInfo(p)), "test set-up: the caller owns the block");
        long state = front.stateAddress(p, cls);
        // The owner's free loads LIVE; the remote free's CAS succeeds; the owner stores FREED and pushes.
        assertEquals(BlockState.LIVE, BlockState.freeRemote(state), "the remote free wins its CAS");
        BlockState.acceptOwned(state); // the owner's plain store of FREED
        ClassCache cc = tc.byClass[cls];
        cc.blocks[cc.count++] = p;
        cc.frees += 2; // both calls returned normally and counted themselves
        // The remote free's entry reaches the owner's inbox.
        assertTrue(tc.inboxForSend(cls).push(new long[] {p}, 1));
    }

    @Test
    void aPhantomReachingItsLiveOwnerIsRefusedCountedAndNeverHandsTheBlockOutTwice() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long p = a.malloc(SIZE);
            raceOwnerAndRemoteFree(a, p);
            Set<Long> live = mallocDistinct(a, 1000); // far more than a cache: the refills drain the inbox
            assertTrue(live.contains(p), "the block itself is handed out again, once");
            AllocatorStats s = a.stats();
            assertEquals(1, s.racingDoubleFrees(), "the phantom is counted once");
            assertEquals(live.size(), s.liveBlocks(), "the late-caught free is not counted twice");
            for (long q : live) a.free(q);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void aPhantomArrivingAfterTheBlockWasHandedOutAgainLeavesItLive() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long p = a.malloc(SIZE);
            raceOwnerAndRemoteFree(a, p);
            assertEquals(p, a.malloc(SIZE), "LIFO: the block just freed comes back first");
            Set<Long> others = mallocDistinct(a, 1000);
            assertTrue(!others.contains(p), "the live block is not handed out again");
            assertEquals(1, a.stats().racingDoubleFrees());
            a.free(p); // still live: its user frees it normally, once
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(p));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            for (long q : others) a.free(q);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void aPhantomOfAnEndedOwnerIsRefusedWhenItsCacheIsReclaimed() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            AtomicLong block = new AtomicLong();
            Thread owner = new Thread(() -> {
                long p = a.malloc(SIZE);
                raceOwnerAndRemoteFree(a, p);
                block.set(p);
            });
            owner.start();
            owner.join();
            assertEquals(1, a.smallFront().caches().reclaimDead(), "the ended owner's cache is reclaimed");
            assertEquals(1, a.stats().racingDoubleFrees(), "its inbox held the phantom");
            Set<Long> live = mallocUntil(a, block.get());
            assertTrue(live.contains(block.get()), "the ended thread's cached copy went to the shared lists, once");
            for (long q : live) a.free(q);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void aRemoteFreeWhoseOwnerEndsOnTheWayIsAcceptedAsShared() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            AtomicLong block = new AtomicLong();
            CountDownLatch allocated = new CountDownLatch(1), freed = new CountDownLatch(1);
            Thread owner = new Thread(() -> {
                block.set(a.malloc(SIZE));
                allocated.countDown();
                awaitUninterruptibly(freed);
            });
            owner.start();
            allocated.await();
            long p = block.get();
            a.free(p); // the owner lives: the block waits in this thread's outbox
            freed.countDown();
            owner.join();
            assertEquals(1, a.smallFront().caches().reclaimDead(), "now its inbox closes and its slabs are shared");
            // Draining this thread's cache sends its outbox: to the closed inbox, so accepted here.
            a.releaseThreadCache();
            AllocatorStats s = a.stats();
            assertEquals(0, s.racingDoubleFrees(), "a legitimate remote free is never refused");
            assertEquals(0, s.liveBlocks());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> a.free(p));
            assertTrue(e.getMessage().contains("double free"), e.getMessage());
            // Where it is now depends on who took its slab: malloc until it comes back, each block once.
            Set<Long> live = mallocUntil(a, p);
            assertTrue(live.contains(p), "the block is free again, once");
            for (long q : live) a.free(q);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // the test never interrupts; wait on
            }
        }
    }

    /**
     * Mallocs of {@code SIZE} bytes until {@code p} comes back or 16,384 blocks (a few slabs' worth) are
     * live, none returned twice; the set of them. (Which slab is handed out first depends on which
     * thread took an ended thread's slabs: the block is found, not necessarily among the first.)
     */
    private static Set<Long> mallocUntil(HakmemAllocator a, long p) {
        Set<Long> live = new HashSet<>();
        while (!live.contains(p) && live.size() < 16384) {
            long q = a.malloc(SIZE);
            assertTrue(live.add(q), () -> "handed out twice: 0x" + Long.toHexString(q));
        }
        return live;
    }

    /** {@code n} mallocs of {@code SIZE} bytes, none of which may return an address twice (a set: each block at most once). */
    private static Set<Long> mallocDistinct(HakmemAllocator a, int n) {
        Set<Long> live = new HashSet<>();
        for (int k = 0; k < n; k++) {
            long q = a.malloc(SIZE);
            assertTrue(live.add(q), () -> "handed out twice: 0x" + Long.toHexString(q));
        }
        return live;
    }
}
