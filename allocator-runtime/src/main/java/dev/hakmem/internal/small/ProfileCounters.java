package dev.hakmem.internal.small;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The allocation profile counted inside the allocator ({@code AllocatorConfig.profile}): the counts
 * {@code AllocationRecorder}'s per-thread tallies keep, kept instead in the thread caches the fast paths
 * already hold, so that counting costs a few plain increments on objects in hand (no thread lookup,
 * no call). Per cache: the request histogram {@link ThreadCache#requests}; per class
 * {@link ClassCache#run}, {@link ClassCache#burst}, {@link ClassCache#delta}, {@link ClassCache#peak}
 * next to the stats counters {@link ClassCache#allocations} and {@link ClassCache#frees}, which are
 * the profile's per class counts.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>Per cache fields: plain, written by the cache's owner (a stripe's: by its lock holder),
 *       and read racily by {@link #totals}, like the stats counters: a snapshot taken while threads
 *       allocate is an estimate, one taken after their calls happen-before it (threads joined, tasks
 *       awaited) is exact.</li>
 *   <li>{@link #live}: per class, the blocks live as published by every cache: atomic adds, volatile
 *       reads.</li>
 *   <li>The shared counters (calls made without a cache, Large and Huge blocks, in-place reallocs):
 *       atomics.</li>
 * </ul>
 *
 * <p>Live blocks and their peak, as in the recorder's tallies: each cache keeps a net count per class
 * ({@link ClassCache#delta}: its allocations minus its frees) and adds it to {@link #live} when it
 * reaches {@value #PUBLISH} or {@code -}{@value #PUBLISH}; at each allocation it takes
 * {@code live + delta} as the class's live blocks and keeps the largest as {@link ClassCache#peak}.
 * Exact with one cache in use; with {@code T} caches off by at most {@code 31 x (T - 1)} blocks
 * either way. A reclaimed cache (its thread ended) publishes what it had not.
 *
 * <p>Burst depth ({@link ClassCache#run}, {@link ClassCache#burst}) is per cache: per platform thread;
 * the virtual threads sharing a stripe count as one, so their runs may interleave.
 */
public final class ProfileCounters {
    /** A cache publishes its net live count of a class when it reaches this size. */
    public static final int PUBLISH = 32;
    /** Requests up to this size are in the histogram; larger ones are only counted. */
    public static final int MAX_SMALL = 32768;
    /** Request-size buckets: exact sizes 0..1024, then multiples of 16 up to {@link #MAX_SMALL}. */
    public static final int REQUEST_BUCKETS = 1025 + (MAX_SMALL - 1024) / 16;

    private final AtomicLongArray live;
    /** Per class: the largest live count seen by a call made without a cache. */
    private final AtomicLongArray sharedPeak;
    /** Request histogram of calls made without a cache and of Large or Huge blocks. */
    private final AtomicLongArray sharedRequests = new AtomicLongArray(REQUEST_BUCKETS);
    private final LongAdder bigCount = new LongAdder(), bigBytes = new LongAdder(), bigFrees = new LongAdder();
    /** Per class: in-place reallocs, each a free and a malloc of the class the stats do not count. */
    private final AtomicLongArray reallocs;

    public ProfileCounters(int classes) {
        this.live = new AtomicLongArray(classes);
        this.sharedPeak = new AtomicLongArray(classes);
        this.reallocs = new AtomicLongArray(classes);
    }

    /** The histogram bucket of a request of {@code size <= MAX_SMALL} bytes. */
    public static int requestBucket(int size) {
        return size <= 1024 ? size : 1024 + (size - 1024 + 15) / 16;
    }

    /** The largest request size of {@code bucket}. */
    public static int requestSize(int bucket) {
        return bucket <= 1024 ? bucket : 1024 + (bucket - 1024) * 16;
    }

    /** A new cache's histogram. */
    static long[] newHistogram() {
        return new long[REQUEST_BUCKETS];
    }

    /** The cache's owner (a stripe's lock holder): a malloc of {@code size} bytes from class {@code cls}, counted in {@code cc}. */
    public void malloc(ThreadCache tc, ClassCache cc, int cls, long size) {
        if (size <= MAX_SMALL) tc.requests[requestBucket((int) size)]++;
        else countBig(size); // a Mid block above the profile's histogram
        long run = cc.run + 1;
        cc.run = run;
        if (run > cc.burst) cc.burst = run;
        long delta = cc.delta + 1, now;
        if (delta < PUBLISH) {
            cc.delta = delta;
            now = live.get(cls) + delta;
        } else {
            cc.delta = 0;
            now = live.addAndGet(cls, delta);
        }
        if (now > cc.peak) cc.peak = now;
    }

    /** The cache's owner (a stripe's lock holder): a free of a block of class {@code cls}, counted in {@code cc}. */
    public void free(ClassCache cc, int cls) {
        cc.run = 0;
        long delta = cc.delta - 1;
        if (delta > -PUBLISH) {
            cc.delta = delta;
        } else {
            cc.delta = 0;
            live.getAndAdd(cls, delta);
        }
    }

    /** Any thread: a malloc of class {@code cls} made without a cache (or an in-place realloc). */
    public void sharedMalloc(int cls, long size) {
        countRequest(size);
        long now = live.incrementAndGet(cls);
        long peak;
        while (now > (peak = sharedPeak.get(cls)) && !sharedPeak.compareAndSet(cls, peak, now)) {
            Thread.onSpinWait();
        }
    }

    /** Any thread: a free of class {@code cls} made without a cache (or an in-place realloc). */
    public void sharedFree(int cls) {
        live.decrementAndGet(cls);
    }

    /**
     * Any thread: a realloc that kept its block of class {@code cls} for {@code newSize} bytes: a free and
     * a malloc of the class (live blocks unchanged), like the recorder counts every realloc.
     */
    public void reallocInPlace(int cls, long newSize) {
        countRequest(newSize);
        reallocs.incrementAndGet(cls);
    }

    /** Any thread: a Large or Huge block of {@code size} requested bytes (a histogram entry up to MAX_SMALL). */
    public void bigMalloc(long size) {
        countRequest(size);
    }

    /** Any thread: a request of {@code size} bytes in the shared histogram, or above it in the big counters. */
    private void countRequest(long size) {
        if (size <= MAX_SMALL) sharedRequests.incrementAndGet(requestBucket((int) size));
        else countBig(size);
    }

    /** Any thread: a request above {@link #MAX_SMALL} bytes (Large, Huge, or the Mid classes above it). */
    private void countBig(long size) {
        bigCount.increment();
        bigBytes.add(size);
    }

    /** Any thread: a Large or Huge block freed. */
    public void bigFree() {
        bigFrees.increment();
    }

    /** A reclaimed cache (its owner ended, seen under the reclaim lock): publishes its net live counts. */
    void retire(ThreadCache dead) {
        for (int c = 0; c < dead.byClass.length; c++) {
            ClassCache cc = dead.byClass[c];
            if (cc.delta != 0) live.getAndAdd(c, cc.delta);
            cc.delta = 0;
        }
    }

    /**
     * The profile's counts summed over {@code caches} (from {@link ThreadCaches#snapshot()}: live ones,
     * stripes, calls without a cache, reclaimed ones) and the shared counters.
     */
    public Totals totals(List<ThreadCache> caches) {
        int classes = live.length();
        long[] requests = new long[REQUEST_BUCKETS];
        long[] mallocs = new long[classes], peaks = new long[classes], bursts = new long[classes];
        long frees = bigFrees.sum();
        for (int b = 0; b < REQUEST_BUCKETS; b++) requests[b] = sharedRequests.get(b);
        for (int c = 0; c < classes; c++) {
            peaks[c] = sharedPeak.get(c);
            mallocs[c] = reallocs.get(c);
            frees += reallocs.get(c);
        }
        for (ThreadCache tc : caches) {
            if (tc.requests != null) {
                for (int b = 0; b < REQUEST_BUCKETS; b++) requests[b] += tc.requests[b];
            }
            for (int c = 0; c < classes; c++) {
                ClassCache cc = tc.byClass[c];
                mallocs[c] += cc.allocations;
                frees += cc.frees;
                peaks[c] = Math.max(peaks[c], cc.peak);
                bursts[c] = Math.max(bursts[c], cc.burst);
            }
        }
        return new Totals(requests, bigCount.sum(), bigBytes.sum(), frees, mallocs, peaks, bursts);
    }

    /**
     * Counts of a profile, by hakmem's own classes.
     *
     * @param requests request histogram by {@link #requestBucket}
     * @param bigCount requests above {@link #MAX_SMALL}
     * @param bigBytes their bytes
     * @param frees every free
     * @param mallocs per class: allocations
     * @param peaks per class: peak live blocks
     * @param bursts per class: burst depth
     */
    public record Totals(long[] requests, long bigCount, long bigBytes, long frees, long[] mallocs, long[] peaks, long[] bursts) {}
}
