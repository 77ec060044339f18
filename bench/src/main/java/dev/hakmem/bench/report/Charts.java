package dev.hakmem.bench.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

/**
 * Draws the report's PNG charts with XChart: one bar chart per workload (the primary score per peer,
 * one series per table of the workload, with JMH's 99.9% confidence half-width as error bars) and one
 * picture of the footprint runs (peak RSS and peak live bytes per peer, one panel per run); a latency
 * workload (JMH sample time) gets its percentiles per peer instead, one panel per table; a workload
 * measured at several thread counts (the scaling run) also gets its {@link ScalingChart}. Titles say
 * what a chart shows: speed (and which way is better) or memory.
 *
 * <p>Needs no display ({@code java.awt.headless} is set before AWT loads). The y axis turns
 * logarithmic when a chart's values span more than {@value #LOG_SPAN}x, so a slow peer does not
 * flatten the others into the axis. Peers without a result in a table leave a gap, not a zero bar.
 */
public final class Charts {
    /** Key of a workload's throughput-against-threads chart ({@link ScalingChart}) in the map {@link #write} returns. */
    public static String scalingKey(String workload) {
        return workload + " (scaling)";
    }

    /** Key of the footprint chart in the map {@link #write} returns. */
    public static final String FOOTPRINT_KEY = "(footprint)";
    /** The footprint chart's file; not a workload's name, so it cannot clash with the Footprint workload's chart. */
    static final String FOOTPRINT_FILE = "rss-vs-live.png";
    static final double LOG_SPAN = 30;
    /** What a workload chart shows, for the report's caption. */
    static final String SCORE_CAPTION = "bars are each peer's score (speed: operations per second, higher is better; "
            + "or time per operation, lower is better), one colour per table; the error bars are JMH's 99.9% confidence "
            + "interval (score +- error; none where JMH had too few measurements or for a table with a missing result, "
            + "cut at the axis on a log scale).";
    private static final int HEIGHT = 480;

    private Charts() {}

    /**
     * The files written (chart per workload name, and {@link #FOOTPRINT_KEY}) and, for each chart that
     * could not be drawn, why: one broken chart must not cost the report its other charts.
     */
    public record Drawn(Map<String, String> files, List<String> problems) {}

    /** Writes the charts into {@code dir}. */
    public static Drawn write(List<RowGroup> groups, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Map<String, List<RowGroup>> byWorkload = new LinkedHashMap<>();
        for (RowGroup g : groups) if (hasResults(g)) byWorkload.computeIfAbsent(g.workload(), w -> new ArrayList<>()).add(g);
        Map<String, String> files = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (var w : byWorkload.entrySet()) {
            String file = fileName(w.getKey()) + ".png";
            List<RowGroup> gs = w.getValue();
            Supplier<List<CategoryChart>> charts = gs.stream().allMatch(RowGroup::latency)
                    ? () -> gs.stream().map(Charts::latencyChart).toList()
                    : () -> List.of(scoreChart(w.getKey(), gs));
            if (save(charts, dir.resolve(file), problems)) files.put(w.getKey(), file);
            String scalingFile = fileName(w.getKey()) + "-scaling.png";
            if (ScalingChart.applies(gs) && save(() -> List.of(ScalingChart.draw(w.getKey(), gs)), dir.resolve(scalingFile), problems)) {
                files.put(scalingKey(w.getKey()), scalingFile);
            }
        }
        List<RowGroup> footprints = groups.stream().filter(g -> g.footprint() && hasResults(g)).toList();
        if (!footprints.isEmpty()
                && save(() -> footprints.stream().map(Charts::footprintChart).toList(), dir.resolve(FOOTPRINT_FILE), problems)) {
            files.put(FOOTPRINT_KEY, FOOTPRINT_FILE);
        }
        return new Drawn(files, problems);
    }

