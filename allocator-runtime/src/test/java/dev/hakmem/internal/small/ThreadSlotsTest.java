package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.testing.OnThread;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The table that finds a platform thread's cache ({@link ThreadCaches#own}): a thread whose first slot
 * a live thread holds (their ids equal modulo the table's size) finds its cache in its second slot,
 * not through the {@code ThreadLocal} on every call; and a reclaim empties whichever slot it had.
 * The quick slot ({@link ThreadCaches#QUICK}) holds one thread's cache while no other allocates,
 * passes to a newcomer once its holder has ended, is emptied by its holder's reclaim, and is retired
 * for good when a second thread allocates while its holder lives; every thread finds its own cache.
 */
class ThreadSlotsTest {
    /** An unstarted platform thread whose id shares its first slot with {@code id}'s (thread ids are given at construction). */
    private static Thread unstartedCollidingWith(long id, Runnable body) {
        for (int i = 0; i < 4 * ThreadCaches.SLOTS; i++) {
            Thread t = Thread.ofPlatform().unstarted(body);
            if (((t.threadId() - id) % ThreadCaches.SLOTS) == 0) return t;
        }
        throw new AssertionError("set-up: no thread id collided within " + 4 * ThreadCaches.SLOTS + " threads");
    }

    @Test
    void aThreadWhoseFirstSlotIsTakenFindsItsCacheInItsSecondSlot() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            Thread me = Thread.currentThread();
            a.free(a.malloc(16));
            int first = (int) (me.threadId() % ThreadCaches.SLOTS);
            ThreadCache mine = caches.own();
            assertSame(mine, caches.slots()[first], "set-up: this thread holds its first slot");

            AtomicReference<ThreadCache> theirs = new AtomicReference<>();
            OnThread.Caught body = new OnThread.Caught(() -> {
                for (int i = 0; i < 1000; i++) a.free(a.malloc(16 + i % 64));
                ThreadCache own = caches.own();
                theirs.set(own);
                int second = ThreadCaches.secondSlot(Thread.currentThread().threadId());
                assertNotEquals(first, second, "set-up: a second slot other than the first");
                assertSame(own, caches.slots()[second], "the colliding thread's cache is in its second slot");
                assertSame(own, caches.own(), "and found again there");
            });
            Thread other = unstartedCollidingWith(me.threadId(), body);
            OnThread.startAndJoin(other, body, Duration.ofSeconds(30));
            assertSame(mine, caches.slots()[first], "the live first owner keeps its slot");

            caches.reclaimDead(); // unless the reaper was first
            assertEquals(1, a.liveThreadCaches(), "the colliding thread's cache is reclaimed");
            assertNull(caches.slots()[ThreadCaches.secondSlot(other.threadId())], "its second slot emptied by the reclaim");
            assertSame(mine, caches.slots()[first]);
            assertTrue(theirs.get() != mine);
        }
    }

    /** Runs {@code body} on a new platform thread and waits for it to end; returns the cache it found as its own. */
    static ThreadCache onNewThread(HakmemAllocator a, Runnable body) throws InterruptedException {
        AtomicReference<ThreadCache> own = new AtomicReference<>();
        OnThread.Caught caught = new OnThread.Caught(() -> {
            body.run();
            ThreadCache tc = a.smallFront().caches().own();
            assertSame(Thread.currentThread(), tc.owner(), "a thread finds its own cache, whoever holds the quick slot");
            own.set(tc);
        });
        OnThread.startAndJoin(Thread.ofPlatform().unstarted(caught), caught, Duration.ofSeconds(30));
        return own.get();
    }

    @Test
    void aThreadThatGetsACacheWhileTheQuickSlotsHolderLivesRetiresTheSlot() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            assertNull(caches.slots()[ThreadCaches.QUICK], "no thread has a cache yet");
            a.free(a.malloc(16));
            ThreadCache mine = caches.own();
            assertSame(mine, caches.slots()[ThreadCaches.QUICK], "the first thread with a cache holds the quick slot");

            ThreadCache theirs = onNewThread(a, () -> {
                for (int i = 0; i < 1000; i++) a.free(a.malloc(16 + i % 64));
                assertNull(caches.slots()[ThreadCaches.QUICK], "a second allocating thread retires the slot");
            });
            assertTrue(theirs != mine);
            assertSame(mine, caches.own(), "the former holder finds its cache in its own slot");
            caches.reclaimDead(); // unless the reaper was first
            onNewThread(a, () -> a.free(a.malloc(32)));
            assertNull(caches.slots()[ThreadCaches.QUICK], "retired for good, even once one thread is left");
        }
    }

    @Test
    void anEndedHoldersQuickSlotGoesToTheNextThreadOrIsEmptiedByItsReclaim() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            ThreadCaches caches = a.smallFront().caches();
            ThreadCache first = onNewThread(a, () -> a.free(a.malloc(64)));
            ThreadCache held = caches.slots()[ThreadCaches.QUICK];
            assertTrue(held == first || held == null, "set-up: the first thread held it (null if the reaper reclaimed it already)");

            ThreadCache next = onNewThread(a, () -> {
                a.free(a.malloc(32));
                assertSame(caches.own(), caches.slots()[ThreadCaches.QUICK], "a newcomer takes the ended holder's slot");
            });
            caches.reclaimDead(); // unless the reaper was first
            assertNull(caches.slots()[ThreadCaches.QUICK], "the last holder's reclaim empties it");
            // The newcomer adopted the ended thread's cache (ThreadCaches#adoptEnded), unless the
            // reaper had reclaimed it before: then it got a cache of its own.
            assertTrue(caches.adoptedCaches() == 1 ? next == first : next != first);

            a.free(a.malloc(16));
            assertSame(caches.own(), caches.slots()[ThreadCaches.QUICK], "and the next thread takes it again");
        }
    }

    @Test
    void secondSlotsOfThreadsSharingAFirstSlotDiffer() {
        for (long id = 1; id < 10_000; id++) {
            int second = ThreadCaches.secondSlot(id);
            assertTrue(second >= 0 && second < ThreadCaches.SLOTS, "slot " + second);
        }
        int sameAsNext = 0;
        for (long id = 1; id < 10_000; id++) {
            if (ThreadCaches.secondSlot(id) == ThreadCaches.secondSlot(id + ThreadCaches.SLOTS)) sameAsNext++;
        }
        // a hash: ids a table apart land together about once in SLOTS
        assertTrue(sameAsNext < 40, sameAsNext + " of 9,999 pairs share their second slot too");
    }
}
