package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hakmem.bench.suite.PeerStatus;
import dev.hakmem.bench.suite.Plan;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report on {@code suite-sample/}: the three JMH JSON files, peers file and plan of a real run
 * of {@code ./build.sh bench --peers glibc,mimalloc,hakmem,hakmem-small,tcmalloc --bench
 * 'TinyHot|RandomMixed|Xmalloc\.twoThreads|Footprint' -- -wi 0 -i 2 -r 100ms -p ws=256} (2026-11-28,
 * JDK 25.0.3; short, cold iterations, so the numbers mean nothing), where {@code Footprint} was a
 * throwaway single-shot benchmark with {@code @AuxCounters} {@code peakRssBytes} and
 * {@code peakLiveBytes}, made only to record JMH's real output for them. Edited by hand to have
 * every case the report handles, since the peers to cause them do not exist yet:
 * <ul>
 *   <li>hakmem-small renamed {@code arena} and marked same-thread-frees-only in {@code peers.tsv};
 *       its results on the cross-thread groups (xmalloc, footprint) removed, and it is listed as
 *       left out there in {@code plan.tsv};</li>
 *   <li>tcmalloc's tinyHot size=64 result removed (a missing result);</li>
 *   <li>{@code Larson.twoThreads} added to the plan without any result (a benchmark that failed on
 *       every peer);</li>
 *   <li>jemalloc added to {@code peers.tsv} as unavailable; percentiles dropped from the JSON.</li>
 * </ul>
 * JMH wrote no errors for these two-iteration runs ("-"), so every result ties with its table's best
 * ("≈", nothing bold): a result without an interval excludes nothing ({@link Intervals}). Ties with
 * real intervals, and the verdict, are tested on synthetic results in {@link VerdictTest}.
 */
class ReportTest {
    @TempDir
    static Path out;
    static Report.Outcome outcome;
    static String md;

    static List<Path> jsons() throws Exception {
        return List.of(sample("jmh-same-thread.json"), sample("jmh-cross-thread.json"), sample("jmh-cross-thread-single-shot.json"));
    }

    static Path sample(String name) throws Exception {
        return JmhSampleTest.resource("suite-sample/" + name);
    }

    @BeforeAll
    static void render() throws Exception {
        // full mode: JMH's own scores, which the numbers below are; quick mode's percentile is tested apart
        outcome = Report.run(jsons(), PeerStatus.read(sample("peers.tsv")), Plan.read(sample("plan.tsv")), "full", out);
        md = outcome.markdown();
    }

    /** Quick mode scores every throughput result by the 90th percentile of its iterations, and says so. */
    @Test
    void quickModeScoresThroughputByThe90thPercentileOfTheIterations(@TempDir Path quick) throws Exception {
        Report.Outcome q = Report.run(jsons(), PeerStatus.read(sample("peers.tsv")), Plan.read(sample("plan.tsv")), "quick", quick);
        assertTrue(q.markdown().contains("Every throughput score here is the 90th percentile of the result's measured iterations"), q.markdown());
        JsonNode all = new ObjectMapper().readTree(quick.resolve("results.json").toFile());
        int thrpt = 0;
        for (JsonNode r : all) {
            JsonNode m = r.path("primaryMetric");
            if (!r.path("mode").asText().equals("thrpt")) {
                assertTrue(m.path("scoreStatistic").isMissingNode(), "only throughput is rescored: " + r.path("benchmark"));
                continue;
            }
            List<Double> iterations = new ArrayList<>();
            for (JsonNode fork : m.path("rawData")) for (JsonNode v : fork) iterations.add(v.asDouble());
            assertEquals(JmhJson.percentile(iterations, 0.9), m.path("score").asDouble(), 1e-6, r.path("benchmark").asText());
            double max = iterations.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            double mean = iterations.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            assertTrue(m.path("score").asDouble() <= max && m.path("score").asDouble() >= mean - 1e-6, "between the mean and the best iteration");
            thrpt++;
        }
        assertTrue(thrpt > 10, "the sample has throughput results: " + thrpt);
        assertFalse(md.contains("90th percentile"), "full mode keeps JMH's scores and says nothing of a percentile");
    }

