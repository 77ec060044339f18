package dev.hakmem.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hakmem.bench.peers.MultiThreadWarmup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Reads JMH's JSON result files ({@code -rf json}) and merges several into one.
 *
 * <p>Why several: the job runs JMH once per group of benchmarks that share peers and settings, and
 * each invocation writes its own file; the report and anyone re-reading the run want one.
 *
 * <p>Results of the same run (benchmark, mode, threads and parameters, peer included) found in several
 * files are forks of it made in separate JMH invocations: quick mode measures the headline peers in
 * interleaved rounds ({@code dev.hakmem.bench.suite.HeadlineRounds}). They are merged into one result
 * with all the forks' raw data, as JMH would have written {@code -f N}, but for the score: the
 * <b>trimmed mean of the forks' means</b> ({@link #forkScore}: without the fastest and the slowest
 * fork, the median for 3 or 4 forks), not JMH's mean of all iterations, because forks on a shared
 * machine are often bimodal (the JIT compiles a fork's loop one of two ways) and now and then one
 * fork runs at half speed (another process took the core): one fork in the other mode would move a
 * mean of three by a third of the gap, and the outlier goes with the extremes. With the five or more
 * forks that quick mode's settling rounds give an unsettled result, the middle forks are averaged,
 * so the score follows the share of forks in each mode instead of jumping between them as a median
 * does. The error stays JMH's: the 99.9% confidence half-width of the mean over all iterations of
 * all forks, so a bimodal run shows a wide interval and ties rather than a confident number. A
 * result of one fork is left exactly as JMH wrote it.
 *
 * <p><b>Scoring by the 90th percentile</b> ({@link Scoring#P90_OF_ITERATIONS}, what quick mode's report
 * uses): every throughput result's score is the 90th percentile of all its measured iterations, all
 * forks pooled, instead. Why: on a shared VM what disturbs a run only ever slows it down. On the 2-CPU
 * AMD EPYC VM of 2026-12-05 hakmem's tinyHot ran 343 and then 466 M ops/s in two consecutive
 * iterations of one fork with no compilation or deoptimisation between them (JFR) and the VM's other
 * CPU idle, and a plain Java loop and mimalloc slowed at the same moments as hakmem did. A high
 * percentile is each allocator's speed when the machine lets it run, the quantity two runs can
 * agree on: over the nine pairs of main-job runs in docs/benchmarks, the headline ratios of the
 * tables other than the footprint ones agreed within 15% in 282 of 342 cases scored so, against 235 with the trimmed
 * mean of the forks' means (docs/BENCHMARKS-HISTORY.md, session 43). It is not a median: an
 * allocator that a busy machine slows more than others (hakmem's fast paths did, 0.64x against
 * mimalloc's 0.82x) looks better by it, which is why the report says which statistic it shows and
 * numbers to quote come from full mode, scored as above.
 */
public final class JmhJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhJson() {}

    /** How the score of a throughput result is made from its forks' iterations (see the class comment). */
    public enum Scoring {
        /** JMH's score for a result of one JMH run; the trimmed mean of the forks' means for forks merged from several files. */
        TRIMMED_MEAN_OF_FORKS,
        /** The 90th percentile of all measured iterations, all forks pooled, for every throughput result. */
        P90_OF_ITERATIONS
    }

    /** The percentile {@link Scoring#P90_OF_ITERATIONS} scores by. */
    static final double PERCENTILE = 0.90;

    /** Every result of the files, in file order; a missing or empty file (its JMH run died) adds none. */
    public static List<JmhResult> read(List<Path> files) throws IOException {
        return read(files, Scoring.TRIMMED_MEAN_OF_FORKS);
    }

    /** {@link #read(List)}, with the throughput results scored by {@code scoring}. */
    public static List<JmhResult> read(List<Path> files, Scoring scoring) throws IOException {
        return merge(files, scoring).results();
    }

    /**
     * The files read and their forks merged once, for a caller that needs the results, the merged
     * file and the environment of one set of files ({@link Report}), where {@link #read} and
     * {@link #writeMerged} each read the files again.
     *
     * @param files JMH JSON result files; a missing or empty one adds nothing
     * @param scoring how the throughput results are scored
     * @return the merged results
     * @throws IOException if a file cannot be read or is not a JMH result array
     */
    public static Merged merge(List<Path> files, Scoring scoring) throws IOException {
        return new Merged(merged(files, scoring));
    }

    /** The results of a set of files, merged by {@link #merge}. */
    public static final class Merged {
        private final ArrayNode all;

        private Merged(ArrayNode all) {
            this.all = all;
        }

        /** Every result, in file order, as {@link #read(List, Scoring)} gives them. */
        public List<JmhResult> results() {
            List<JmhResult> results = new ArrayList<>();
            for (JsonNode r : all) results.add(result(r));
            return results;
        }

        /** Writes the results as one JSON array, as {@link #writeMerged(List, Path, Scoring)} does. */
        public void write(Path out) throws IOException {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), all);
        }

        /**
         * The header's paragraph on the state the peers were measured in, from the
         * {@code -Dhakmem.bench.warmup} of each result's JVM arguments (the benchmark script gives it to every
         * fork), or "" when no result has one (a run from before it, or JMH run by hand: its default is the
         * warm-up, but an older jar had none).
         */
        public String warmupState() {
            String servedFlag = "-D" + MultiThreadWarmup.PROPERTY + "=" + MultiThreadWarmup.SERVED;
            String noneFlag = "-D" + MultiThreadWarmup.PROPERTY + "=" + MultiThreadWarmup.NONE;
            int served = 0, none = 0;
            for (JsonNode r : all) {
                for (JsonNode arg : r.path("jvmArgs")) {
                    String a = arg.asText();
                    if (a.equals(servedFlag)) served++;
                    else if (a.equals(noneFlag)) none++;
                }
            }
            if (served > 0 && none == 0) {
                return "State: every peer measured after a throwaway instance of it served a second thread in the same"
                        + " fork (the multi-thread warm-up), so that the JIT has seen the allocator's slow paths, as in a running"
                        + " program; the footprint workloads without it (their memory would count). `--best-case` measures"
                        + " each fork's best case instead.";
            }
            if (none > 0 && served == 0) {
                return "State: each fork's best case (`--best-case`, no warm-up): the loop was compiled before the"
                        + " allocator's slow paths were seen, which no running program's is; hakmem's numbers here are higher"
                        + " than a program gets (docs/BENCHMARKS.md).";
            }
            if (none > 0) return "State: mixed, " + served + " results after the multi-thread warm-up and " + none + " without (`--best-case`).";
            return "";
        }

        /** "JMH 1.37, JDK 25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS)" from the first result, or "". */
        public String environment() {
            if (all.isEmpty()) return "";
            JsonNode r = all.get(0);
            return String.format(Locale.ROOT, "JMH %s, JDK %s (%s %s)", r.path("jmhVersion").asText("?"),
                    r.path("jdkVersion").asText("?"), r.path("vmName").asText("?"), r.path("vmVersion").asText("?"));
        }
    }

    /**
     * A result with the means of its forks, one per fork in file order (one for a result of one fork;
     * none for a latency histogram, whose iterations are not means).
     */
    public record Forks(JmhResult result, List<Double> means) {
        public Forks {
            means = List.copyOf(means);
        }
    }

    /** Every result of the files, merged as {@link #read} merges them, with its forks' means. */
    public static List<Forks> readForks(List<Path> files) throws IOException {
        List<Forks> all = new ArrayList<>();
        for (JsonNode r : merged(files, Scoring.TRIMMED_MEAN_OF_FORKS)) {
            all.add(new Forks(result(r), r.path("mode").asText().equals("sample") ? List.of() : forkMeans(r.path("primaryMetric"))));
        }
        return all;
    }

    /** Writes the results of all files as one JSON array, as JMH would have written them. */
    public static void writeMerged(List<Path> files, Path out) throws IOException {
        writeMerged(files, out, Scoring.TRIMMED_MEAN_OF_FORKS);
    }

    /**
     * {@link #writeMerged(List, Path)} with the throughput results scored by {@code scoring}; a result
     * scored by a percentile says so in its primary metric's {@code "scoreStatistic"}.
     */
    public static void writeMerged(List<Path> files, Path out, Scoring scoring) throws IOException {
        merge(files, scoring).write(out);
    }

    private static ArrayNode merged(List<Path> files, Scoring scoring) throws IOException {
        Map<String, ObjectNode> byRun = new LinkedHashMap<>();
        ArrayNode unmerged = JSON.createArrayNode();
        for (Path f : files) {
            if (!Files.isRegularFile(f) || Files.size(f) == 0) continue;
            JsonNode root = JSON.readTree(f.toFile());
            if (root == null || !root.isArray()) throw new IOException(f + ": not a JMH JSON result array");
            for (JsonNode r : root) {
                if (!r.isObject() || r.path("mode").asText().equals("sample")) { // latency histograms: not merged
                    unmerged.add(r);
                    continue;
                }
                ObjectNode earlier = byRun.get(runKey(r));
                if (earlier == null) byRun.put(runKey(r), ((ObjectNode) r).deepCopy());
                else addForks(earlier, r);
            }
        }
        ArrayNode all = JSON.createArrayNode();
        if (scoring == Scoring.P90_OF_ITERATIONS) {
            for (ObjectNode r : byRun.values()) {
                if (r.path("mode").asText().equals("thrpt")) scoreByPercentile(r);
            }
        }
        all.addAll(byRun.values());
        all.addAll(unmerged);
        return all;
    }

    /**
     * Scores {@code r} by the {@link #PERCENTILE} of all its measured iterations ({@link #percentile});
     * the error stays the 99.9% half-width of the mean over those iterations (JMH's, for one JMH run),
     * now around that score. A result without iterations is left alone.
     */
    private static void scoreByPercentile(ObjectNode r) {
        ObjectNode primary = (ObjectNode) r.path("primaryMetric");
        List<Double> iterations = iterations(primary.path("rawData"));
        if (iterations.isEmpty()) return;
        setScore(primary, percentile(iterations, PERCENTILE), statistics(iterations));
        primary.put("scoreStatistic", Math.round(100 * PERCENTILE) + "th percentile of the measured iterations");
    }

    /**
     * The {@code q} quantile of {@code values} (0 &lt;= q &lt;= 1), interpolated linearly between the two
     * nearest of the sorted values (numpy's default): position {@code q (n - 1)}.
     */
    public static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) throw new IllegalArgumentException("no value");
        if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("not a quantile: " + q);
        List<Double> sorted = values.stream().sorted().toList();
        double position = q * (sorted.size() - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.size() - 1);
        return sorted.get(below) + (sorted.get(above) - sorted.get(below)) * (position - below);
    }

    /** What makes two results forks of one run: benchmark, mode, threads and every parameter. */
    private static String runKey(JsonNode r) {
        return r.path("benchmark").asText() + "|" + r.path("mode").asText() + "|" + r.path("threads").asInt(1) + "|" + r.path("params");
    }

    /** Adds the forks of {@code more} to {@code into} (a result of the same run) and recomputes its score: see the class comment. */
    static void addForks(ObjectNode into, JsonNode more) {
        into.put("forks", into.path("forks").asInt() + more.path("forks").asInt());
        ObjectNode primary = (ObjectNode) into.path("primaryMetric");
        appendRawData(primary, more.path("primaryMetric"));
        List<Double> forkMeans = forkMeans(primary);
        ListStatistics all = values(primary.path("rawData"));
        if (forkMeans.isEmpty()) return;
        setScore(primary, forkScore(forkMeans), all);
        ObjectNode percentiles = primary.putObject("scorePercentiles");
        for (double q : new double[] {0, 50, 90, 95, 99, 99.9, 99.99, 99.999, 99.9999, 100}) {
            percentiles.put(Double.toString(q), all.getPercentile(q == 0 ? 1e-9 : q));
        }
        JsonNode moreSecondary = more.path("secondaryMetrics");
        if (into.path("secondaryMetrics") instanceof ObjectNode secondary) {
            for (Map.Entry<String, JsonNode> m : secondary.properties()) {
                if (m.getValue() instanceof ObjectNode metric && moreSecondary.has(m.getKey())) {
                    addSecondary(metric, moreSecondary.path(m.getKey()));
                }
            }
        }
    }

    /**
     * A secondary metric's forks: raw data appended; the score kept in JMH's own sense for the
     * metric, a sum over all iterations ({@code @AuxCounters(EVENTS)}) or their mean, whichever the
     * first result's score was.
     */
    private static void addSecondary(ObjectNode metric, JsonNode more) {
        ListStatistics before = values(metric.path("rawData"));
        double score = number(metric.path("score"));
        boolean sum = before.getN() > 0 && Math.abs(score - before.getSum()) <= Math.abs(score - before.getMean());
        appendRawData(metric, more);
        ListStatistics after = values(metric.path("rawData"));
        if (after.getN() > 0) metric.put("score", sum ? after.getSum() : after.getMean());
    }

    private static void appendRawData(ObjectNode metric, JsonNode more) {
        ArrayNode raw = metric.has("rawData") ? (ArrayNode) metric.get("rawData") : metric.putArray("rawData");
        for (JsonNode fork : more.path("rawData")) raw.add(fork.deepCopy());
    }

    /**
     * Sets a primary metric's {@code score}, and as its error the 99.9% half-width of the mean of the
     * iterations {@code all} ("NaN" for fewer than three), with the interval around the score.
     */
    private static void setScore(ObjectNode primary, double score, ListStatistics all) {
        double error = all.getN() > 2 ? all.getMeanErrorAt(0.999) : Double.NaN;
        primary.put("score", score);
        if (Double.isNaN(error)) primary.put("scoreError", "NaN");
        else primary.put("scoreError", error);
        ArrayNode confidence = primary.putArray("scoreConfidence");
        confidence.add(Double.isNaN(error) ? score : score - error).add(Double.isNaN(error) ? score : score + error);
    }

    private static ListStatistics values(JsonNode rawData) {
        return statistics(iterations(rawData));
    }

    private static ListStatistics statistics(List<Double> values) {
        ListStatistics s = new ListStatistics();
        for (double d : values) s.addValue(d);
        return s;
    }

    /** Every iteration's value of every fork, in order; NaN ones left out. */
    private static List<Double> iterations(JsonNode rawData) {
        List<Double> all = new ArrayList<>();
        for (JsonNode fork : rawData) {
            for (JsonNode v : fork) {
                double d = number(v);
                if (!Double.isNaN(d)) all.add(d);
            }
        }
        return all;
    }

    /** The mean of each fork's iterations (NaN iterations left out; a fork without any, left out). */
    private static List<Double> forkMeans(JsonNode metric) {
        List<Double> means = new ArrayList<>();
        for (JsonNode fork : metric.path("rawData")) {
            ListStatistics one = new ListStatistics();
            for (JsonNode v : fork) {
                double d = number(v);
                if (!Double.isNaN(d)) one.addValue(d);
            }
            if (one.getN() > 0) means.add(one.getMean());
        }
        return means;
    }

    /**
     * The score of a run from its forks' means: their mean without the fastest and the slowest fork
     * when there are at least three (so the median of 3 or 4 forks, the mean of the middle three of
     * 5), else their mean. See the class comment for why.
     */
    public static double forkScore(List<Double> forkMeans) {
        if (forkMeans.isEmpty()) throw new IllegalArgumentException("no fork to score");
        List<Double> sorted = forkMeans.stream().sorted().toList();
        List<Double> kept = sorted.size() >= 3 ? sorted.subList(1, sorted.size() - 1) : sorted;
        double sum = 0;
        for (double m : kept) sum += m;
        return sum / kept.size();
    }

    static JmhResult result(JsonNode r) {
        String peer = "";
        StringJoiner params = new StringJoiner(" ");
        for (Map.Entry<String, JsonNode> p : r.path("params").properties()) {
            if (p.getKey().equals("peer")) peer = p.getValue().asText();
            else params.add(p.getKey() + "=" + p.getValue().asText());
        }
        int threads = r.path("threads").asInt(1);
        if (threads != 1) params.add("threads=" + threads);
        Map<String, Double> secondary = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> m : r.path("secondaryMetrics").properties()) {
            boolean peak = m.getKey().equals(JmhResult.PEAK_RSS) || m.getKey().equals(JmhResult.PEAK_LIVE);
            secondary.put(m.getKey(), peak ? peak(m.getValue()) : number(m.getValue().path("score")));
        }
        JsonNode m = r.path("primaryMetric");
        Map<Double, Double> percentiles = new LinkedHashMap<>();
        if (r.path("mode").asText().equals("sample")) {
            for (Map.Entry<String, JsonNode> q : m.path("scorePercentiles").properties()) {
                try {
                    percentiles.put(Double.parseDouble(q.getKey()), number(q.getValue()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a percentile: " + q.getKey() + " in " + r.path("benchmark").asText(), e);
                }
            }
        }
        return new JmhResult(r.path("benchmark").asText(), r.path("mode").asText(), params.toString(), peer,
                number(m.path("score")), number(m.path("scoreError")), m.path("scoreUnit").asText(), secondary, settings(r),
                percentiles);
    }

    /**
     * A footprint peak: per fork, the largest iteration's value (a footprint benchmark reports it in one
     * iteration and 0 in the others; a single-shot one may report it in every iteration), averaged over
     * the forks. JMH's score of an {@code @AuxCounters(EVENTS)} metric is the sum over iterations and
     * forks, so the score is only used without raw data.
     */
    static double peak(JsonNode metric) {
        double sum = 0;
        int forks = 0;
        for (JsonNode fork : metric.path("rawData")) {
            double max = Double.NaN;
            for (JsonNode v : fork) {
                double d = number(v);
                if (!Double.isNaN(d) && (Double.isNaN(max) || d > max)) max = d;
            }
            if (Double.isNaN(max)) continue;
            sum += max;
            forks++;
        }
        return forks == 0 ? number(metric.path("score")) : sum / forks;
    }

    /** JMH writes NaN as the string "NaN"; anything that is not a number reads as NaN. */
    private static double number(JsonNode n) {
        if (n.isNumber()) return n.asDouble();
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String settings(JsonNode r) {
        int forks = r.path("forks").asInt();
        String f = forks + (forks == 1 ? " fork" : " forks");
        if (r.path("mode").asText().equals("ss")) {
            return String.format(Locale.ROOT, "%s, %s warm-up and %s measured invocation(s)", f,
                    r.path("warmupIterations").asText("?"), r.path("measurementIterations").asText("?"));
        }
        return String.format(Locale.ROOT, "%s, warm-up %s x %s, measurement %s x %s", f,
                r.path("warmupIterations").asText("?"), r.path("warmupTime").asText("?"),
                r.path("measurementIterations").asText("?"), r.path("measurementTime").asText("?"));
    }
}
