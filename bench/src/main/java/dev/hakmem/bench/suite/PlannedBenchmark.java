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
 * @param longWarmup marked {@link dev.hakmem.bench.LongWarmup}: quick mode warms it up for at least
 *     {@link QuickBudget#LONG_WARMUP_MILLIS}
 */
public record PlannedBenchmark(String name, Mode mode, boolean crossThread, boolean takesPeer, int paramCombinations,
        boolean longWarmup) {
    /** A benchmark without the long warm-up mark. */
    public PlannedBenchmark(String name, Mode mode, boolean crossThread, boolean takesPeer, int paramCombinations) {
        this(name, mode, crossThread, takesPeer, paramCombinations, false);
    }

    /** True when JMH times one invocation per iteration, so {@code -w}/{@code -r} mean nothing. */
    public boolean singleShot() {
        return mode == Mode.SingleShotTime;
    }

    /**
     * The JMH invocation this benchmark belongs to: benchmarks share one when they take the same peers
     * and the same settings ({@code same-thread}, {@code cross-thread}, {@code no-peer}, each with a
     * {@code -single-shot} twin, and a {@code -long-warmup} one for timed benchmarks marked so).
     */
    public String group() {
        String peers = !takesPeer ? "no-peer" : crossThread ? "cross-thread" : "same-thread";
        return singleShot() ? peers + "-single-shot" : longWarmup ? peers + "-long-warmup" : peers;
    }

    /**
     * Where the group comes in the job and the report: single-threaded peer workloads first, then
     * cross-thread ones, then single-shot (footprint) runs, then benchmarks without peers.
     */
    public int groupRank() {
        return (!takesPeer ? 4 : 0) + (singleShot() ? 2 : 0) + (crossThread ? 1 : 0);
    }
}
