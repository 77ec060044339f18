package dev.hakmem.internal.huge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of retained Huge mappings, on made-up addresses (nothing is mapped): best fit,
 * splitting, coalescing, the byte limit and the decay.
 */
class RetainedRangesTest {
    private static final long P = 4096, MIB = 1 << 20, BASE = 1L << 40;
    /** Three addresses far apart: ranges there never touch. */
    private static final long A = BASE, B = BASE + 100 * MIB, C = BASE + 200 * MIB;
    private static final long LIMIT = 64 * MIB;

    /** A new one for each test (JUnit makes an instance per test). */
    private final RetainedRanges r = new RetainedRanges();

    private static void assertRanges(RetainedRanges ranges, long[]... expected) {
        List<long[]> actual = ranges.ranges();
        assertEquals(expected.length, actual.size(), "number of ranges");
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], actual.get(i), "range " + i);
        long sum = 0;
        for (long[] e : expected) sum += e[1];
        assertEquals(sum, ranges.bytes(), "bytes");
    }

    @Test
    void emptyRangesServeNothing() {
        assertEquals(0, r.take(4 * MIB, P));
        assertEquals(0, r.bytes());
    }

    @Test
    void aFreedBlockServesTheNextOfItsSizeAndAnySmallerOneFromItsStart() {
        assertTrue(r.give(BASE, 8 * MIB, LIMIT, 0).isEmpty());
        assertEquals(BASE, r.take(8 * MIB, P));
        assertRanges(r);
        r.give(BASE, 8 * MIB, LIMIT, 0);
        assertEquals(BASE, r.take(3 * MIB, P), "split off the start");
        assertRanges(r, new long[] {BASE + 3 * MIB, 5 * MIB});
        assertEquals(0, r.take(6 * MIB, P), "the tail is too small");
        assertEquals(BASE + 3 * MIB, r.take(5 * MIB, P));
        assertRanges(r);
    }

    @Test
    void theSmallestRangeThatFitsIsTaken() {
        r.give(A, 10 * MIB, LIMIT, 0);
        r.give(B, 4 * MIB, LIMIT, 0);
        r.give(C, 6 * MIB, LIMIT, 0);
        assertEquals(C, r.take(5 * MIB, P), "6 MiB is the best fit for 5");
        assertEquals(B, r.take(3 * MIB, P), "4 MiB for 3");
        assertEquals(A, r.take(10 * MIB, P));
        assertRanges(r, new long[] {B + 3 * MIB, MIB}, new long[] {C + 5 * MIB, MIB});
    }

    @Test
    void blocksFreedSideBySideMergeIntoOneRange() {
        r.give(BASE + 4 * MIB, 4 * MIB, LIMIT, 0); // the middle first,
        r.give(BASE, 4 * MIB, LIMIT, 0); // then the one below it,
        r.give(BASE + 8 * MIB, 2 * MIB, LIMIT, 0); // then the one above it
        assertRanges(r, new long[] {BASE, 10 * MIB});
        assertEquals(BASE, r.take(10 * MIB, P), "a block larger than any of the three");
        r.give(BASE, 3 * MIB, LIMIT, 0);
        r.give(BASE + 3 * MIB + P, 2 * MIB, LIMIT, 0); // a page apart: not merged
        assertRanges(r, new long[] {BASE, 3 * MIB}, new long[] {BASE + 3 * MIB + P, 2 * MIB});
    }

    @Test
    void anAlignedBlockIsCutFromTheMiddleOfARangeKeepingHeadAndTail() {
        long start = BASE + P; // not 1 MiB aligned
        r.give(start, 4 * MIB, LIMIT, 0);
        assertEquals(0, r.take(4 * MIB, MIB), "no 1 MiB aligned 4 MiB block inside");
        assertEquals(BASE + MIB, r.take(2 * MIB, MIB));
        assertRanges(r, new long[] {start, MIB - P}, new long[] {BASE + 3 * MIB, MIB + P});
    }

    @Test
    void theLimitEvictsTheRangesFreedLongestAgoAndRefusesABlockLargerThanItself() {
        long limit = 10 * MIB; // smaller than the others' LIMIT
        r.give(A, 4 * MIB, limit, 2);
        r.give(B, 4 * MIB, limit, 1);
        List<long[]> evicted = r.give(C, 4 * MIB, limit, 3);
        assertEquals(1, evicted.size());
        assertArrayEquals(new long[] {B, 4 * MIB}, evicted.get(0), "B was freed first");
        assertRanges(r, new long[] {A, 4 * MIB}, new long[] {C, 4 * MIB});
        List<long[]> refused = r.give(BASE + 300 * MIB, 11 * MIB, limit, 4);
        assertEquals(1, refused.size());
        assertArrayEquals(new long[] {BASE + 300 * MIB, 11 * MIB}, refused.get(0), "the block itself, not kept");
        assertRanges(r, new long[] {A, 4 * MIB}, new long[] {C, 4 * MIB});
        assertArrayEquals(new long[] {BASE + 400 * MIB, 5 * MIB}, new RetainedRanges().give(BASE + 400 * MIB, 5 * MIB, 0, 0).get(0),
                "a limit of 0 keeps nothing");
    }

    @Test
    void rangesUnusedForTheDecayTimeAreGivenBackAndAMergedRangeCountsFromItsNewestPart() {
        long d = RetainedRanges.DECAY_NANOS;
        r.give(BASE, 4 * MIB, LIMIT, 0);
        r.give(BASE + 100 * MIB, 4 * MIB, LIMIT, 0);
        r.give(BASE + 4 * MIB, 4 * MIB, LIMIT, d / 2); // merges with the first: the merged range is as old as this part
        assertTrue(r.decay(d - 1).isEmpty(), "nothing is a whole decay time old yet");
        List<long[]> decayed = r.decay(d);
        assertEquals(1, decayed.size());
        assertArrayEquals(new long[] {BASE + 100 * MIB, 4 * MIB}, decayed.get(0));
        assertRanges(r, new long[] {BASE, 8 * MIB});
        assertEquals(1, r.decay(d / 2 + d).size());
        assertRanges(r);
    }

    @Test
    void piecesSplitOffKeepTheirRangesAge() {
        long d = RetainedRanges.DECAY_NANOS;
        r.give(BASE, 8 * MIB, LIMIT, 0);
        assertEquals(BASE, r.take(2 * MIB, P));
        assertEquals(1, r.decay(d).size(), "the tail left by a take is as old as its range");
        assertRanges(r);
    }

    @Test
    void clearEmptiesAll() {
        r.give(BASE, 4 * MIB, LIMIT, 0);
        r.give(BASE + 100 * MIB, 4 * MIB, LIMIT, 0);
        assertEquals(2, r.clear().size());
        assertRanges(r);
    }
}
