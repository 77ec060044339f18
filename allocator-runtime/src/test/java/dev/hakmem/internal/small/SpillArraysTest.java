package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpillArraysTest {
    @Test
    void handsOutPowersOfTwoAndTakesThemBack() {
        SpillArrays pool = new SpillArrays();
        long[] a = pool.take(100);
        assertEquals(128, a.length, "rounded up to a power of two");
        assertEquals(SpillArrays.MIN_LENGTH, pool.take(1).length, "never shorter than the minimum");
        pool.give(a);
        assertEquals(8L * 128, pool.bytes());
        assertSame(a, pool.take(65), "a pooled array long enough is reused");
        assertEquals(0, pool.bytes());
    }

    @Test
    void takesTheShortestPooledArrayLongEnough() {
        SpillArrays pool = new SpillArrays();
        long[] small = new long[64], mid = new long[256], big = new long[1024];
        pool.give(big);
        pool.give(small);
        pool.give(mid);
        assertSame(mid, pool.take(100));
        assertSame(big, pool.take(100), "a longer one when no shorter is left");
        assertNotSame(small, pool.take(100), "too short: a new one");
        assertSame(small, pool.take(10));
    }

    @Test
    void refusesALengthNoArrayCanHave() {
        OutOfMemoryError e = org.junit.jupiter.api.Assertions.assertThrows(OutOfMemoryError.class,
                () -> new SpillArrays().take(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("2147483647 blocks"), e.getMessage());
    }

    @Test
    void keepsNoMoreThanItsBoundAndOnlyItsOwnLengths() {
        SpillArrays pool = new SpillArrays();
        pool.give(new long[100]);
        pool.give(new long[0]);
        pool.give(new long[32]);
        assertEquals(0, pool.bytes(), "not a length the pool hands out");
        int n = (int) (SpillArrays.MAX_BYTES / (8 * 4096));
        for (int i = 0; i < n + 3; i++) pool.give(new long[4096]);
        assertEquals(SpillArrays.MAX_BYTES, pool.bytes(), "what lies beyond the bound is left to the collector");
    }

    @Test
    void aGrowingSpillGivesItsShorterArraysBackAndKeepsItsBlocks() {
        SpillArrays pool = new SpillArrays();
        Spill spill = new Spill(pool);
        long[] batch = new long[32];
        int rounds = Spill.ARRAY_MAX / batch.length; // all as addresses: no slab is asked for (no registry here)
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < batch.length; i++) batch[i] = 1000L * round + i;
            spill.put(batch, 0, batch.length, null);
        }
        assertEquals(Spill.ARRAY_MAX, spill.blocks());
        // 64, 128, 256, 512 given back on the way to 1024
        assertEquals(8L * (64 + 128 + 256 + 512), pool.bytes());
        long[] out = new long[32];
        for (int round = rounds - 1; round >= 0; round--) {
            assertEquals(32, spill.take(out, 32));
            for (int i = 0; i < 32; i++) assertEquals(1000L * round + i, out[i], "LIFO by batch, in order within it");
        }
        assertEquals(0, spill.take(out, 32));
        spill.giveArrayBack();
        assertTrue(pool.bytes() >= 8L * Spill.ARRAY_MAX, "the emptied spill's array is back in the pool");
    }
}