    /**
     * Draws the charts one below the other into one PNG; on failure writes nothing (no empty file
     * for the report to link) and adds the reason to {@code problems}.
     */
    private static boolean save(Supplier<? extends List<? extends Chart<?, ?>>> charts, Path file, List<String> problems) throws IOException {
        BufferedImage image;
        try {
            List<BufferedImage> panels = charts.get().stream().map(BitmapEncoder::getBufferedImage).toList();
            int width = panels.stream().mapToInt(BufferedImage::getWidth).max().orElseThrow();
            int height = panels.stream().mapToInt(BufferedImage::getHeight).sum();
            image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int y = 0;
            for (BufferedImage p : panels) {
                g.drawImage(p, 0, y, null);
                y += p.getHeight();
            }
            g.dispose();
        } catch (RuntimeException e) {
            problems.add(file.getFileName() + ": " + e);
            return false;
        }
        if (!ImageIO.write(image, "png", file.toFile())) throw new IOException("no PNG writer for " + file);
        return true;
    }

    /**
     * Bars of the primary score with error bars: peers along x, one series per table; tables of
     * another unit than the first are left out. A missing error (NaN) draws no bar (0); a series with a
     * peer missing (a gap) has no error bars at all, since XChart cannot draw error bars next to a
     * gap. On a logarithmic axis an error bar is cut where it would reach below the axis (XChart draws
     * them symmetric, and a log axis has no zero).
     */
    static CategoryChart scoreChart(String workload, List<RowGroup> groups) {
        String unit = groups.getFirst().unit();
        boolean perSecond = unit.equals("ops/s");
        List<String> peers = peersWithResults(groups);
        List<RowGroup> shown = groups.stream().filter(g -> g.unit().equals(unit)).toList();
        boolean lower = groups.getFirst().cells().stream().filter(c -> c.result() != null).findFirst()
                .map(c -> c.result().lowerIsBetter()).orElse(false);
        String what = lower ? "time per operation, lower is better" : "speed, higher is better";
        CategoryChart chart = chart(workload + ": " + what + " (error bars: 99.9% CI)", perSecond ? "M ops/s" : unit,
                peers.size(), shown.size());
        List<List<Double>> series = new ArrayList<>(), errors = new ArrayList<>();
        double scale = perSecond ? 1e6 : 1;
        for (RowGroup g : shown) {
            List<Double> values = new ArrayList<>(), bars = new ArrayList<>();
            for (String p : peers) {
                Cell c = g.cells().stream().filter(x -> x.peer().equals(p) && x.status() == Cell.Status.OK).findFirst().orElse(null);
                boolean has = c != null && c.result().score() > 0;
                values.add(has ? c.result().score() / scale : null);
                double e = has ? Math.abs(c.result().error()) / scale : Double.NaN;
                bars.add(has && !Double.isNaN(e) && !Double.isInfinite(e) ? e : 0.0);
            }
            series.add(values);
            errors.add(bars);
        }
        double floor = logarithmicIfWide(chart, series);
        for (int i = 0; i < shown.size(); i++) {
            if (series.get(i).contains(null)) chart.addSeries(shown.get(i).series(), peers, series.get(i));
            else chart.addSeries(shown.get(i).series(), peers, series.get(i), cutAt(floor, series.get(i), errors.get(i)));
        }
        return chart;
    }

