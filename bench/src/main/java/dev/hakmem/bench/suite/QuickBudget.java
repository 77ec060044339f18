package dev.hakmem.bench.suite;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits quick mode into its time budget: every selected workload on every peer that can run it, in
 * one fork each, with iteration times derived from how many runs there are.
 *
 * <p>Why derived and not fixed: the matrix grows with every peer and workload (17 x 20 runs today),
 * and at that size JVM forks alone take over half of the 10 minutes. Fixed times would either break
 * the budget as the matrix grows or waste it while it is small. The arithmetic, in seconds:
 * <pre>
 *   fixed       = invocations * JMH_START + runs * FORK + singleShotRuns * 3 * SINGLE_SHOT_INVOCATION
 *                 + sum over marks of markedRuns * (mark's least warm-up - warm-up)    (see below)
 *   perRun      = (budget - fixed) / timedRuns / OVERSHOOT       timed part of one timed run
 *   measurement = 3 x perRun / 6    (clamped to 100-1000 ms)
 *   warm-up     = 1 x the rest of perRun, perRun - 3 x measurement   (clamped to 200-2000 ms)
 * </pre>
 * (So warm-up is half of perRun unless the measurement floor takes more than its half.) A run is one
 * (benchmark, parameter combination, peer): one JMH fork. Single-shot runs take
 * {@link RunSettings#QUICK_SINGLE_SHOT}: 3 invocations. The default matrix with quick mode's headline
 * rounds ({@link HeadlineRounds}), 2026-12-02: 9 peers on 14 same-thread and 9 cross-thread parameter
 * sets in round 1 (207 runs) and an assumed 4 peers per set in each of 2 more rounds (184 runs): 391
 * timed runs in 10 invocations. About 523 s are left after the build: fixed = 10 + 391 x 0.5 = 205.5 s,
 * perRun = 0.74 s, warm-up 1 x 380 ms and measurement 3 x 120 ms, estimate 524 s. Measured in two clean
 * clones the same day: the whole job in 8 min 1 s and 8 min 9 s at the floors (200 + 3 x 100 ms),
 * which puts a fork's cost beyond its iterations at about 0.4 s with the class-data archive the
 * script sets up (FORK below keeps some margin). When the floors are hit and the estimate is over the
 * budget, the plan says by how much.
 *
 * <p>Timed runs of workloads marked {@link dev.hakmem.bench.LongWarmup} warm up for at least the
 * mark's milliseconds ({@link #LONG_WARMUP_MILLIS} for those whose invocations start threads, less for
 * others, see the mark); what that adds to their warm-up is fixed time the other runs give up. As it
 * depends on the warm-up it adds to, the arithmetic runs twice: first without it, then with what the
 * first pass's warm-up leaves it to add.
 *
 * @param longWarmupRuns how many of the {@code timedRuns} get each least warm-up: runs by milliseconds
 */
public record QuickBudget(double budgetSeconds, int timedRuns, int singleShotRuns, int invocations, Map<Long, Integer> longWarmupRuns) {
    /**
     * The least warm-up of a workload marked {@link dev.hakmem.bench.LongWarmup}: after 1.5 s, as after
     * 2 s, hakmem's threadChurn and mstress scores were near those of 1 s iterations after 2-3 s, and
     * the natives' near those after 0.39 s (2026-12-04; the numbers are in {@code LongWarmup}).
     */
    public static final long LONG_WARMUP_MILLIS = 1500;

    public QuickBudget {
        longWarmupRuns = Collections.unmodifiableSortedMap(new TreeMap<>(longWarmupRuns));
        for (var e : longWarmupRuns.entrySet()) {
            if (e.getKey() <= 0 || e.getValue() < 0) throw new IllegalArgumentException("long warm-ups: " + longWarmupRuns);
        }
    }

    /** A budget without long warm-ups. */
    public QuickBudget(double budgetSeconds, int timedRuns, int singleShotRuns, int invocations) {
        this(budgetSeconds, timedRuns, singleShotRuns, invocations, Map.of());
    }

    /**
     * Seconds per fork beyond its iterations: JVM start, JMH handshake, trial setup and teardown. About
     * 0.4 s on average over the default matrix on 2 cores, with the script's class-data archive (two
     * quick jobs of 207 and 391 runs, 2026-12-02); 1.0 s before that archive and when the matrix had
     * more costly setups.
     */
    static final double FORK = 0.5;
    /** Seconds to start JMH's host JVM and list the benchmarks, per invocation. */
    static final double JMH_START = 1.0;
    /** Assumed seconds per single-shot invocation: footprint runs should stay within it. */
    static final double SINGLE_SHOT_INVOCATION = 0.5;
    /** An iteration ends with the invocation running at its deadline (a randomMixed one takes 0.2-0.4 s). */
    static final double OVERSHOOT = 1.1;
    static final long MIN_WARMUP = 200, MAX_WARMUP = 2000, MIN_MEASUREMENT = 100, MAX_MEASUREMENT = 1000;

    /**
     * Settings for the timed runs (1 fork, 1 warm-up and 3 measurement iterations); those of a workload
     * marked {@link dev.hakmem.bench.LongWarmup} take {@link #warmedAtLeast} instead.
     */
    public RunSettings timed() {
        return timed(addedByLongWarmups());
    }

    /** Timed settings when {@code extraSeconds} of the budget go to the long warm-ups. */
    private RunSettings timed(double extraSeconds) {
        double perRunMillis = timedRuns == 0 ? 0 : 1000 * (budgetSeconds - fixedSeconds(extraSeconds)) / timedRuns / OVERSHOOT;
        long measurement = clamp(perRunMillis / 6, MIN_MEASUREMENT, MAX_MEASUREMENT);
        return new RunSettings(1, 1, clamp(perRunMillis - 3 * measurement, MIN_WARMUP, MAX_WARMUP), 3, measurement);
    }

    /**
     * Settings for the timed runs of a workload marked {@link dev.hakmem.bench.LongWarmup} with
     * {@code leastMillis}: {@link #timed()} with at least that warm-up.
     */
    public RunSettings warmedAtLeast(long leastMillis) {
        return timed().withWarmupAtLeast(leastMillis);
    }

    /** Seconds beyond the timed runs' share: forks, start-up, single-shot runs, and what the long warm-ups add. */
    double fixedSeconds() {
        return fixedSeconds(addedByLongWarmups());
    }

    private double fixedSeconds(double extraSeconds) {
        int ssInvocations = RunSettings.QUICK_SINGLE_SHOT.warmupIterations() + RunSettings.QUICK_SINGLE_SHOT.iterations();
        return invocations * JMH_START + (timedRuns + singleShotRuns) * FORK + singleShotRuns * ssInvocations * SINGLE_SHOT_INVOCATION
                + extraSeconds;
    }

    /**
     * Seconds the long warm-ups add over all of them: to the warm-up the arithmetic gives without them
     * (its first pass), what it takes to reach each mark's least warm-up.
     */
    private double addedByLongWarmups() {
        RunSettings firstPass = timed(0);
        double millis = 0;
        for (var e : longWarmupRuns.entrySet()) millis += e.getValue() * Math.max(0, e.getKey() - firstPass.warmupMillis());
        return millis * firstPass.warmupIterations() / 1000.0;
    }

    /** Expected seconds of all JMH invocations with {@link #timed()}. */
    public double estimateSeconds() {
        RunSettings t = timed();
        double timedPart = (t.warmupIterations() * t.warmupMillis() + t.iterations() * t.measurementMillis()) / 1000.0;
        return fixedSeconds() + timedRuns * timedPart * OVERSHOOT;
    }

    /** The arithmetic as the job prints it. */
    public String explain() {
        RunSettings t = timed();
        String s = String.format(Locale.ROOT,
                "quick budget: %d timed + %d single-shot runs in %d JMH invocation(s), %.0f s available; "
                        + "forks, start-up and long warm-ups (%s) %.0f s, so timed runs get %s; estimate %.0f s",
                timedRuns, singleShotRuns, invocations, budgetSeconds, describeLongWarmups(), fixedSeconds(),
                t.describe(), estimateSeconds());
        if (estimateSeconds() > budgetSeconds * 1.02) { // rounding to 10 ms alone never warns
            s += String.format(Locale.ROOT, " (OVER the budget by %.0f s: the minimum iteration times are reached; "
                    + "narrow the run with --peers or --bench)", estimateSeconds() - budgetSeconds);
        }
        return s;
    }

    /** "48 of at least 1500 ms, 27 of at least 600 ms", or "none". */
    private String describeLongWarmups() {
        if (longWarmupRuns.isEmpty()) return "none";
        List<String> parts = new ArrayList<>();
        for (var e : new TreeMap<>(longWarmupRuns).descendingMap().entrySet()) parts.add(e.getValue() + " of at least " + e.getKey() + " ms");
        return String.join(", ", parts);
    }

    private static long clamp(double millis, long min, long max) {
        long tens = Math.round(millis / 10) * 10;
        return Math.max(min, Math.min(max, tens));
    }
}
