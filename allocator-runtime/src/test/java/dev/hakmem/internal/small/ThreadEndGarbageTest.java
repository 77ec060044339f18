package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A thread that ends holding many free blocks (mstress: each thread frees tens of thousands at its end)
 * is reclaimed, and its blocks reused by the next thread, with almost no Java garbage: its free blocks
 * stay with their slabs as orphan bitmaps ({@link Slab#newOrphanBits}), gathered in its own spills, and
 * the spill arrays go back to the allocator's pool for other spills ({@link SpillArrays}). Before, each block's address
 * was copied about three times into new arrays, and the heap grew with every thread's end.
 */
class ThreadEndGarbageTest {
    private static final int BLOCKS = 40_000;
    private static final int[] SIZES = {16, 64, 1536};

    /** Runs {@code body} in a new platform thread that then ends; returns the Java bytes it allocated in {@code body}. */
    private static long inThread(HakmemAllocator a, Runnable body) throws InterruptedException {
        // makes the cache and its arrays: not measured
        return ThreadHeapBytes.ofEndedThread(() -> { for (int size : SIZES) a.free(a.malloc(size)); }, body);
    }

    @ParameterizedTest(name = "checks {0}")
    @ValueSource(booleans = {true, false})
    void aThreadThatEndsHoldingManyFreeBlocksIsReclaimedAndReusedAlmostWithoutGarbage(boolean checks) throws Exception {
        AllocatorConfig config = AllocatorConfig.defaults().toBuilder().checks(checks).build();
        try (HakmemAllocator warmUp = new HakmemAllocator(config)) {
            endAndFollow(warmUp, 300); // the JVM's one-time costs of the paths (class initialisation) are not measured
        }
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            long[] garbage = endAndFollow(a, BLOCKS);
            int blocks = BLOCKS * SIZES.length;
            long spans = garbage[2];
            System.out.println("ThreadEndGarbageTest (checks " + checks + "): reclaim " + garbage[0] + " bytes, next thread "
                    + garbage[1] + " bytes, " + spans + " Mid spans given back and taken again");
            // Per block, under a byte; per Mid span given back to the OS and taken again (session 34), a
            // span's bookkeeping (its free-list node, the registry's memory of spans given back, a new
            // slab object): 4f6cdd3, which kept them, made 25-55 KB and 3 KB; 95f05c7 41-102 KB and 13 KB.
            assertTrue(garbage[0] < blocks + 1024 * spans, "reclaiming " + blocks + " free blocks and giving back " + spans
                    + " spans allocated " + garbage[0] + " bytes of Java heap (at most 1 per block and 1 KiB per span)");
            assertTrue(garbage[1] < blocks + 1024 * spans, "the next thread took " + blocks + " blocks and " + spans + " spans making "
                    + garbage[1] + " bytes of Java heap (at most 1 per block and 1 KiB per span)");
        }
    }

    /**
     * The check that runs before every span a class takes ({@link ThreadCaches#reclaimDeadIfAny}: has
     * some cache's thread ended?) allocates nothing while threads live, and still finds one that ended.
     */
    @Test
    void theScanForEndedThreadsMakesNoGarbage() throws Exception {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            CacheReaper.deregister(caches);
            a.free(a.malloc(64)); // this thread's cache
            for (int i = 0; i < 10_000; i++) caches.reclaimDeadIfAny(); // compiled, classes initialised
            long bytes = ThreadHeapBytes.ofThisThread(() -> {
                for (int i = 0; i < 10_000; i++) assertEquals(0, caches.reclaimDeadIfAny());
            });
            assertTrue(bytes < 10_000, "10,000 scans allocated " + bytes + " bytes");
            Thread t = new Thread(() -> a.free(a.malloc(64)));
            t.start();
            t.join();
            assertEquals(1, caches.reclaimDeadIfAny(), "an ended thread's cache is found and reclaimed");
        }
    }

    /**
     * A thread mallocs {@code perSize} blocks of each size, frees them all and ends; this thread reclaims
     * its cache; a second thread mallocs as many again. Checks that the second reuses the first's slabs
     * and hands out no block twice; returns the Java bytes of the reclaim and of the second thread's
     * mallocs, and the Mid spans the reclaim gave back.
     */
    private static long[] endAndFollow(HakmemAllocator a, int perSize) throws Exception {
        CacheReaper.deregister(a.smallFront().caches()); // this test reclaims, and measures it
        long[] first = new long[perSize * SIZES.length];
        long[] before = new long[1]; // read by the thread before it ends: stats() reclaims ended threads first
        inThread(a, () -> {
            for (int i = 0; i < first.length; i++) first[i] = a.malloc(SIZES[i % SIZES.length]);
            for (long p : first) a.free(p); // all free in its cache and spills when it ends
            before[0] = a.stats().bytesCommitted();
        });
        long committed = before[0];
        long reclaim = ThreadHeapBytes.ofThisThread(
                () -> assertEquals(1, a.smallFront().caches().reclaimDead(), "the ended thread's cache is reclaimed here"));
        // Its wholly free Mid spans went back to the OS (CentralFreeList's releaseEndedFreeSlabs), its Tiny slabs stayed.
        long midBytes = (long) perSize * SIZES[SIZES.length - 1];
        long givenBack = committed - a.stats().bytesCommitted();
        assertTrue(givenBack >= midBytes - (512 << 10),
                "the reclaim gave back " + (committed - a.stats().bytesCommitted()) + " bytes, not the ended thread's Mid spans ("
                        + midBytes + " bytes of blocks)");
        long[] next = new long[first.length];
        long follower = inThread(a, () -> {
            for (int i = 0; i < next.length; i++) next[i] = a.malloc(SIZES[i % SIZES.length]);
        });
        // Its blocks are the ended thread's free ones, or the rest of the slabs it was carving, or (Mid)
        // the spans it gave back: as much memory as before, no more.
        assertEquals(committed, a.stats().bytesCommitted(), "the next thread reused the ended thread's slabs and spans");
        Set<Long> seen = new HashSet<>();
        for (long p : next) assertTrue(seen.add(p), "a block handed out twice: " + Long.toHexString(p));
        a.smallFront().caches().reclaimDead();
        for (long p : next) a.free(p);
        assertEquals(0, a.stats().liveBlocks());
        return new long[] {reclaim, follower, givenBack / (512 << 10)};
    }
}
