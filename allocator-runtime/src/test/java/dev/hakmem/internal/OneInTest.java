package dev.hakmem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link OneIn} hits about once in its rate, every time at rate 1, and refuses a rate below 1. */
class OneInTest {
    private static int hits(OneIn o, int draws) {
        int n = 0;
        for (int i = 0; i < draws; i++) if (o.hit()) n++;
        return n;
    }

    @Test
    void hitsAboutOnceInItsRate() {
        assertEquals(1000, hits(new OneIn(1), 1000), "rate 1: every call");
        int quarter = hits(new OneIn(4), 400_000);
        assertTrue(quarter > 97_000 && quarter < 103_000, quarter + " of 400,000 at 1 in 4");
        int thousandth = hits(new OneIn(1000), 2_000_000);
        assertTrue(thousandth > 1_800 && thousandth < 2_200, thousandth + " of 2,000,000 at 1 in 1000");
        int odd = hits(new OneIn(3), 300_000); // not a power of two: no bias from the threshold's rounding
        assertTrue(odd > 98_500 && odd < 101_500, odd + " of 300,000 at 1 in 3");
        assertTrue(hits(new OneIn(Integer.MAX_VALUE), 1_000_000) <= 3, "1 in 2^31 - 1: next to never");
        assertThrows(IllegalArgumentException.class, () -> new OneIn(0));
    }
}
