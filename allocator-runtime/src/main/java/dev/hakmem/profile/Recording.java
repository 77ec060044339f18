package dev.hakmem.profile;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind an {@link AllocationRecorder}, shared by every thread.
 *
 * <p>Memory-ordering contract: every counter is an atomic (or a {@link LongAdder}); a snapshot reads
 * each one once while threads may still be counting, so a snapshot taken during activity is a
 * consistent-enough estimate, and one taken after the threads are done is exact (apart from
 * {@code peakLive}, see below). {@code peakLive} is raised with a plain compare-then-set on an atomic
 * array element: two threads raising it at once may lose the higher value for that instant. Burst runs
 * are per thread ({@link ThreadLocal} plain ints), only their maxima are shared.
 */
final class Recording {
    /** Request-size buckets: exact sizes 0..1024, then multiples of 16 up to 32768. */
    static final int REQUEST_BUCKETS = 1025 + (Profile.MAX_SMALL - 1024) / 16;
    /** Class buckets by usable size: multiples of 16 up to 1024, then multiples of 256 up to 32768. */
    static final int CLASS_BUCKETS = 1 + 1024 / 16 + (Profile.MAX_SMALL - 1024) / 256;
    /** Sampled when the top 6 bits of the address hash are zero: about 1 block in 64. */
    private static final int SAMPLE_SHIFT = 58;

    private final AtomicLongArray requests = new AtomicLongArray(REQUEST_BUCKETS);
    private final LongAdder bigRequests = new LongAdder();
    private final LongAdder bigRequestBytes = new LongAdder();
    private final LongAdder mallocs = new LongAdder();
    private final LongAdder frees = new LongAdder();
    private final AtomicLongArray classMallocs = new AtomicLongArray(CLASS_BUCKETS);
    private final AtomicLongArray live = new AtomicLongArray(CLASS_BUCKETS);
    private final AtomicLongArray peakLive = new AtomicLongArray(CLASS_BUCKETS);
    private final AtomicLongArray burst = new AtomicLongArray(CLASS_BUCKETS);
    /** This thread's current run of allocations per class bucket without a free of that class. */
    private final ThreadLocal<int[]> runs = ThreadLocal.withInitial(() -> new int[CLASS_BUCKETS]);
    /** Sampled live blocks: address -> {allocating thread id, allocation time in nanoseconds}. */
    private final ConcurrentHashMap<Long, long[]> samples = new ConcurrentHashMap<>();
    private final AtomicLongArray lifetimes = new AtomicLongArray(64);
    private final LongAdder lifetimeSamples = new LongAdder();
    private final LongAdder remoteFrees = new LongAdder();

    /** A successful allocation of {@code requested} bytes at {@code p}, whose usable size is {@code usable}. */
    void allocated(long requested, long p, long usable) {
        mallocs.increment();
        if (requested <= Profile.MAX_SMALL) {
            requests.getAndIncrement(requestBucket((int) requested));
        } else {
            bigRequests.increment();
            bigRequestBytes.add(requested);
        }
        if (usable > 0 && usable <= Profile.MAX_SMALL) {
            int c = classBucket((int) usable);
            classMallocs.getAndIncrement(c);
            long now = live.incrementAndGet(c);
            if (now > peakLive.get(c)) peakLive.set(c, now);
            int run = ++runs.get()[c];
            if (run > burst.get(c)) burst.accumulateAndGet(c, run, Math::max);
        }
        if (sampled(p)) samples.put(p, new long[] {Thread.currentThread().threadId(), System.nanoTime()});
    }

    /** A successful free of {@code p}, whose usable size was {@code usable} (-1: unknown). */
    void freed(long p, long usable) {
        frees.increment();
        if (usable > 0 && usable <= Profile.MAX_SMALL) {
            int c = classBucket((int) usable);
            live.decrementAndGet(c);
            runs.get()[c] = 0;
        }
        if (sampled(p)) {
            long[] s = samples.remove(p);
            if (s != null) {
                long nanos = Math.max(1, System.nanoTime() - s[1]);
                lifetimes.getAndIncrement(63 - Long.numberOfLeadingZeros(nanos));
                lifetimeSamples.increment();
                if (s[0] != Thread.currentThread().threadId()) remoteFrees.increment();
            }
        }
    }

    Profile snapshot(String label, long durationMillis) {
        List<Profile.Request> reqs = new ArrayList<>();
        for (int b = 0; b < REQUEST_BUCKETS; b++) {
            long n = requests.get(b);
            if (n > 0) reqs.add(new Profile.Request(requestSize(b), n));
        }
        List<Profile.ClassUse> classes = new ArrayList<>();
        for (int c = 0; c < CLASS_BUCKETS; c++) {
            long n = classMallocs.get(c);
            if (n > 0) classes.add(new Profile.ClassUse(classSize(c), n, peakLive.get(c), burst.get(c)));
        }
        long[] life = new long[64];
        for (int i = 0; i < life.length; i++) life[i] = lifetimes.get(i);
        int used = life.length;
        while (used > 0 && life[used - 1] == 0) used--;
        return new Profile(label, durationMillis, mallocs.sum(), frees.sum(), reqs, bigRequests.sum(), bigRequestBytes.sum(),
                classes, lifetimeSamples.sum(), java.util.Arrays.copyOf(life, used), remoteFrees.sum());
    }

    static int requestBucket(int size) {
        return size <= 1024 ? size : 1024 + (size - 1024 + 15) / 16;
    }

    static int requestSize(int bucket) {
        return bucket <= 1024 ? bucket : 1024 + (bucket - 1024) * 16;
    }

    static int classBucket(int usable) {
        return usable <= 1024 ? (usable + 15) / 16 : 64 + (usable - 1024 + 255) / 256;
    }

    static int classSize(int bucket) {
        return bucket <= 64 ? bucket * 16 : 1024 + (bucket - 64) * 256;
    }

    private static boolean sampled(long p) {
        return p != 0 && ((p >>> 4) * 0x9E3779B97F4A7C15L) >>> SAMPLE_SHIFT == 0;
    }
}
