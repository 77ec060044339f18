package dev.hakmem.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Reads JMH's JSON result files ({@code -rf json}) and merges several into one.
 *
 * <p>Why several: the job runs JMH once per group of benchmarks that share peers and settings, and
 * each invocation writes its own file; the report and anyone re-reading the run want one.
 */
public final class JmhJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JmhJson() {}

    /** Every result of the files, in file order; a missing or empty file (its JMH run died) adds none. */
    public static List<JmhResult> read(List<Path> files) throws IOException {
        List<JmhResult> results = new ArrayList<>();
        for (JsonNode r : merged(files)) results.add(result(r));
        return results;
    }

    /** Writes the results of all files as one JSON array, as JMH would have written them. */
    public static void writeMerged(List<Path> files, Path out) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), merged(files));
    }

    /** "JMH 1.37, JDK 25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS)" from the first result, or "". */
    public static String environment(List<Path> files) throws IOException {
        ArrayNode all = merged(files);
        if (all.isEmpty()) return "";
        JsonNode r = all.get(0);
        return String.format(Locale.ROOT, "JMH %s, JDK %s (%s %s)", r.path("jmhVersion").asText("?"),
                r.path("jdkVersion").asText("?"), r.path("vmName").asText("?"), r.path("vmVersion").asText("?"));
    }

    private static ArrayNode merged(List<Path> files) throws IOException {
        ArrayNode all = JSON.createArrayNode();
        for (Path f : files) {
            if (!Files.isRegularFile(f) || Files.size(f) == 0) continue;
            JsonNode root = JSON.readTree(f.toFile());
            if (root == null || !root.isArray()) throw new IOException(f + ": not a JMH JSON result array");
            all.addAll((ArrayNode) root);
        }
        return all;
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
