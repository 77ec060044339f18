package dev.hakmem.internal.small;

import dev.hakmem.spi.ThreadFront;

/**
 * The block arrays of reclaimed thread caches (cache and spill, per class), kept for the caches of
 * the threads that come next, so that a thread's life leaves little Java garbage behind.
 *
 * <p>Why: each class a platform thread uses gets a cache array of its capacity (128 addresses, 1 KiB,
 * for a Tiny class by default), and its spills grow arrays for the blocks it frees beyond its cache
 * or takes over with an orphaned slab. A thread handing blocks of every Tiny class to its successor
 * (larson's pattern) made about 105 KB of Java garbage per life, two thirds of it these arrays and
 * the reclaim's scratch lists ({@link SmallTier#abandon}, now reused); a server that starts and ends
 * threads turned that into a steady stream of garbage, and the heap grew with it: resident memory
 * that native allocators do not have. With both recycled it is about 33 KB, mostly the cache's
 * per-class objects. A thread's {@link Spill} arrays grow too, to hold the
 * blocks of the orphaned slabs it takes over, and are recycled the same way. Only the arrays are
 * recycled, not the {@link ClassCache}, {@link Spill} or inbox objects: a statistics snapshot may
 * still read a reclaimed cache's counters after the reclaim (it is taken under the reclaim lock but
 * read outside it), and senders may still hold the reclaimed cache as the owner they send to.
 *
 * <p>Thread safety: guarded by the {@link ThreadCaches} monitor. {@link #keep} runs in
 * {@link ThreadCaches#reclaimDead()} after the ended thread's cache was emptied; {@link #lend} runs
 * when a thread creates its own cache, before publishing it. The monitor orders the reclaimer's last
 * use of an array before the new owner's first.
 *
 * <p>Bound: at most {@value #PER_CLASS} cache arrays and as many spill arrays are kept per class, the
 * spill arrays of all classes together holding at most {@value #SPILL_BYTES} bytes (4 MiB, only after
 * threads ended with that many spilled blocks); a cache array is at most its class's capacity; beyond
 * that a reclaimed array is left to the garbage collector. Spill arrays are kept whatever their length, within the
 * budget: a thread that ends holding tens of thousands of free blocks of a class (mstress) spilled
 * them into an array that long, and the thread that follows it would grow one as long again by
 * doubling, twice its length in garbage.
 */
final class SpareCacheArrays {
    static final int PER_CLASS = 16;
    static final long SPILL_BYTES = 4L << 20;
    private static final long[] EMPTY = new long[0];

    private final long[][][] spare, spareSpill;
    private final int[] held, heldSpill;
    /** Bytes of the spill arrays kept, at most {@link #SPILL_BYTES}. */
    private long spillBytes;

    SpareCacheArrays(int classes) {
        this.spare = new long[classes][PER_CLASS][];
        this.spareSpill = new long[classes][PER_CLASS][];
        this.held = new int[classes];
        this.heldSpill = new int[classes];
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
            if (c < dead.spill.length && heldSpill[c] < PER_CLASS) {
                long[] s = dead.spill[c].detachArray();
                if (s != null && spillBytes + 8L * s.length <= SPILL_BYTES) {
                    spareSpill[c][heldSpill[c]++] = s;
                    spillBytes += 8L * s.length;
                }
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
            if (heldSpill[c] > 0 && c < fresh.spill.length) {
                long[] s = spareSpill[c][--heldSpill[c]];
                spareSpill[c][heldSpill[c]] = null;
                spillBytes -= 8L * s.length;
                fresh.spill[c].lendArray(s);
            }
        }
    }

    /** Cache arrays kept for class {@code cls} (tests). */
    int held(int cls) {
        return held[cls];
    }

    /** Spill arrays kept for class {@code cls} (tests). */
    int heldSpill(int cls) {
        return heldSpill[cls];
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
