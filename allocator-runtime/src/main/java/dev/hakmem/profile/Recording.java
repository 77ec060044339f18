package dev.hakmem.profile;

import dev.hakmem.internal.small.ProfileCounters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntUnaryOperator;

/**
 * The counters behind an {@link AllocationRecorder}: one {@link ThreadTally} per recording thread,
 * written by that thread alone (no atomic read-modify-write per call but one in {@value
 * ThreadTally#PUBLISH} net allocations or frees of a class), the shared live counts the tallies publish
 * to, and the sampled blocks ({@link SampleTable}). A snapshot sums the tallies.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@link #own}: the calling thread's tally, set once per thread at its first call;
 *       {@link #slots}: a racy direct-mapped cache of it, see {@link #tally()}.</li>
 *   <li>{@link #tallies}, {@link #retired}, {@link #sweepAt}: guarded by {@code this} (a thread's first
 *       call, and snapshots). A snapshot reads the tallies of live threads as {@link ThreadTally} allows
 *       (whole values, possibly stale): one taken while threads record is an estimate, one taken after
 *       everything recorded happens-before it (threads ended or joined, tasks awaited) is exact, apart
 *       from {@code peakLive} (within the bound of {@link ThreadTally}).</li>
 *   <li>{@link #live}: atomic adds by tallies publishing their deltas (and by folding, under the lock);
 *       volatile reads.</li>
 *   <li>{@link #samples}: each stripe under its own lock.</li>
 * </ul>
 *
 * <p>Memory: the tally of a thread seen to have ended ({@link Thread#isAlive()} false, which orders
 * everything that thread wrote before the fold, JLS 17.4.4) is folded into {@link #retired} (counts
 * summed, burst and peak maxima kept, unpublished live deltas published) by a sweep, run at a thread's
 * first call once the list has doubled since the last sweep (and holds at least {@value #MIN_SWEEP}
 * tallies), and by every snapshot. So whatever the thread churn, at most
 * {@code max(MIN_SWEEP, 2 x the tallies of live threads at the last sweep)} tallies are kept (each about
 * 0.3 KiB plus 0.5 KiB per page of counters its thread used), and registration costs amortized O(1)
 * per thread.
 */
final class Recording {
    /** Request-size buckets: exact sizes 0..1024, then multiples of 16 up to 32768. */
    static final int REQUEST_BUCKETS = ProfileCounters.REQUEST_BUCKETS;
    /** Class buckets by usable size: multiples of 16 up to 1024, then multiples of 256 up to 32768. */
    static final int CLASS_BUCKETS = 1 + 1024 / 16 + (Profile.MAX_SMALL - 1024) / 256;
    /** No sweep for ended threads' tallies while fewer than this many are registered. */
    static final int MIN_SWEEP = 16;

    private final AtomicLongArray live = new AtomicLongArray(CLASS_BUCKETS);
    private final ThreadLocal<ThreadTally> own = new ThreadLocal<>();
    /** Direct-mapped cache of tallies by {@code threadId & (length - 1)} in front of {@link #own}. */
    private final ThreadTally[] slots = new ThreadTally[1024];
    private final ArrayList<ThreadTally> tallies = new ArrayList<>();
    private final ThreadTally retired = new ThreadTally(null, live);
    private int sweepAt = MIN_SWEEP;
    /** Sampled live blocks (about 1 in 64): address -> allocating thread, allocation time. */
    private final SampleTable samples = new SampleTable();

    /** A successful allocation of {@code requested} bytes at {@code p}, whose usable size is {@code usable}. */
    void allocated(long requested, long p, long usable) {
        tally().allocated(requested, usable);
        sampleAllocated(p);
    }

    /** The lifetime sampling of a successful allocation at {@code p} (all an allocator that counts the rest itself needs). */
    void sampleAllocated(long p) {
        if (SampleTable.sampled(p)) samples.put(p, Thread.currentThread().threadId(), System.nanoTime());
    }

    /**
     * The lifetime sampling of a successful free of {@code p} (all an allocator that counts the rest
     * itself needs); looks the thread's tally up again only for a sampled block, 1 in 64.
     */
    void sampleFreed(long p) {
        if (SampleTable.sampled(p)) {
            ThreadTally t = tally();
            int r = samples.remove(p, t.owner.threadId(), System.nanoTime());
            if (r >= 0) t.sampledFree(r >>> 1, (r & 1) != 0);
        }
    }

    /** A successful free of {@code p}, whose usable size was {@code usable} (-1: unknown). */
    void freed(long p, long usable) {
        tally().freed(usable);
        sampleFreed(p);
    }

    /**
     * The calling thread's tally: one load from {@link #slots} and an identity compare of its owner in
     * the common case ({@code ThreadLocal.get()} costs about 3 ns, a hash probe through weak references).
     * Contract of {@link #slots}: entries written and read plain by any thread; a reader uses an entry
     * only if its owner (a final field, so a racy read sees it initialised) is the reader itself, so a
     * thread only ever takes its own tally from it; a lost race between two threads claiming or clearing
     * one slot only costs the slower path.
     */
    private ThreadTally tally() {
        Thread me = Thread.currentThread();
        ThreadTally t = slots[(int) me.threadId() & (slots.length - 1)];
        return t != null && t.owner == me ? t : tallySlow(me);
    }

