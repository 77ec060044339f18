package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.peers.PeerCatalog;
import dev.hakmem.bench.peers.Peers;
import dev.hakmem.bench.suite.PeerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;

/**
 * Ties, the verdict and its counts, missing peers and error bars, on synthetic results whose
 * intervals are chosen to overlap or not.
 */
class VerdictTest {
    private static final String TINY = "dev.hakmem.bench.TinyHot.cycle";

    static JmhResult ops(String benchmark, String params, String peer, double score, double error) {
        return new JmhResult(benchmark, "thrpt", params, peer, score, error, "ops/s", Map.of(), "1 fork");
    }

    static List<PeerStatus> available(String... names) {
        List<PeerStatus> peers = new ArrayList<>();
        for (String n : names) peers.add(new PeerStatus(n, true, false, null));
        return peers;
    }

    static String render(List<JmhResult> results, List<PeerStatus> peers) {
        return MarkdownReport.render(Tables.build(results, peers, null), peers, List.of(), Map.of(), DocLinks.NONE);
    }

    @Test
    void overlappingIntervalsAreATieNotBold() {
        // hakmem 100 +- 10 overlaps mimalloc 95 +- 10: the higher point estimate is not a win.
        List<PeerStatus> peers = available("hakmem", "mimalloc", "heap");
        List<RowGroup> groups = Tables.build(List.of(ops(TINY, "", "hakmem", 100e6, 10e6),
                ops(TINY, "", "mimalloc", 95e6, 10e6), ops(TINY, "", "heap", 10e6, 1e6)), peers, null);
        List<Cell> cells = groups.getFirst().cells();
        assertEquals(Cell.Rank.TIED_FOR_BEST, cells.get(0).rank());
        assertEquals(Cell.Rank.TIED_FOR_BEST, cells.get(1).rank());
        assertEquals(Cell.Rank.OTHER, cells.get(2).rank());
        String md = MarkdownReport.render(groups, peers, List.of(), Map.of(), DocLinks.NONE);
        assertTrue(md.contains("| tinyHot | ≈1.05x | ≈1.00x | 0.11x |"), md);
        assertTrue(md.contains("| hakmem | 100.00 M | 10.00 M | 1.05x | ≈1.00x |"), md);
        assertFalse(md.contains("**1.00x**"), "no bold for a tie\n" + md);
        assertTrue(md.contains("| mimalloc | ≈ 1.05x tie |"), md);
    }

    @Test
    void separateIntervalsMakeAClearBest() {
        List<PeerStatus> peers = available("hakmem", "mimalloc");
        String md = render(List.of(ops(TINY, "", "hakmem", 100e6, 1e6), ops(TINY, "", "mimalloc", 90e6, 1e6)), peers);
        assertTrue(md.contains("| tinyHot | **1.11x** | 1.00x |"), md);
        assertTrue(md.contains("| mimalloc | **1.11x win** |"), md);
    }

    @Test
    void resultWithoutAnErrorTiesWithAll() {
        List<PeerStatus> peers = available("hakmem", "mimalloc");
        List<RowGroup> groups = Tables.build(List.of(ops(TINY, "", "hakmem", 100e6, Double.NaN),
                ops(TINY, "", "mimalloc", 50e6, 1e6)), peers, null);
        assertEquals(Cell.Rank.TIED_FOR_BEST, groups.getFirst().cells().get(1).rank());
        assertEquals(Intervals.Outcome.TIE, Verdict.of(groups, peers).rows().getFirst().nativeSide().outcome());
    }

    @Test
    void timesCompareAsSpeeds() {
        // 10 +- 1 ms/op is at least 1/11 op/ms; 13 +- 1 ms/op at most 1/12: no overlap, the first is faster.
        JmhResult fast = new JmhResult("b.Footprint.mstress", "ss", "", "hakmem", 10, 1, "ms/op", Map.of(), "");
        JmhResult slow = new JmhResult("b.Footprint.mstress", "ss", "", "glibc", 13, 1, "ms/op", Map.of(), "");
        JmhResult near = new JmhResult("b.Footprint.mstress", "ss", "", "glibc", 11.5, 1, "ms/op", Map.of(), "");
        assertEquals(Intervals.Outcome.WIN, Intervals.compare(fast, slow));
        assertEquals(Intervals.Outcome.LOSS, Intervals.compare(slow, fast));
        assertEquals(Intervals.Outcome.TIE, Intervals.compare(fast, near));
    }

