package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The word-at-a-time dirty bitmap of {@link LargeChunk} against a {@link BitSet}. */
class LargeChunkTest {
    @Test
    void dirtyBitsMatchABitSetOverRandomRanges() {
        LargeChunk c = new LargeChunk(0, 0, null);
        BitSet model = new BitSet(LargeChunk.PAGES);
        Random rnd = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            int start = rnd.nextInt(LargeChunk.PAGES);
            int pages = 1 + rnd.nextInt(Math.min(LargeChunk.PAGES - start, rnd.nextBoolean() ? 70 : LargeChunk.PAGES));
            assertEquals(model.get(start, start + pages).cardinality(), c.dirtyPages(start, pages), start + "+" + pages);
            boolean value = rnd.nextBoolean();
            c.setDirty(start, pages, value);
            model.set(start, start + pages, value);
        }
        assertEquals(model.cardinality(), c.dirtyPages(0, LargeChunk.PAGES));
    }

    @Test
    void wholeWordsAndTheWholeChunk() {
        LargeChunk c = new LargeChunk(0, 0, null);
        c.setDirty(64, 64, true);
        assertEquals(64, c.dirtyPages(0, LargeChunk.PAGES));
        assertEquals(-1L, c.dirty[1]);
        c.setDirty(0, LargeChunk.PAGES, true);
        assertEquals(LargeChunk.PAGES, c.dirtyPages(0, LargeChunk.PAGES));
        c.setDirty(63, 2, false);
        assertEquals(LargeChunk.PAGES - 2, c.dirtyPages(0, LargeChunk.PAGES));
        assertEquals(0, c.dirtyPages(63, 2));
    }
}
