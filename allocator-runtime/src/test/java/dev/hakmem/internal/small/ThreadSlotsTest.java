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
