package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Large tier keeps entirely free chunks, resident, while within {@code largeRetainedBytes}; when
 * the reserved address space runs out they go back, so the other tiers get chunks, and the memory
 * figures of {@link NativeAllocator#stats()} follow.
 */
@ExtendWith(OomAsFailure.class)
class AddressSpacePressureTest {
    private static final long SPACE = 64 * MiB; // 16 chunks
    private static final int LARGE_BLOCKS = 60; // 1 MiB each, 4 to a chunk: 15 chunks
    private static final int MID_BLOCKS = 300; // 32 KiB each, 16 to a 512 KiB span: 19 spans, 3 chunks

    /**
     * 60 MiB of Large blocks fill 15 of the 16 chunks and are freed: the tier keeps them (60 MiB is
     * within the default 64 MiB retained limit), cached, committed and resident. Mid blocks that need
     * 3 chunks then get two of them from the Large tier, which gives back all 15 (they are entirely
     * free): its cache, the committed bytes and the resident bytes drop by the 60 MiB. A Large block
     * can still be had afterwards, and the allocator closes with Large chunks cached again.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void chunksTheLargeTierKeepsFreeGoToTheSmallTiersWhenTheAddressSpaceRunsOut() {
        NativeAllocator alloc = Hakmem.create(AllocatorConfig.builder().addressSpace(SPACE).build());
        try (alloc) {
            List<Long> large = new ArrayList<>();
            for (int i = 0; i < LARGE_BLOCKS; i++) {
                long p = alloc.malloc(1 * MiB);
                TestMemory.fill(p, 1 * MiB, i); // resident
                large.add(p);
            }
            for (long p : large) alloc.free(p);
            AllocatorStats cached = alloc.stats();
            assertEquals(LARGE_BLOCKS * MiB, cached.tier(Tier.LARGE).cachedBytes(), "test set-up: the Large tier keeps every freed page");
            assertTrue(cached.bytesCommitted() >= LARGE_BLOCKS * MiB, "cached pages are committed: " + cached.bytesCommitted());
            assertTrue(cached.bytesResident() >= LARGE_BLOCKS * MiB, "cached pages are resident: " + cached.bytesResident());

            List<Long> mid = new ArrayList<>();
            for (int i = 0; i < MID_BLOCKS; i++) { // needs 3 chunks; only 1 was never handed out
                long p = alloc.malloc(32 * KiB);
                TestMemory.fill(p, 32 * KiB, 1000 + i);
                mid.add(p);
            }
            AllocatorStats after = alloc.stats();
            String report = "committed " + cached.bytesCommitted() + " -> " + after.bytesCommitted()
                    + ", resident " + cached.bytesResident() + " -> " + after.bytesResident();
            assertEquals(0, after.tier(Tier.LARGE).cachedBytes(), "the Large tier gave its free chunks back");
            assertTrue(after.bytesCommitted() <= cached.bytesCommitted() - LARGE_BLOCKS * MiB + 12 * MiB,
                    "the given-back pages are no longer committed (12 MiB for the Mid spans): " + report);
            assertTrue(after.bytesResident() <= cached.bytesResident() - LARGE_BLOCKS * MiB + 12 * MiB,
                    "the given-back pages are no longer resident (12 MiB for the Mid spans): " + report);

            long again = alloc.malloc(2 * MiB);
            TestMemory.fill(again, 2 * MiB, 7);
            for (int i = 0; i < MID_BLOCKS; i++) assertEquals(-1, TestMemory.mismatch(mid.get(i), 32 * KiB, 1000 + i), "Mid block " + i);
            for (long p : mid) alloc.free(p);
            alloc.free(again); // stays cached in the Large tier: close must give it back with the rest
            AllocatorStats end = alloc.stats();
            assertEquals(0, end.liveBlocks());
            assertEquals(2 * MiB, end.tier(Tier.LARGE).cachedBytes());
        }
        AllocatorStats atClose = alloc.stats(); // after close: the snapshot taken at close
        assertEquals(0, atClose.liveBlocks(), "stats after close");
        assertEquals(2 * MiB, atClose.tier(Tier.LARGE).cachedBytes(), "stats after close: what close found cached");
        assertThrows(IllegalStateException.class, () -> alloc.malloc(1 * MiB), "malloc after close");
    }
}
