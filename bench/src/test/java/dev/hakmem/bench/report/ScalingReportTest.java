package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.suite.PeerStatus;
import dev.hakmem.bench.suite.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a scaling run, on {@code scaling-sample/}: the four JMH JSON files, peers file and
 * plan of a real {@code ./build.sh bench --no-build --scaling --budget 150 --peers hakmem,mimalloc}
 * (2026-12-03, JDK 25.0.3; short iterations, so the numbers mean nothing), unedited.
 */
class ScalingReportTest {
    @TempDir
    Path out;

    private static Path sample(String name) throws Exception {
        return JmhSampleTest.resource("scaling-sample/" + name);
    }

    private Report.Outcome render() throws Exception {
        List<Path> jsons = List.of(sample("jmh-scaling-t1.json"), sample("jmh-scaling-t2.json"), sample("jmh-scaling-t4.json"),
                sample("jmh-scaling-t8.json"));
        return Report.run(jsons, PeerStatus.read(sample("peers.tsv")), Plan.read(sample("plan.tsv")), "scaling", out);
    }

    @Test
    void everyWorkloadGetsAChartAgainstThreadsWithItsCaption() throws Exception {
        Report.Outcome o = render();
        for (String w : List.of("xmalloc", "larson", "midLargeMt", "cacheScratch")) {
            String file = o.charts().get(Charts.scalingKey(w));
            assertEquals(w + "-scaling.png", file, o.charts().toString());
            assertTrue(Files.size(out.resolve(file)) > 1000, file);
            assertTrue(o.markdown().contains("![" + w + " against threads](" + file + ")"), w);
        }
        assertTrue(o.markdown().contains(ScalingChart.CAPTION));
        assertTrue(o.markdown().contains("scaling run in quick mode"));
        assertFalse(o.failed());
    }

    /** The points of a line: oneThread at 1 thread, twoThreads at JMH's thread count; one line per peer. */
    @Test
    void pointsFollowJmhThreadCounts() throws Exception {
        List<JmhResult> results = JmhJson.read(List.of(sample("jmh-scaling-t1.json"), sample("jmh-scaling-t2.json"),
                sample("jmh-scaling-t4.json"), sample("jmh-scaling-t8.json")));
        List<RowGroup> larson = Tables.build(results, PeerStatus.read(sample("peers.tsv")), Plan.read(sample("plan.tsv"))).stream()
                .filter(g -> g.workload().equals("larson")).toList();
        Map<String, TreeMap<Integer, JmhResult>> points = ScalingChart.points(larson);
        assertEquals(List.of("hakmem", "mimalloc"), List.copyOf(points.keySet()));
        for (TreeMap<Integer, JmhResult> line : points.values()) assertEquals(List.of(1, 2, 4, 8), List.copyOf(line.keySet()));
        assertTrue(points.get("hakmem").get(1).benchmark().endsWith(".oneThread"));
        assertTrue(points.get("hakmem").get(8).benchmark().endsWith(".twoThreads"));
        List<RowGroup> xmalloc = Tables.build(results, List.of(), null).stream().filter(g -> g.workload().equals("xmalloc")).toList();
        assertEquals(List.of(2, 4, 8), List.copyOf(ScalingChart.points(xmalloc).get("mimalloc").keySet()));
    }

    /** Fewer than three thread counts: no line chart (the main job's oneThread/twoThreads pairs). */
    @Test
    void twoThreadCountsAreNoScalingChart() throws Exception {
        List<JmhResult> results = JmhJson.read(List.of(sample("jmh-scaling-t1.json"), sample("jmh-scaling-t2.json")));
        List<RowGroup> larson = Tables.build(results, List.of(), null).stream().filter(g -> g.workload().equals("larson")).toList();
        assertFalse(ScalingChart.applies(larson));
        assertEquals(1, ScalingChart.threads(new JmhResult("b", "thrpt", "size=8", "hakmem", 1, 0, "ops/s", Map.of(), "")));
        assertEquals(8, ScalingChart.threads(new JmhResult("b", "thrpt", "size=8 threads=8", "hakmem", 1, 0, "ops/s", Map.of(), "")));
    }
}
