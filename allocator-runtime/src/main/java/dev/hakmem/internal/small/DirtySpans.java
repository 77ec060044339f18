package dev.hakmem.internal.small;

/**
 * Free spans of one {@link SpanSource} whose pages are still resident ("dirty"), oldest first, each
 * with the time it was freed: mimalloc's delayed purge. A span whose blocks are all free (an ended
 * thread's slab whose carved blocks the reclaim found all in its hands) comes here instead of going
 * back to the OS at once; the next slab any class of the tier takes reuses it without a page fault,
 * and the ones nobody takes within {@link #PURGE_DELAY_NANOS} are given back by whoever next pushes,
 * pops or asks ({@link #pollAged}), the reaper thread among them (every 50 ms).
 *
 * <p>Why a delay: a thread that ends frees its slabs and the thread that replaces it takes the same
 * amount of memory a moment later (threadChurn: a life of a millisecond; mstress: each phase's new
 * threads). Given back at once, each such span cost a {@code madvise} and then a fault per page on
 * its next use: threadChurn with platform threads ran at 40% of its speed. Kept forever in its class
 * (the ended thread's slabs used to wait as orphans of their class), a span could serve no other class:
 * mstress's resident memory was the sum over the classes of each class's high-water mark.
 *
 * <p>Bound: at most {@code capacity} spans, and at most {@code maxDirtyBytes} of their pages
 * written (a span's written bytes are those its slab carved: a page no block of it reached was never
 * touched, so is not resident); pushing beyond either hands the oldest spans back to the caller to
 * give to the OS. The byte bound is what keeps a program that frees a lot at once from keeping it:
 * mstress's threads free whole Mid spans at each phase's end, threadChurn's lives a few carved blocks
 * in each of dozens of Tiny slabs.
 *
 * <p>Thread safety: this object's monitor. It is taken once per span a class takes or frees (64 KiB
 * or 512 KiB of blocks), never per block.
 */
final class DirtySpans {
    /** How long a dirty span waits for reuse before it is given back: mimalloc's default purge delay. */
    static final long PURGE_DELAY_NANOS = 10_000_000L;

    private final long[] spans;
    private final long[] freedAt;
    private final long[] written;
    private final long maxWrittenBytes;
    /** Sum of {@link #written} over the entries held. Guarded by this. */
    private long writtenBytes;
    /** Index of the oldest entry. Guarded by this. */
    private int head;
    /** Entries held. Guarded by this. */
    private int count;

    DirtySpans(int capacity, long maxWrittenBytes) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        spans = new long[capacity];
        freedAt = new long[capacity];
        written = new long[capacity];
        this.maxWrittenBytes = maxWrittenBytes;
    }

    /**
     * Adds {@code span}, freed at {@code now} (nanoTime), of which at most {@code writtenBytes} were
     * ever written, unless that alone is above the byte bound: then returns false and the caller gives
     * it back itself. Spans that no longer fit are then for the caller to give back: {@link #pollOverflow}.
     */
    synchronized boolean push(long span, long writtenBytes, long now) {
        if (writtenBytes > maxWrittenBytes) return false;
        if (count == spans.length) drop(head);
        int tail = index(count);
        spans[tail] = span;
        freedAt[tail] = now;
        written[tail] = writtenBytes;
        this.writtenBytes += writtenBytes;
        count++;
        return true;
    }

    /** The oldest span while the held spans' written bytes are above the bound, removed; else 0. */
    synchronized long pollOverflow() {
        return writtenBytes > maxWrittenBytes ? pollOldest() : 0;
    }

    /** The most recently freed span (its pages the likeliest to be resident still), or 0 if none. */
    synchronized long pop() {
        if (count == 0) return 0;
        count--;
        int i = index(count);
        writtenBytes -= written[i];
        return spans[i];
    }

    /** The oldest span if it was freed at least {@link #PURGE_DELAY_NANOS} before {@code now}, removed; else 0. */
    synchronized long pollAged(long now) {
        if (count == 0 || now - freedAt[head] < PURGE_DELAY_NANOS) return 0;
        return pollOldest();
    }

    /** The oldest span, removed, or 0 if none (memory pressure and trim give them all back). */
    synchronized long pollOldest() {
        if (count == 0) return 0;
        long span = spans[head];
        drop(head);
        return span;
    }

    /** Removes the oldest entry, at {@code head}. */
    private void drop(int oldest) {
        writtenBytes -= written[oldest];
        head = next(oldest);
        count--;
    }

    /** Written bytes of the spans held (tests). */
    synchronized long writtenBytes() {
        return writtenBytes;
    }

    /** Spans held (statistics and tests). */
    synchronized int size() {
        return count;
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= spans.length ? i - spans.length : i;
    }

    private int next(int i) {
        return i + 1 == spans.length ? 0 : i + 1;
    }
}