    @Test
    void winsTiesAndLossesAreCounted() {
        List<PeerStatus> peers = available("hakmem", "hakmem-nochecks", "glibc", "mimalloc", "netty-pooled", "heap", "bump");
        String rm = "dev.hakmem.bench.RandomMixed.run", xm = "dev.hakmem.bench.Xmalloc.twoThreads";
        List<JmhResult> results = List.of(
                // win against mimalloc (200 +- 5 vs 100 +- 5); glibc slower still; the Java side: heap
                ops(TINY, "", "hakmem", 200e6, 5e6), ops(TINY, "", "mimalloc", 100e6, 5e6),
                ops(TINY, "", "glibc", 60e6, 5e6), ops(TINY, "", "heap", 20e6, 1e6),
                ops(TINY, "", "netty-pooled", 10e6, 1e6), ops(TINY, "", "bump", 900e6, 1e6),
                ops(TINY, "", "hakmem-nochecks", 500e6, 1e6),
                // tie with glibc, the best native here (100 +- 10 vs 105 +- 10)
                ops(rm, "", "hakmem", 100e6, 10e6), ops(rm, "", "glibc", 105e6, 10e6),
                ops(rm, "", "mimalloc", 90e6, 1e6), ops(rm, "", "netty-pooled", 100e6, 1e6),
                // loss (50 +- 1 vs 100 +- 1), and a loss to the Java side too
                ops(xm, "", "hakmem", 50e6, 1e6), ops(xm, "", "mimalloc", 100e6, 1e6), ops(xm, "", "heap", 60e6, 1e6));
        List<RowGroup> groups = Tables.build(results, peers, null);
        Verdict v = Verdict.of(groups, peers);
        assertEquals(new Verdict.Counts(1, 1, 1), v.nativeCounts());
        assertEquals(new Verdict.Counts(1, 1, 1), v.javaCounts());
        Verdict.Row tiny = v.rows().getFirst();
        assertEquals("mimalloc", tiny.nativeSide().best());
        assertEquals(2.0, tiny.nativeSide().ratio(), 1e-9);
        assertEquals("heap", tiny.javaSide().best(), "bump is a floor, not the best Java peer");
        assertEquals(10.0, tiny.javaSide().ratio(), 1e-9);
        assertEquals("glibc", v.rows().get(1).nativeSide().best());
        assertEquals("netty-pooled", v.rows().get(1).javaSide().best());
        String md = MarkdownReport.render(groups, peers, List.of(), Map.of(), DocLinks.NONE);
        assertTrue(md.indexOf("## Verdict") < md.indexOf("## Overview"), "the verdict leads\n" + md);
        assertTrue(md.contains("- Against the best native allocator: 1 win, 1 tie, 1 loss (3 tables)."), md);
        assertTrue(md.contains("| tinyHot | 200.00 M | mimalloc | **2.00x win** | heap | **10.00x win** |"), md);
        assertTrue(md.contains("| randomMixed | 100.00 M | glibc | ≈ 0.95x tie | netty-pooled | ≈ 1.00x tie |"), md);
        assertTrue(md.contains("| xmalloc | 50.00 M | mimalloc | 0.50x loss | heap | 0.83x loss |"), md);
    }

    static JmhResult footprint(String peer, double score, double rss, double live) {
        return new JmhResult("dev.hakmem.bench.Footprint.mstress", "thrpt", "", peer, score, score / 10, "ops/s",
                Map.of(JmhResult.PEAK_RSS, rss, JmhResult.PEAK_LIVE, live), "1 fork");
    }

    @Test
    void footprintTablesShowMemoryAgainstTheLeanestNative() {
        List<PeerStatus> peers = available("hakmem", "mimalloc", "jemalloc", "heap");
        List<JmhResult> results = List.of(
                footprint("hakmem", 10e6, 42e6, 15e6), // 2.80
                footprint("mimalloc", 11e6, 36e6, 12e6), // 3.00
                footprint("jemalloc", 9e6, 30e6, 15e6), // 2.00: the leanest native
                footprint("heap", 1e6, 15e6, 15e6), // 1.00, but a Java peer
                ops(TINY, "", "hakmem", 100e6, 1e6), ops(TINY, "", "mimalloc", 90e6, 1e6));
        List<RowGroup> groups = Tables.build(results, peers, null);
        Verdict v = Verdict.of(groups, peers);
        assertEquals(1, v.memory().size(), "only the footprint table has memory figures");
        Verdict.Memory m = v.memory().getFirst();
        assertEquals("jemalloc", m.best());
        assertEquals(2.8, m.hakmem(), 1e-9);
        assertEquals(2.0, m.bestRatio(), 1e-9);
        assertEquals(1.4, m.relative(), 1e-9);
        String md = MarkdownReport.render(groups, peers, List.of(), Map.of(), DocLinks.NONE);
        assertTrue(md.contains("| footprint | 2.80x | jemalloc | 2.00x | 1.40x |"), md);
        int memory = md.indexOf("Memory of the footprint tables");
        assertTrue(memory > md.indexOf("## Verdict") && memory < md.indexOf("## Overview"), "with the verdict\n" + md);
        assertEquals(2, v.rows().size(), "the footprint table's speed still counts in the verdict");

        String javaOnly = render(List.of(footprint("hakmem", 10e6, 42e6, 15e6), footprint("heap", 1e6, 15e6, 15e6)),
                available("hakmem", "heap"));
        assertTrue(javaOnly.contains("| footprint | 2.80x | no native peer ran | - | - |"), javaOnly);
        assertFalse(render(List.of(ops(TINY, "", "hakmem", 100e6, 1e6)), available("hakmem")).contains("Memory of the footprint"),
                "no memory paragraph without a footprint table");
    }

