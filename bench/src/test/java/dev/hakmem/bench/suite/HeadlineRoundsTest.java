package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.report.JmhResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which peers quick mode measures again after its first round, and in which JMH invocations. */
class HeadlineRoundsTest {
    static final String TINY = "dev.hakmem.bench.TinyHot.cycle", MIXED = "dev.hakmem.bench.RandomMixed.run",
            LARSON = "dev.hakmem.bench.Larson.twoThreads", SKEWED = "dev.hakmem.bench.Skewed.cycle";
    static final List<String> SAME = List.of("hakmem", "hakmem-gen", "glibc", "jemalloc", "mimalloc", "tcmalloc", "heap");

    static JmhResult r(String benchmark, String params, String peer, double score) {
        return new JmhResult(benchmark, "thrpt", params, peer, score, Double.NaN, "ops/s", Map.of(), "1 fork");
    }

    static Plan firstRound() {
        List<String> args = List.of("-f", "1", "-wi", "1", "-w", "200ms", "-i", "3", "-r", "100ms");
        return new Plan(List.of(
                new Plan.Run("same-thread", SAME, "^(x)$", args),
                new Plan.Run("cross-thread", SAME, "^(y)$", args)),
                List.of(new Plan.Expectation(TINY, "same-thread", SAME, List.of()),
                        new Plan.Expectation(MIXED, "same-thread", SAME, List.of()),
                        new Plan.Expectation(SKEWED, "same-thread", SAME, List.of()),
                        new Plan.Expectation(LARSON, "cross-thread", SAME, List.of())));
    }

    static List<JmhResult> results() {
        List<JmhResult> rs = new ArrayList<>();
        // tinyHot, two parameter sets: mimalloc best at 16 (tcmalloc within 10%), tcmalloc alone at 64
        rs.addAll(List.of(r(TINY, "size=16", "hakmem", 300), r(TINY, "size=16", "hakmem-gen", 320), r(TINY, "size=16", "glibc", 60),
                r(TINY, "size=16", "jemalloc", 80), r(TINY, "size=16", "mimalloc", 100), r(TINY, "size=16", "tcmalloc", 95),
                r(TINY, "size=16", "heap", 500)));
        rs.addAll(List.of(r(TINY, "size=64", "hakmem", 300), r(TINY, "size=64", "hakmem-gen", 320), r(TINY, "size=64", "mimalloc", 80),
                r(TINY, "size=64", "tcmalloc", 100), r(TINY, "size=64", "jemalloc", 85)));
        // randomMixed: jemalloc far ahead of the other natives; hakmem-gen failed (no result)
        rs.addAll(List.of(r(MIXED, "ws=8192", "hakmem", 60), r(MIXED, "ws=8192", "jemalloc", 70), r(MIXED, "ws=8192", "mimalloc", 50),
                r(MIXED, "ws=8192", "tcmalloc", 40)));
        // skewed: the same contenders as randomMixed, so the same invocation
        rs.addAll(List.of(r(SKEWED, "", "hakmem", 60), r(SKEWED, "", "jemalloc", 70), r(SKEWED, "", "glibc", 10)));
        // larson: every run failed
        return rs;
    }

    @Test
    void contendersAreHakmemItsVariantAndTheNativesNearTheFastest() {
        // 16 B: mimalloc fastest, tcmalloc 5% behind, jemalloc 20%; 64 B: tcmalloc fastest, jemalloc 15% behind
        assertEquals(Set.of("hakmem", "hakmem-gen", "mimalloc", "tcmalloc"), HeadlineRounds.contenders(TINY, SAME, results()));
    }

    @Test
    void aNativeMoreThanTheMarginBehindIsNotMeasuredAgain() {
        assertEquals(Set.of("hakmem", "jemalloc"), HeadlineRounds.contenders(MIXED, SAME, results()));
        assertEquals(Set.of(), HeadlineRounds.contenders(LARSON, SAME, results()), "no result, nothing to measure again");
        JmhResult latency = new JmhResult(LARSON, "sample", "", "hakmem", 1e-7, Double.NaN, "s/op", Map.of(), "1 fork");
        assertEquals(Set.of(), HeadlineRounds.contenders(LARSON, SAME, List.of(latency)), "latency histograms are not measured again");
        assertEquals(Set.of("hakmem", "mimalloc"), HeadlineRounds.contenders(MIXED, List.of("hakmem", "mimalloc"), results()),
                "only the peers the plan gave the benchmark count: jemalloc's result is not one of them");
    }

    @Test
    void benchmarksWithTheSameContendersShareAnInvocation() throws Exception {
        Plan rounds = HeadlineRounds.plan(firstRound(), results());
        assertTrue(rounds.expectations().isEmpty());
        assertEquals(2, rounds.runs().size(), "tinyHot alone; randomMixed and skewed together; larson none: " + rounds.runs());
        Plan.Run tiny = rounds.runs().get(0);
        assertEquals("same-thread-headline-1", tiny.group());
        assertEquals(List.of("hakmem", "hakmem-gen", "mimalloc", "tcmalloc"), tiny.peers(), "in the plan's order");
        assertEquals("^(dev\\.hakmem\\.bench\\.TinyHot\\.cycle)$", tiny.regex());
        assertEquals(firstRound().runs().getFirst().jmhArgs(), tiny.jmhArgs(), "the first round's settings");
        Plan.Run two = rounds.runs().get(1);
        assertEquals(List.of("hakmem", "jemalloc"), two.peers());
        assertEquals("^(dev\\.hakmem\\.bench\\.RandomMixed\\.run|dev\\.hakmem\\.bench\\.Skewed\\.cycle)$", two.regex());
        // what the runner reads back
        Path f = Files.createTempFile("rounds", ".tsv");
        rounds.write(f);
        assertEquals(rounds.runs(), Plan.read(f).runs());
        Files.delete(f);
    }

    @Test
    void aRoundsRunsArePeersTimesTheParameterSetsOfItsBenchmarks() {
        Plan rounds = HeadlineRounds.plan(firstRound(), results());
        // tinyHot: 4 peers x 2 sizes; randomMixed and skewed: 2 peers x (1 + 1) sets
        assertEquals(8 + 4, HeadlineRounds.runCount(rounds, results()));
    }
}
