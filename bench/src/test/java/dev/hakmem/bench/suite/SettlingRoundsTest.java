package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.report.JmhJson;
import dev.hakmem.bench.report.JmhResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which tables quick mode's settling rounds measure again, on which peers, and how many fit. */
class SettlingRoundsTest {
    static final String TINY = HeadlineRoundsTest.TINY, MIXED = HeadlineRoundsTest.MIXED, SKEWED = HeadlineRoundsTest.SKEWED,
            LARSON = HeadlineRoundsTest.LARSON, MSTRESS = "dev.hakmem.bench.Footprint.mstress";
    static final List<String> SAME = HeadlineRoundsTest.SAME;

    static JmhJson.Forks f(String benchmark, String params, String peer, double... forkMeans) {
        return f(benchmark, "thrpt", params, peer, forkMeans);
    }

    static JmhJson.Forks f(String benchmark, String mode, String params, String peer, double... forkMeans) {
        List<Double> means = new ArrayList<>();
        for (double m : forkMeans) means.add(m);
        JmhResult r = new JmhResult(benchmark, mode, params, peer, JmhJson.forkScore(means), Double.NaN, "ops/s", Map.of(),
                forkMeans.length + " forks");
        return new JmhJson.Forks(r, means);
    }

    static Plan firstRound() {
        List<String> args = List.of("-f", "1", "-wi", "1", "-w", "200ms", "-i", "3", "-r", "100ms");
        List<String> longWarmup = List.of("-f", "1", "-wi", "1", "-w", "1500ms", "-i", "3", "-r", "100ms");
        return new Plan(List.of(
                new Plan.Run("same-thread", SAME, "^(x)$", args),
                new Plan.Run("cross-thread", SAME, "^(y)$", args),
                new Plan.Run("footprint", SAME, "^(z)$", longWarmup)),
                List.of(new Plan.Expectation(TINY, "same-thread", SAME, List.of()),
                        new Plan.Expectation(MIXED, "same-thread", SAME, List.of()),
                        new Plan.Expectation(SKEWED, "same-thread", SAME, List.of()),
                        new Plan.Expectation(LARSON, "cross-thread", SAME, List.of()),
                        new Plan.Expectation(MSTRESS, "footprint", SAME, List.of())));
    }

    static List<JmhJson.Forks> forks() {
        return List.of(
                // tinyHot 16 B: hakmem's forks 25% apart (unsettledness 0.25 / sqrt 3 = 0.14); 64 B settled
                f(TINY, "size=16", "hakmem", 300, 300, 375), f(TINY, "size=16", "hakmem-gen", 320, 322, 318),
                f(TINY, "size=16", "mimalloc", 100, 101, 99), f(TINY, "size=16", "glibc", 60),
                f(TINY, "size=64", "hakmem", 300, 301, 299), f(TINY, "size=64", "mimalloc", 100, 100, 101),
                // randomMixed: every contender's forks within 2%: settled
                f(MIXED, "ws=8192", "hakmem", 60, 61, 60.5), f(MIXED, "ws=8192", "jemalloc", 70, 70.5, 71),
                f(MIXED, "ws=8192", "mimalloc", 50),
                // skewed: the native's forks 12% apart (0.12 / sqrt 3 = 0.069), a little less unsettled than tinyHot
                f(SKEWED, "", "hakmem", 60, 60, 60), f(SKEWED, "", "jemalloc", 70, 62, 70.5),
                // larson with two threads: glibc spreads, but it is 30% behind jemalloc, no contender
                f(LARSON, "threads=2", "hakmem", 40, 40.2, 40.1), f(LARSON, "threads=2", "jemalloc", 50, 50, 50.2),
                f(LARSON, "threads=2", "glibc", 20, 35, 10),
                // footprint: left out however its forks spread (it leads with memory)
                footprint("hakmem", 1, 2, 3), footprint("mimalloc", 1, 1, 1));
    }

    static JmhJson.Forks footprint(String peer, double... forkMeans) {
        JmhJson.Forks speed = f(MSTRESS, "", peer, forkMeans);
        JmhResult r = speed.result();
        return new JmhJson.Forks(new JmhResult(r.benchmark(), r.mode(), r.params(), peer, r.score(), r.error(), r.unit(),
                Map.of(JmhResult.PEAK_RSS, 3e7, JmhResult.PEAK_LIVE, 1e7), r.settings()), speed.means());
    }

