package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats.TierStats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * realloc grows a Large block in place when the pages after it are free (as jemalloc grows a large
 * extent into a free neighbour), instead of allocating, copying and freeing: the bytes stay, the
 * address stays, and the block stays an ordinary live block for usableSize, free, the thread cache,
 * the statistics and the misuse checks. When the next pages are taken it moves, as before.
 */
class LargeReallocInPlaceTest {
    private static final long KIB = 1024;

    /** Writes a pattern into the first {@code bytes} of {@code p}. */
    private static void fill(NativeAllocator al, long p, long bytes) {
        var s = MemorySegment.ofAddress(p).reinterpret(bytes);
        for (long i = 0; i < bytes; i += 512) s.set(ValueLayout.JAVA_BYTE, i, (byte) (i >>> 9));
    }

    private static void assertPattern(NativeAllocator al, long p, long bytes) {
        var s = MemorySegment.ofAddress(p).reinterpret(bytes);
        for (long i = 0; i < bytes; i += 512) assertEquals((byte) (i >>> 9), s.get(ValueLayout.JAVA_BYTE, i), "byte " + i);
    }

    @Test
    void aBlockFollowedByFreePagesGrowsWithoutMoving() {
        try (NativeAllocator al = Hakmem.create()) {
            long p = al.malloc(80 * KIB); // the first Large block: the rest of its chunk is one free run
            fill(al, p, 80 * KIB);
            long q = al.realloc(p, 100 * KIB);
            assertEquals(p, q, "grown in place");
            assertPattern(al, q, 80 * KIB);
            assertTrue(al.usableSize(q) >= 100 * KIB, "usable " + al.usableSize(q));
            MemorySegment.ofAddress(q).reinterpret(100 * KIB).set(ValueLayout.JAVA_BYTE, 100 * KIB - 1, (byte) 7); // the new tail is the block's
            TierStats t = al.stats().tier(Tier.LARGE);
            assertEquals(1, t.liveBlocks());
            assertEquals(al.usableSize(q), t.liveBytes(), "live bytes follow the grown run");
            long r = al.realloc(q, 1000 * KIB);
            assertEquals(p, r, "and again, beyond the thread cache's 256 KiB");
            assertPattern(al, r, 80 * KIB);
            assertEquals(al.usableSize(r), al.stats().tier(Tier.LARGE).liveBytes());
            al.free(r);
            assertEquals(0, al.stats().tier(Tier.LARGE).liveBlocks());
            var twice = assertThrows(IllegalStateException.class, () -> al.free(r));
            assertTrue(twice.getMessage().contains("double free"), twice.getMessage());
        }
    }

    @Test
    void aBlockWhoseNextPagesAreTakenMovesAndItsNeighbourIsUntouched() {
        try (NativeAllocator al = Hakmem.create()) {
            long p = al.malloc(80 * KIB);
            long q = al.malloc(80 * KIB);
            assertEquals(p + 80 * KIB, q, "carved one after the other from the chunk's free run");
            fill(al, p, 80 * KIB);
            fill(al, q, 80 * KIB);
            long r = al.realloc(p, 100 * KIB);
            assertNotEquals(p, r, "q holds the pages after p: the block moves");
            assertPattern(al, r, 80 * KIB);
            assertPattern(al, q, 80 * KIB);
            assertEquals(80 * KIB, al.usableSize(q));
            al.free(q);
            al.free(r);
            assertEquals(0, al.stats().tier(Tier.LARGE).liveBlocks());
        }
    }

    @Test
    void aBlockThatMovesToGrowGetsRoomToGrowByHalfAgainInPlace() {
        try (NativeAllocator al = Hakmem.create()) {
            long p = al.malloc(80 * KIB);
            long q = al.malloc(80 * KIB); // takes the pages after p
            fill(al, p, 80 * KIB);
            long requestedBefore = al.stats().bytesRequested();
            long r = al.realloc(p, 100 * KIB);
            assertNotEquals(p, r, "test set-up: the block moves");
            assertTrue(al.usableSize(r) >= 150 * KIB, "room to grow by half: " + al.usableSize(r));
            assertEquals(100 * KIB, al.stats().bytesRequested() - requestedBefore, "the statistics count what was asked for");
            long next = al.realloc(r, 150 * KIB);
            assertEquals(r, next, "the next growth by half stays in place");
            assertPattern(al, next, 80 * KIB);
            al.free(q);
            al.free(next);
            assertEquals(0, al.stats().tier(Tier.LARGE).liveBlocks());
        }
    }

    @Test
    void aGrownBlockGoesThroughTheThreadCacheAtItsNewSize() {
        try (NativeAllocator al = Hakmem.create()) {
            long p = al.malloc(80 * KIB);
            long q = al.realloc(p, 128 * KIB);
            assertEquals(p, q);
            al.free(q); // 32 pages: into the thread cache, by the page count of its state word
            assertEquals(q, al.malloc(128 * KIB), "the cache hands the grown block out for its new page count");
            assertEquals(128 * KIB, al.usableSize(q));
            al.free(q);
            assertThrows(IllegalStateException.class, () -> al.realloc(q, 256 * KIB), "realloc of a freed block is refused");
        }
    }

    @Test
    void growthPastTheMemoryLimitMovesNothingAndKeepsTheBlock() {
        try (NativeAllocator al = Hakmem.create(AllocatorConfig.builder().memoryLimit(4L << 20).build())) {
            long p = al.malloc(512 * KIB); // the pages after it are untouched: growing into them is charged
            fill(al, p, 512 * KIB);
            long huge = al.malloc(3328 * KIB); // Huge: from the OS, charged to the same budget (3.75 MiB in all now)
            assertThrows(OutOfMemoryError.class, () -> al.realloc(p, 1024 * KIB), "512 KiB more would pass the 4 MiB limit");
            assertEquals(512 * KIB, al.usableSize(p), "unchanged");
            assertPattern(al, p, 512 * KIB);
            al.free(huge);
            assertEquals(p, al.realloc(p, 1024 * KIB), "within the limit again: in place");
            assertPattern(al, p, 512 * KIB);
            al.free(p);
            assertEquals(0, al.stats().tier(Tier.LARGE).liveBlocks());
        }
    }
}
