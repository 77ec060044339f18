package dev.hakmem.bench.report;

import java.util.Map;

/**
 * One result of a JMH JSON file, reduced to what the report shows.
 *
 * @param benchmark JMH's name, {@code dev.hakmem.bench.TinyHot.cycle}
 * @param params the parameters other than {@code peer}, as {@code name=value} separated by spaces, then
 *     {@code threads=N} when JMH ran more than one thread (so midLargeMt at 1 and 2 threads differ)
 * @param peer the {@code peer} parameter, or "" for benchmarks without one ({@code bench.design})
 * @param error JMH's 99.9% confidence half-width; NaN when there were too few measurements
 * @param secondary secondary metrics by name (their score), e.g. {@code @AuxCounters} fields
 * @param settings forks and iterations as JMH recorded them, for the report's header
 * @param percentiles of a sample-time result ({@code mode} "sample"): JMH's percentiles of the sampled
 *     invocation times by percent ({@code 50.0}, {@code 99.0}, {@code 99.9}, {@code 100.0}); empty otherwise
 */
public record JmhResult(String benchmark, String mode, String params, String peer, double score, double error,
                        String unit, Map<String, Double> secondary, String settings, Map<Double, Double> percentiles) {
    /** A result without percentiles (any mode but sample time). */
    public JmhResult(String benchmark, String mode, String params, String peer, double score, double error,
                     String unit, Map<String, Double> secondary, String settings) {
        this(benchmark, mode, params, peer, score, error, unit, secondary, settings, Map.of());
    }

    /** The percentiles the report shows for a latency result: p50, p99, p99.9 and the maximum. */
    public static final java.util.List<Double> LATENCY_PERCENTILES = java.util.List.of(50.0, 99.0, 99.9, 100.0);

    /** True for a sample-time result with percentiles: a latency measurement. */
    public boolean latency() {
        return mode.equals("sample") && !percentiles.isEmpty();
    }

    /** Secondary metric of a footprint run: the process's peak resident set, in bytes. */
    public static final String PEAK_RSS = "peakRssBytes";
    /** Secondary metric of a footprint run: the peak of bytes requested and not yet freed. */
    public static final String PEAK_LIVE = "peakLiveBytes";

    /** {@code tinyHot}: the class name as {@code docs/WORKLOADS.md} spells the workload. */
    public String workload() {
        return Tables.workload(benchmark);
    }

    /** Any result with both footprint metrics is a footprint run, whatever its benchmark is called. */
    public boolean footprint() {
        return secondary.containsKey(PEAK_RSS) && secondary.containsKey(PEAK_LIVE);
    }

    /** Times per operation (s/op, us/op, ...) are better when lower; rates (ops/s) when higher. */
    public boolean lowerIsBetter() {
        return !unit.endsWith("/s") && !unit.endsWith("/ms") && !unit.endsWith("/us") && !unit.endsWith("/ns")
                && !unit.endsWith("/min");
    }

    /** The score as a speed, so that bigger is always better: the score, or its inverse for times. */
    public double speed() {
        return lowerIsBetter() ? 1 / score : score;
    }
}
