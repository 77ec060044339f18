package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.testing.OnThread;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 (footprint): the Mid spans of a thread that ended after freeing every block it carved
 * from them go back to the OS when the thread is reclaimed, not to the free blocks of their class
 * (where only a later thread of that class could use them, resident meanwhile); Tiny slabs stay with
 * their class (see {@code CentralFreeList}'s {@code releaseEndedFreeSlabs} for why).
 */
class EndedThreadSpansTest {
    private static final long MID = 16 * 1024, TINY = 256;
    private static final long MID_SPAN = 512 * 1024;
    private static final long ALLOWED_MS = 5000;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anEndedThreadsWhollyFreeMidSpansGoBackToTheOs() throws InterruptedException {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            al.free(al.malloc(TINY)); // this thread's cache: the one left once the other is reclaimed
            int midClass = classOf(al, MID), tinyClass = classOf(al, TINY);
            long[] before = new long[3]; // committed bytes, Mid and Tiny slabs, read by the thread itself before it ends
            runAndEnd(() -> {
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 200; i++) { // 3.2 MB: seven 512 KiB spans of 32 blocks
                    long p = al.malloc(MID);
                    ALL.set(ValueLayout.JAVA_BYTE, p + MID - 1, (byte) 1); // resident, like a used buffer
                    held.add(p);
                }
                for (int i = 0; i < 2000; i++) held.add(al.malloc(TINY));
                for (long p : held) al.free(p);
                before[0] = al.stats().bytesCommitted();
                before[1] = slabs(al, midClass);
                before[2] = slabs(al, tinyClass);
            });
            long committedBefore = before[0], tinySlabs = before[2];
            assertTrue(before[1] >= 7, "the thread's Mid spans before its reclaim: " + before[1]);
            EndedThreads.awaitReclaimed(h, 1, ALLOWED_MS);
            assertEquals(1, h.liveThreadCaches(), "the ended thread is not reclaimed");

            assertEquals(0, slabs(al, midClass), "an ended thread's wholly free Mid spans are still its class's");
            long given = committedBefore - al.stats().bytesCommitted();
            assertTrue(given >= 7 * MID_SPAN, "only " + given + " bytes committed were given back");
            assertEquals(tinySlabs, slabs(al, tinyClass), "Tiny slabs stay with their class for the next thread to carve on");
            assertEquals(0, al.stats().liveBlocks());

            // The memory serves again, any class of the tier, and reads what it is written.
            List<Long> again = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                long p = al.malloc(i % 2 == 0 ? MID : 3000);
                ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, p, p);
                again.add(p);
            }
            for (long p : again) {
                assertEquals(p, ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p));
                al.free(p);
            }
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSpanWithABlockStillLiveStaysAndItsBlocksStayUsable() throws InterruptedException {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            al.free(al.malloc(TINY)); // this thread's cache: the one left once the other is reclaimed
            int midClass = classOf(al, MID);
            long[] kept = new long[1];
            List<Long> freedThere = new ArrayList<>();
            long[] midSlabs = new long[1];
            runAndEnd(() -> {
                List<Long> held = new ArrayList<>();
                for (int i = 0; i < 64; i++) held.add(al.malloc(MID)); // two spans
                kept[0] = held.remove(0); // outlives the thread: its span must stay
                ALL.set(ValueLayout.JAVA_LONG_UNALIGNED, kept[0], 0x5A5A5A5AL);
                for (long p : held) al.free(p);
                freedThere.addAll(held);
                midSlabs[0] = slabs(al, midClass);
            });
            assertEquals(2, midSlabs[0], "64 blocks of 16 KiB fill two spans");
            EndedThreads.awaitReclaimed(h, 1, ALLOWED_MS);
            assertEquals(1, h.liveThreadCaches(), "the ended thread is not reclaimed");
            assertEquals(1, slabs(al, midClass), "the span holding a live block must stay; the wholly free one goes");
            assertEquals(0x5A5A5A5AL, ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, kept[0]));

            // A second free of a block of the span given back is refused, changing nothing.
            long gone = freedThere.stream().filter(p -> (p & -MID_SPAN) != (kept[0] & -MID_SPAN)).findFirst().orElseThrow();
            RuntimeException e = assertThrows(RuntimeException.class, () -> al.free(gone));
            assertTrue(e instanceof IllegalStateException || e instanceof IllegalArgumentException, "refused with " + e);
            assertEquals(1, al.stats().liveBlocks());
            al.free(kept[0]);
            assertEquals(0, al.stats().liveBlocks());
        }
    }

    private static void runAndEnd(Runnable body) throws InterruptedException {
        OnThread.run(Thread.ofPlatform(), body, Duration.ofSeconds(60));
    }

    private static int classOf(NativeAllocator al, long size) {
        return al.stats().classes().stream().filter(c -> c.size() >= size).findFirst().orElseThrow().index();
    }

    private static long slabs(NativeAllocator al, int cls) {
        return al.stats().classes().get(cls).slabs();
    }
}