    @Test
    void ratiosToMimallocAndToTheBestPeer() {
        // randomMixed: tcmalloc 40.69 M is the best, mimalloc 38.24 M the reference.
        assertTrue(md.contains("| glibc | 28.95 M | - | 0.76x | ≈0.71x |"), md);
        assertTrue(md.contains("| mimalloc | 38.24 M | - | 1.00x | ≈0.94x |"), md);
        assertTrue(md.contains("| tcmalloc | 40.69 M | - | 1.06x | ≈1.00x |"), md);
        // xmalloc: a JMH group, 2 threads; tcmalloc best at 3.74x mimalloc.
        assertTrue(md.contains("### xmalloc threads=2"), md);
        assertTrue(md.contains("| hakmem | 710.41 k | - | 0.77x | ≈0.20x |"), md);
    }

    @Test
    void timesPerOperationCompareAsSpeeds() {
        // footprint mstress in ms/op: hakmem 306.1 ms is the fastest; glibc's 637.4 ms is 401.4 / 637.4 of mimalloc's speed.
        assertTrue(md.contains("| hakmem | 306.1 ms/op | - | 1.31x | ≈1.00x |"), md);
        assertTrue(md.contains("| glibc | 637.4 ms/op | - | 0.63x | ≈0.48x |"), md);
    }

    @Test
    void footprintRunsShowPeakRssAgainstPeakLive() {
        assertTrue(md.contains("| peer | ms/op | error | vs mimalloc | vs best | peak RSS | peak live | RSS / live |"), md);
        // The peaks are the larger of the two iterations' values (rawData), not JMH's score, which adds them up.
        assertTrue(md.contains("| glibc | 637.4 ms/op | - | 0.63x | ≈0.48x | 178.3 MiB | 103.6 MiB | 1.72x |"), md);
        assertTrue(md.contains("| mimalloc | 135.9 ms/op | - | 1.00x | ≈1.00x | 73.2 MiB | 125.0 KiB | 600.03x |"), md);
        assertTrue(md.contains("![peak RSS and peak live bytes per peer](rss-vs-live.png)"), md);
    }

    @Test
    void sameThreadOnlyPeerRunsWhereItCanAndIsNaElsewhere() {
        assertTrue(md.contains("| arena | 429.22 k | - | 0.06x | ≈0.06x |"), "arena ran tinyHot\n" + md);
        assertEquals(4, count(md, "| arena | " + Tables.SAME_THREAD_NOTE + " |"), "n/a on larson, xmalloc, mstress, threadChurn\n" + md);
        assertTrue(md.contains("| xmalloc threads=2 | ≈1.60x | ≈1.00x | ≈0.77x | n/a | ≈3.74x |"), md);
        assertTrue(md.contains("- **arena** (java): " + dev.hakmem.bench.peers.PeerCatalog.find("arena").orElseThrow().line()
                + ". Ran only where every block is freed by the thread that allocated it (same-thread-frees-only; n/a elsewhere)"), md);
    }

    /** Without errors every comparison is a tie; jemalloc, unavailable, is named rather than compared with. */
    @Test
    void verdictLeadsAndCountsOnlyTies() {
        assertTrue(md.indexOf("## Verdict") < md.indexOf("## Overview"), md);
        Matcher counts = Pattern.compile("- Against the best native allocator: 0 wins, (\\d+) ties, 0 losses \\((\\d+) tables\\); "
                + "skipped here: jemalloc \\(jemalloc: libjemalloc.so.2 not found").matcher(md);
        assertTrue(counts.find(), md);
        assertEquals(counts.group(2), counts.group(1), "every table a tie");
        assertTrue(md.contains("| randomMixed cycles=10000000 ws=256 | 27.25 M | tcmalloc | ≈ 0.67x tie | arena | ≈ 1.35x tie |"), md);
    }

    @Test
    void missingResultsAreFailed() {
        assertTrue(md.contains("| tcmalloc | FAILED: no result (see jmh.log) |"), md);
        assertTrue(md.contains("| tinyHot size=64 | ≈0.20x | ≈1.00x | ≈0.13x | ≈0.14x | FAILED |"), md);
        assertTrue(md.contains("### larson twoThreads"), "a benchmark without any result still gets its table\n" + md);
        assertTrue(md.contains("- larson twoThreads on glibc: no result (see jmh.log)"), md);
        assertFalse(md.contains("- larson twoThreads on arena"), "left out on purpose is not a failure");
        assertEquals(5, count(md, "\n- tinyHot size=64 on tcmalloc") + count(md, "\n- larson twoThreads on "));
        assertTrue(outcome.failed());
    }

