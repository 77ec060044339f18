package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The thread's hot class ({@link HotClass}): made hot on trust by a refill, kept while the frees are of
 * it, dropped when they turn mixed, taken again when they are of one class again; never with
 * statistics off or for a cache without an id; and a free that takes the hot branch puts the block
 * where the general branch would, with every check kept.
 */
class HotClassTest {
    private static final AllocatorConfig DEFAULTS = AllocatorConfig.defaults();

    private static ThreadCache own(HakmemAllocator a) {
        return a.smallFront().caches().own();
    }

    private static int classOf(HakmemAllocator a, long size) {
        return new SizeClasses(DEFAULTS).classOf(size);
    }

    private static void assertHot(HakmemAllocator a, ThreadCache tc, long size, String why) {
        int cls = classOf(a, size);
        assertEquals(ChunkRegistry.smallInfo(cls, tc.id), tc.hotInfo, why);
        assertSame(tc.byClass[cls], tc.hotClass, why);
    }

    private static void assertCold(ThreadCache tc, String why) {
        assertEquals(ChunkRegistry.NO_PAGE_INFO, tc.hotInfo, why);
        assertNull(tc.hotClass, why);
    }

    /** Mallocs {@code n} blocks of each size in {@code sizes}, then frees them, interleaving the sizes. */
    private static void churn(HakmemAllocator a, int n, long... sizes) {
        long[] blocks = new long[n * sizes.length];
        for (int i = 0; i < blocks.length; i++) blocks[i] = a.malloc(sizes[i % sizes.length]);
        for (long p : blocks) a.free(p);
    }

    @Test
    void oneClassIsHotAndStaysHot() {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS)) {
            long p = a.malloc(16); // the class's first refill: too few frees to judge, hot on trust
            ThreadCache tc = own(a);
            assertHot(a, tc, 16, "made hot on trust by its first refill");
            a.free(p);
            for (int round = 0; round < 20; round++) churn(a, 100, 16);
            assertHot(a, tc, 16, "2,000 frees of one class keep it hot");
            assertFalse(tc.hotRefuted);
        }
    }

    @Test
    void mixedFreesDropTheHotClassAndItComesBack() {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS)) {
            a.free(a.malloc(16));
            ThreadCache tc = own(a);
            assertHot(a, tc, 16, "set-up");
            for (int round = 0; round < 10; round++) churn(a, 100, 16, 512, 96);
            assertCold(tc, "a third of the frees of each of three classes: no class is hot");
            assertTrue(tc.hotRefuted);
            // One class again: judged at a later slow path (every RECHECK-th of a mixed thread), which
            // frees beyond the cache reach, a flush each time the cache is full.
            for (int round = 0; round < 200 && tc.hotRefuted; round++) churn(a, 1000, 512);
            assertHot(a, tc, 512, "frees of one class make it hot again");
        }
    }

    @Test
    void missesDropTheHotClassWithoutASlowPath() {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS)) {
            long[] warm = new long[64];
            for (int i = 0; i < warm.length; i++) warm[i] = a.malloc(64); // 64-byte blocks in the cache
            for (long p : warm) a.free(p);
            a.free(a.malloc(16));
            ThreadCache tc = own(a);
            tc.hotRefuted = false;
            HotClass.judge(tc, classOf(a, 16)); // too few frees since the last judgement: hot on trust
            assertHot(a, tc, 16, "set-up: 16 B hot");
            // 64-byte mallocs and frees within the cache's blocks: no refill, no flush, only misses
            for (int round = 0; round < HotClass.MISSES / warm.length + 2; round++) {
                for (int i = 0; i < warm.length; i++) warm[i] = a.malloc(64);
                for (long p : warm) a.free(p);
            }
            assertCold(tc, "the misses' judgement: every free since the previous one missed the hot class");
            assertTrue(tc.hotRefuted);
        }
    }

    @Test
    void freesOfOtherThreadsBlocksDropTheHotClass() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS)) {
            a.free(a.malloc(64));
            ThreadCache tc = own(a);
            assertHot(a, tc, 64, "set-up: 64 B hot on trust");
            long[] theirs = new long[1000];
            CountDownLatch made = new CountDownLatch(1), freed = new CountDownLatch(1);
            Thread producer = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < theirs.length; i++) theirs[i] = a.malloc(64);
                made.countDown();
                try {
                    freed.await(); // alive while its blocks are freed: they stay its own, and every free is remote
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertTrue(made.await(30, TimeUnit.SECONDS));
            try {
                for (long p : theirs) a.free(p); // all of the hot class, all remote: every one misses
            } finally {
                freed.countDown();
                producer.join();
            }
            assertCold(tc, "a class whose frees all miss is not kept hot");
            assertTrue(tc.hotRefuted);
        }
    }

    @Test
    void neverHotWithStatisticsOff() {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS.toBuilder().stats(false).build())) {
            for (int round = 0; round < 5; round++) churn(a, 1000, 16);
            assertCold(own(a), "no counters, no evidence");
        }
    }

    @Test
    void aCacheWithoutAnIdOrAStripeIsNeverHot() {
        int[] caps = {64, 64}, batches = {16, 16};
        ThreadCache idless = new ThreadCache(caps, batches, Thread.currentThread());
        HotClass.slowPath(idless, 1);
        assertCold(idless, "its blocks are on shared slabs");
        ThreadCache stripe = new ThreadCache(caps, batches, null, 7);
        HotClass.slowPath(stripe, 1);
        assertCold(stripe, "a stripe's frees never take the hot branch");
        ThreadCache owned = new ThreadCache(caps, batches, Thread.currentThread(), 7);
        HotClass.slowPath(owned, 1);
        assertEquals(ChunkRegistry.smallInfo(1, 7), owned.hotInfo, "an owning cache: hot on trust");
        for (int info : new int[] {0, ChunkRegistry.LARGE & 0xFF, ChunkRegistry.smallInfo(0, 0), ChunkRegistry.smallInfo(1, 0)}) {
            assertNotEquals(info, ChunkRegistry.NO_PAGE_INFO, "a shared slab's, a Large or an empty page's info");
        }
    }

    /** {@link FreeRoutingTest}'s routing check with the 16-byte class hot (whatever the 512-byte refill made hot). */
    private static void blocksOfAnotherClassGoToTheirOwnCache(AllocatorConfig config) {
        FreeRoutingTest.blocksGoToTheirOwnClassCache(config, a -> {
            ThreadCache tc = own(a);
            HotClass.judge(tc, classOf(a, 16));
            assertHot(a, tc, 16, "set-up");
        });
    }

    @Test
    void theHotBranchRoutesAsTheGeneralOneWithChecks() {
        blocksOfAnotherClassGoToTheirOwnCache(DEFAULTS);
    }

    @Test
    void theHotBranchRoutesAsTheGeneralOneWithoutChecks() {
        blocksOfAnotherClassGoToTheirOwnCache(DEFAULTS.toBuilder().checks(false).build());
    }

    @Test
    void misuseOfTheHotClassIsStillCaught() {
        try (HakmemAllocator a = new HakmemAllocator(DEFAULTS)) {
            long p = a.malloc(32);
            assertHot(a, own(a), 32, "set-up: the 32-byte class is hot");
            a.free(p);
            assertThrows(IllegalStateException.class, () -> a.free(p), "a double free");
            long q = a.malloc(32);
            assertThrows(IllegalArgumentException.class, () -> a.free(q + 16), "an interior address");
            a.free(q);
        }
    }
}
