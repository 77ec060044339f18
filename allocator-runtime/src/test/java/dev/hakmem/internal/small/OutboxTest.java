package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A thread's outbox of one class fills a batch per owner for up to four owners at once (the current
 * batch and {@link ClassCache#PARKED} parked ones): frees of blocks of several living owners in turn
 * send nothing until a batch is full, a fifth owner needs a slot, or the cache is drained, and every
 * block then reaches its own owner.
 */
class OutboxTest {
    private static final int SIZE = 64;
    /** The default batch of {@link #SIZE}'s class: the length of an inbox node. */
    private static final int BATCH = DefaultBatches.of(SIZE);

    private final CountDownLatch done = new CountDownLatch(1);
    private final List<Thread> owners = new ArrayList<>();

    @AfterEach
    void endOwners() throws InterruptedException {
        done.countDown();
        for (Thread t : owners) t.join();
    }

    /** Starts a thread that mallocs {@code n} blocks of {@link #SIZE} and lives until the test ends; returns its blocks. */
    private long[] ownerWithBlocks(HakmemAllocator a, int n) throws InterruptedException {
        return ownerWithBlocks(a, n, SIZE);
    }

    /** Starts a thread that mallocs {@code n} blocks of {@code size} bytes and lives until the test ends; returns its blocks. */
    private long[] ownerWithBlocks(HakmemAllocator a, int n, int size) throws InterruptedException {
        long[] blocks = new long[n];
        CountDownLatch made = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            for (int i = 0; i < n; i++) blocks[i] = a.malloc(size);
            made.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        owners.add(t);
        t.start();
        made.await();
        return blocks;
    }

    private static ThreadCache ownerOf(HakmemAllocator a, long p) {
        return a.smallFront().caches().owner(ChunkRegistry.ownerOfInfo(a.pageInfo(p)));
    }

    private static long inboxBlocks(HakmemAllocator a, long p) {
        int cls = ChunkRegistry.kindOfInfo(a.pageInfo(p)) - 1;
        return ownerOf(a, p).inboxBlocks(cls);
    }

    @Test
    void blocksOfSeveralOwnersInTurnTravelInBatches() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            assertEquals(3, ClassCache.PARKED, "test set-up: four batches at once");
            long[][] blocks = new long[5][];
            for (int o = 0; o < blocks.length; o++) blocks[o] = ownerWithBlocks(a, 2);
            for (int o = 0; o < 4; o++) {
                assertTrue(ownerOf(a, blocks[o][0]) != ownerOf(a, blocks[(o + 1) % 5][0]), "test set-up: five owners");
            }
            for (int round = 0; round < 2; round++) {
                for (int o = 0; o < 4; o++) a.free(blocks[o][round]);
            }
            for (int o = 0; o < 4; o++) {
                assertEquals(0, inboxBlocks(a, blocks[o][0]), "four owners in turn: every batch still filling");
            }
            a.free(blocks[4][0]); // a fifth owner: one parked batch is sent to make room
            int sent = 0;
            for (int o = 0; o < 4; o++) {
                long n = inboxBlocks(a, blocks[o][0]);
                assertTrue(n == 0 || n == 2, "a batch goes whole: " + n);
                if (n == 2) sent++;
            }
            assertEquals(1, sent, "one batch sent");
            assertEquals(0, inboxBlocks(a, blocks[4][0]), "the fifth owner's batch fills");
            a.free(blocks[4][1]);
            a.releaseThreadCache(); // sends every batch
            for (int o = 0; o < 5; o++) {
                assertEquals(2, inboxBlocks(a, blocks[o][0]), "each owner got its own blocks");
            }
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void aFullBatchGoesAtOnce() throws InterruptedException {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            long[] blocks = ownerWithBlocks(a, BATCH + 1);
            long[] other = ownerWithBlocks(a, 1);
            a.free(other[0]);
            for (int i = 0; i < BATCH - 1; i++) a.free(blocks[i]);
            assertEquals(0, inboxBlocks(a, blocks[0]), "one short of a batch");
            a.free(blocks[BATCH - 1]);
            assertEquals(BATCH, inboxBlocks(a, blocks[0]), "a full batch is sent");
            assertEquals(0, inboxBlocks(a, other[0]), "the other owner's batch still fills");
            a.free(blocks[BATCH]);
            a.releaseThreadCache();
            assertEquals(BATCH + 1, inboxBlocks(a, blocks[0]));
            assertEquals(1, inboxBlocks(a, other[0]));
        }
    }

    @Test
    void batchesOfLargeClassesHoldAtMost32KiB() throws InterruptedException {
        assertEquals(32 << 10, SmallTier.OUTBOX_BYTES);
        assertEquals(128, SmallTier.outboxLimit(128, 64), "Tiny classes keep their batch");
        assertEquals(32, SmallTier.outboxLimit(32, 1024), "Tiny classes keep their batch");
        assertEquals(4, SmallTier.outboxLimit(4, 8192), "Mid classes up to 8 KiB keep their batch");
        assertEquals(2, SmallTier.outboxLimit(4, 16384));
        assertEquals(1, SmallTier.outboxLimit(4, 65536));
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            assertEquals(4, DefaultBatches.of(16384), "test set-up: the 16 KiB class's batch is 4");
            long[] mid16 = ownerWithBlocks(a, 3, 16384);
            a.free(mid16[0]);
            assertEquals(0, inboxBlocks(a, mid16[0]), "one 16 KiB block waits for a second");
            a.free(mid16[1]);
            assertEquals(2, inboxBlocks(a, mid16[0]), "two 16 KiB blocks (32 KiB) are sent, not four");
            long[] mid64 = ownerWithBlocks(a, 2, 65536);
            a.free(mid64[0]);
            assertEquals(1, inboxBlocks(a, mid64[0]), "a 64 KiB block is sent at once");
            a.free(mid64[1]);
            assertEquals(2, inboxBlocks(a, mid64[0]));
            a.free(mid16[2]);
            a.releaseThreadCache();
            assertEquals(3, inboxBlocks(a, mid16[0]), "every block reaches its owner");
        }
    }
}
