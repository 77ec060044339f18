package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A slab's orphans as a bitmap ({@link Slab#newOrphanBits}): what goes in comes out once, and the bitmap is reused. */
class OrphanBitsTest {
    private static final int BLOCK = 48, CAPACITY = 1000; // not a multiple of 64: the last word is partial
    private final Slab slab = new Slab(1L << 30, 2, BLOCK, CAPACITY, SizeClasses.magicOf(BLOCK));

    private long address(int index) {
        return slab.blockAddress(index);
    }

    private void mark(long[] bits, long... addresses) {
        for (long p : addresses) slab.markOrphan(bits, p);
    }

    @Test
    void everyMarkedBlockComesOutOnceInAddressOrder() {
        long[] bits = slab.newOrphanBits();
        long[] free = {address(999), address(0), address(63), address(64), address(500), address(65)};
        mark(bits, free);
        assertEquals(6, Slab.orphanCount(bits));
        long[] out = new long[10];
        assertEquals(6, slab.drainOrphans(bits, out, 2, 100));
        long[] sorted = free.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, Arrays.copyOfRange(out, 2, 8));
        assertEquals(0, Slab.orphanCount(bits));
        for (int w = 0; w < bits.length - 1; w++) assertEquals(0, bits[w], "a drained bitmap is cleared");
    }

    @Test
    void settingABitReportsWhetherItWasNewAndLeavesTheCountToTheCaller() {
        long[] bits = slab.newOrphanBits();
        assertEquals(1, slab.setOrphanBit(bits, address(63)));
        assertEquals(1, slab.setOrphanBit(bits, address(64)), "the first bit of the next word");
        assertEquals(0, slab.setOrphanBit(bits, address(63)), "a block listed twice is one block");
        assertEquals(0, Slab.orphanCount(bits), "the count is the caller's to add");
        mark(bits, address(64), address(999));
        assertEquals(1, Slab.orphanCount(bits), "markOrphan counts only block 999: 64 was set");
    }

    @Test
    void aSlabHoldsTheBytesOfItsBlocksAndNothingAroundThem() {
        long base = slab.base(), end = base + (long) CAPACITY * BLOCK;
        assertTrue(slab.holds(base));
        assertTrue(slab.holds(end - 1));
        assertFalse(slab.holds(end), "the first byte after the last block");
        assertFalse(slab.holds(base - 1));
        assertFalse(slab.holds(0));
    }

    @Test
    void mergingCountsABlockInBothBitmapsOnce() {
        long[] into = slab.newOrphanBits(), from = slab.newOrphanBits();
        mark(into, address(1), address(64), address(999));
        mark(from, address(64), address(2), address(998), address(999));
        assertEquals(2, Slab.mergeOrphans(into, from), "blocks 2 and 998 are new; 64 and 999 were there");
        assertEquals(5, Slab.orphanCount(into));
        assertEquals(4, Slab.orphanCount(from), "the source is left as it was");
        long[] out = new long[8];
        assertEquals(5, slab.drainOrphans(into, out, 0, 8));
        assertArrayEquals(new long[] {address(1), address(2), address(64), address(998), address(999)}, Arrays.copyOf(out, 5));
    }

    @Test
    void aPartialDrainLeavesTheRestForTheNext() {
        long[] bits = slab.newOrphanBits();
        long[] free = new long[200];
        for (int i = 0; i < free.length; i++) free[i] = address(3 * i);
        mark(bits, free);
        long[] out = new long[200];
        int n = 0;
        for (int k; (k = slab.drainOrphans(bits, out, n, 7)) > 0; n += k) assertEquals(Math.min(7, 200 - n), k);
        assertEquals(200, n);
        assertArrayEquals(free, out, "all of them, each once, in order, over 29 drains");
    }

    @Test
    void anAddressGivenTwiceIsOneOrphan() {
        long[] bits = slab.newOrphanBits();
        mark(bits, address(7), address(7), address(8));
        assertEquals(2, Slab.orphanCount(bits), "a block is handed out once, however often it was listed");
        assertEquals(2, slab.drainOrphans(bits, new long[3], 0, 3));
    }

    @Test
    void anEmptiedBitmapIsTheSlabsNextOne() {
        long[] bits = slab.newOrphanBits();
        mark(bits, address(1));
        long[] other = slab.newOrphanBits();
        assertNotSame(bits, other, "while one is in use, a second is new");
        slab.drainOrphans(bits, new long[1], 0, 1);
        assertSame(bits, slab.newOrphanBits(), "the emptied bitmap is reused: no garbage per orphaning");
        assertEquals(0, Slab.orphanCount(Slab.NO_ORPHANS));
        assertEquals(0, slab.drainOrphans(Slab.NO_ORPHANS, new long[1], 0, 1));
        assertEquals(1, Slab.NO_ORPHANS.length, "the shared empty bitmap is never written or kept");
    }
}
