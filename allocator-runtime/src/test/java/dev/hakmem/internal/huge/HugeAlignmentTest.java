package dev.hakmem.internal.huge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Alignments far beyond the block size (issue 14, item 5): a Huge block aligned to 2^36 or 2^40 bytes
 * is found in an over-sized range of address space that must be reserved, not committed (a
 * read-write mapping of 64 GiB or 1 TiB is refused by the kernel's overcommit heuristic on a machine
 * with less memory), and only the block itself is made accessible. The block works like any other.
 */
class HugeAlignmentTest {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    @Test
    void blocksAlignedTo64GiBAndTo1TiBWork() {
        try (NativeAllocator a = Hakmem.create()) {
            for (int shift : new int[] {36, 40}) {
                long alignment = 1L << shift;
                for (long size : new long[] {16, 3L << 20}) {
                    long p = a.mallocAligned(size, alignment);
                    assertEquals(0, p & (alignment - 1), "aligned to 2^" + shift);
                    assertTrue(a.usableSize(p) >= size);
                    ALL.set(ValueLayout.JAVA_BYTE, p, (byte) 7);
                    ALL.set(ValueLayout.JAVA_BYTE, p + size - 1, (byte) 9);
                    assertEquals(7, ALL.get(ValueLayout.JAVA_BYTE, p));
                    assertEquals(9, ALL.get(ValueLayout.JAVA_BYTE, p + size - 1));
                    a.free(p);
                }
            }
            assertEquals(0, a.stats().liveBlocks());
            assertEquals(0, a.stats().tier(dev.hakmem.Tier.HUGE).liveBytes());
        }
    }
}
