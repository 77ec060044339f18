package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.suite.PeerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report on {@code jmh-sample.json}, a JMH 1.37 result file recorded from a real quick run
 * (trimmed to five results, percentiles and raw data dropped, one error set by hand), with the
 * peers file the runner wrote for it (hakmem unavailable; tcmalloc available but with no
 * randomMixed result, as if that benchmark had failed) and no plan: the way an old run is re-read.
 */
class JmhSampleTest {
    static Path resource(String name) throws Exception {
        return Path.of(JmhSampleTest.class.getResource("/" + name).toURI());
    }

    @Test
    void readsPrimaryMetricAndParameters() throws Exception {
        List<JmhResult> results = JmhJson.read(List.of(resource("jmh-sample.json")));
        assertEquals(5, results.size());
        JmhResult first = results.get(0);
        assertEquals("randomMixed", first.workload());
        assertEquals("cycles=10000000 ws=256", first.params());
        assertEquals("glibc", first.peer());
        assertEquals(5.418821657495063E7, first.score(), 1e-3);
        assertEquals(1234567.0, first.error(), 1e-9);
        assertEquals("ops/s", first.unit());
        assertFalse(first.lowerIsBetter());
        assertTrue(Double.isNaN(results.get(1).error()), "JMH writes \"NaN\" as a string");
        assertEquals("tinyHot", results.get(4).workload());
        assertEquals("size=16", results.get(4).params());
        assertEquals("1 fork, warm-up 1 x 1 s, measurement 2 x 1 s", first.settings());
    }

    @Test
    void withoutPlanEveryAvailablePeerIsExpected(@TempDir Path dir) throws Exception {
        Report.Outcome o = Report.run(List.of(resource("jmh-sample.json")), PeerStatus.read(resource("jmh-sample.peers.tsv")),
                null, null, dir);
        String md = o.markdown();
        assertTrue(md.contains("| glibc | 54.19 M | 1.23 M | 1.15x | ≈1.00x |"), md);
        assertTrue(md.contains("| mimalloc | 47.07 M | - | 1.00x | ≈0.87x |"), md);
        assertTrue(md.contains("| tcmalloc | FAILED: no result (see jmh.log) |"), md);
        assertTrue(md.contains("| glibc | 61.70 M | - | 0.44x | ≈0.43x |"), md);
        assertTrue(md.contains("| tcmalloc | 142.43 M | - | 1.01x | ≈1.00x |"), md);
        assertTrue(md.contains(". **Skipped here**: hakmem unavailable: the runtime is not implemented yet"), md);
        assertFalse(md.contains("\n| hakmem |"), "an unavailable peer gets no rows");
        assertTrue(md.indexOf("### randomMixed") < md.indexOf("### tinyHot"), "without a plan, benchmarks keep file order");
        assertTrue(md.contains("| randomMixed cycles=10000000 ws=256 | ≈1.15x | ≈1.00x | FAILED |"), md);
        assertTrue(o.failed());
    }

    @Test
    void noReferencePeerMeansRatiosToBestOnly(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("no-mimalloc.json");
        Files.writeString(json, Files.readString(resource("jmh-sample.json")).replace("\"mimalloc\"", "\"other\""));
        Report.Outcome o = Report.run(List.of(json), List.of(), null, null, dir.resolve("out"));
        assertTrue(o.markdown().contains("| glibc | 61.70 M | - | - | ≈0.43x |"), o.markdown());
        assertTrue(o.markdown().contains("| tinyHot size=16 * |"), "overview marks rows without mimalloc");
        assertFalse(o.failed(), "without a peers file nothing is expected");
    }

    /**
     * A JMH group (Xmalloc.twoThreads: one produce and one consume thread) is one result whose
     * primary score is the group's sum; its per-method scores are secondary and stay out of the table.
     */
    @Test
    void groupBenchmarkIsOneResultWithItsThreadCount(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("group.json");
        Files.writeString(json, """
                [{"benchmark": "dev.hakmem.bench.Xmalloc.twoThreads", "mode": "thrpt", "threads": 2,
                  "params": {"peer": "hakmem"},
                  "primaryMetric": {"score": 1.8E7, "scoreError": "NaN", "scoreUnit": "ops/s"},
                  "secondaryMetrics": {"consume": {"score": 9.1E6, "scoreUnit": "ops/s"},
                                       "produce": {"score": 8.9E6, "scoreUnit": "ops/s"}}}]
                """);
        List<JmhResult> results = JmhJson.read(List.of(json));
        assertEquals(1, results.size());
        JmhResult r = results.get(0);
        assertEquals("xmalloc", r.workload());
        assertEquals("threads=2", r.params());
        assertEquals(1.8E7, r.score());
        assertFalse(r.footprint());
    }

    @Test
    void benchmarkWithoutPeerParameterExpectsNoPeers(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("design.json");
        Files.writeString(json, """
                [{"benchmark": "dev.hakmem.bench.design.MemorySourceBenchmark.mmapMunmap", "mode": "avgt", "threads": 1,
                  "params": {"touched": "65536"},
                  "primaryMetric": {"score": 12.5, "scoreError": 0.25, "scoreUnit": "us/op"}}]
                """);
        Report.Outcome o = Report.run(List.of(json), List.of(new PeerStatus("glibc", true, false, null)), null, null, dir.resolve("out"));
        assertTrue(o.markdown().contains("| - | 12.50 us/op | 0.2500 us/op | - | 1.00x |"), o.markdown());
        assertFalse(o.failed());
    }

    @Test
    void missingOrEmptyJsonFilesAddNothing(@TempDir Path dir) throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.json"));
        assertEquals(5, JmhJson.read(List.of(resource("jmh-sample.json"), empty, dir.resolve("absent.json"))).size());
    }
}
