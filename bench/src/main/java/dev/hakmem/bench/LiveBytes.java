package dev.hakmem.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes a workload has requested and not yet freed, summed over all its threads, and the peak of
 * that sum: the "peak live bytes" the footprint workloads report next to peak RSS.
 *
 * <p>Each thread counts into its own {@link Local} and adds its count to the shared total once it
 * reaches {@code flushAt} bytes either way (and when it {@link Local#flush() flushes} at the end of
 * its work); the peak is taken at those moments. So with {@code t} threads counting at once the peak
 * is exact to within {@code t * flushAt} bytes, and exact with {@code flushAt = 1}. The benchmarks
 * use {@value #FLUSH_AT} bytes, so that threads do not bounce the counter's cache line on every
 * malloc and free; against the megabytes the workloads hold that error is well under 1%.
 */
final class LiveBytes {
    static final long FLUSH_AT = 4096;

    private final long flushAt;
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    LiveBytes(long flushAt) {
        if (flushAt < 1) throw new IllegalArgumentException("flushAt must be positive: " + flushAt);
        this.flushAt = flushAt;
    }

    /** One thread's count; not thread-safe, each thread makes its own. */
    final class Local {
        private long pending;

        void malloced(long size) {
            pending += size;
            if (pending >= flushAt) flush();
        }

        void freed(long size) {
            pending -= size;
            if (pending <= -flushAt) flush();
        }

        /** Adds what this thread counted to the total; call when the thread is done. */
        void flush() {
            if (pending == 0) return;
            long now = live.addAndGet(pending);
            pending = 0;
            if (now > peak.get()) peak.accumulateAndGet(now, Math::max);
        }
    }

    Local local() {
        return new Local();
    }

    /** Live bytes as of the last flushes. */
    long live() {
        return live.get();
    }

    /** The highest total seen at a flush since the start or {@link #resetPeak()}. */
    long peak() {
        return peak.get();
    }

    /** Starts a new peak from the current total (when a measurement window opens). */
    void resetPeak() {
        peak.set(live.get());
    }
}
