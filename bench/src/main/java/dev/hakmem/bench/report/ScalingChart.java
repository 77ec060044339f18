package dev.hakmem.bench.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Throughput against threads for one workload (the scaling run, {@code --scaling}): one line per
 * peer through its score at each thread count, with JMH's 99.9% confidence half-width as error bars
 * (cut at the top of the axis, 1.5x the highest score).
 *
 * <p>The thread count of a result is JMH's ({@code threads=N} in its parameters, 1 when absent), so a
 * workload's {@code oneThread} table and its {@code twoThreads} tables run with {@code -t 2, 4, 8}
 * fall on one line. Drawn only for a workload with results at {@value #MIN_THREAD_COUNTS} or more
 * thread counts, and only from tables in operations per second.
 */
final class ScalingChart {
    static final int MIN_THREAD_COUNTS = 3;
    static final String CAPTION = "throughput (M ops/s, higher is better) against the number of benchmark threads, "
            + "one line per peer, error bars JMH's 99.9% confidence interval. Thread counts above the machine's cores "
            + "(the header gives its CPUs) are oversubscribed: threads take turns on the cores, so those points show how "
            + "each allocator copes with preempted threads holding its locks or caches, not how it scales on more cores. "
            + "On a 2-core machine that is 4 and 8 threads, and more than 2 cores cannot be measured there.";
    private static final Pattern THREADS = Pattern.compile("(?:^| )threads=(\\d+)(?: |$)");

    private ScalingChart() {}

    /** JMH's thread count of a result: its {@code threads=N} parameter, or 1. */
    static int threads(JmhResult r) {
        Matcher m = THREADS.matcher(r.params());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    /** Score (and error) per peer and thread count of the workload's tables in ops/s. */
    static Map<String, TreeMap<Integer, JmhResult>> points(List<RowGroup> groups) {
        Map<String, TreeMap<Integer, JmhResult>> byPeer = new java.util.LinkedHashMap<>();
        for (RowGroup g : groups) {
            if (!g.unit().equals("ops/s")) continue;
            for (Cell c : g.cells()) {
                if (c.status() != Cell.Status.OK || !(c.result().score() > 0)) continue;
                byPeer.computeIfAbsent(c.peer(), p -> new TreeMap<>()).put(threads(c.result()), c.result());
            }
        }
        return byPeer;
    }

    /** True when the workload has results at enough thread counts for a line to say something. */
    static boolean applies(List<RowGroup> groups) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (TreeMap<Integer, JmhResult> line : points(groups).values()) counts.addAll(line.keySet());
        return counts.size() >= MIN_THREAD_COUNTS;
    }

    static XYChart draw(String workload, List<RowGroup> groups) {
        XYChart chart = new XYChartBuilder().width(800).height(480)
                .title(workload + ": throughput against threads (error bars: 99.9% CI)")
                .xAxisTitle("benchmark threads").yAxisTitle("M ops/s").build();
        XYStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(Color.WHITE);
        s.setXAxisDecimalPattern("#");
        s.setYAxisDecimalPattern("#,##0.##");
        s.setYAxisMin(0.0);
        s.setErrorBarsColorSeriesColor(true);
        // Three short iterations can give an interval several times the score; the axis stops at 1.5x
        // the highest score (error bars are cut there) so that the lines stay readable.
        Map<String, TreeMap<Integer, JmhResult>> lines = points(groups);
        double top = 0;
        for (var line : lines.values()) for (JmhResult r : line.values()) top = Math.max(top, r.score() / 1e6);
        s.setYAxisMax(1.5 * top);
        for (var line : lines.entrySet()) {
            List<Double> x = new ArrayList<>(), y = new ArrayList<>(), err = new ArrayList<>();
            for (var p : line.getValue().entrySet()) {
                x.add((double) p.getKey());
                y.add(p.getValue().score() / 1e6);
                double e = Math.abs(p.getValue().error()) / 1e6;
                err.add(Double.isFinite(e) ? e : 0.0);
            }
            chart.addSeries(line.getKey(), x, y, err).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }
}
