package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.LongWarmup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.annotations.Mode;

/** The planner on the benchmarks compiled into this module and on made-up peers. */
class PlanTest {
    static final List<PeerStatus> PEERS = List.of(
            PeerStatus.parse("hakmem\tavailable"),
            PeerStatus.parse("mimalloc\tavailable"),
            PeerStatus.parse("arena\tavailable\tsame-thread-frees-only"),
            PeerStatus.parse("jemalloc\tunavailable\tinstall it with: apt-get install libjemalloc2"));

    @Test
    void peersFileLines() {
        assertEquals(new PeerStatus("hakmem", true, false, null), PEERS.get(0));
        assertEquals(new PeerStatus("arena", true, true, null), PEERS.get(2));
        assertEquals(new PeerStatus("jemalloc", false, false, "install it with: apt-get install libjemalloc2"), PEERS.get(3));
        assertEquals(new PeerStatus("x", false, false, "unavailable"), PeerStatus.parse("x\tunavailable"));
    }

    @Test
    void defaultSelectionIsEveryWorkloadButTheDesignLatencyAndExtendedBenchmarks() {
        List<PlannedBenchmark> all = BenchmarkCatalog.select(BenchmarkCatalog.DEFAULT_SELECTION, Map.of());
        List<String> names = all.stream().map(PlannedBenchmark::name).toList();
        for (String b : List.of("TinyHot.cycle", "RandomMixed.run", "MidLargeMt.oneThread", "Xmalloc.twoThreads", "Larson.oneThread", "CacheScratch.twoThreads")) {
            assertTrue(names.contains("dev.hakmem.bench." + b), b + " in " + names);
        }
        assertFalse(names.stream().anyMatch(n -> n.contains(".design.")), names.toString());
        assertTrue(all.stream().allMatch(PlannedBenchmark::takesPeer));
        assertFalse(BenchmarkCatalog.select("design\\.", Map.of()).isEmpty(), "design benchmarks exist, only left out by default");
        assertFalse(names.stream().anyMatch(n -> n.contains(".latency.")), names.toString());
        List<PlannedBenchmark> latency = BenchmarkCatalog.select(BenchmarkCatalog.LATENCY_SELECTION, Map.of());
        assertEquals(List.of("midLargeMt", "randomMixed", "tinyHot"),
                latency.stream().map(b -> b.name().substring(b.name().lastIndexOf('.') + 1)).sorted().toList());
        assertTrue(latency.stream().allMatch(b -> b.mode() == Mode.SampleTime && b.takesPeer()));
        assertFalse(names.stream().anyMatch(n -> n.contains(".mbench.")), names.toString());
    }

    @Test
    void extendedSelectionIsTheRestOfMimallocBench() {
        List<PlannedBenchmark> extended = BenchmarkCatalog.select(BenchmarkCatalog.EXTENDED_SELECTION, Map.of());
        assertEquals(List.of("GlibcSimple.oneThread", "GlibcThread.oneThread", "GlibcThread.twoThreads", "MallocLarge.oneThread",
                        "Mleak.oneThread", "Rptest.oneThread", "Rptest.twoThreads"),
                extended.stream().map(b -> b.name().substring("dev.hakmem.bench.mbench.".length())).sorted().toList());
        assertTrue(extended.stream().allMatch(b -> b.mode() == Mode.Throughput && b.takesPeer()));
        for (PlannedBenchmark b : extended) {
            assertEquals(b.name().endsWith("Rptest.twoThreads") || b.name().contains("Mleak."), b.crossThread(), b.name());
        }
    }

    @Test
    void crossThreadMarkAndParameterCombinations() {
        List<PlannedBenchmark> all = BenchmarkCatalog.select(BenchmarkCatalog.DEFAULT_SELECTION, Map.of());
        for (PlannedBenchmark b : all) {
            boolean cross = b.name().matches(".*\\.(Xmalloc|Larson|CacheScratch|Footprint)\\..*");
            assertEquals(cross, b.crossThread(), b.name());
            long least = b.name().contains(".Footprint.") ? QuickBudget.LONG_WARMUP_MILLIS
                    : b.name().matches(".*\\.(Large\\.run|SkewedFootprint\\..*|MidLargeMt\\.twoThreads)") ? LongWarmup.CLIMBING_MILLIS : 0;
            assertEquals(least, b.leastWarmupMillis(), b.name() + ": the workloads that start threads warm up long, those whose hakmem forks climbed a little longer");
        }
        PlannedBenchmark tinyHot = only("TinyHot", Map.of());
        assertEquals(2, tinyHot.paramCombinations(), "size 16 and 64");
        assertEquals(Mode.Throughput, tinyHot.mode());
        assertEquals(1, only("RandomMixed", BenchmarkCatalog.paramOverrides(List.of("-f", "1", "-p", "ws=256"))).paramCombinations());
        assertEquals(3, only("RandomMixed", BenchmarkCatalog.paramOverrides(List.of("-p", "ws=1,2,3"))).paramCombinations());
        assertEquals(Map.of("ws", List.of("256")), BenchmarkCatalog.paramOverrides(List.of("-p", "ws=256", "-i", "3")));
    }

