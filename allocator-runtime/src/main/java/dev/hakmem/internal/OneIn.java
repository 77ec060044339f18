package dev.hakmem.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A random "one in {@code rate}" decision for the diagnostic samplers (leak sampling, guarded
 * sampling): one draw from the thread's {@link ThreadLocalRandom} and an unsigned compare with a
 * threshold computed once, where {@code nextInt(rate) == 0} would divide on every call when
 * {@code rate} is not a power of two. Each call is a hit with probability {@code 1 / rate} (up to
 * the rounding of {@code 2^32 / rate}), independently of the others. Immutable.
 */
public final class OneIn {
    private final int rate;
    /** A draw below this (unsigned) is a hit: {@code 2^32 / rate} rounded down (0 for rate 1, see {@link #hit}). */
    private final int threshold;

    /** @param rate at least 1 (1: every call is a hit) */
    public OneIn(int rate) {
        if (rate < 1) throw new IllegalArgumentException("rate must be >= 1, got " + rate);
        this.rate = rate;
        this.threshold = (int) ((1L << 32) / rate);
    }

    /** Whether this call is sampled: true about once in {@code rate} calls, on any thread. */
    public boolean hit() {
        return rate == 1 || Integer.compareUnsigned(ThreadLocalRandom.current().nextInt(), threshold) < 0;
    }

    /** The rate. */
    public int rate() {
        return rate;
    }
}
