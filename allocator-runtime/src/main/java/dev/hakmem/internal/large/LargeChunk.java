package dev.hakmem.internal.large;

/**
 * Out-of-band page map of one 4 MiB Large chunk: 1024 pages of 4 KiB cut into runs.
 *
 * <p>Boundary tags, kept only at run boundaries (every other entry is 0):
 * <ul>
 *   <li>{@code runAt[p]}: at the first page of a run, {@code +pages} if allocated, {@code -pages} if
 *       free;</li>
 *   <li>{@code startOf[p]}: at the last page of a run, the run's first page plus one.</li>
 * </ul>
 * So an address is a live block exactly when it is page-aligned and {@code runAt} of its page is
 * positive, and the neighbours of a run are found in O(1) for coalescing. {@code dirty} has a bit per
 * page that is free and may be resident (written since the OS last gave it to us zeroed).
 *
 * <p>Not thread-safe: guarded by the {@link LargeTier} lock.
 */
final class LargeChunk {
    static final int PAGES = 1024;

    final long base;
    final int index;
    final int[] runAt = new int[PAGES];
    final int[] startOf = new int[PAGES];
    final long[] dirty = new long[PAGES / 64];

    LargeChunk(long base, int index) {
        this.base = base;
        this.index = index;
    }

    /** Records a run of {@code pages} starting at {@code start}; free runs have {@code allocated = false}. */
    void setRun(int start, int pages, boolean allocated) {
        runAt[start] = allocated ? pages : -pages;
        startOf[start + pages - 1] = start + 1;
    }

    /** Erases the tags of the run at {@code start} (it is being merged or re-cut). */
    void clearRun(int start) {
        int pages = Math.abs(runAt[start]);
        runAt[start] = 0;
        startOf[start + pages - 1] = 0;
    }

    /** Number of dirty pages in {@code [start, start+pages)}. */
    int dirtyPages(int start, int pages) {
        int n = 0;
        for (int p = start; p < start + pages; p++) if ((dirty[p >>> 6] & (1L << p)) != 0) n++;
        return n;
    }

    /** Sets or clears the dirty bits of {@code [start, start+pages)}. */
    void setDirty(int start, int pages, boolean value) {
        for (int p = start; p < start + pages; p++) {
            if (value) dirty[p >>> 6] |= 1L << p;
            else dirty[p >>> 6] &= ~(1L << p);
        }
    }

    long pageAddress(int page) {
        return base + ((long) page << LargeTier.PAGE_SHIFT);
    }
}
