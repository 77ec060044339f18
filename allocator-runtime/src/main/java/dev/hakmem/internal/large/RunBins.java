package dev.hakmem.internal.large;

/**
 * The free runs of one arena, in one exact-size bin per page count (1 .. {@link LargeChunk#PAGES}),
 * with a bitmap of the bins that are not empty.
 *
 * <p>Each bin is a doubly linked LIFO list threaded through the chunks' out-of-band
 * {@code next}/{@code prev} arrays at each run's first page, so insert and remove are O(1) and
 * allocate nothing. Best fit is the first set bit at or above the request in a 1025-bit map (at most
 * 17 word loads): the smallest run that fits, and among runs of that size the most recently freed
 * one (its pages are the likeliest to be in cache). Runs are named by {@link LargeChunk#id}.
 *
 * <p>Not thread-safe: guarded by the owning arena's lock.
 */
final class RunBins {
    static final long NONE = -1;
    private static final int BINS = LargeChunk.PAGES + 1; // bin 0 is never used

    private final ChunkTable table;
    private final long[] heads = new long[BINS];
    private final long[] nonEmpty = new long[(BINS + 63) >>> 6];

    RunBins(ChunkTable table) {
        this.table = table;
        java.util.Arrays.fill(heads, NONE);
    }

    /** Adds the free run of {@code pages} pages at {@code start} of {@code c} to its bin. */
    void insert(LargeChunk c, int start, int pages) {
        long id = c.id(start);
        long head = heads[pages];
        c.next[start] = head;
        c.prev[start] = NONE;
        if (head != NONE) table.ofRun(head).prev[LargeChunk.pageOf(head)] = id;
        else nonEmpty[pages >>> 6] |= 1L << pages;
        heads[pages] = id;
    }

    /** Takes the free run of {@code pages} pages at {@code start} of {@code c} out of its bin. */
    void remove(LargeChunk c, int start, int pages) {
        long next = c.next[start], prev = c.prev[start];
        if (prev == NONE) {
            heads[pages] = next;
            if (next == NONE) nonEmpty[pages >>> 6] &= ~(1L << pages);
        } else {
            table.ofRun(prev).next[LargeChunk.pageOf(prev)] = next;
        }
        if (next != NONE) table.ofRun(next).prev[LargeChunk.pageOf(next)] = prev;
    }

    /**
     * The run that best fits {@code pages} pages aligned to {@code alignPages} pages (a power of two,
     * relative to the chunk): the smallest size that has a fitting run, or {@link #NONE}. Any run of
     * at least {@code pages + alignPages - 1} pages fits; smaller ones are checked one by one.
     */
    long bestFit(int pages, int alignPages) {
        int sure = pages + alignPages - 1;
        for (int bin = firstAtLeast(pages); bin > 0; bin = firstAtLeast(bin + 1)) {
            if (bin >= sure) return heads[bin];
            for (long id = heads[bin]; id != NONE; id = next(id)) {
                int start = LargeChunk.pageOf(id);
                if (alignUp(start, alignPages) + pages <= start + bin) return id;
            }
        }
        return NONE;
    }

    /** The smallest non-empty bin of at least {@code pages} pages, or -1. */
    int firstAtLeast(int pages) {
        if (pages >= BINS) return -1;
        int w = pages >>> 6;
        long bits = nonEmpty[w] & (-1L << pages);
        while (bits == 0) {
            if (++w == nonEmpty.length) return -1;
            bits = nonEmpty[w];
        }
        return (w << 6) + Long.numberOfTrailingZeros(bits);
    }

    /** The largest non-empty bin of at most {@code pages} pages, or -1. */
    int lastAtMost(int pages) {
        if (pages <= 0) return -1;
        int w = Math.min(pages, BINS - 1) >>> 6;
        long bits = nonEmpty[w] & (-1L >>> (63 - (Math.min(pages, BINS - 1) & 63)));
        while (bits == 0) {
            if (--w < 0) return -1;
            bits = nonEmpty[w];
        }
        return (w << 6) + 63 - Long.numberOfLeadingZeros(bits);
    }

    /** The most recently inserted run of exactly {@code pages} pages, or {@link #NONE}. */
    long head(int pages) {
        return heads[pages];
    }

    /** The run after {@code id} in its bin, or {@link #NONE}. */
    long next(long id) {
        return table.ofRun(id).next[LargeChunk.pageOf(id)];
    }

    /** Rounds {@code page} up to a multiple of {@code alignPages} (chunks are 4 MiB aligned). */
    static int alignUp(int page, int alignPages) {
        return (page + alignPages - 1) & -alignPages;
    }
}
