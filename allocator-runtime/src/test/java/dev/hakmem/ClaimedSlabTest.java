package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.HakmemAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15 (larson): a platform thread that frees a block of a shared slab (one whose owner ended)
 * claims the slab when it is carved to its end, so its next frees of that slab's blocks are an
 * owner's, with no atomic instruction. The hazard that comes with it: a remote free sent to the ended
 * owner, still in flight when the slab changes hands, must reach the new owner, not be refused as a
 * phantom double free and lost.
 */
class ClaimedSlabTest {
    private static final int SIZE = 1024, PER_SLAB = 64; // a 64 KiB Tiny slab of 1024-byte blocks

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aRemoteFreeInFlightToAnEndedOwnerReachesTheThreadThatClaimedTheSlab() throws Exception {
        try (NativeAllocator al = Hakmem.create()) {
            HakmemAllocator h = (HakmemAllocator) al;
            List<Long> blocks = new ArrayList<>();
            CountDownLatch allocated = new CountDownLatch(1), mayEnd = new CountDownLatch(1);
            Thread ended = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < PER_SLAB; i++) blocks.add(al.malloc(SIZE)); // its first slab, carved to its end
                allocated.countDown();
                await(mayEnd); // alive until the remote free below is made: a free to a live owner
            });
            allocated.await();
            List<Long> sorted = new ArrayList<>(blocks);
            sorted.sort(null);
            long inFlight = sorted.get(0), claiming = sorted.get(1); // both in the first slab

            // A remote free waits in another thread's outbox (fewer than a batch: not sent yet)...
            CountDownLatch sent = new CountDownLatch(1), flush = new CountDownLatch(1), done = new CountDownLatch(1);
            Thread sender = Thread.ofPlatform().start(() -> {
                al.free(inFlight);
                sent.countDown();
                await(flush);
                al.releaseThreadCache(); // ...and is sent now, to the ended owner's closed inbox
                done.countDown();
            });
            sent.await();
            mayEnd.countDown();
            ended.join();
            // ...while the owner has ended and its slabs became shared...
            EndedThreads.awaitReclaimed(h, 1, 10_000);
            assertEquals(1, h.liveThreadCaches(), "the ended thread's cache was not reclaimed");
            assertEquals(0, h.slabOwnerOf(claiming), "an ended thread's slab is shared");
            // ...and another thread claimed the slab by freeing one of its blocks, and stays alive.
            CountDownLatch claimed = new CountDownLatch(1), end = new CountDownLatch(1);
            Thread claimer = Thread.ofPlatform().start(() -> {
                al.free(claiming);
                claimed.countDown();
                await(end);
            });
            claimed.await();
            assertTrue(h.slabOwnerOf(inFlight) != 0, "the slab was claimed by the thread that freed its block");
            flush.countDown();
            done.await();

            AllocatorStats s = al.stats();
            assertEquals(0, s.racingDoubleFrees(), "the in-flight free was refused as a phantom double free");
            assertEquals(PER_SLAB - 2, s.liveBlocks());
            end.countDown();
            claimer.join();
            sender.join();
            for (long p : blocks) {
                if (p != inFlight && p != claiming) al.free(p);
            }
            assertEquals(0, al.stats().liveBlocks());
            assertEquals(0, al.stats().racingDoubleFrees());
            // Every block is free exactly once: all 64 come back, none twice, to one thread.
            List<Long> again = new ArrayList<>();
            for (int i = 0; i < 4 * PER_SLAB; i++) again.add(al.malloc(SIZE));
            assertEquals(again.size(), again.stream().distinct().count(), "a block was handed out twice");
            for (long p : again) al.free(p);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