    @Test
    void unsettlednessIsTheSpreadOverTheScoreShrinkingWithTheForks() {
        assertEquals(0, SettlingRounds.unsettledness(List.of(100.0)), "one fork: nothing to compare");
        assertEquals(0.25 / Math.sqrt(3), SettlingRounds.unsettledness(List.of(300.0, 300.0, 375.0)), 1e-12);
        // the same two modes in five forks: score (300 + 300 + 375) / 3, spread 75
        assertEquals(75 / 325.0 / Math.sqrt(5), SettlingRounds.unsettledness(List.of(300.0, 375.0, 300.0, 375.0, 300.0)), 1e-12);
    }

    @Test
    void onlyTheHeadlinePeersOfUnsettledThroughputTablesRunAgain() {
        Set<String> tinyContenders = Set.of("hakmem", "hakmem-gen", "mimalloc");
        SettlingRounds.Unsettled tiny = SettlingRounds.unsettled(TINY, tinyContenders, forks());
        assertEquals(Set.of("size=16"), tiny.paramSets(), "64 B is settled");
        assertEquals(tinyContenders, tiny.peers());
        assertEquals(3, tiny.runs());
        assertNull(SettlingRounds.unsettled(MIXED, Set.of("hakmem", "jemalloc"), forks()));
        assertNull(SettlingRounds.unsettled(LARSON, Set.of("hakmem", "jemalloc"), forks()), "glibc is not a contender");
        assertNull(SettlingRounds.unsettled(MSTRESS, Set.of("hakmem", "mimalloc"), forks()), "a footprint run: left out");
    }

    @Test
    void theLeastSettledFirstAsManyAsFit() throws Exception {
        SettlingRounds.Round all = SettlingRounds.plan(firstRound(), forks(), 100);
        assertEquals(2, all.plan().runs().size(), "tinyHot and skewed: " + all.plan().runs());
        Plan.Run tiny = all.plan().runs().get(0);
        assertEquals("same-thread-settle-1", tiny.group());
        assertEquals("^(dev\\.hakmem\\.bench\\.TinyHot\\.cycle)$", tiny.regex());
        assertEquals(List.of("hakmem", "hakmem-gen", "mimalloc"), tiny.peers(), "the contenders, in the plan's order");
        assertEquals(List.of("-f", "1", "-wi", "1", "-w", "200ms", "-i", "3", "-r", "100ms", "-p", "size=16"), tiny.jmhArgs(),
                "the group's settings, then only the unsettled size");
        Plan.Run skewed = all.plan().runs().get(1);
        assertEquals(List.of("hakmem", "jemalloc"), skewed.peers());
        assertEquals(List.of("-f", "1", "-wi", "1", "-w", "200ms", "-i", "3", "-r", "100ms"), skewed.jmhArgs(), "no parameters to restrict");
        assertEquals(3 + 2, all.runs());
        // room for 2 runs: tinyHot (3) does not fit, skewed (2) behind it does
        SettlingRounds.Round two = SettlingRounds.plan(firstRound(), forks(), 2);
        assertEquals(1, two.plan().runs().size());
        assertEquals(skewed.regex(), two.plan().runs().getFirst().regex());
        assertEquals(2, two.runs());
        assertEquals(0, SettlingRounds.plan(firstRound(), forks(), 1).runs(), "nothing fits");
        // what the runner reads back
        Path f = Files.createTempFile("settle", ".tsv");
        all.plan().write(f);
        assertEquals(all.plan().runs(), Plan.read(f).runs());
        Files.delete(f);
    }

    @Test
    void restrictionsSelectEveryValueOfTheUnsettledSetsButNotTheThreadCount() {
        assertEquals(List.of(), SettlingRounds.restrictions(Set.of("", "threads=2")));
        assertEquals(List.of("-p", "cycles=100", "-p", "ws=256,8192"),
                SettlingRounds.restrictions(Set.of("cycles=100 ws=8192", "cycles=100 ws=256")));
    }
}
