package dev.hakmem;

import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Freed Huge blocks are kept for reuse in the default configuration (64 MiB, best fit, split and
 * merged: {@code internal.huge.RetainedRanges}) and given back to the OS after about a second unused.
 */
class HugeReuseTest {
    /** A little more than the decay of kept Huge mappings (1 s). */
    private static final long DECAY_MILLIS = 1100;

    private static long cachedHuge(NativeAllocator a) {
        return a.stats().tier(Tier.HUGE).cachedBytes();
    }

    @Test
    void aFreedHugeBlockServesTheNextHugeMallocThatFitsAndItsUnusedTailStaysKept() {
        try (NativeAllocator a = Hakmem.create()) {
            long p = a.malloc(8 * MiB);
            TestMemory.ALL.asSlice(p, 8 * MiB).fill((byte) 1);
            a.free(p);
            assertEquals(8 * MiB, cachedHuge(a), "kept, not unmapped");
            long q = a.malloc(5 * MiB);
            assertEquals(p, q, "the freed mapping's start serves the smaller block");
            assertEquals(5 * MiB, a.usableSize(q), "a reused block is the size a fresh mapping would be");
            assertEquals(3 * MiB, cachedHuge(a), "the tail stays kept");
            long r = a.malloc(3 * MiB);
            assertEquals(p + 5 * MiB, r, "and serves the next block that fits");
            assertEquals(0, cachedHuge(a));
            TestMemory.ALL.asSlice(q, 5 * MiB).fill((byte) 2);
            TestMemory.ALL.asSlice(r, 3 * MiB).fill((byte) 3);
            assertEquals(2, TestMemory.ALL.get(ValueLayout.JAVA_BYTE, q + 5 * MiB - 1));
            a.free(q);
            a.free(r);
            assertEquals(8 * MiB, cachedHuge(a), "the two halves merge back");
            assertEquals(p, a.malloc(8 * MiB), "into one range that serves the whole size again");
        }
    }

    @Test
    void keptMappingsAreGivenBackAfterAboutASecondUnused() throws InterruptedException {
        try (NativeAllocator a = Hakmem.create()) {
            long p = a.malloc(6 * MiB);
            TestMemory.ALL.asSlice(p, 6 * MiB).fill((byte) 1);
            long committedLive = a.stats().bytesCommitted();
            a.free(p);
            assertEquals(6 * MiB, cachedHuge(a));
            long deadline = System.nanoTime() + 5_000_000_000L; // the decay is 1 s, the reaper looks every 50 ms
            // Both, not one then the other: the reaper takes the range off the kept list under the
            // tier's lock and unmaps it (and uncharges it) after, so for the length of the munmap a
            // snapshot shows it neither kept nor given back; one test run on a busy 2-core machine
            // read its statistics in that window.
            while ((cachedHuge(a) != 0 || a.stats().bytesCommitted() > committedLive - 6 * MiB) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, cachedHuge(a), "given back by the reaper, with no call of the program's");
            assertTrue(a.stats().bytesCommitted() <= committedLive - 6 * MiB,
                    "unmapped: committed " + a.stats().bytesCommitted() + " with the block live " + committedLive);
        }
    }

    @Test
    void aBlockLargerThanTheLimitIsUnmappedOnFree() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().hugeRetainedBytes(4 * MiB).build())) {
            long small = a.malloc(3 * MiB);
            long big = a.malloc(8 * MiB);
            a.free(small);
            a.free(big);
            assertEquals(3 * MiB, cachedHuge(a), "the 3 MiB block is kept, the 8 MiB one is not");
        }
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().hugeRetainedBytes(0).build())) {
            a.free(a.malloc(3 * MiB));
            assertEquals(0, cachedHuge(a), "hugeRetainedBytes(0) keeps nothing");
        }
    }

    @Test
    void anAddressInsideAKeptRangeIsNoBlockToFree() {
        try (NativeAllocator a = Hakmem.create()) {
            long p = a.malloc(8 * MiB);
            a.free(p);
            long q = a.malloc(4 * MiB); // p again; p + 4 MiB is now a kept range, not a block
            assertEquals(p, q);
            assertThrows(IllegalArgumentException.class, () -> a.free(p + 4 * MiB));
            a.free(q);
            assertThrows(IllegalStateException.class, () -> a.free(q), "a double free after reuse is still named");
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    /**
     * Threads that replace Huge blocks of random sizes at once, while the reaper gives kept mappings
     * back: every live block keeps, in every byte, the pattern of its own thread, address and serial
     * (two blocks sharing memory would overwrite each other's), and nothing is left live.
     */
    @Test
    void threadsReplacingHugeBlocksNeverGetOverlappingOnes() throws InterruptedException {
        try (NativeAllocator a = Hakmem.create()) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int id = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        replaceBlocks(a, id, new SplittableRandom(id));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : threads) t.join();
            if (failure.get() != null) throw new AssertionError(failure.get());
            assertEquals(0, a.stats().tier(Tier.HUGE).liveBlocks());
        }
    }

    private static void replaceBlocks(NativeAllocator a, int thread, SplittableRandom random) throws InterruptedException {
        long[] blocks = new long[3], sizes = new long[3], tags = new long[3];
        for (int step = 0; step < 150; step++) {
            int slot = random.nextInt(blocks.length);
            if (blocks[slot] != 0) {
                TestMemory.assertPattern(blocks[slot], sizes[slot], tags[slot]);
                a.free(blocks[slot]);
            }
            sizes[slot] = (2 * MiB + 1) + random.nextLong(10 * MiB);
            blocks[slot] = a.malloc(sizes[slot]);
            tags[slot] = TestMemory.tag(thread, blocks[slot], step);
            TestMemory.fill(blocks[slot], sizes[slot], tags[slot]);
            if (step % 50 == 49) Thread.sleep(DECAY_MILLIS); // let some kept mappings decay meanwhile
        }
        for (int slot = 0; slot < blocks.length; slot++) {
            TestMemory.assertPattern(blocks[slot], sizes[slot], tags[slot]);
            a.free(blocks[slot]);
        }
    }
}
