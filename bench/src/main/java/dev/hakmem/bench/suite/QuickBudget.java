package dev.hakmem.bench.suite;

import java.util.Locale;

/**
 * Fits quick mode into its time budget: every selected workload on every peer that can run it, in
 * one fork each, with iteration times derived from how many runs there are.
 *
 * <p>Why derived and not fixed: the matrix grows with every peer and workload (17 x 20 runs today),
 * and at that size JVM forks alone take over half of the 10 minutes. Fixed times would either break
 * the budget as the matrix grows or waste it while it is small. The arithmetic, in seconds:
 * <pre>
 *   fixed       = invocations * JMH_START + runs * FORK + singleShotRuns * 3 * SINGLE_SHOT_INVOCATION
 *   perRun      = (budget - fixed) / timedRuns / OVERSHOOT       timed part of one timed run
 *   measurement = 3 x perRun / 6    (clamped to 100-1000 ms)
 *   warm-up     = 1 x the rest of perRun, perRun - 3 x measurement   (clamped to 200-2000 ms)
 * </pre>
 * (So warm-up is half of perRun unless the measurement floor takes more than its half.) A run is one
 * (benchmark, parameter combination, peer): one JMH fork. Single-shot runs take
 * {@link RunSettings#QUICK_SINGLE_SHOT}: 3 invocations. The default matrix, 17 peers: 11 same-thread
 * (benchmark, parameter) combinations on all 17, 9 cross-thread ones without the one same-thread-only
 * peer, 331 timed runs in 2 invocations, fixed = 2 + 331 = 333 s. The job's default budget, 570 s,
 * less about 40 s of build and planning and 20 s kept for the report leaves 510 s: perRun = 0.49 s,
 * measurement 3 x 100 ms (its floor), warm-up 1 x 200 ms (its floor), estimate 515 s, about 9.3 minutes
 * in all; the 30 s under 10 minutes are for a slower machine. Measured on 2 cores: 543 s of JMH for
 * these 331 runs at 300 + 3 x 100 ms (so OVERSHOOT, 1.1, is on the safe side of the 1.06 seen). When
 * the floors are hit and the estimate is over the budget, the plan says by how much.
 */
public record QuickBudget(double budgetSeconds, int timedRuns, int singleShotRuns, int invocations) {
    /**
     * Seconds per fork beyond its iterations: JVM start, JMH handshake, trial setup and teardown (0.5 s
     * for a fork that does nothing else, 1.0 s on average over the default matrix, measured on 2 cores).
     */
    static final double FORK = 1.0;
    /** Seconds to start JMH's host JVM and list the benchmarks, per invocation. */
    static final double JMH_START = 1.0;
    /** Assumed seconds per single-shot invocation: footprint runs should stay within it. */
    static final double SINGLE_SHOT_INVOCATION = 0.5;
    /** An iteration ends with the invocation running at its deadline (a randomMixed one takes 0.2-0.4 s). */
    static final double OVERSHOOT = 1.1;
    static final long MIN_WARMUP = 200, MAX_WARMUP = 2000, MIN_MEASUREMENT = 100, MAX_MEASUREMENT = 1000;

    /** Settings for the timed runs (1 fork, 1 warm-up and 3 measurement iterations). */
    public RunSettings timed() {
        double perRunMillis = timedRuns == 0 ? 0 : 1000 * (budgetSeconds - fixedSeconds()) / timedRuns / OVERSHOOT;
        long measurement = clamp(perRunMillis / 6, MIN_MEASUREMENT, MAX_MEASUREMENT);
        return new RunSettings(1, 1, clamp(perRunMillis - 3 * measurement, MIN_WARMUP, MAX_WARMUP), 3, measurement);
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
