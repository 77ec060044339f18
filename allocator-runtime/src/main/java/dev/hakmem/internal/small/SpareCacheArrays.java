package dev.hakmem.internal.small;

import dev.hakmem.spi.ThreadFront;

/**
 * The cache arrays of reclaimed thread caches, per class, kept for the caches of the threads that come
 * next, so that a thread's life leaves little Java garbage behind (a reclaimed cache's spill arrays go
 * back to the allocator's {@link SpillArrays} when {@link SmallTier#abandon} empties the spills).
 *
 * <p>Why: each class a platform thread uses gets a cache array of at least a quarter of its capacity
 * (by default 256 addresses, 2 KiB, for a Tiny class up to 128 B and 128 for the others), and its spills grow arrays for the blocks it frees beyond its cache
 * or takes over with an orphaned slab. A thread handing blocks of every Tiny class to its successor
 * (larson's pattern) made about 105 KB of Java garbage per life, two thirds of it these arrays and
 * the reclaim's scratch lists ({@link SmallTier#abandon}, now reused); a server that starts and ends
 * threads turned that into a steady stream of garbage, and the heap grew with it: resident memory
 * that native allocators do not have. With both recycled it is about 33 KB, mostly the cache's
 * per-class objects. Only the arrays are
 * recycled, not the {@link ClassCache}, {@link Spill} or inbox objects: a statistics snapshot may
 * still read a reclaimed cache's counters after the reclaim (it is taken under the reclaim lock but
 * read outside it), and senders may still hold the reclaimed cache as the owner they send to.
 *
 * <p>Thread safety: guarded by the {@link ThreadCaches} monitor. {@link #keep} runs in
 * {@link ThreadCaches#reclaimDead()} after the ended thread's cache was emptied; {@link #lend} runs
 * when a thread creates its own cache, before publishing it. The monitor orders the reclaimer's last
 * use of an array before the new owner's first.
 *
 * <p>Bound: at most {@value #PER_CLASS} cache arrays are kept per class, each at most its class's
 * capacity; beyond that a reclaimed array is left to the garbage collector.
 */
final class SpareCacheArrays {
    static final int PER_CLASS = 16;
    private static final long[] EMPTY = new long[0];

    private final long[][][] spare;
    private final int[] held;

    SpareCacheArrays(int classes) {
        this.spare = new long[classes][PER_CLASS][];
        this.held = new int[classes];
    }

    /**
     * Takes the cache arrays of {@code dead}, a cache emptied by {@link SmallTier#abandon}: every
     * class's count is 0. Leaves them empty.
     */
    void keep(ThreadCache dead) {
        for (int c = 0; c < spare.length; c++) {
            long[] a = arrayOf(dead, c);
            // A count above 0 (not expected after a reclaim) keeps the array where it is: lending it would
            // hand its blocks out twice.
            if (a.length != 0 && held[c] < PER_CLASS && countOf(dead, c) == 0) {
                setArray(dead, c, EMPTY);
                spare[c][held[c]++] = a;
            }
        }
    }

    /** Gives {@code fresh}, a cache not yet published, a kept array for each class it has none of. */
    void lend(ThreadCache fresh) {
        for (int c = 0; c < spare.length; c++) {
            if (held[c] > 0 && arrayOf(fresh, c).length == 0) {
                setArray(fresh, c, spare[c][--held[c]]);
                spare[c][held[c]] = null;
            }
        }
    }

    /** Cache arrays kept for class {@code cls} (tests). */
    int held(int cls) {
        return held[cls];
    }

    // A class stored in a generated front keeps its array there; its ClassCache array stays empty.

    private static long[] arrayOf(ThreadCache tc, int c) {
        return tc.isFlat(c) ? tc.front.blocks(c) : tc.byClass[c].blocks;
    }

    private static int countOf(ThreadCache tc, int c) {
        return tc.isFlat(c) ? tc.front.count(c) : tc.byClass[c].count;
    }

    private static void setArray(ThreadCache tc, int c, long[] a) {
        ThreadFront f = tc.front;
        if (tc.isFlat(c)) {
            f.setBlocks(c, a);
        } else {
            tc.byClass[c].blocks = a;
        }
    }
}
