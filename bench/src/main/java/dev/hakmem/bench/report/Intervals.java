package dev.hakmem.bench.report;

/**
 * When the report may call one result faster than another: only when their confidence intervals
 * (JMH's score plus or minus its 99.9% error) do not overlap. Anything else is a tie, shown as "≈",
 * never bold and never counted as a win or a loss.
 *
 * <p>Why this rule: on a shared 2-core machine two peers within a few percent swap places from run
 * to run; a bold mark or a "win" given to the higher point estimate then says more than the
 * measurement does. An interval JMH could not compute (one measurement: the error is NaN) excludes
 * nothing, so a result without one ties with every other: no claim without evidence.
 *
 * <p>Intervals are compared as speeds (bigger is better), so a time per operation's interval
 * {@code [s - e, s + e]} becomes {@code [1 / (s + e), 1 / (s - e)]}, infinite above when the error
 * reaches zero.
 */
final class Intervals {
    private Intervals() {}

    /** How one result compares with another. */
    enum Outcome {
        /** Faster, and the intervals do not overlap. */
        WIN,
        /** The intervals overlap, or one of them is unknown. */
        TIE,
        /** Slower, and the intervals do not overlap. */
        LOSS;

        /** "win", "tie", "loss". */
        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The result's interval as speeds, {@code {low, high}}; null when JMH gave no error (or the score
     * is not a positive number).
     */
    static double[] speedInterval(JmhResult r) {
        double s = r.score(), e = Math.abs(r.error());
        if (!(s > 0) || Double.isNaN(e) || Double.isInfinite(s)) return null;
        if (!r.lowerIsBetter()) return new double[] {s - e, s + e};
        return new double[] {1 / (s + e), s - e > 0 ? 1 / (s - e) : Double.POSITIVE_INFINITY};
    }

    /** True when the two intervals share a point, or either is unknown. */
    static boolean overlap(JmhResult a, JmhResult b) {
        double[] x = speedInterval(a), y = speedInterval(b);
        return x == null || y == null || (x[0] <= y[1] && y[0] <= x[1]);
    }

    /** {@code a} against {@code b}: a tie when the intervals overlap, else by speed. */
    static Outcome compare(JmhResult a, JmhResult b) {
        if (overlap(a, b)) return Outcome.TIE;
        return a.speed() > b.speed() ? Outcome.WIN : Outcome.LOSS;
    }
}
