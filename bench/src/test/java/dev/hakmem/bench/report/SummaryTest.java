package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the summary on {@code jmh-sample.json}, a JMH 1.37 result file recorded from a real quick run
 * (trimmed to five results, percentiles and raw data dropped, one error set by hand), with the
 * peers file the runner wrote for it: hakmem unavailable, tcmalloc available but with no
 * randomMixed result, as if that benchmark had failed.
 */
class SummaryTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(SummaryTest.class.getResource("/" + name).toURI());
    }

    @Test
    void readsPrimaryMetricAndParameters() throws Exception {
        List<Summary.Result> results = Summary.read(resource("jmh-sample.json"));
        assertEquals(5, results.size());
        Summary.Result first = results.get(0);
        assertEquals("randomMixed", first.workload());
        assertEquals("cycles=10000000 ws=256", first.params());
        assertEquals("glibc", first.peer());
        assertEquals(5.418821657495063E7, first.score(), 1e-3);
        assertEquals(1234567.0, first.error(), 1e-9);
        assertEquals("ops/s", first.unit());
        assertTrue(Double.isNaN(results.get(1).error()), "JMH writes \"NaN\" as a string");
        assertEquals("tinyHot", results.get(4).workload());
        assertEquals("size=16", results.get(4).params());
    }

    @Test
    void rendersRatiosSkipsAndFailures() throws Exception {
        Summary.Report report = Summary.render(Summary.read(resource("jmh-sample.json")),
                Summary.readPeers(resource("jmh-sample.peers.tsv")), "header line");
        String md = report.markdown();
        assertTrue(md.contains("| randomMixed | cycles=10000000 ws=256 | glibc | 54.19 M | 1.23 M | 1.15x |"), md);
        assertTrue(md.contains("| randomMixed | cycles=10000000 ws=256 | mimalloc | 47.07 M | n/a | 1.00x |"), md);
        assertTrue(md.contains("| randomMixed | cycles=10000000 ws=256 | tcmalloc | FAILED"), md);
        assertTrue(md.contains("| tinyHot | size=16 | glibc | 61.70 M | n/a | 0.44x |"), md);
        assertTrue(md.contains("| tinyHot | size=16 | tcmalloc | 142.43 M | n/a | 1.01x |"), md);
        assertTrue(md.contains("- skipped hakmem (hakmem unavailable: the runtime is not implemented yet)"), md);
        assertFalse(md.contains("| hakmem |"), "an unavailable peer gets no rows");
        assertTrue(md.indexOf("randomMixed") < md.indexOf("tinyHot"), "groups keep file order");
        assertTrue(report.failed());
    }

    @Test
    void noReferencePeerMeansNoRatio() throws Exception {
        var results = Summary.read(resource("jmh-sample.json")).stream()
                .filter(r -> !r.peer().equals("mimalloc")).toList();
        Summary.Report report = Summary.render(results, List.of(), "");
        assertTrue(report.markdown().contains("| tinyHot | size=16 | glibc | 61.70 M | n/a | n/a |"), report.markdown());
        assertFalse(report.failed(), "without a peers file nothing is expected");
    }

    @Test
    void mainWritesMarkdownNextToJson(@TempDir Path dir) throws IOException, URISyntaxException {
        Path json = dir.resolve("run.json");
        Files.copy(resource("jmh-sample.json"), json);
        Summary.main(new String[] {json.toString()}); // no peers file: nothing counts as failed, no exit
        String md = Files.readString(dir.resolve("run.md"));
        assertTrue(md.startsWith("# hakmem benchmark summary"), md);
        assertTrue(md.contains("JMH 1.37, JDK 25"), md);
    }

    @Test
    void benchmarkWithoutPeerParameterExpectsNoPeers() {
        var design = new Summary.Result("memorySourceBenchmark.mmapMunmap", "touched=65536", "", 12.5, 0.25, "us/op");
        Summary.Report report = Summary.render(List.of(design), List.of(new Summary.Peer("glibc", null)), "");
        assertTrue(report.markdown().contains("| memorySourceBenchmark.mmapMunmap | touched=65536 | - | 12.500 us/op | 0.250 us/op | n/a |"),
                report.markdown());
        assertFalse(report.failed());
    }

    /**
     * A JMH group (Xmalloc.twoThreads: one produce and one consume thread) is one result whose
     * primary score is the group's sum; its per-method scores are secondary and stay out of the table.
     */
    @Test
    void groupBenchmarkIsOneRowWithItsThreadCount(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("group.json");
        Files.writeString(json, """
                [{"benchmark": "dev.hakmem.bench.Xmalloc.twoThreads", "mode": "thrpt", "threads": 2,
                  "params": {"peer": "hakmem"},
                  "primaryMetric": {"score": 1.8E7, "scoreError": "NaN", "scoreUnit": "ops/s"},
                  "secondaryMetrics": {"consume": {"score": 9.1E6, "scoreUnit": "ops/s"},
                                       "produce": {"score": 8.9E6, "scoreUnit": "ops/s"}}}]
                """);
        List<Summary.Result> results = Summary.read(json);
        assertEquals(1, results.size());
        assertEquals(new Summary.Result("xmalloc", "threads=2", "hakmem", 1.8E7, Double.NaN, "ops/s"), results.get(0));
    }

    @Test
    void workloadNameFollowsWorkloadsMd() {
        assertEquals("tinyHot", Summary.workload("dev.hakmem.bench.TinyHot.cycle"));
        assertEquals("randomMixed", Summary.workload("dev.hakmem.bench.RandomMixed.run"));
    }
}
