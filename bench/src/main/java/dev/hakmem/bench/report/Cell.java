package dev.hakmem.bench.report;

/**
 * One peer's row in a {@link RowGroup}: a result with its ratios, a peer that was left out on
 * purpose, or a result that was expected and is missing.
 *
 * @param peer the peer, or "-" for a benchmark without a peer parameter
 * @param result the result when {@code status} is {@link Status#OK}, else null
 * @param note why a cell is n/a or FAILED
 * @param vsReference speed relative to mimalloc's in the same group (NaN when either is missing)
 * @param vsBest speed relative to the fastest peer's in the same group (1 for the fastest)
 * @param rank whether this is the group's clear best, tied with the best, or neither
 *     ({@link Intervals}: only a best whose interval overlaps no other result's is clear)
 */
public record Cell(String peer, Status status, JmhResult result, String note, double vsReference, double vsBest, Rank rank) {
    /** A cell's standing in its group, from the confidence intervals ({@link Intervals}). */
    public enum Rank {
        /** The fastest, and its interval overlaps no other result's: the report may bold it. */
        BEST,
        /** The fastest or within its interval, while some other result overlaps it: "≈", never bold. */
        TIED_FOR_BEST,
        /** Clearly slower than the fastest, or no result. */
        OTHER
    }

    /** What a cell shows. */
    public enum Status {
        /** A result. */
        OK,
        /** Not run on purpose (a same-thread-only peer on a workload that frees on other threads). */
        NOT_APPLICABLE,
        /** Expected (the peer was available and asked for) but JMH has no result: the benchmark threw. */
        FAILED
    }

    static Cell ok(JmhResult r) {
        return new Cell(r.peer().isEmpty() ? "-" : r.peer(), Status.OK, r, "", Double.NaN, Double.NaN, Rank.OTHER);
    }

    static Cell notApplicable(String peer, String note) {
        return new Cell(peer, Status.NOT_APPLICABLE, null, note, Double.NaN, Double.NaN, Rank.OTHER);
    }

    static Cell failed(String peer) {
        return new Cell(peer, Status.FAILED, null, "no result (see jmh.log)", Double.NaN, Double.NaN, Rank.OTHER);
    }

    Cell withRatios(double vsReference, double vsBest, Rank rank) {
        return new Cell(peer, status, result, note, vsReference, vsBest, rank);
    }
}
