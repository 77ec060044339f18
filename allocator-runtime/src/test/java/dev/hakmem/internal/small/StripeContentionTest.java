package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import dev.hakmem.testing.OnThread;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Virtual threads whose mallocs find every stripe busy take memory without a cache (shared slabs),
 * and their frees, which wait for a stripe, must not park those blocks in a stripe for good: the next
 * mallocs without a stripe must find them. Before, a stripe claimed each shared slab it freed into and
 * kept its blocks in its spill, so every round of contention carved fresh memory: one stripe under
 * constant contention held 150-200 MB for 1 MB live (docs/BENCHMARKS-HISTORY.md, session 45).
 */
class StripeContentionTest {
    private static final int BLOCKS = 20_000;
    private static final int SIZE = 64;
    private static final int ROUNDS = 5;

    @ParameterizedTest(name = "checks {0}")
    @ValueSource(booleans = {true, false})
    void blocksMallocedWithoutAStripeAndFreedUnderOneAreReusedWithoutNewMemory(boolean checks) throws Exception {
        AllocatorConfig config = AllocatorConfig.defaults().toBuilder().checks(checks).build();
        try (HakmemAllocator a = new HakmemAllocator(config)) {
            ThreadCaches caches = a.smallFront().caches();
            long[] blocks = new long[BLOCKS];
            long committedAfterFirst = 0;
            for (int round = 0; round < ROUNDS; round++) {
                StripeLocks.onlyUnder(caches, -1, () -> { // every malloc goes without a cache
                    for (int i = 0; i < BLOCKS; i++) blocks[i] = a.malloc(SIZE);
                });
                Set<Long> distinct = new HashSet<>();
                for (long p : blocks) assertTrue(distinct.add(p), "block handed out twice: " + Long.toHexString(p));
                inVirtualThread(() -> { // the stripes are free again: every free goes through one
                    for (long p : blocks) a.free(p);
                });
                assertEquals(0, a.stats().liveBlocks());
                if (round == 0) committedAfterFirst = a.stats().bytesCommitted();
            }
            long grown = a.stats().bytesCommitted() - committedAfterFirst;
            assertTrue(grown <= 256 << 10, "after " + (ROUNDS - 1) + " more rounds of " + BLOCKS + " blocks of " + SIZE
                    + " bytes, committed memory grew by " + grown + " bytes (a round's blocks are "
                    + (long) BLOCKS * SIZE + " bytes)");
        }
    }

    private static void inVirtualThread(Runnable body) throws InterruptedException {
        OnThread.run(Thread.ofVirtual(), body, Duration.ofSeconds(60));
    }
}
