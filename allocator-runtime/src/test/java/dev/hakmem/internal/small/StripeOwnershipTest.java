package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The stripes that virtual threads share own slabs, as platform threads' caches do: a virtual
 * thread's block belongs to the stripe it was taken under, a free under that stripe takes the owner's
 * path (no atomic instruction; a double free still throws at the call), a free anywhere else sends
 * the block back to the stripe's inbox, and memory pressure still finds a stripe's free blocks.
 */
class StripeOwnershipTest {
    private static final int SIZE = 64;
    /** The default Tiny batch: one refill, one inbox node. */
    private static final int BATCH = DefaultBatches.of(SIZE);

    /**
     * One stripe per processor (rounded up to a power of two, at least two), so the memory virtual
     * threads keep cached is bounded by that many full caches (README); spare stripes, two per
     * processor before, each carved and kept their own blocks of most classes (ThreadCaches).
     */
    @Test
    void thereIsOneStripePerProcessor() {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            int cpus = Runtime.getRuntime().availableProcessors();
            int expected = Math.max(2, Integer.highestOneBit(cpus) == cpus ? cpus : Integer.highestOneBit(cpus) << 1);
            assertEquals(expected, a.smallFront().caches().stripeCount(), cpus + " processors");
        }
    }

    private static int classOf(HakmemAllocator a, long p) {
        return ChunkRegistry.kindOfInfo(a.pageInfo(p)) - 1;
    }

    @Test
    void aStripeOwnsTheBlocksTakenUnderItAndFreesThemAsTheirOwner() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            int last = caches.stripeCount() - 1;
            ThreadCache stripe = caches.stripe(last);
            long[] p = new long[1];
            StripeLocks.onlyUnder(caches, last, () -> p[0] = a.malloc(SIZE));
            int owner = a.slabOwnerOf(p[0]);
            assertEquals(stripe.id, owner, "the block's slab belongs to the stripe it was taken under");
            assertSame(stripe, caches.owner(owner));
            assertNull(stripe.owner(), "a stripe has no thread");
            int cls = classOf(a, p[0]);
            ClassCache cc = stripe.byClass[cls];
            int before = cc.count;
            StripeLocks.onlyUnder(caches, last, () -> a.free(p[0])); // another virtual thread, the same stripe
            assertEquals(before + 1, cc.count, "freed into the owning stripe's cache");
            assertEquals(p[0], cc.blocks[cc.count - 1]);
            assertEquals(0, stripe.inboxBlocks(cls), "not sent as a remote free");
            StripeLocks.onlyUnder(caches, last, () -> assertThrows(IllegalStateException.class, () -> a.free(p[0]), "a double free throws at the call"));
            assertEquals(before + 1, cc.count, "the refused free changed nothing");
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void blocksFreedElsewhereGoBackToTheirStripe() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            ThreadCache stripe = caches.stripe(0);
            long[] taken = new long[BATCH];
            StripeLocks.onlyUnder(caches, 0, () -> {
                for (int i = 0; i < BATCH; i++) taken[i] = a.malloc(SIZE);
            });
            int cls = classOf(a, taken[0]);
            for (long p : taken) assertEquals(stripe.id, a.slabOwnerOf(p));
            for (long p : taken) a.free(p); // a platform thread: remote frees, one full batch
            a.releaseThreadCache();
            assertEquals(BATCH, stripe.inboxBlocks(cls), "the batch reached the stripe's inbox");
            assertThrows(IllegalStateException.class, () -> a.free(taken[0]), "a double free of a sent block throws");
            long[] again = new long[BATCH];
            StripeLocks.onlyUnder(caches, 0, () -> {
                for (int i = 0; i < BATCH; i++) again[i] = a.malloc(SIZE);
            });
            long[] x = taken.clone(), y = again.clone();
            Arrays.sort(x);
            Arrays.sort(y);
            assertTrue(Arrays.equals(x, y), "the stripe's next refill is the blocks sent back");
            for (long p : again) a.free(p);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void trimReturnsTheSlabsOfAStripe() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            int n = 40_000; // 2.4 MiB of 64-byte blocks: about 40 slabs of 64 KiB
            Thread.ofVirtual().start(() -> {
                long[] p = new long[n];
                for (int i = 0; i < n; i++) p[i] = a.malloc(SIZE);
                for (int i = 0; i < n; i++) a.free(p[i]);
            }).join();
            assertEquals(0, a.stats().liveBlocks());
            long released = a.trim();
            assertTrue(released >= 32L * 65536, "a stripe's free slabs go back to the OS: " + released + " bytes");
        }
    }
}
