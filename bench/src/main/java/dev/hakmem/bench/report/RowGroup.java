package dev.hakmem.bench.report;

import java.util.List;

/**
 * One table of the report: one benchmark with one combination of parameters, one {@link Cell} per
 * peer. Ratios compare peers within a group only, since only there did they run the same thing.
 *
 * @param workload the workload ({@code tinyHot}); the report has a section and a chart per workload
 * @param series the group within its workload ({@code size=16}, {@code twoThreads threads=2}), or the
 *     workload's name when it has just one group
 * @param unit the primary metric's unit ({@code ops/s}; {@code s/op} for single-shot runs)
 * @param footprint its results carry peak RSS and peak live bytes
 */
public record RowGroup(String workload, String series, String benchmark, String unit, boolean footprint, List<Cell> cells) {
    /** "tinyHot size=16": how the report names the group. */
    public String title() {
        return series.equals(workload) ? workload : workload + " " + series;
    }

    /** True when its results are latency samples (JMH's sample time, with percentiles). */
    public boolean latency() {
        return cells.stream().anyMatch(c -> c.status() == Cell.Status.OK && c.result().latency());
    }

    /** True when some expected result is missing. */
    public boolean failed() {
        return cells.stream().anyMatch(c -> c.status() == Cell.Status.FAILED);
    }
}
