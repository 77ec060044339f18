package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A new platform thread adopts the cache of a thread that has ended, if nobody has reclaimed it yet
 * ({@link ThreadCaches#adoptEnded}): it finds the blocks the ended thread freed, owns its slabs (its
 * frees of them stay owner frees), receives the remote frees sent to it, and the checks still catch
 * a double free of one of its blocks. The reaper (every 50 ms) may reclaim the ended cache first; the
 * scenarios that need an adoption retry until one happens. A cache whose spill holds a few batches is
 * adopted; one whose spill of a class holds more than the class's cache is not
 * ({@link ThreadCache#spilledBurst}).
 */
class ThreadCacheAdoptionTest {
    private static final int BLOCKS = 100, SIZE = 64, TRIES = 20;

    /** Runs {@code body} on a new platform thread, waits for it to end, and returns the cache it had. */
    private static ThreadCache onNewThread(HakmemAllocator a, Runnable body) throws InterruptedException {
        return ThreadSlotsTest.onNewThread(a, body); // which also checks that the cache names the thread as its owner
    }

    @Test
    void aNewThreadAdoptsTheEndedThreadsCacheAndGetsTheBlocksItFreed() throws InterruptedException {
        for (int attempt = 0; attempt < TRIES; attempt++) {
            try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
                ThreadCaches caches = a.smallFront().caches();
                Set<Long> freedByFirst = ConcurrentHashMap.newKeySet();
                ThreadCache first = onNewThread(a, () -> {
                    List<Long> held = new ArrayList<>();
                    for (int i = 0; i < BLOCKS; i++) held.add(a.malloc(SIZE));
                    for (long p : held) a.free(p);
                    freedByFirst.addAll(held);
                });
                Set<Long> gotBySecond = ConcurrentHashMap.newKeySet();
                AtomicInteger cachesWhileSecondLives = new AtomicInteger(-1);
                ThreadCache second = onNewThread(a, () -> {
                    for (int i = 0; i < BLOCKS; i++) gotBySecond.add(a.malloc(SIZE));
                    // Counted here: once the second thread has ended, the reaper may reclaim its cache too.
                    cachesWhileSecondLives.set(a.liveThreadCaches());
                });
                if (caches.adoptedCaches() == 0) continue; // the reaper reclaimed the first cache in between
                assertEquals(1, caches.adoptedCaches());
                assertSame(first, second, "the second thread adopted the first one's cache");
                assertEquals(freedByFirst, gotBySecond, "and got exactly the blocks the first thread had freed");
                assertEquals(1, cachesWhileSecondLives.get(), "one cache for the two lives");
                assertEquals(BLOCKS, a.stats().liveBlocks(), "the second thread's blocks are live, nothing else");
                return;
            }
        }
        throw new AssertionError("no adoption in " + TRIES + " tries: the reaper reclaimed the ended cache every time");
    }

    @Test
    void remoteFreesOfAnAdoptedCachesBlocksReachItsNewOwnerAndADoubleFreeStillThrows() throws InterruptedException {
        for (int attempt = 0; attempt < TRIES; attempt++) {
            try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
                ThreadCaches caches = a.smallFront().caches();
                List<Long> leftBehind = new ArrayList<>();
                onNewThread(a, () -> {
                    for (int i = 0; i < BLOCKS; i++) leftBehind.add(a.malloc(SIZE)); // live when the thread ends
                });
                // The second thread adopts the cache, so the blocks' owner id is its own; this thread
                // frees them while it lives: remote frees to its inbox.
                ConcurrentLinkedQueue<Long> toFree = new ConcurrentLinkedQueue<>();
                Set<Long> gotBySecond = new HashSet<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Object[] phase = {0};
                Thread second = Thread.ofPlatform().start(() -> {
                    try {
                        a.free(a.malloc(SIZE)); // gets (or adopts) its cache
                        synchronized (phase) {
                            phase[0] = 1;
                            phase.notifyAll();
                            while ((int) phase[0] != 2) phase.wait();
                        }
                        // Every block of the class, until the cache runs dry and takes its inbox.
                        for (int i = 0; i < 4 * BLOCKS; i++) gotBySecond.add(a.malloc(SIZE));
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                });
                synchronized (phase) {
                    while ((int) phase[0] != 1) phase.wait();
                }
                boolean adopted = caches.adoptedCaches() == 1;
                for (long p : leftBehind) a.free(p);
                long p = leftBehind.get(0);
                IllegalStateException twice = assertThrows(IllegalStateException.class, () -> a.free(p),
                        "a second free of a block of the adopted cache throws at the call");
                assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
                a.releaseThreadCache(); // this thread's outbox goes to the owner's inbox now
                synchronized (phase) {
                    phase[0] = 2;
                    phase.notifyAll();
                }
                second.join();
                assertEquals(null, failure.get());
                if (!adopted) continue; // the reaper reclaimed the first cache in between
                assertTrue(gotBySecond.containsAll(leftBehind),
                        "the adopter got the blocks freed remotely to it back from its inbox");
                assertEquals(4 * BLOCKS, gotBySecond.size(), "no block handed out twice");
                assertEquals(4 * BLOCKS, a.stats().liveBlocks());
                return;
            }
        }
        throw new AssertionError("no adoption in " + TRIES + " tries: the reaper reclaimed the ended cache every time");
    }

    @Test
    void anAdoptedCacheIsReclaimedWhenItsSecondOwnerEnds() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            for (int life = 0; life < 5; life++) onNewThread(a, () -> a.free(a.malloc(SIZE)));
            caches.reclaimDead(); // unless the reaper was first
            assertEquals(0, a.liveThreadCaches(), "every ended owner's cache is reclaimed, adopted or not");
            assertEquals(0, a.stats().liveBlocks());
            assertEquals(5, a.stats().allocations(), "the counters of all five lives are kept, none counted twice");
            assertEquals(5, a.stats().frees());
        }
    }

    /** The index of the class of {@link #SIZE}-byte blocks, which is also its spill's. */
    private static int sizeClass() {
        return new SizeClasses(AllocatorConfig.defaults()).classOf(SIZE);
    }

    /** Mallocs {@code n} blocks of {@link #SIZE} bytes, then frees them all: the blocks, in malloc order. */
    private static List<Long> mallocThenFreeAll(HakmemAllocator a, int n) {
        List<Long> held = new ArrayList<>();
        for (int i = 0; i < n; i++) held.add(a.malloc(SIZE));
        for (long p : held) a.free(p);
        return held;
    }

    @Test
    void aCacheWhoseSpillHoldsAFewBatchesIsAdoptedWithThem() throws InterruptedException {
        int cls = sizeClass();
        int n = 600; // a few batches (of 128) above the class cache's capacity (512)
        for (int attempt = 0; attempt < TRIES; attempt++) {
            try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
                ThreadCaches caches = a.smallFront().caches();
                Set<Long> freedByFirst = ConcurrentHashMap.newKeySet();
                ThreadCache first = onNewThread(a, () -> freedByFirst.addAll(mallocThenFreeAll(a, n)));
                long spilled = first.spill[cls].blocks();
                assertTrue(spilled > 0 && spilled <= first.byClass[cls].capacity,
                        "the first thread's cache overflowed by a few batches: " + spilled + " blocks in its spill");
                assertFalse(first.spilledBurst());
                Set<Long> gotBySecond = ConcurrentHashMap.newKeySet();
                ThreadCache second = onNewThread(a, () -> {
                    for (int i = 0; i < n; i++) gotBySecond.add(a.malloc(SIZE));
                });
                if (caches.adoptedCaches() == 0) continue; // the reaper reclaimed the first cache in between
                assertSame(first, second, "the second thread adopted the first one's cache, spill and all");
                assertEquals(freedByFirst, gotBySecond, "and got exactly the blocks the first thread had freed, the spilled ones too");
                assertEquals(n, a.stats().liveBlocks());
                return;
            }
        }
        throw new AssertionError("no adoption in " + TRIES + " tries: the reaper reclaimed the ended cache every time,"
                + " or a spill of a few batches bars the adoption");
    }

    @Test
    void aCacheWhoseSpillHoldsMoreThanItsCacheIsReclaimedNotAdopted() throws InterruptedException {
        int cls = sizeClass();
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            List<Long> freedByFirst = new ArrayList<>();
            ThreadCache first = onNewThread(a, () -> freedByFirst.addAll(mallocThenFreeAll(a, 2000)));
            assertTrue(first.spill[cls].blocks() > first.byClass[cls].capacity,
                    "a burst of frees: " + first.spill[cls].blocks() + " blocks in the spill");
            assertTrue(first.spilledBurst());
            ThreadCache second = onNewThread(a, () -> a.free(a.malloc(SIZE)));
            assertNotSame(first, second, "the second thread got a cache of its own");
            assertEquals(0, caches.adoptedCaches());
            caches.reclaimDead(); // unless the reaper was first
            assertEquals(0, a.liveThreadCaches());
            assertEquals(0, a.stats().liveBlocks());
            // The burst went back for every thread: as many blocks come out again, none twice.
            Set<Long> again = new HashSet<>();
            for (int i = 0; i < freedByFirst.size(); i++) assertTrue(again.add(a.malloc(SIZE)), "no block handed out twice");
            for (long p : again) a.free(p); // nothing left live at close
        }
    }
}