    @Test
    void groupsRunSameThreadOnlyPeersOnlyWhereTheyCan(@TempDir Path dir) throws Exception {
        List<PlannedBenchmark> bs = List.of(
                new PlannedBenchmark("dev.hakmem.bench.Xmalloc.twoThreads", Mode.Throughput, true, true, 1),
                new PlannedBenchmark("dev.hakmem.bench.TinyHot.cycle", Mode.Throughput, false, true, 2),
                new PlannedBenchmark("dev.hakmem.bench.Footprint.mstress", Mode.SingleShotTime, true, true, 1),
                new PlannedBenchmark("dev.hakmem.bench.design.M.x", Mode.AverageTime, false, false, 3));
        RunSettings timed = new RunSettings(1, 1, 400, 3, 100);
        Plan plan = Plan.of(bs, PEERS, b -> b.singleShot() ? RunSettings.QUICK_SINGLE_SHOT : timed);

        assertEquals(List.of("same-thread", "cross-thread", "cross-thread-single-shot", "no-peer"),
                plan.runs().stream().map(Plan.Run::group).toList(), "single-threaded first, design last");
        Plan.Run same = plan.runs().get(0), cross = plan.runs().get(1), ss = plan.runs().get(2);
        assertEquals(List.of("hakmem", "mimalloc", "arena"), same.peers());
        assertEquals(List.of("hakmem", "mimalloc"), cross.peers());
        assertEquals(List.of(), plan.runs().get(3).peers());
        assertEquals(List.of("-f", "1", "-wi", "1", "-w", "400ms", "-i", "3", "-r", "100ms"), same.jmhArgs());
        assertEquals(List.of("-f", "1", "-wi", "1", "-i", "2"), ss.jmhArgs());
        assertTrue(Pattern.compile(cross.regex()).matcher("dev.hakmem.bench.Xmalloc.twoThreads").find());
        assertFalse(Pattern.compile(cross.regex()).matcher("dev.hakmem.bench.Xmalloc.twoThreadsX").find());
        assertFalse(Pattern.compile(cross.regex()).matcher("dev.hakmem.bench.TinyHot.cycle").find());

        Plan.Expectation x = plan.expectations().stream().filter(e -> e.benchmark().endsWith("Xmalloc.twoThreads")).findFirst().orElseThrow();
        assertEquals(List.of("arena"), x.leftOut());
        assertEquals(2 * 3 + 2 + 3, plan.runCount(bs, false), "tinyHot: 2 params x 3 peers; xmalloc: 2 peers; design: 3 combinations, no peer");
        assertEquals(2, plan.runCount(bs, true));

        Path file = dir.resolve("plan.tsv");
        plan.write(file);
        assertEquals(plan, Plan.read(file));
    }

    @Test
    void aLongWarmupWorkloadRunsInItsOwnInvocationWithItsOwnWarmup() {
        List<PlannedBenchmark> bs = List.of(
                new PlannedBenchmark("dev.hakmem.bench.Xmalloc.twoThreads", Mode.Throughput, true, true, 1),
                new PlannedBenchmark("dev.hakmem.bench.Footprint.threadChurn", Mode.Throughput, true, true, 2, QuickBudget.LONG_WARMUP_MILLIS),
                new PlannedBenchmark("dev.hakmem.bench.Larson.twoThreads", Mode.Throughput, true, true, 1, 600));
        QuickBudget q = new QuickBudget(523, 391, 0, 3, Map.of(QuickBudget.LONG_WARMUP_MILLIS, 4, 600L, 2)); // a large matrix: short warm-ups
        Plan plan = Plan.of(bs, PEERS, b -> b.longWarmup() ? q.warmedAtLeast(b.leastWarmupMillis()) : q.timed());
        assertEquals(List.of("cross-thread", "cross-thread-warmup-1500ms", "cross-thread-warmup-600ms"),
                plan.runs().stream().map(Plan.Run::group).toList(), "one invocation per least warm-up");
        assertEquals(q.timed().jmhArgs(), plan.runs().get(0).jmhArgs());
        assertEquals(QuickBudget.LONG_WARMUP_MILLIS, warmupMillis(plan.runs().get(1)));
        assertEquals(600, warmupMillis(plan.runs().get(2)));
        assertTrue(warmupMillis(plan.runs().get(0)) < 600, plan.runs().get(0).jmhArgs().toString());
        assertEquals(2 * 2, plan.runCount(bs.subList(1, 2), false), "2 thread kinds x 2 peers that free on any thread");
    }

    @Test
    void onlySameThreadPeersMeansNoCrossThreadRun() {
        List<PlannedBenchmark> bs = List.of(new PlannedBenchmark("dev.hakmem.bench.Larson.oneThread", Mode.Throughput, true, true, 1));
        Plan plan = Plan.of(bs, List.of(PEERS.get(2)), b -> RunSettings.FULL_TIMED);
        assertTrue(plan.runs().isEmpty());
        assertEquals(List.of("arena"), plan.expectations().get(0).leftOut());
    }

    private static PlannedBenchmark only(String cls, Map<String, List<String>> overrides) {
        List<PlannedBenchmark> bs = BenchmarkCatalog.select("^dev\\.hakmem\\.bench\\." + cls + "\\.", overrides);
        assertEquals(1, bs.size(), bs.toString());
        return bs.get(0);
    }

    /** The {@code -w} of a run's JMH options, in milliseconds. */
    private static long warmupMillis(Plan.Run run) {
        List<String> args = run.jmhArgs();
        return Long.parseLong(args.get(args.indexOf("-w") + 1).replace("ms", ""));
    }
}
