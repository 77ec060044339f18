package dev.hakmem.codegen.tune;

import dev.hakmem.codegen.profile.Profile.ClassRecord;
import java.util.Map;

/**
 * A tuned class's thread-cache capacity and batch from the recorded bursts; the rule and why are in the
 * package javadoc ("Caches").
 */
final class CacheSizing {
    static final int TINY_MIN_CAPACITY = 16;
    static final int TINY_MAX_CAPACITY = 1024;
    static final int MID_MIN_CAPACITY = 4;
    static final int MID_MAX_CAPACITY = 256;
    /** Capacity over batch, the runtime's own ratio (128/32, 32/8, 16/4). */
    static final int CAPACITY_PER_BATCH = 4;

    private CacheSizing() {}

    /**
     * How many blocks a thread's cache of the tuned class {@code (previous, size]} should hold. For each
     * request size the class serves (recorded at least once), the recorded class that served it in the
     * recording is the smallest recorded class at least that size; the demand is the largest
     * {@code min(burst, peakLive)} of those ({@code burst} alone when {@code peakLive} is 0), 0 when
     * there is none (no data).
     */
    static long demand(MergedProfile profile, int previous, int size) {
        long demand = 0;
        ClassRecord last = null;
        for (int s = previous == 0 ? 0 : previous + 1; s <= size; s++) {
            if (profile.histogram()[s] == 0) continue;
            Map.Entry<Integer, ClassRecord> served = profile.classes().ceilingEntry(s);
            if (served == null || served.getValue() == last) continue;
            last = served.getValue();
            demand = Math.max(demand, demand(last));
        }
        return demand;
    }

    /** One recorded class's demand: its burst, capped by its peakLive when that was recorded. */
    static long demand(ClassRecord c) {
        return c.peakLive() > 0 ? Math.min(c.burst(), c.peakLive()) : c.burst();
    }

    /** {@code demand} rounded up to a power of two, clamped to the tier's range. */
    static int capacity(long demand, boolean tiny) {
        int min = tiny ? TINY_MIN_CAPACITY : MID_MIN_CAPACITY;
        int max = tiny ? TINY_MAX_CAPACITY : MID_MAX_CAPACITY;
        if (demand >= max) return max;
        int d = (int) Math.max(demand, 1);
        int pow2 = d == 1 ? 1 : Integer.highestOneBit(d - 1) << 1;
        return Math.max(min, pow2);
    }

    /** A quarter of the capacity, at least 1. */
    static int batch(int capacity) {
        return Math.max(1, capacity / CAPACITY_PER_BATCH);
    }
}
