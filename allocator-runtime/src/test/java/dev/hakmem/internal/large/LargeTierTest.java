package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.TestAddressSpace;
import dev.hakmem.internal.os.RawMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class LargeTierTest {
    @AutoClose
    private final TestAddressSpace space = new TestAddressSpace();

    @Test
    void freedNeighboursCoalesceSoAWholeChunkFitsAgain() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, Long.MAX_VALUE);
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 8; i++) blocks.add(tier.allocate(512 * 1024, 4096, false)); // fills 1 chunk exactly
        assertEquals(4L << 20, space.budget.committed(), "eight 512 KiB runs fill one 4 MiB chunk");
        // Free in an order that needs left, right and both-sided merges.
        for (int i : new int[] {1, 3, 2, 0, 6, 7, 5, 4}) tier.free(blocks.get(i));
        long whole = tier.allocate(2L << 20, 2L << 20, false);
        long second = tier.allocate(2L << 20, 4096, false);
        assertEquals(4L << 20, space.budget.committed(), "both halves came from the coalesced chunk");
        assertEquals(0, whole & ((2L << 20) - 1));
        tier.free(whole);
        tier.free(second);
    }

    @Test
    void bestFitAlignmentAndUsableSize() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, Long.MAX_VALUE);
        for (long align = 4096; align <= (2L << 20); align <<= 1) {
            long p = tier.allocate(40_000, align, false);
            assertEquals(0, p & (align - 1), "alignment " + align);
            assertEquals(40_960, tier.usableSize("usableSize", p));
            tier.free(p);
        }
    }

    @Test
    void misuseIsReportedAndChangesNothing() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, Long.MAX_VALUE);
        long p = tier.allocate(100_000, 4096, false);
        long q = tier.allocate(100_000, 4096, false);
        var interior = assertThrows(IllegalArgumentException.class, () -> tier.free(p + 4096));
        assertTrue(interior.getMessage().contains("interior") && interior.getMessage().contains(Long.toHexString(p + 4096)), interior.getMessage());
        tier.free(p);
        var dbl = assertThrows(IllegalStateException.class, () -> tier.free(p));
        assertTrue(dbl.getMessage().contains("double free") && dbl.getMessage().contains("LARGE"), dbl.getMessage());
        assertEquals(1, tier.liveBlocks());
        tier.free(q);
        assertEquals(0, tier.liveBlocks());
    }

    @Test
    void freedMemoryBeyondTheRetainedLimitGoesBackToTheOs() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, 1L << 20);
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            long p = tier.allocate(1L << 20, 4096, false);
            RawMemory.zero(RawMemory.ANYWHERE, p, 1L << 20); // touch: make it resident
            blocks.add(p);
        }
        long committedAtPeak = space.budget.committed();
        for (long p : blocks) tier.free(p);
        assertTrue(tier.cachedBytes() <= (1L << 20), "retained " + tier.cachedBytes());
        assertTrue(space.budget.committed() <= (4L << 20), "whole free chunks are released: " + space.budget.committed() + " of " + committedAtPeak);
    }

    @Test
    void randomRunsNeverOverlapAndCallocMemoryIsZero() {
        LargeTier tier = new LargeTier(space.reservation, space.budget, space.registry, 2L << 20);
        Random rnd = new Random(42);
        java.util.TreeMap<Long, Long> live = new java.util.TreeMap<>();
        for (int i = 0; i < 5000; i++) {
            if (live.size() > 20 || (!live.isEmpty() && rnd.nextBoolean())) {
                Long k = live.keySet().stream().skip(rnd.nextInt(live.size())).findFirst().orElseThrow();
                tier.free(k);
                live.remove(k);
            } else {
                long size = 32_769 + rnd.nextInt(2 << 20 - 32_769);
                long p = tier.allocate(size, 4096, true);
                long usable = tier.usableSize("usableSize", p);
                for (long off = 0; off < usable; off += 4096) {
                    if (RawMemory.getByte(p + off) != 0) throw new AssertionError("calloc page not zero at " + off);
                }
                RawMemory.copy(RawMemory.ANYWHERE, p, RawMemory.ANYWHERE, p, 0);
                fillNonZero(p, usable);
                var below = live.floorEntry(p);
                var above = live.ceilingEntry(p);
                assertTrue(below == null || below.getKey() + below.getValue() <= p, "overlap below");
                assertTrue(above == null || p + usable <= above.getKey(), "overlap above");
                live.put(p, usable);
            }
        }
        for (long p : live.keySet()) tier.free(p);
        assertEquals(0, tier.liveBytes());
    }

    private static void fillNonZero(long p, long usable) {
        for (long off = 0; off < usable; off += 4096) {
            java.lang.foreign.MemorySegment.NULL.reinterpret(Long.MAX_VALUE).set(java.lang.foreign.ValueLayout.JAVA_BYTE, p + off, (byte) 7);
        }
    }
}
