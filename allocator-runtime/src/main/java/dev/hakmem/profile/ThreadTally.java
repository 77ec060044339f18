package dev.hakmem.profile;

import dev.hakmem.internal.small.ProfileCounters;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One thread's share of a {@link Recording}: counters that only the owning thread writes, so that
 * recording an allocation or a free costs no atomic read-modify-write in the common case (one in
 * {@value #PUBLISH} net allocations or frees of a class publishes to the shared live count).
 *
 * <p>Layout: the counters are slots, kept in pages of {@value #PAGE} longs that are allocated when
 * first touched, so a tally costs about 0.3 KiB plus 0.5 KiB per page the thread used (a thread that
 * asks for a few sizes uses two or three pages; all of them would take 37 KiB). Slots: {@link #FREES},
 * {@link #BIG_COUNT}, {@link #BIG_BYTES}, {@link #SAMPLED}, {@link #REMOTE}; the request histogram from
 * {@link #REQUESTS}; per class bucket {@code c} eight slots from {@code CLASSES + 8c}: {@link #MALLOCS},
 * {@link #BURST}, {@link #PEAK} (shared) and {@link #RUN}, {@link #DELTA} (the owner's own); the
 * lifetime histogram from {@link #LIFETIMES}.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@code pages[k]}: written once (null to a new zeroed page) by the owner with release, read by
 *       other threads with acquire; the owner reads it plain.</li>
 *   <li>Shared slots (frees, big requests, sampled frees, request and lifetime histograms, per class
 *       mallocs, burst, peak): single writer, the owner, which reads them plain and writes them with
 *       opaque mode; other threads read them with opaque mode. A reader thus sees whole values (never
 *       a torn long), each slot's values in the order written (counts never go back, nor do burst and
 *       peak maxima), possibly stale and not consistent across slots. Values written before an action
 *       that happens-before the read are seen: after the owner has ended and the reader has seen it end
 *       ({@link Thread#isAlive()} false or {@link Thread#join()}: JLS 17.4.4, the owner's last action
 *       synchronizes-with that detection), or after any other synchronization with the owner (a
 *       {@code Future.get()}, a latch), every value read is exact.</li>
 *   <li>Owner-private slots ({@link #RUN}, {@link #DELTA}): plain, read and written by the owner only;
 *       {@link #retire} reads them once the owner has been seen to end (same happens-before).</li>
 *   <li>{@link #live} (one per recording, shared by every tally): a tally adds its delta with an atomic
 *       add (volatile semantics); the owner reads it with a volatile read.</li>
 *   <li>A recording's retired totals (a tally with no owner): written and read under the recording's
 *       lock only.</li>
 * </ul>
 *
 * <p>Live blocks and their peak: each tally keeps a net delta per class (allocations minus frees by
 * its thread) and adds it to the shared {@link #live} count when it reaches {@value #PUBLISH} or
 * {@code -}{@value #PUBLISH}, so between events every tally's unpublished delta is below
 * {@value #PUBLISH} in size. At each allocation the owner estimates the class's live blocks as the
 * shared count plus its own delta and keeps the largest estimate as its {@link #PEAK}; the estimate
 * misses only the other tallies' unpublished deltas, so it is off by at most
 * {@code (PUBLISH - 1) * (T - 1)} blocks, either way, for {@code T} tallies not yet retired (threads
 * that recorded and have not been folded: live ones, and ended ones until the next sweep), and exact
 * when one thread records. The recorded peak is the largest estimate of any tally, so it is within the
 * same bound of the true peak.
 */
final class ThreadTally {
    /**
     * A tally publishes its net live delta of a class when it reaches this size: the same threshold as
     * hakmem's own counting, so both ways of recording share one peakLive bound.
     */
    static final int PUBLISH = ProfileCounters.PUBLISH;

    static final int PAGE_SHIFT = 6, PAGE = 1 << PAGE_SHIFT, MASK = PAGE - 1;
    /**
     * Slots: frees; count and total bytes of requests above {@link Profile#MAX_SMALL}; sampled blocks
     * freed, and of those the ones freed by a thread other than the allocating one.
     */
    static final int FREES = 0, BIG_COUNT = 1, BIG_BYTES = 2, SAMPLED = 3, REMOTE = 4;
    /** Slot of request bucket 0 ({@link Recording#requestBucket}). */
    static final int REQUESTS = 8;
    /** Slot of class bucket 0's first field ({@link Recording#classBucket}); eight slots per class. */
    static final int CLASSES = (REQUESTS + Recording.REQUEST_BUCKETS + 7) & ~7;
    /** Field offsets in a class's eight slots: shared mallocs, burst, peak; the owner's run and delta. */
    static final int MALLOCS = 0, BURST = 1, PEAK = 2, RUN = 3, DELTA = 4;
    /** Slot of lifetime bucket 0 (sampled lifetimes in {@code [1, 2)} ns); 64 buckets. */
    static final int LIFETIMES = CLASSES + 8 * Recording.CLASS_BUCKETS;
    static final int SLOTS = LIFETIMES + 64;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(long[][].class);

    /** The thread that writes this tally; null for a recording's retired totals. */
    final Thread owner;
    /** Pages of slots, allocated on first use (contract above). */
    private final long[][] pages = new long[(SLOTS + MASK) >>> PAGE_SHIFT][];
    /** Blocks live per class bucket, as published by every tally of the recording. */
    private final AtomicLongArray live;

    ThreadTally(Thread owner, AtomicLongArray live) {
        this.owner = owner;
        this.live = live;
    }

    /** Owner only: a successful allocation of {@code requested} bytes whose usable size is {@code usable}. */
    void allocated(long requested, long usable) {
        if (requested <= Profile.MAX_SMALL) {
            int slot = REQUESTS + Recording.requestBucket((int) requested);
            long[] p = page(slot >>> PAGE_SHIFT);
            int i = slot & MASK;
            LONGS.setOpaque(p, i, p[i] + 1);
        } else {
            long[] p = page(0);
            LONGS.setOpaque(p, BIG_COUNT, p[BIG_COUNT] + 1);
            LONGS.setOpaque(p, BIG_BYTES, p[BIG_BYTES] + requested);
        }
        if (usable > 0 && usable <= Profile.MAX_SMALL) {
            int c = Recording.classBucket((int) usable);
            int slot = CLASSES + (c << 3);
            long[] p = page(slot >>> PAGE_SHIFT);
            int i = slot & MASK;
            LONGS.setOpaque(p, i + MALLOCS, p[i + MALLOCS] + 1);
            long run = p[i + RUN] + 1;
            p[i + RUN] = run;
            if (run > p[i + BURST]) LONGS.setOpaque(p, i + BURST, run);
            long delta = p[i + DELTA] + 1, now;
            if (delta < PUBLISH) {
                p[i + DELTA] = delta;
                now = live.get(c) + delta;
            } else {
                p[i + DELTA] = 0;
                now = live.addAndGet(c, delta);
            }
            if (now > p[i + PEAK]) LONGS.setOpaque(p, i + PEAK, now);
        }
    }

    /** Owner only: a successful free of a block whose usable size was {@code usable} (-1: unknown). */
    void freed(long usable) {
        long[] p0 = page(0);
        LONGS.setOpaque(p0, FREES, p0[FREES] + 1);
        if (usable > 0 && usable <= Profile.MAX_SMALL) {
            int c = Recording.classBucket((int) usable);
            int slot = CLASSES + (c << 3);
            long[] p = page(slot >>> PAGE_SHIFT);
            int i = slot & MASK;
            p[i + RUN] = 0;
            long delta = p[i + DELTA] - 1;
            if (delta > -PUBLISH) {
                p[i + DELTA] = delta;
            } else {
                p[i + DELTA] = 0;
                live.getAndAdd(c, delta);
            }
        }
    }

    /** Owner only: a sampled block freed, {@code log2} its lifetime's bucket, {@code remote} if another thread allocated it. */
    void sampledFree(int log2, boolean remote) {
        long[] p0 = page(0);
        LONGS.setOpaque(p0, SAMPLED, p0[SAMPLED] + 1);
        if (remote) LONGS.setOpaque(p0, REMOTE, p0[REMOTE] + 1);
        int slot = LIFETIMES + log2;
        long[] p = page(slot >>> PAGE_SHIFT);
        int i = slot & MASK;
        LONGS.setOpaque(p, i, p[i] + 1);
    }

    private long[] page(int k) {
        long[] p = pages[k];
        return p != null ? p : newPage(k);
    }

    private long[] newPage(int k) {
        long[] p = new long[PAGE];
        PAGES.setRelease(pages, k, p);
        return p;
    }

    /**
     * Adds this tally's shared slots into {@code totals} (indexed by slot): sums of counts, maxima of
     * burst and peak. Any thread; values as the contract above says (exact once the owner has ended).
     */
    void addTo(long[] totals) {
        for (int k = 0; k < pages.length; k++) {
            long[] p = (long[]) PAGES.getAcquire(pages, k);
            if (p == null) continue;
            for (int i = 0, slot = k << PAGE_SHIFT; i < PAGE && slot < SLOTS; i++, slot++) {
                long v = (long) LONGS.getOpaque(p, i);
                if (v == 0) continue;
                switch (kind(slot)) {
                    case SUM -> totals[slot] += v;
                    case MAX -> totals[slot] = Math.max(totals[slot], v);
                    default -> { }
                }
            }
        }
    }

    /**
     * Folds {@code ended}, the tally of a thread seen to have ended, into this one (a recording's
     * retired totals, written under the recording's lock), and publishes its unpublished live deltas.
     */
    void retire(ThreadTally ended) {
        for (int k = 0; k < ended.pages.length; k++) {
            long[] src = ended.pages[k];
            if (src == null) continue;
            long[] dst = null;
            for (int i = 0, slot = k << PAGE_SHIFT; i < PAGE && slot < SLOTS; i++, slot++) {
                long v = src[i];
                if (v == 0) continue;
                int kind = kind(slot);
                if (kind == DELTA_KIND) {
                    live.getAndAdd((slot - CLASSES) >>> 3, v);
                } else if (kind != OWN) {
                    if (dst == null) dst = page(k);
                    LONGS.setOpaque(dst, i, kind == SUM ? dst[i] + v : Math.max(dst[i], v));
                }
            }
        }
    }

    private static final int SUM = 0, MAX = 1, OWN = 2, DELTA_KIND = 3;

    private static int kind(int slot) {
        if (slot < CLASSES || slot >= LIFETIMES) return SUM;
        return switch ((slot - CLASSES) & 7) {
            case MALLOCS -> SUM;
            case BURST, PEAK -> MAX;
            case DELTA -> DELTA_KIND;
            default -> OWN;
        };
    }
}
