package dev.hakmem.internal.small;

import java.util.Arrays;

/**
 * The arrays of the {@link Spill}s of one allocator, reused: a spill that outgrows its array takes a
 * longer one here and gives the shorter one back, and the spills of an ended thread give theirs back
 * when it is reclaimed. So a spill's growth makes no Java garbage while this pool has arrays.
 *
 * <p>Why: a thread that holds many free blocks of a class (mstress: tens of thousands when it ends)
 * grows its spill by doubling, and every shorter array it leaves behind lived as long as the thread,
 * long enough to be promoted: the old generation, and the process's RSS with it, grew with every
 * thread's life until a full collection (JFR allocation samples of a 30-phase mstress run: 3.9 MB of
 * the allocator's 8.9 MB of Java allocation were grown spill arrays; docs/BENCHMARKS-HISTORY.md,
 * session 31). Before this pool, only an ended thread's arrays were kept, per class, and lent to the
 * next thread's spill of the same class, not to one that grows.
 *
 * <p>Lengths are powers of two, at least {@value #MIN_LENGTH}; a request gets the shortest pooled array
 * that is long enough, or a new one. The pool keeps at most {@value #MAX_BYTES} bytes (4 MiB); an array
 * given beyond that is left to the garbage collector.
 *
 * <p>Thread safety: every method is synchronized. A spill calls in only to grow (a few times per
 * thread life and class) and from its reclaim; it holds its own lock then, and this pool calls
 * nothing, so the lock order is always spill, then pool.
 */
final class SpillArrays {
    static final int MIN_LENGTH = 64;
    static final long MAX_BYTES = 4L << 20;
    private static final int BUCKETS = 31;

    /** Pooled arrays of length {@code 1 << k}: {@code held[k][0..count[k])}. */
    private final long[][][] held = new long[BUCKETS][][];
    private final int[] count = new int[BUCKETS];
    /** Bytes of the pooled arrays, at most {@link #MAX_BYTES}. */
    private long bytes;

    /** An array of at least {@code minLength} elements (contents undefined): a pooled one, or a new one. */
    synchronized long[] take(int minLength) {
        int want = bucket(Math.max(minLength, MIN_LENGTH));
        if (want >= BUCKETS) throw new OutOfMemoryError("a spill of " + minLength + " blocks is longer than a Java array can be");
        for (int k = want; k < BUCKETS; k++) {
            if (count[k] > 0) {
                long[] a = held[k][--count[k]];
                held[k][count[k]] = null;
                bytes -= 8L * a.length;
                return a;
            }
        }
        return new long[1 << want];
    }

    /** Takes back {@code a}, which its spill no longer uses, unless it is not from this pool or the pool is full. */
    synchronized void give(long[] a) {
        int n = a.length;
        if (n < MIN_LENGTH || Integer.bitCount(n) != 1 || bytes + 8L * n > MAX_BYTES) return;
        int k = bucket(n);
        if (held[k] == null) held[k] = new long[4][];
        if (count[k] == held[k].length) held[k] = Arrays.copyOf(held[k], 2 * count[k]);
        held[k][count[k]++] = a;
        bytes += 8L * n;
    }

    /** Bytes of the arrays pooled now (tests). */
    synchronized long bytes() {
        return bytes;
    }

    /** The bucket of arrays of length {@code n} rounded up to a power of two. */
    private static int bucket(int n) {
        return 32 - Integer.numberOfLeadingZeros(n - 1);
    }
}
