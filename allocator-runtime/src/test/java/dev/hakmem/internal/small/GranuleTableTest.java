package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/**
 * A thread's granule tables ({@link ThreadCache#byGranule}, {@link ThreadCache#midByGranule}): built with
 * its cache, before its first malloc, they map every Tiny and every Mid request size to the cache of the size's class,
 * so a malloc of any such size through them gets a block of that class; a stripe (virtual threads)
 * never has one.
 */
class GranuleTableTest {
    private static void everyTinySizeGetsItsClass(AllocatorConfig config) {
        SizeClasses classes = new SizeClasses(config);
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            long first = a.malloc(16);
            ThreadCache tc = a.smallFront().caches().own();
            assertNotNull(tc.byGranule, "built with the cache");
            for (int size = 0; size <= AllocatorConfig.TINY_MAX; size++) {
                int cls = classes.classOf(size);
                assertSame(tc.byClass[cls], tc.byGranule[(size + 15) >>> 4], "size " + size);
                assertEquals(cls, tc.byGranule[(size + 15) >>> 4].cls, "the cache knows its class, size " + size);
                long p = a.malloc(size);
                assertEquals(classes.size(cls), a.usableSize(p), "a block of size " + size + "'s class");
                a.free(p);
            }
            assertNotNull(tc.midByGranule, "built with the Tiny one");
            for (int size = AllocatorConfig.TINY_MAX + 1; size <= AllocatorConfig.MID_MAX; size++) {
                int cls = classes.classOf(size);
                assertSame(tc.byClass[cls], tc.midByGranule[(size + 255) >>> 8], "size " + size);
                if (size % 61 != 0 && size != AllocatorConfig.TINY_MAX + 1 && size != AllocatorConfig.MID_MAX) continue;
                long p = a.malloc(size); // about a thousand sizes through the table, both ends included
                assertEquals(classes.size(cls), a.usableSize(p), "a block of size " + size + "'s class");
                a.free(p);
            }
            a.free(first);
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void aNewThreadsCacheHasBothTablesBeforeItsFirstMalloc() throws Exception {
        AllocatorConfig config = AllocatorConfig.defaults();
        SizeClasses classes = new SizeClasses(config);
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            FutureTask<Void> life = new FutureTask<>(() -> {
                ThreadCache tc = a.smallFront().caches().own(); // the cache is made here, before any malloc
                assertNotNull(tc.midByGranule, "built with the cache: the fast path never tests for it");
                assertNotNull(tc.byGranule);
                long p = a.malloc(20_000);
                long q = a.malloc(20_000);
                assertEquals(classes.size(classes.classOf(20_000)), a.usableSize(q));
                a.free(p);
                a.free(q);
                return null;
            });
            Thread.ofPlatform().start(life).join();
            life.get(); // rethrows the thread's assertion failures
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void withChecks() {
        everyTinySizeGetsItsClass(AllocatorConfig.defaults());
    }

    @Test
    void withoutChecksAndStatistics() {
        everyTinySizeGetsItsClass(AllocatorConfig.defaults().toBuilder().checks(false).stats(false).build());
    }

    @Test
    void aStripeHasNone() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            Thread v = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 1000; i++) a.free(a.malloc(48));
            });
            v.join();
            int stripes = 0;
            for (int id = 1; id <= 64; id++) { // stripes take the first ids
                ThreadCache c = a.smallFront().caches().owner(id);
                if (c == null || c.owner() != null) continue;
                stripes++;
                assertNull(c.byGranule, "stripe " + id + " is shared: no owner's table");
                assertNull(c.midByGranule, "stripe " + id);
            }
            assertTrue(stripes > 0, "set-up: stripes found");
        }
    }
}
