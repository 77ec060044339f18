package dev.hakmem.bench.suite;

import java.util.Locale;

/**
 * Fits quick mode into its time budget: every selected workload on every peer that can run it, in
 * one fork each, with iteration times derived from how many runs there are.
 *
 * <p>Why derived and not fixed: the matrix grows with every peer and workload (about 16 x 20 runs),
 * and at that size JVM forks alone take half of the 10 minutes. Fixed times would either break the
 * budget as the matrix grows or waste it while it is small. The arithmetic, in seconds:
 * <pre>
 *   fixed   = invocations * JMH_START + runs * FORK + singleShotRuns * 3 * SINGLE_SHOT_INVOCATION
 *   perRun  = (budget - fixed) / timedRuns / OVERSHOOT       timed part of one timed run
 *   warm-up = 1 x perRun / 2,  measurement = 3 x perRun / 6   (clamped to 300-2000 ms and 100-1000 ms)
 * </pre>
 * A run is one (benchmark, parameter combination, peer): one JMH fork. Single-shot runs (footprint)
 * take {@link RunSettings#QUICK_SINGLE_SHOT}: 3 invocations. With 16 peers, 15 timed and 3 single-shot
 * (benchmark, parameter) combinations of which 9 exclude one same-thread-only peer: 234 timed and 45
 * single-shot runs in 3 invocations, fixed = 3 + 279 + 67.5 = 349.5 s; with a 525 s budget (10 minutes
 * less about 55 s of build and planning and 20 s kept for the report) perRun = 0.60 s: warm-up 1 x 300 ms and
 * 3 x 100 ms (both at their floors), estimate 525 s, so about 9.6 minutes in all. When the floors are
 * hit and the estimate is over the budget, the plan says by how much.
 */
public record QuickBudget(double budgetSeconds, int timedRuns, int singleShotRuns, int invocations) {
    /** Seconds per fork beyond its iterations: JVM start, JMH handshake, trial setup and teardown (0.7-1.3 s measured on 2 busy cores). */
    static final double FORK = 1.0;
    /** Seconds to start JMH's host JVM and list the benchmarks, per invocation. */
    static final double JMH_START = 1.0;
    /** Assumed seconds per single-shot invocation: footprint runs should stay within it. */
    static final double SINGLE_SHOT_INVOCATION = 0.5;
    /** An iteration ends with the invocation running at its deadline (a randomMixed one takes 0.2-0.4 s). */
    static final double OVERSHOOT = 1.25;
    static final long MIN_WARMUP = 300, MAX_WARMUP = 2000, MIN_MEASUREMENT = 100, MAX_MEASUREMENT = 1000;

    /** Settings for the timed runs (1 fork, 1 warm-up and 3 measurement iterations). */
    public RunSettings timed() {
        double perRunMillis = timedRuns == 0 ? 0 : 1000 * (budgetSeconds - fixedSeconds()) / timedRuns / OVERSHOOT;
        return new RunSettings(1, 1, clamp(perRunMillis / 2, MIN_WARMUP, MAX_WARMUP), 3,
                clamp(perRunMillis / 6, MIN_MEASUREMENT, MAX_MEASUREMENT));
    }

    /** Seconds that do not depend on the iteration times. */
    double fixedSeconds() {
        int ssInvocations = RunSettings.QUICK_SINGLE_SHOT.warmupIterations() + RunSettings.QUICK_SINGLE_SHOT.iterations();
        return invocations * JMH_START + (timedRuns + singleShotRuns) * FORK + singleShotRuns * ssInvocations * SINGLE_SHOT_INVOCATION;
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
                        + "forks and start-up %.0f s, so timed runs get %s; estimate %.0f s",
                timedRuns, singleShotRuns, invocations, budgetSeconds, fixedSeconds(), t.describe(), estimateSeconds());
        if (estimateSeconds() > budgetSeconds * 1.02) { // rounding to 10 ms alone never warns
            s += String.format(Locale.ROOT, " (OVER the budget by %.0f s: the minimum iteration times are reached; "
                    + "narrow the run with --peers or --bench)", estimateSeconds() - budgetSeconds);
        }
        return s;
    }

    private static long clamp(double millis, long min, long max) {
        long tens = Math.round(millis / 10) * 10;
        return Math.max(min, Math.min(max, tens));
    }
}
