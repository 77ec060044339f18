package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forks of one run found in several JMH files (quick mode's headline rounds) merge into one result
 * whose score is the trimmed mean of the forks' means (the median of three); other runs stay as JMH
 * wrote them.
 */
class JmhJsonMergeTest {
    @TempDir
    Path dir;

    /** One JMH result: throughput of {@code benchmark} on {@code peer}, one fork with the given iterations. */
    static String result(String benchmark, String peer, String size, double... iterations) {
        StringBuilder raw = new StringBuilder();
        double sum = 0;
        for (double v : iterations) {
            raw.append(raw.isEmpty() ? "" : ",").append(v);
            sum += v;
        }
        return String.format(Locale.ROOT, """
                {"jmhVersion":"1.37","benchmark":"%s","mode":"thrpt","threads":1,"forks":1,"jdkVersion":"25.0.3",
                 "warmupIterations":1,"warmupTime":"200 ms","measurementIterations":%d,"measurementTime":"100 ms",
                 "params":{"peer":"%s","size":"%s"},
                 "primaryMetric":{"score":%s,"scoreError":"NaN","scoreConfidence":[0,0],"scorePercentiles":{},
                   "scoreUnit":"ops/s","rawData":[[%s]]},
                 "secondaryMetrics":{"peakRssBytes":{"score":%s,"scoreError":"NaN","scoreUnit":"#","rawData":[[0.0,%s]]}}}""",
                benchmark, iterations.length, peer, size, sum / iterations.length, raw, 1000.0 * iterations.length, 1000.0 * iterations.length);
    }

    Path file(String name, String... results) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, "[" + String.join(",", results) + "]");
        return f;
    }

    @Test
    void forksOfOneRunMergeIntoTheMedianOfTheirMeans() throws Exception {
        String b = "dev.hakmem.bench.TinyHot.cycle";
        List<Path> files = List.of(
                file("r1.json", result(b, "hakmem", "16", 180, 190, 200), result(b, "mimalloc", "16", 100, 100, 100),
                        result(b, "hakmem", "64", 50, 50, 50)),
                file("r2.json", result(b, "hakmem", "16", 330, 340, 350)),
                file("r3.json", result(b, "hakmem", "16", 300, 310, 320)));
        List<JmhResult> results = JmhJson.read(files);
        assertEquals(3, results.size(), "hakmem 16, mimalloc 16, hakmem 64: " + results);
        JmhResult hakmem16 = results.stream().filter(r -> r.peer().equals("hakmem") && r.params().equals("size=16")).findFirst().orElseThrow();
        // fork means 190, 340, 310: the median, not the mean of all nine iterations (280)
        assertEquals(310, hakmem16.score(), 1e-9);
        assertTrue(hakmem16.error() > 50, "the interval spans the bimodal forks: " + hakmem16.error());
        assertTrue(hakmem16.settings().startsWith("3 forks"), hakmem16.settings());
        // an untouched run: JMH's own score and its NaN error
        JmhResult mimalloc = results.stream().filter(r -> r.peer().equals("mimalloc")).findFirst().orElseThrow();
        assertEquals(100, mimalloc.score(), 1e-9);
        assertTrue(Double.isNaN(mimalloc.error()));
        assertTrue(mimalloc.settings().startsWith("1 fork"), mimalloc.settings());
        // the footprint peak: per fork the largest iteration, averaged over forks (3000 in each)
        assertEquals(3000, hakmem16.secondary().get(JmhResult.PEAK_RSS), 1e-9);

        Path merged = dir.resolve("results.json");
        JmhJson.writeMerged(files, merged);
        JsonNode all = new ObjectMapper().readTree(merged.toFile());
        assertEquals(3, all.size());
        JsonNode m = all.get(0);
        assertEquals(3, m.path("forks").asInt());
        assertEquals(3, m.path("primaryMetric").path("rawData").size(), "every fork's iterations kept");
        // JMH's score of an EVENTS counter is the sum over iterations: kept a sum over the three forks
        assertEquals(9000, m.path("secondaryMetrics").path("peakRssBytes").path("score").asDouble(), 1e-9);
    }

    @Test
    void fiveForksScoreTheMeanOfTheMiddleThree() throws Exception {
        String b = "dev.hakmem.bench.Skewed.cycle";
        // fork means 100, 130, 100, 130, 40 (the last slowed by another process): 40 and one 130 dropped
        List<Path> files = List.of(file("a.json", result(b, "hakmem", "", 100)), file("b.json", result(b, "hakmem", "", 130)),
                file("c.json", result(b, "hakmem", "", 100)), file("d.json", result(b, "hakmem", "", 130)),
                file("e.json", result(b, "hakmem", "", 40)));
        JmhResult r = JmhJson.read(files).getFirst();
        assertEquals((100 + 100 + 130) / 3.0, r.score(), 1e-9);
        List<JmhJson.Forks> forks = JmhJson.readForks(files);
        assertEquals(List.of(100.0, 130.0, 100.0, 130.0, 40.0), forks.getFirst().means(), "in file order");
    }

    @Test
    void p90ScoringPoolsEveryIterationOfEveryForkAndScoresEveryThroughputResult() throws Exception {
        String b = "dev.hakmem.bench.TinyHot.cycle";
        List<Path> files = List.of(
                file("r1.json", result(b, "hakmem", "16", 60, 62, 64), result(b, "mimalloc", "16", 1, 2, 3, 4, 5)),
                file("r2.json", result(b, "hakmem", "16", 100, 110, 120)));
        List<JmhResult> trimmed = JmhJson.read(files);
        List<JmhResult> p90 = JmhJson.read(files, JmhJson.Scoring.P90_OF_ITERATIONS);
        JmhResult hakmem = p90.stream().filter(r -> r.peer().equals("hakmem")).findFirst().orElseThrow();
        // pooled 60 62 64 100 110 120: position 0.9 x 5 = 4.5, halfway from 110 to 120
        assertEquals(115, hakmem.score(), 1e-9);
        assertEquals((62 + 110) / 2.0, trimmed.getFirst().score(), 1e-9, "the default still scores merged forks by their trimmed mean");
        assertEquals(trimmed.getFirst().error(), hakmem.error(), 1e-9, "the error stays the mean's half-width");
        // a result of one JMH run is rescored too: 1..5, position 3.6
        JmhResult mimalloc = p90.stream().filter(r -> r.peer().equals("mimalloc")).findFirst().orElseThrow();
        assertEquals(4.6, mimalloc.score(), 1e-9);
        assertEquals(3, trimmed.get(1).score(), 1e-9, "JMH's own score by default");

        Path merged = dir.resolve("p90.json");
        JmhJson.writeMerged(files, merged, JmhJson.Scoring.P90_OF_ITERATIONS);
        JsonNode m = new ObjectMapper().readTree(merged.toFile()).get(0).path("primaryMetric");
        assertEquals(115, m.path("score").asDouble(), 1e-9);
        assertEquals("90th percentile of the measured iterations", m.path("scoreStatistic").asText());
        // what was written reads back as written
        assertEquals(115, JmhJson.read(List.of(merged)).getFirst().score(), 1e-9);
    }

    @Test
    void p90ScoringLeavesSingleShotResultsAlone() throws Exception {
        String single = result("dev.hakmem.bench.Footprint.mstress", "hakmem", "", 10, 20, 30).replace("\"thrpt\"", "\"ss\"");
        JmhResult r = JmhJson.read(List.of(file("ss.json", single)), JmhJson.Scoring.P90_OF_ITERATIONS).getFirst();
        assertEquals(20, r.score(), 1e-9, "JMH's own score");
    }

    @Test
    void percentileInterpolatesBetweenTheNearestValues() {
        assertEquals(7, JmhJson.percentile(List.of(7.0), 0.9), 1e-9);
        assertEquals(9.0, JmhJson.percentile(List.of(10.0, 0.0, 5.0), 0.9), 1e-9); // position 1.8: 5 + 0.8 x 5
        assertEquals(0, JmhJson.percentile(List.of(10.0, 0.0, 5.0), 0), 1e-9);
        assertEquals(10, JmhJson.percentile(List.of(10.0, 0.0, 5.0), 1), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> JmhJson.percentile(List.of(), 0.9));
        assertThrows(IllegalArgumentException.class, () -> JmhJson.percentile(List.of(1.0), 1.5));
    }

    @Test
    void forkScoreIsTheMedianOfThreeOrFourAndTheMeanOfTwo() {
        assertEquals(310, JmhJson.forkScore(List.of(190.0, 340.0, 310.0)), 1e-9);
        assertEquals(315, JmhJson.forkScore(List.of(190.0, 340.0, 310.0, 320.0)), 1e-9);
        assertEquals(265, JmhJson.forkScore(List.of(190.0, 340.0)), 1e-9);
        assertEquals(7, JmhJson.forkScore(List.of(7.0)), 1e-9);
    }

    /** {@code result} run with {@code jvmArg} among its JVM arguments. */
    static String withJvmArg(String result, String jvmArg) {
        return result.replaceFirst("\\{", "{\"jvmArgs\":[\"--enable-native-access=ALL-UNNAMED\",\"" + jvmArg + "\"],");
    }

    @Test
    void theHeaderSaysWhichStateThePeersWereMeasuredIn() throws Exception {
        String b = "dev.hakmem.bench.TinyHot.cycle";
        String hakmem = result(b, "hakmem", "16", 100), mimalloc = result(b, "mimalloc", "16", 90);
        String served = "-Dhakmem.bench.warmup=served", none = "-Dhakmem.bench.warmup=none";
        String warm = JmhJson.merge(List.of(file("served.json", withJvmArg(hakmem, served), withJvmArg(mimalloc, served))),
                JmhJson.Scoring.P90_OF_ITERATIONS).warmupState();
        assertTrue(warm.startsWith("State: every peer measured after a throwaway instance of it served a second thread"), warm);
        String best = JmhJson.merge(List.of(file("none.json", withJvmArg(hakmem, none), withJvmArg(mimalloc, none))),
                JmhJson.Scoring.P90_OF_ITERATIONS).warmupState();
        assertTrue(best.startsWith("State: each fork's best case (`--best-case`"), best);
        String mixed = JmhJson.merge(List.of(file("mixed.json", withJvmArg(hakmem, served), withJvmArg(mimalloc, none))),
                JmhJson.Scoring.P90_OF_ITERATIONS).warmupState();
        assertEquals("State: mixed, 1 results after the multi-thread warm-up and 1 without (`--best-case`).", mixed);
        assertEquals("", JmhJson.merge(List.of(file("old.json", hakmem, mimalloc)), JmhJson.Scoring.P90_OF_ITERATIONS).warmupState(),
                "no flag recorded: nothing said");
    }
}
