package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A living thread that frees far more blocks than its cache holds keeps at most {@link Spill#ARRAY_MAX}
 * of them as addresses and the rest as bits of their slabs' bitmaps: about one bit of Java heap per
 * block instead of 8 bytes, and the heap (the process's RSS with it) no longer grows by the size of the
 * largest burst of frees (mstress: every thread frees tens of thousands of blocks before it ends). Its
 * next mallocs get every one of those blocks back, none twice, without new memory.
 */
class SpillBitsTest {
    private static final int BLOCKS = 40_000;

    @ParameterizedTest(name = "checks {0}, shuffled {1}")
    @CsvSource({"true, true", "false, true", "true, false"})
    void aBurstOfFreesIsKeptAsBitsAndEveryBlockComesBackOnce(boolean checks, boolean shuffled) {
        AllocatorConfig config = AllocatorConfig.defaults().toBuilder().checks(checks).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            for (int round = 0; round < 3; round++) { // later rounds reuse the bitmaps
                long[] blocks = new long[BLOCKS];
                for (int i = 0; i < BLOCKS; i++) blocks[i] = a.malloc(16);
                long committed = a.stats().bytesCommitted();
                if (shuffled) shuffle(blocks, round); // else in allocation order: runs of a slab's blocks, across slab ends (Spill.markRun)
                for (long p : blocks) a.free(p);
                int cls = new SizeClasses(config).classOf(16);
                Spill spill = a.smallFront().caches().own().spill[cls];
                assertTrue(spill.blocks() > BLOCKS / 2, "the overflow is in the spill: " + spill.blocks());
                assertTrue(spill.heapBytes() < BLOCKS / 2, "the spill holds " + spill.blocks() + " blocks in " + spill.heapBytes()
                        + " bytes of Java heap (as addresses: 8 per block)");
                Set<Long> before = new HashSet<>();
                for (long p : blocks) before.add(p);
                Set<Long> seen = new HashSet<>();
                int neverHandedOut = 0; // the rest of the last refill of the first mallocs, cached since
                for (int i = 0; i < BLOCKS; i++) {
                    long p = a.malloc(16);
                    assertTrue(seen.add(p), "block handed out twice: " + Long.toHexString(p));
                    if (!before.contains(p)) neverHandedOut++;
                    blocks[i] = p;
                }
                assertTrue(neverHandedOut < config.batchSize(cls), neverHandedOut + " blocks were not among the freed ones,"
                        + " more than the rest of one refill");
                assertEquals(committed, a.stats().bytesCommitted(), "no new memory for blocks the spill holds");
                // Free now: as many blocks as the first mallocs left cached, fewer than a batch, wherever they are.
                assertTrue(spill.blocks() < config.batchSize(cls), "the spill gave back all but " + spill.blocks() + " blocks");
                for (long p : blocks) a.free(p);
            }
        }
    }

    private static void shuffle(long[] a, long seed) {
        Random r = new Random(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