    @Test
    void unavailablePeerIsListedWithItsReasonAndHasNoRows() {
        assertTrue(md.contains("- **jemalloc** (native): " + dev.hakmem.bench.peers.PeerCatalog.find("jemalloc").orElseThrow().line()
                + ". **Skipped here**: jemalloc: libjemalloc.so.2 not found; install it with: apt-get install libjemalloc2"), md);
        assertFalse(md.contains("| jemalloc |"), md);
    }

    @Test
    void sectionsFollowThePlan() {
        int randomMixed = md.indexOf("## randomMixed"), tinyHot = md.indexOf("## tinyHot"), larson = md.indexOf("## larson"),
                xmalloc = md.indexOf("## xmalloc"), footprint = md.indexOf("## footprint");
        assertTrue(0 < randomMixed && randomMixed < tinyHot && tinyHot < larson && larson < xmalloc && xmalloc < footprint, md);
        assertTrue(md.contains("Settings: 1 fork, warm-up 0 x 2000 ms, measurement 2 x 100 ms; "
                + "1 fork, 0 warm-up and 2 measured invocation(s) (single-shot)."), md);
    }

    @Test
    void chartsArePngsTheMarkdownLinks() throws Exception {
        Matcher links = Pattern.compile("!\\[[^]]*]\\(([^)]+)\\)").matcher(md);
        List<String> linked = new ArrayList<>();
        while (links.find()) linked.add(links.group(1));
        assertEquals(List.of("randomMixed.png", "tinyHot.png", "xmalloc.png", "footprint.png", "rss-vs-live.png"), linked);
        for (String file : linked) {
            BufferedImage image = ImageIO.read(out.resolve(file).toFile());
            assertNotNull(image, file + " is not an image ImageIO can read");
            assertTrue(image.getWidth() >= 640 && image.getWidth() <= 2400 && image.getHeight() >= 480, file + ": " + image.getWidth() + "x" + image.getHeight());
            assertTrue(distinctColours(image) > 8, file + " looks blank");
        }
        assertTrue(ImageIO.read(out.resolve("rss-vs-live.png").toFile()).getHeight() >= 2 * 480, "one panel per footprint run");
        assertFalse(Files.exists(out.resolve("larson.png")), "no chart without results");
    }

    @Test
    void writesMarkdownAndMergedJson() throws Exception {
        assertEquals(md, Files.readString(out.resolve("report.md")));
        var merged = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(26, merged.size(), "14 + 4 + 8 results");
        assertEquals("dev.hakmem.bench.Footprint.threadChurn", merged.get(25).path("benchmark").asText());
    }

    /** The job's exit status comes from Report.main: 2 with a FAILED cell, 0 without. */
    @Test
    void exitStatusIsTwoWhenAResultIsMissing(@TempDir Path dir) throws Exception {
        List<String> failing = new ArrayList<>(List.of("--out", dir.resolve("a").toString(), "--peers", sample("peers.tsv").toString(),
                "--plan", sample("plan.tsv").toString()));
        for (Path j : jsons()) failing.add(j.toString());
        Process p = report(failing);
        String stdout = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), stdout);
        assertTrue(stdout.contains("| glibc | 28.95 M | - | 0.76x | ≈0.71x |"), "prints the tables\n" + stdout);
        assertFalse(stdout.contains("!["), "no image links on the terminal");

        Process ok = report(List.of("--out", dir.resolve("b").toString(), sample("jmh-same-thread.json").toString()));
        ok.getInputStream().readAllBytes();
        assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), "no peers file and no plan: nothing is expected, nothing failed");
    }

    private static Process report(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Report.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) n++;
        return n;
    }

    private static int distinctColours(BufferedImage image) {
        var colours = new java.util.HashSet<Integer>();
        for (int y = 0; y < image.getHeight(); y += 7) for (int x = 0; x < image.getWidth(); x += 7) colours.add(image.getRGB(x, y));
        return colours.size();
    }
}