    @Test
    void missingNativePeersAreNamedNotComparedWithNothing() {
        List<PeerStatus> peers = new ArrayList<>(available("hakmem", "heap"));
        peers.add(new PeerStatus("glibc", false, false, "broken here"));
        peers.add(new PeerStatus("mimalloc", false, false, "libmimalloc.so.2 not found; install it with: apt-get install libmimalloc2.0"));
        String md = render(List.of(ops(TINY, "", "hakmem", 100e6, 1e6), ops(TINY, "", "heap", 10e6, 1e6)), peers);
        assertTrue(md.contains("- Against the best native allocator: no comparison, no peer of that kind ran; skipped here: "
                + "glibc (broken here), mimalloc (libmimalloc.so.2 not found; install it with: apt-get install libmimalloc2.0), "
                + "so this side has nothing to compare with."), md);
        assertTrue(md.contains("| tinyHot | 100.00 M | no native peer ran | - | heap | **10.00x win** |"), md);
        assertFalse(md.contains("0 wins, 0 ties, 0 losses"), md);

        // Some natives ran: the others are named, "best" is the best of those that ran.
        peers.add(new PeerStatus("tcmalloc", true, false, null));
        String partial = render(List.of(ops(TINY, "", "hakmem", 100e6, 1e6), ops(TINY, "", "tcmalloc", 50e6, 1e6)), peers);
        assertTrue(partial.contains("- Against the best native allocator: 1 win, 0 ties, 0 losses (1 table); skipped here: glibc"), partial);
        assertTrue(partial.contains("so \"best\" is the best of the others."), partial);
    }

    @Test
    void tableWithoutHakmemIsNotCounted() {
        List<PeerStatus> peers = available("hakmem", "mimalloc");
        List<RowGroup> groups = Tables.build(List.of(ops(TINY, "", "mimalloc", 100e6, 1e6)), peers, null);
        Verdict v = Verdict.of(groups, peers);
        assertNull(v.rows().getFirst().hakmem());
        assertEquals(new Verdict.Counts(0, 0, 0), v.nativeCounts());
    }

    @Test
    void chartsCarryErrorBars() {
        List<PeerStatus> peers = available("hakmem", "mimalloc", "heap");
        List<RowGroup> groups = Tables.build(List.of(ops(TINY, "", "hakmem", 100e6, 10e6),
                ops(TINY, "", "mimalloc", 95e6, Double.NaN), ops(TINY, "", "heap", 50e6, 2e6)), peers, null);
        CategoryChart chart = Charts.scoreChart("tinyHot", groups);
        var series = chart.getSeriesMap().get("tinyHot");
        assertEquals(List.of(100.0, 95.0, 50.0), List.copyOf(series.getYData()));
        assertEquals(List.of(10.0, 0.0, 2.0), List.copyOf(series.getExtraValues()), "JMH's error in M ops/s; none without one");
        assertTrue(chart.getTitle().contains("speed, higher is better"), chart.getTitle());

        // On a log axis (a 1000x span) a bar is cut where it would go below the axis, which starts at 0.1 here.
        List<RowGroup> wide = Tables.build(List.of(ops(TINY, "", "hakmem", 100e6, 1e6),
                ops(TINY, "", "heap", 0.1e6 + 0.05e6, 1e6)), peers, null);
        var cut = Charts.scoreChart("tinyHot", wide).getSeriesMap().get("tinyHot");
        assertEquals(1.0, cut.getExtraValues().stream().toList().get(0).doubleValue(), 1e-9);
        assertEquals(0.05, cut.getExtraValues().stream().toList().get(1).doubleValue(), 1e-9);

        // A table with a peer missing leaves a gap: no error bars there (XChart cannot draw them next to a gap), but a chart.
        List<RowGroup> gap = Tables.build(List.of(ops(TINY, "size=16", "hakmem", 100e6, 1e6), ops(TINY, "size=16", "heap", 50e6, 1e6),
                ops(TINY, "size=64", "hakmem", 90e6, 1e6)), peers, null);
        CategoryChart gapped = Charts.scoreChart("tinyHot", gap);
        assertEquals(List.of(1.0, 1.0), List.copyOf(gapped.getSeriesMap().get("size=16").getExtraValues()));
        assertNull(gapped.getSeriesMap().get("size=64").getExtraValues());
        assertTrue(org.knowm.xchart.BitmapEncoder.getBufferedImage(gapped).getWidth() > 0);
    }

    @Test
    void peersSectionDescribesEveryPeer() {
        List<PeerStatus> peers = available(Peers.NAMES.toArray(String[]::new));
        String md = render(List.of(ops(TINY, "", "hakmem", 100e6, 1e6)), peers);
        for (PeerCatalog.Entry e : PeerCatalog.all()) {
            assertTrue(md.contains("- **" + e.name() + "** (" + e.kind().name().toLowerCase() + "): " + e.line()), e.name() + "\n" + md);
        }
        assertTrue(md.contains(PeerCatalog.NETTY_NOTE), md);
    }
}