    /** Error bars cut so that value - bar stays at or above {@code floor} (0 on a linear axis). */
    static List<Double> cutAt(double floor, List<Double> values, List<Double> bars) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Double v = values.get(i), b = bars.get(i);
            out.add(Math.max(0, Math.min(b, v - floor)));
        }
        return out;
    }

    /**
     * Grouped bars of the latency percentiles (p50, p99, p99.9, max) per peer, for one table of
     * sample-time results; log scale when they span more than {@value #LOG_SPAN}x, as tails do.
     */
    static CategoryChart latencyChart(RowGroup g) {
        List<String> peers = peersWithResults(List.of(g));
        String unit = g.unit();
        CategoryChart chart = chart(g.title() + ": time per call, lower is better (percentiles of sampled calls)",
                unit.endsWith("/op") ? unit.substring(0, unit.length() - 3) : unit, peers.size(), JmhResult.LATENCY_PERCENTILES.size());
        List<List<Double>> series = new ArrayList<>();
        for (double q : JmhResult.LATENCY_PERCENTILES) {
            List<Double> values = new ArrayList<>();
            for (String p : peers) {
                JmhResult r = g.cells().stream().filter(c -> c.peer().equals(p)).findFirst().orElseThrow().result();
                Double v = r.percentiles().get(q);
                values.add(v == null || !(v > 0) ? null : v);
            }
            series.add(values);
        }
        logarithmicIfWide(chart, series);
        for (int i = 0; i < series.size(); i++) chart.addSeries(LATENCY_NAMES.get(i), peers, series.get(i));
        return chart;
    }

    /** The series names of {@link #latencyChart}, one per {@link JmhResult#LATENCY_PERCENTILES}. */
    static final List<String> LATENCY_NAMES = List.of("p50", "p99", "p99.9", "max");

    /** What a latency chart shows, for the report's caption. */
    static final String LATENCY_CAPTION = "one panel per table; bars are the percentiles of the sampled calls' times per peer "
            + "(p50, p99, p99.9 and the slowest call), lower is better; each sample includes the timer's own cost, the same for every peer.";

    /** Grouped bars of peak RSS and peak live bytes (MiB) per peer, for one footprint run. */
    static CategoryChart footprintChart(RowGroup g) {
        List<String> peers = peersWithResults(List.of(g));
        CategoryChart chart = chart(g.title() + ": memory, not speed: peak RSS vs peak live bytes (lower RSS is better)", "MiB",
                peers.size(), 2);
        List<Double> rss = new ArrayList<>(), live = new ArrayList<>();
        for (String p : peers) {
            JmhResult r = g.cells().stream().filter(c -> c.peer().equals(p)).findFirst().orElseThrow().result();
            rss.add(mib(r.secondary().get(JmhResult.PEAK_RSS)));
            live.add(mib(r.secondary().get(JmhResult.PEAK_LIVE)));
        }
        logarithmicIfWide(chart, List.of(rss, live));
        chart.addSeries("peak RSS", peers, rss);
        chart.addSeries("peak live", peers, live);
        return chart;
    }

    private static CategoryChart chart(String title, String yTitle, int categories, int series) {
        int width = Math.clamp(200L + categories * (28L + 18L * series), 640, 2400);
        CategoryChart chart = new CategoryChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle("peer").yAxisTitle(yTitle).build();
        CategoryStyler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setXAxisLabelRotation(categories > 6 ? 45 : 0);
        s.setYAxisDecimalPattern("#,##0.##");
        s.setChartBackgroundColor(Color.WHITE);
        s.setAvailableSpaceFill(0.8);
        s.setOverlapped(false);
        s.setErrorBarsColorSeriesColor(false);
        s.setErrorBarsColor(Color.BLACK);
        return chart;
    }

    private static List<String> peersWithResults(List<RowGroup> groups) {
        List<String> peers = new ArrayList<>();
        for (RowGroup g : groups) {
            for (Cell c : g.cells()) if (c.status() == Cell.Status.OK && c.result().score() > 0 && !peers.contains(c.peer())) peers.add(c.peer());
        }
        return peers;
    }

    private static boolean hasResults(RowGroup g) {
        return g.cells().stream().anyMatch(c -> c.status() == Cell.Status.OK && c.result().score() > 0);
    }

    /**
     * Turns the y axis logarithmic when the values span more than {@value #LOG_SPAN}x. Bars then start
     * at the power of ten below the smallest value (XChart's default start, 0, has no logarithm).
     *
     * @return where the axis starts: that power of ten, or 0 when it stays linear
     */
    static double logarithmicIfWide(CategoryChart chart, List<List<Double>> series) {
        double min = Double.POSITIVE_INFINITY, max = 0;
        for (List<Double> s : series) {
            for (Double v : s) {
                if (v == null || !(v > 0)) continue;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max == 0 || max / min <= LOG_SPAN) return 0;
        double floor = Math.pow(10, Math.floor(Math.log10(min)));
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(floor);
        chart.setYAxisTitle(chart.getYAxisTitle() + ", log scale");
        return floor;
    }

    private static Double mib(Double bytes) {
        return bytes == null || !(bytes > 0) ? null : bytes / (1024 * 1024);
    }

    /** A workload name as a file name: letters, digits, '-', '_' and '.' only. */
    static String fileName(String workload) {
        String f = workload.replaceAll("[^A-Za-z0-9._-]", "_");
        return f.isEmpty() || f.startsWith(".") ? "chart" + f : f;
    }
}
