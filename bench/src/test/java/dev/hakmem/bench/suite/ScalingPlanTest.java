package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scaling run's plan, on the benchmarks compiled into this module. */
class ScalingPlanTest {
    private static final RunSettings SETTINGS = new RunSettings(1, 1, 500, 3, 200);

    @Test
    void oneRunPerThreadCountWithJmhThreadsAboveTwo() {
        Plan plan = ScalingPlan.of(PlanTest.PEERS, SETTINGS);
        assertEquals(List.of("scaling-t1", "scaling-t2", "scaling-t4", "scaling-t8"), plan.runs().stream().map(Plan.Run::group).toList());
        for (Plan.Run r : plan.runs()) {
            int t = Integer.parseInt(r.group().substring("scaling-t".length()));
            List<String> args = r.jmhArgs();
            assertTrue(args.containsAll(SETTINGS.jmhArgs()), args.toString());
            assertEquals(t > 2, args.contains("-t"), args.toString());
            if (t > 2) assertEquals("" + t, args.get(args.indexOf("-t") + 1));
            assertEquals(List.of("hakmem", "mimalloc"), r.peers(), "available peers that free on any thread");
        }
    }

    /** Each run's regex selects exactly the benchmarks it expects results of, and they exist. */
    @Test
    void regexesSelectTheExpectedBenchmarks() {
        Plan plan = ScalingPlan.of(PlanTest.PEERS, SETTINGS);
        for (Plan.Run r : plan.runs()) {
            List<String> selected = BenchmarkCatalog.select(r.regex(), Map.of()).stream().map(PlannedBenchmark::name).sorted().toList();
            List<String> expected = plan.expectations().stream().filter(e -> e.group().equals(r.group()))
                    .map(Plan.Expectation::benchmark).sorted().toList();
            assertEquals(expected, selected, r.group());
        }
        assertEquals(List.of("dev.hakmem.bench.Larson.oneThread", "dev.hakmem.bench.MidLargeMt.oneThread",
                "dev.hakmem.bench.CacheScratch.oneThread"), ScalingPlan.benchmarks(1), "xmalloc's oneThread is two threads");
        assertTrue(ScalingPlan.benchmarks(4).contains("dev.hakmem.bench.Xmalloc.twoThreads"));
        assertEquals(3 * 2 + 3 * 4 * 2, ScalingPlan.runCount(2));
    }

    @Test
    void sameThreadOnlyPeersAreLeftOutAndNoAnyThreadPeerMeansNoRun() {
        Plan plan = ScalingPlan.of(PlanTest.PEERS, SETTINGS);
        assertTrue(plan.expectations().stream().allMatch(e -> e.leftOut().equals(List.of("arena"))));
        Plan none = ScalingPlan.of(List.of(PeerStatus.parse("arena\tavailable\tsame-thread-frees-only")), SETTINGS);
        assertTrue(none.runs().isEmpty());
    }
}
