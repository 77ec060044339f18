package dev.hakmem.bench.report;

import dev.hakmem.bench.peers.PeerCatalog;
import dev.hakmem.bench.suite.PeerStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the report leads with: per table, hakmem's speed against the best native allocator and the
 * best Java peer of that table, each called a win, tie or loss by {@link Intervals} (a tie whenever
 * the confidence intervals overlap), and the wins, ties and losses counted; and for the footprint
 * tables, hakmem's memory against the leanest native allocator's ({@link Memory}).
 *
 * <p>"Best" is the highest point estimate among the peers of a {@link PeerCatalog.Kind} that have a
 * result in the table; hakmem is the default allocator, peer {@value #HAKMEM} (its configurations and
 * generated variants are in the detailed tables). The bump pointer is a floor, not a Java peer a user
 * could pick, so it is not a candidate. A side without any result in a table is a {@link Side#missing
 * missing} comparison, not a win: the verdict names the peers of that kind that were skipped and why.
 */
final class Verdict {
    /** The peer whose results the verdict judges. */
    public static final String HAKMEM = "hakmem";

    /**
     * hakmem against the best peer of one kind in one table.
     *
     * @param best the best peer of the kind, or null when none has a result ({@link #missing})
     * @param ratio hakmem's speed over the best's (NaN when missing)
     * @param outcome win, tie or loss (null when missing)
     */
    public record Side(String best, double ratio, Intervals.Outcome outcome) {
        /** True when no peer of this kind has a result in the table. */
        public boolean missing() {
            return best == null;
        }
    }

    /**
     * One table's verdict.
     *
     * @param group the table
     * @param hakmem hakmem's cell, or null when hakmem has no result there (then both sides are missing)
     */
    public record Row(RowGroup group, Cell hakmem, Side nativeSide, Side javaSide) {}

    /** Wins, ties and losses against one kind of peer; tables where that kind is missing are not counted. */
    public record Counts(int wins, int ties, int losses) {
        /** "3 wins, 5 ties, 1 loss". */
        @Override
        public String toString() {
            return plural(wins, "win") + ", " + plural(ties, "tie") + ", " + plural(losses, "loss");
        }

        private static String plural(int n, String word) {
            return n + " " + (n == 1 ? word : word.equals("loss") ? "losses" : word + "s");
        }
    }

    /**
     * One footprint table's memory: hakmem's peak RSS over peak live bytes against the lowest of the
     * native allocators'. Memory is what these tables are for, and their speed rows above do not say
     * it. No win or loss is called: each fork gives one peak, so a peer's figure (the mean of its
     * forks' peaks, {@link JmhJson}) has no interval to compare.
     *
     * @param group the table
     * @param hakmem hakmem's peak RSS over peak live bytes
     * @param best the native peer with the lowest, or null when no native has footprint figures there
     * @param bestRatio that peer's peak RSS over peak live bytes (NaN when missing)
     */
    public record Memory(RowGroup group, double hakmem, String best, double bestRatio) {
        /** hakmem's figure over the leanest native's: above 1, hakmem holds more for the same live bytes. */
        public double relative() {
            return hakmem / bestRatio;
        }
    }

    private final List<Row> rows;
    private final List<Memory> memory;
    private final List<PeerStatus> peers;

    private Verdict(List<Row> rows, List<Memory> memory, List<PeerStatus> peers) {
        this.rows = rows;
        this.memory = memory;
        this.peers = peers;
    }

    /** The verdict of every table that has at least one result (a table of a benchmark without peers has none to judge). */
    public static Verdict of(List<RowGroup> groups, List<PeerStatus> peers) {
        List<Row> rows = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        for (RowGroup g : groups) {
            if (g.cells().stream().noneMatch(Tables::comparable) || g.cells().stream().allMatch(c -> c.peer().equals("-"))) continue;
            Cell hakmem = g.cells().stream().filter(c -> c.peer().equals(HAKMEM) && Tables.comparable(c)).findFirst().orElse(null);
            rows.add(new Row(g, hakmem, side(g, hakmem, PeerCatalog.Kind.NATIVE), side(g, hakmem, PeerCatalog.Kind.JAVA)));
            if (g.footprint() && hakmem != null && !Double.isNaN(rssOverLive(hakmem.result()))) memory.add(memory(g, hakmem));
        }
        return new Verdict(List.copyOf(rows), List.copyOf(memory), peers);
    }

    private static Memory memory(RowGroup g, Cell hakmem) {
        Optional<Cell> leanest = g.cells().stream()
                .filter(c -> Tables.comparable(c) && PeerCatalog.kind(c.peer()).orElse(null) == PeerCatalog.Kind.NATIVE
                        && !Double.isNaN(rssOverLive(c.result())))
                .min(Comparator.comparingDouble(c -> rssOverLive(c.result())));
        double h = rssOverLive(hakmem.result());
        return leanest.map(c -> new Memory(g, h, c.peer(), rssOverLive(c.result()))).orElseGet(() -> new Memory(g, h, null, Double.NaN));
    }

    /** A footprint result's peak RSS over its peak live bytes; NaN without both, or without live bytes. */
    static double rssOverLive(JmhResult r) {
        double rss = r.secondary().getOrDefault(JmhResult.PEAK_RSS, Double.NaN);
        double live = r.secondary().getOrDefault(JmhResult.PEAK_LIVE, Double.NaN);
        return live > 0 ? rss / live : Double.NaN;
    }

    private static Side side(RowGroup g, Cell hakmem, PeerCatalog.Kind kind) {
        Optional<Cell> best = g.cells().stream()
                .filter(c -> Tables.comparable(c) && PeerCatalog.kind(c.peer()).orElse(null) == kind)
                .max(Comparator.comparingDouble(c -> c.result().speed()));
        if (hakmem == null || best.isEmpty()) return new Side(null, Double.NaN, null);
        Cell b = best.get();
        return new Side(b.peer(), hakmem.result().speed() / b.result().speed(), Intervals.compare(hakmem.result(), b.result()));
    }

    /** One row per judged table, in report order. */
    public List<Row> rows() {
        return rows;
    }

    /** The memory of every footprint table hakmem has a result in, in report order. */
    public List<Memory> memory() {
        return memory;
    }

    /** Wins, ties and losses of hakmem against the best native allocator. */
    public Counts nativeCounts() {
        return count(rows.stream().map(Row::nativeSide).toList());
    }

    /** Wins, ties and losses of hakmem against the best Java peer. */
    public Counts javaCounts() {
        return count(rows.stream().map(Row::javaSide).toList());
    }

    private static Counts count(List<Side> sides) {
        Map<Intervals.Outcome, Integer> n = new EnumMap<>(Intervals.Outcome.class);
        for (Side s : sides) if (!s.missing()) n.merge(s.outcome(), 1, Integer::sum);
        return new Counts(n.getOrDefault(Intervals.Outcome.WIN, 0), n.getOrDefault(Intervals.Outcome.TIE, 0),
                n.getOrDefault(Intervals.Outcome.LOSS, 0));
    }

    /**
     * The peers of a kind that did not run here (unavailable in the peers file), with their reasons:
     * what the verdict says instead of comparing with nothing.
     */
    public List<PeerStatus> skipped(PeerCatalog.Kind kind) {
        return peers.stream().filter(p -> !p.available() && PeerCatalog.kind(p.name()).orElse(null) == kind).toList();
    }
}
