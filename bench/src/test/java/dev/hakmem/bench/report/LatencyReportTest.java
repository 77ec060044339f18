package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hakmem.bench.suite.PeerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

/** Latency results (JMH sample time): percentiles read from the JSON, shown per peer, and charted. */
class LatencyReportTest {
    /** A sample-time result as JMH writes it, percentiles p50/p99/p99.9/max = base x 1, 4, 20, 500. */
    static String sample(String method, String peer, double base) {
        return String.format(Locale.ROOT, """
                {"jmhVersion": "1.37", "benchmark": "dev.hakmem.bench.latency.MallocLatency.%s", "mode": "sample", "threads": 1,
                 "forks": 1, "warmupIterations": 3, "warmupTime": "1 s", "measurementIterations": 5, "measurementTime": "1 s",
                 "params": {"peer": "%s"},
                 "primaryMetric": {"score": %f, "scoreError": %f, "scoreUnit": "ns/op",
                   "scorePercentiles": {"0.0": %f, "50.0": %f, "90.0": %f, "95.0": %f, "99.0": %f, "99.9": %f, "99.99": %f,
                     "99.999": %f, "99.9999": %f, "100.0": %f}},
                 "secondaryMetrics": {}}""", method, peer, base * 1.2, base * 0.01, base * 0.5, base, base * 2, base * 3, base * 4,
                base * 20, base * 100, base * 200, base * 300, base * 500);
    }

    @Test
    void percentilesAreReadShownAndCharted(@TempDir Path dir) throws Exception {
        List<String> results = new ArrayList<>();
        for (String m : List.of("tinyHot", "randomMixed")) {
            results.add(sample(m, "hakmem", 20));
            results.add(sample(m, "mimalloc", 40));
        }
        Path json = dir.resolve("jmh-latency.json");
        Files.writeString(json, "[" + String.join(",", results) + "]");
        List<JmhResult> read = JmhJson.read(List.of(json));
        JmhResult hakmem = read.getFirst();
        assertTrue(hakmem.latency());
        assertEquals(20.0, hakmem.percentiles().get(50.0));
        assertEquals(400.0, hakmem.percentiles().get(99.9));
        assertEquals(10_000.0, hakmem.percentiles().get(100.0));
        assertFalse(JmhJson.result(new ObjectMapper().readTree(ReportTest.sample("jmh-same-thread.json").toFile()).get(0)).latency(),
                "a throughput result has no percentiles");

        List<PeerStatus> peers = List.of(new PeerStatus("hakmem", true, false, null), new PeerStatus("mimalloc", true, false, null));
        Report.Outcome o = Report.run(List.of(json), peers, null, "full", dir.resolve("out"));
        String md = o.markdown();
        assertTrue(md.contains("| peer | mean ns/op | error | vs mimalloc | vs best | p50 | p99 | p99.9 | max |"), md);
        assertTrue(md.contains("| hakmem | 24.00 ns/op | 0.2000 ns/op | 2.00x | **1.00x** | 20.00 ns/op | 80.00 ns/op | 400.0 ns/op | 1.000e+04 ns/op |"), md);
        assertTrue(md.contains("### mallocLatency tinyHot"), md);

        List<RowGroup> groups = Tables.build(read, peers, null);
        CategoryChart chart = Charts.latencyChart(groups.getFirst());
        assertEquals(List.of("p50", "p99", "p99.9", "max"), List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(List.of(20.0, 40.0), List.copyOf(chart.getSeriesMap().get("p50").getYData()));
        assertEquals(List.of(10_000.0, 20_000.0), List.copyOf(chart.getSeriesMap().get("max").getYData()));
        assertTrue(chart.getTitle().contains("lower is better"), chart.getTitle());
        assertEquals("mallocLatency.png", o.charts().get("mallocLatency"));
        assertTrue(Files.size(dir.resolve("out/mallocLatency.png")) > 0);
    }
}