    private ThreadTally tallySlow(Thread me) {
        ThreadTally t = own.get();
        if (t == null) {
            t = register(me);
            own.set(t);
        }
        int i = (int) me.threadId() & (slots.length - 1);
        ThreadTally current = slots[i];
        if (current == null || !current.owner.isAlive()) slots[i] = t;
        return t;
    }

    /** The calling thread's first call: a tally for it, after a sweep when the list has grown enough. */
    private synchronized ThreadTally register(Thread me) {
        if (tallies.size() >= sweepAt) {
            retire();
            sweepAt = Math.max(MIN_SWEEP, 2 * tallies.size());
        }
        ThreadTally t = new ThreadTally(me, live);
        tallies.add(t);
        return t;
    }

    /** Folds the tallies of threads seen to have ended into {@link #retired}. Under the lock. */
    private void retire() {
        tallies.removeIf(t -> {
            if (t.owner.isAlive()) return false;
            retired.retire(t); // isAlive() false: everything the owner wrote happens-before this
            int i = (int) t.owner.threadId() & (slots.length - 1);
            if (slots[i] == t) slots[i] = null; // no reference to a folded tally stays (racy: see tally())
            return true;
        });
    }

    /** Tallies kept (for tests: bounded under thread churn). */
    synchronized int tallyCount() {
        return tallies.size();
    }

    /** A profile of what the tallies counted. */
    Profile snapshot(String label, long durationMillis) {
        return toProfile(label, durationMillis, tallyTotals());
    }

    /**
     * A profile of what an allocator counted itself ({@link ProfileCounters}), with the lifetimes and
     * remote frees the tallies sampled; {@code classSize} gives the block size of the allocator's
     * class {@code c}.
     */
    Profile snapshot(String label, long durationMillis, ProfileCounters.Totals counted, IntUnaryOperator classSize) {
        long[] totals = tallyTotals();
        for (int b = 0; b < REQUEST_BUCKETS; b++) totals[ThreadTally.REQUESTS + b] += counted.requests()[b];
        totals[ThreadTally.BIG_COUNT] += counted.bigCount();
        totals[ThreadTally.BIG_BYTES] += counted.bigBytes();
        totals[ThreadTally.FREES] += counted.frees();
        for (int c = 0; c < counted.mallocs().length; c++) {
            int size = classSize.applyAsInt(c);
            if (size > Profile.MAX_SMALL) continue; // beyond the profile's classes (the Mid classes above 32 KiB): counted as big requests
            int s = ThreadTally.CLASSES + 8 * classBucket(size);
            totals[s + ThreadTally.MALLOCS] += counted.mallocs()[c];
            totals[s + ThreadTally.PEAK] = Math.max(totals[s + ThreadTally.PEAK], counted.peaks()[c]);
            totals[s + ThreadTally.BURST] = Math.max(totals[s + ThreadTally.BURST], counted.bursts()[c]);
        }
        return toProfile(label, durationMillis, totals);
    }

    /** The tallies' shared slots summed (after folding ended threads' tallies). */
    private synchronized long[] tallyTotals() {
        retire();
        long[] totals = new long[ThreadTally.SLOTS];
        retired.addTo(totals);
        for (ThreadTally t : tallies) t.addTo(totals);
        return totals;
    }

    private static Profile toProfile(String label, long durationMillis, long[] totals) {
        long mallocs = totals[ThreadTally.BIG_COUNT];
        List<Profile.Request> reqs = new ArrayList<>();
        for (int b = 0; b < REQUEST_BUCKETS; b++) {
            long n = totals[ThreadTally.REQUESTS + b];
            mallocs += n;
            if (n > 0) reqs.add(new Profile.Request(requestSize(b), n));
        }
        List<Profile.ClassUse> classes = new ArrayList<>();
        for (int c = 0; c < CLASS_BUCKETS; c++) {
            int s = ThreadTally.CLASSES + 8 * c;
            long n = totals[s + ThreadTally.MALLOCS];
            if (n > 0) classes.add(new Profile.ClassUse(classSize(c), n, totals[s + ThreadTally.PEAK], totals[s + ThreadTally.BURST]));
        }
        int used = 64;
        while (used > 0 && totals[ThreadTally.LIFETIMES + used - 1] == 0) used--;
        long[] life = Arrays.copyOfRange(totals, ThreadTally.LIFETIMES, ThreadTally.LIFETIMES + used);
        return new Profile(label, durationMillis, mallocs, totals[ThreadTally.FREES], reqs, totals[ThreadTally.BIG_COUNT],
                totals[ThreadTally.BIG_BYTES], classes, totals[ThreadTally.SAMPLED], life, totals[ThreadTally.REMOTE]);
    }

    static int requestBucket(int size) {
        return ProfileCounters.requestBucket(size);
    }

    static int requestSize(int bucket) {
        return ProfileCounters.requestSize(bucket);
    }

    static int classBucket(int usable) {
        return usable <= 1024 ? (usable + 15) / 16 : 64 + (usable - 1024 + 255) / 256;
    }

    static int classSize(int bucket) {
        return bucket <= 64 ? bucket * 16 : 1024 + (bucket - 64) * 256;
    }
}
