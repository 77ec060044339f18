package dev.hakmem.bench.suite;

import org.openjdk.jmh.annotations.Mode;

/**
 * One JMH benchmark the job will run, with what decides how it is run.
 *
 * @param name JMH's benchmark name, {@code package.Class.method} (or {@code .group})
 * @param mode its benchmark mode; single-shot runs get iteration counts instead of iteration times
 * @param crossThread marked {@link dev.hakmem.bench.CrossThreadFrees}: same-thread-only peers sit out
 * @param takesPeer it has a {@code peer} parameter (peer workloads do; {@code bench.design} ones do not)
 * @param paramCombinations how many combinations of its other parameters JMH will run
 * @param leastWarmupMillis the {@link dev.hakmem.bench.LongWarmup#millis()} of its mark: quick mode warms
 *     it up for at least that long; 0 without the mark
 */
public record PlannedBenchmark(String name, Mode mode, boolean crossThread, boolean takesPeer, int paramCombinations,
        long leastWarmupMillis) {
    public PlannedBenchmark {
        if (leastWarmupMillis < 0) throw new IllegalArgumentException("a negative least warm-up: " + leastWarmupMillis + " ms");
    }

    /** A benchmark without the long warm-up mark. */
    public PlannedBenchmark(String name, Mode mode, boolean crossThread, boolean takesPeer, int paramCombinations) {
        this(name, mode, crossThread, takesPeer, paramCombinations, 0);
    }

    /** True when it is marked {@link dev.hakmem.bench.LongWarmup}. */
    public boolean longWarmup() {
        return leastWarmupMillis > 0;
    }

    /** True when JMH times one invocation per iteration, so {@code -w}/{@code -r} mean nothing. */
    public boolean singleShot() {
        return mode == Mode.SingleShotTime;
    }

    /**
     * The JMH invocation this benchmark belongs to: benchmarks share one when they take the same peers
     * and the same settings ({@code same-thread}, {@code cross-thread}, {@code no-peer}, each with a
     * {@code -single-shot} twin, and a {@code -warmup-<millis>ms} one for each least warm-up that
     * timed benchmarks are marked with).
     */
    public String group() {
        String peers = !takesPeer ? "no-peer" : crossThread ? "cross-thread" : "same-thread";
        return singleShot() ? peers + "-single-shot" : longWarmup() ? peers + "-warmup-" + leastWarmupMillis + "ms" : peers;
    }

    /**
     * Where the group comes in the job and the report: single-threaded peer workloads first, then
     * cross-thread ones, then single-shot (footprint) runs, then benchmarks without peers.
     */
    public int groupRank() {
        return (!takesPeer ? 4 : 0) + (singleShot() ? 2 : 0) + (crossThread ? 1 : 0);
    }
}
