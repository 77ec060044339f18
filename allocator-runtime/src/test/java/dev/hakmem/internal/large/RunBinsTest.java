package dev.hakmem.internal.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link RunBins} on page maps of fake chunks (no memory behind them). */
class RunBinsTest {
    private final ChunkTable table = new ChunkTable(0, 8);
    private final RunBins bins = new RunBins(table);
    private final LargeChunk a = chunk(0), b = chunk(5);

    private LargeChunk chunk(int slot) {
        LargeChunk c = new LargeChunk((long) slot << LargeTier.CHUNK_SHIFT, slot, null);
        table.set(slot, c);
        return c;
    }

    @Test
    void emptyBinsFitNothing() {
        assertEquals(RunBins.NONE, bins.bestFit(1, 1));
        assertEquals(-1, bins.firstAtLeast(1));
        assertEquals(-1, bins.lastAtMost(LargeChunk.PAGES));
    }

    @Test
    void bestFitTakesTheSmallestRunThatHoldsTheRequest() {
        bins.insert(a, 0, 20);
        bins.insert(a, 100, 9);
        bins.insert(b, 7, 12);
        assertEquals(b.id(7), bins.bestFit(10, 1), "12 pages is the smallest run of at least 10");
        assertEquals(a.id(100), bins.bestFit(9, 1), "exact size");
        assertEquals(a.id(0), bins.bestFit(13, 1));
        assertEquals(RunBins.NONE, bins.bestFit(21, 1));
    }

    @Test
    void runsOfOneSizeComeOutMostRecentFirstAndRemoveFromAnywhere() {
        bins.insert(a, 0, 9);
        bins.insert(a, 50, 9);
        bins.insert(b, 3, 9);
        assertEquals(b.id(3), bins.bestFit(9, 1));
        bins.remove(a, 50, 9); // from the middle of the list
        assertEquals(List.of(b.id(3), a.id(0)), list(9));
        bins.remove(b, 3, 9); // the head
        assertEquals(List.of(a.id(0)), list(9));
        bins.remove(a, 0, 9); // the last one: the bin becomes empty
        assertEquals(-1, bins.firstAtLeast(1));
        assertEquals(RunBins.NONE, bins.bestFit(1, 1));
    }

    @Test
    void alignedRequestsSkipRunsWhoseAlignedPartIsTooShort() {
        bins.insert(a, 1, 10);  // aligned to 8 pages: starts at 8, only 3 pages left
        bins.insert(a, 16, 10); // starts aligned: holds 10 pages
        bins.insert(a, 40, 30); // big enough whatever the alignment
        assertEquals(a.id(16), bins.bestFit(10, 8));
        bins.remove(a, 16, 10);
        assertEquals(a.id(40), bins.bestFit(10, 8), "the 10-page run at page 1 cannot hold 10 pages at an 8-page boundary");
        assertEquals(a.id(1), bins.bestFit(3, 8), "3 pages fit at page 8 of the run at page 1");
    }

    @Test
    void bitmapSearchesCrossWordBoundariesBothWays() {
        for (int pages : new int[] {1, 63, 64, 65, 127, 128, 1023, 1024}) {
            bins.insert(a, 0, pages);
            assertEquals(pages, bins.firstAtLeast(1), "first at least 1 with only " + pages);
            assertEquals(pages, bins.firstAtLeast(pages));
            assertEquals(-1, bins.firstAtLeast(pages + 1));
            assertEquals(pages, bins.lastAtMost(LargeChunk.PAGES));
            assertEquals(pages, bins.lastAtMost(pages));
            assertEquals(-1, bins.lastAtMost(pages - 1));
            bins.remove(a, 0, pages);
        }
    }

    /** Random inserts and removes against a sorted model: best fit is always the model's smallest fitting size. */
    @Test
    void matchesASortedModel() {
        Random rnd = new Random(7);
        TreeSet<Long> model = new TreeSet<>(); // pages << 32 | slot << 11 | start
        java.util.Set<Long> starts = new java.util.HashSet<>(); // slot << 11 | start: one run per first page
        List<long[]> runs = new ArrayList<>();
        LargeChunk[] chunks = {a, b, chunk(2), chunk(7)};
        for (int i = 0; i < 20_000; i++) {
            if (!runs.isEmpty() && (runs.size() > 300 || rnd.nextBoolean())) {
                long[] r = runs.remove(rnd.nextInt(runs.size()));
                LargeChunk c = table.get((int) r[0]);
                bins.remove(c, (int) r[1], (int) r[2]);
                model.remove(r[2] << 32 | r[0] << 11 | r[1]);
                starts.remove(r[0] << 11 | r[1]);
            } else {
                LargeChunk c = chunks[rnd.nextInt(chunks.length)];
                int start = rnd.nextInt(LargeChunk.PAGES);
                int pages = 1 + rnd.nextInt(LargeChunk.PAGES - start);
                if (!starts.add((long) c.index << 11 | start)) continue;
                model.add((long) pages << 32 | (long) c.index << 11 | start);
                bins.insert(c, start, pages);
                runs.add(new long[] {c.index, start, pages});
            }
            int want = 1 + rnd.nextInt(LargeChunk.PAGES);
            long fit = bins.bestFit(want, 1);
            Long ceiling = model.ceiling((long) want << 32);
            if (ceiling == null) {
                assertEquals(RunBins.NONE, fit);
            } else {
                long key = (ceiling >>> 32) << 32 | (long) LargeChunk.chunkIndexOf(fit) << 11 | LargeChunk.pageOf(fit);
                assertTrue(model.contains(key), "best fit for " + want + " pages is a free run of the smallest fitting size, "
                        + (ceiling >>> 32) + " pages");
            }
        }
    }

    private List<Long> list(int pages) {
        List<Long> ids = new ArrayList<>();
        for (long id = bins.head(pages); id != RunBins.NONE; id = bins.next(id)) ids.add(id);
        return ids;
    }
}
