package dev.hakmem.bench;

/**
 * The random generator of the workloads ({@code docs/WORKLOADS.md}): Marsaglia's xorshift32
 * ({@code x ^= x << 13; x ^= x >>> 17; x ^= x << 5}). A workload keeps its state in a local while a
 * thread runs and calls {@link #next}: a field written on every step can share a cache line with
 * another thread's (larson, docs/BENCHMARKS-HISTORY.md, session 48).
 */
public final class Xorshift32 {
    private Xorshift32() {}

    /** The state after {@code x} (never 0 when {@code x} is not). */
    public static int next(int x) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x;
    }
}
