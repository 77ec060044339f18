package dev.hakmem.bench.report;

import dev.hakmem.bench.peers.PeerCatalog;
import dev.hakmem.bench.suite.PeerStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the report's Markdown: the header, the {@link Verdict} (hakmem against the best native and
 * the best Java peer, wins, ties and losses counted), an overview (one row per table, one column per
 * peer), the peers (what each one is, which ran or not and why), a section per workload with its
 * chart and tables, the footprint chart, and the failures.
 *
 * <p>A result is bold only when it is its table's clear best ({@link Cell.Rank#BEST}); results tied
 * for best (overlapping intervals, {@link Intervals}) carry "≈" and no bold.
 *
 * <p>Charts are referenced by relative links, so the report can be read where it was written, or
 * moved together with its folder. Links to the workload definitions and the peers' documentation go
 * to the repository's files ({@link DocLinks}); outside a checkout the files are named, not linked.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    /**
     * @param header lines under the title (run, environment, settings), one paragraph each
     * @param charts chart file per workload name, {@link Charts#scalingKey} for a workload's chart against threads,
     *     and {@link Charts#FOOTPRINT_KEY} for the footprint chart
     * @param docs links to the repository's documents from the report's folder
     */
    public static String render(List<RowGroup> groups, List<PeerStatus> peers, List<String> header, Map<String, String> charts,
                                DocLinks docs) {
        StringBuilder out = new StringBuilder("# hakmem benchmark report\n\n");
        for (String line : header) out.append(line).append("\n\n");
        verdict(out, Verdict.of(groups, peers));
        out.append("Ratios compare speed within one table: \"vs mimalloc\" is a peer's speed over mimalloc's, \"vs best\" ")
                .append("over the fastest peer's (1.00x is the fastest); for a time per operation, speed is its inverse. ")
                .append("\"error\" is JMH's 99.9% confidence half-width (\"-\": too few measurements). ")
                .append("**Bold**: the table's clear best, whose interval (score +- error) overlaps no other peer's; ")
                .append("≈: tied for best (the fastest and every peer whose interval overlaps the fastest one's; a result ")
                .append("without an error ties with all). ")
                .append("n/a marks a peer left out on purpose, FAILED an expected result that is missing. Workloads are ")
                .append("defined in ").append(docs.file(DocLinks.WORKLOADS, "")).append(".\n\n");
        overview(out, groups);
        peersSection(out, peers, groups, docs);
        Map<String, List<RowGroup>> byWorkload = new LinkedHashMap<>();
        for (RowGroup g : groups) byWorkload.computeIfAbsent(g.workload(), w -> new ArrayList<>()).add(g);
        for (var w : byWorkload.entrySet()) {
            out.append("## ").append(w.getKey()).append("\n\n");
            out.append("Definition: ").append(docs.workload(w.getKey())).append(".\n\n");
            String chart = charts.get(w.getKey());
            if (chart != null) {
                out.append("![").append(w.getKey()).append(" per peer](").append(chart).append(")\n\n")
                        .append("The chart: ").append(w.getValue().stream().allMatch(RowGroup::latency) ? Charts.LATENCY_CAPTION
                                : Charts.SCORE_CAPTION).append("\n\n");
            }
            String scaling = charts.get(Charts.scalingKey(w.getKey()));
            if (scaling != null) {
                out.append("![").append(w.getKey()).append(" against threads](").append(scaling).append(")\n\n")
                        .append("The line chart: ").append(ScalingChart.CAPTION).append("\n\n");
            }
            for (RowGroup g : w.getValue()) table(out, g);
        }
        String footprint = charts.get(Charts.FOOTPRINT_KEY);
        if (footprint != null) {
            out.append("## Footprint: resident memory against live bytes\n\n")
                    .append("Memory, not speed: peak RSS of the benchmark's JVM (VmHWM, JVM included) next to the peak of bytes ")
                    .append("the workload held allocated, per footprint run and peer (lower RSS for the same live bytes is better; ")
                    .append("a single measurement per fork, so no error bars).\n\n")
                    .append("![peak RSS and peak live bytes per peer](").append(footprint).append(")\n\n");
        }
        failures(out, groups);
        return out.toString();
    }

    /** The verdict: counts first, then one row per table. */
    private static void verdict(StringBuilder out, Verdict v) {
        out.append("## Verdict\n\n");
        if (v.rows().isEmpty()) {
            out.append("No table with results to judge.\n\n");
            return;
        }
        out.append("hakmem (`").append(Verdict.HAKMEM).append("`, the default configuration) against the fastest native allocator ")
                .append("and the fastest Java peer of each table (the bump pointer, a floor, is not a peer here). A win or a loss ")
                .append("only where the two 99.9% confidence intervals do not overlap; otherwise a tie (≈).\n\n");
        side(out, "the best native allocator", v.nativeCounts(), v.rows().stream().filter(r -> !r.nativeSide().missing()).count(),
                v.skipped(PeerCatalog.Kind.NATIVE), v.rows().stream().allMatch(r -> r.nativeSide().missing()));
        side(out, "the best Java peer", v.javaCounts(), v.rows().stream().filter(r -> !r.javaSide().missing()).count(),
                v.skipped(PeerCatalog.Kind.JAVA), v.rows().stream().allMatch(r -> r.javaSide().missing()));
        if (v.rows().stream().anyMatch(r -> r.hakmem() == null)) {
            out.append("- Tables without a hakmem result are not counted (\"no hakmem result\").\n");
        }
        out.append("\n| table | hakmem | best native | hakmem / best native | best Java peer | hakmem / best Java |\n")
                .append("|---|---:|---|---:|---|---:|\n");
        for (Verdict.Row r : v.rows()) {
            out.append("| ").append(r.group().title()).append(" | ");
            if (r.hakmem() == null) {
                out.append("no hakmem result | | | | |\n");
                continue;
            }
            JmhResult h = r.hakmem().result();
            out.append(Numbers.score(h.score(), h.unit())).append(" | ");
            cells(out, r.nativeSide(), "no native peer ran");
            cells(out, r.javaSide(), "no Java peer ran");
            out.setLength(out.length() - 1); // the last cell's trailing space
            out.append('\n');
        }
        out.append('\n');
        memory(out, v.memory());
    }

    /** The footprint tables' memory, after the speed: what those tables are for. */
    private static void memory(StringBuilder out, List<Verdict.Memory> memory) {
        if (memory.isEmpty()) return;
        out.append("Memory of the footprint tables: peak RSS of the process over the peak of live bytes (lower is better), ")
                .append("hakmem's against the leanest native allocator's; above 1.00x hakmem held more for the same live bytes. ")
                .append("The RSS includes what the JVM itself grew by during the run, a floor under every peer that weighs most ")
                .append("where little is live (threadChurn). Each fork gives one peak, so there is no interval and no win or loss ")
                .append("is called here.\n\n")
                .append("| table | hakmem RSS / live | leanest native | its RSS / live | hakmem / leanest |\n")
                .append("|---|---:|---|---:|---:|\n");
        for (Verdict.Memory m : memory) {
            out.append("| ").append(m.group().title()).append(" | ").append(Numbers.ratio(m.hakmem())).append(" | ");
            if (m.best() == null) out.append("no native peer ran | - | - |\n");
            else out.append(m.best()).append(" | ").append(Numbers.ratio(m.bestRatio())).append(" | ")
                    .append(Numbers.ratio(m.relative())).append(" |\n");
        }
        out.append('\n');
    }

    private static void side(StringBuilder out, String against, Verdict.Counts counts, long tables, List<PeerStatus> skipped,
                             boolean none) {
        out.append("- Against ").append(against).append(": ");
        if (none) out.append("no comparison, no peer of that kind ran");
        else out.append(counts).append(" (").append(tables).append(tables == 1 ? " table)" : " tables)");
        if (!skipped.isEmpty()) {
            out.append("; skipped here: ");
            for (int i = 0; i < skipped.size(); i++) {
                PeerStatus p = skipped.get(i);
                out.append(i == 0 ? "" : ", ").append(p.name()).append(" (").append(p.reason()).append(')');
            }
            out.append(", so ").append(none ? "this side has nothing to compare with" : "\"best\" is the best of the others");
        }
        out.append(".\n");
    }

    private static void cells(StringBuilder out, Verdict.Side s, String missing) {
        if (s.missing()) {
            out.append(missing).append(" | - | ");
            return;
        }
        String ratio = Numbers.ratio(s.ratio()) + " " + s.outcome().word();
        out.append(s.best()).append(" | ").append(switch (s.outcome()) {
            case WIN -> "**" + ratio + "**";
            case TIE -> "≈ " + ratio;
            case LOSS -> ratio;
        }).append(" | ");
    }

    /** A ratio with its rank's mark: bold for the clear best, "≈" for a tie for best. */
    private static String marked(String ratio, Cell c) {
        return switch (c.rank()) {
            case BEST -> "**" + ratio + "**";
            case TIED_FOR_BEST -> "≈" + ratio;
            case OTHER -> ratio;
        };
    }

    /** One row per table, one column per peer: the ratio to mimalloc, the clear best in bold, ties for best with "≈". */
    private static void overview(StringBuilder out, List<RowGroup> groups) {
        List<String> columns = new ArrayList<>();
        for (RowGroup g : groups) for (Cell c : g.cells()) if (!columns.contains(c.peer())) columns.add(c.peer());
        out.append("## Overview: speed vs mimalloc\n\n");
        if (groups.stream().anyMatch(g -> g.cells().stream().allMatch(c -> Double.isNaN(c.vsReference())))) {
            out.append("Rows marked with * have no mimalloc result and show the speed vs the best peer instead.\n\n");
        }
        out.append("| run |");
        for (String c : columns) out.append(' ').append(c).append(" |");
        out.append("\n|---|").append("---:|".repeat(columns.size())).append('\n');
        for (RowGroup g : groups) {
            boolean hasReference = g.cells().stream().anyMatch(c -> !Double.isNaN(c.vsReference()));
            out.append("| ").append(g.title()).append(hasReference ? "" : " *").append(" |");
            for (String peer : columns) {
                Cell c = g.cells().stream().filter(x -> x.peer().equals(peer)).findFirst().orElse(null);
                String v = c == null ? "" : switch (c.status()) {
                    case NOT_APPLICABLE -> "n/a";
                    case FAILED -> "FAILED";
                    case OK -> {
                        String r = Numbers.ratio(hasReference ? c.vsReference() : c.vsBest());
                        yield marked(r, c);
                    }
                };
                out.append(' ').append(v).append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
    }

    /**
     * Every peer of the run with what it is ({@link PeerCatalog}) and whether it ran: all of them,
     * only where blocks are freed on the allocating thread, or not at all (with the reason).
     */
    private static void peersSection(StringBuilder out, List<PeerStatus> peers, List<RowGroup> groups, DocLinks docs) {
        List<String> names = new ArrayList<>(peers.stream().map(PeerStatus::name).toList());
        for (RowGroup g : groups) for (Cell c : g.cells()) if (!c.peer().equals("-") && !names.contains(c.peer())) names.add(c.peer());
        if (names.isEmpty()) return;
        out.append("## Peers\n\n")
                .append("Native allocators are called through FFM downcalls, as a Java user of them calls them. Settings and ")
                .append("what each peer needs: ").append(docs.file(DocLinks.PEERS, "peers")).append(".\n\n");
        for (String name : names) {
            PeerStatus status = peers.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
            var entry = PeerCatalog.find(name);
            out.append("- **").append(name).append("** (")
                    .append(entry.map(e -> e.kind().name().toLowerCase(java.util.Locale.ROOT)).orElse("unknown peer")).append("): ")
                    .append(entry.map(PeerCatalog.Entry::line).orElse("not in this version's peer catalog"));
            if (status != null && !status.available()) out.append(". **Skipped here**: ").append(status.reason());
            else if (status != null && status.sameThreadOnly()) {
                out.append(". Ran only where every block is freed by the thread that allocated it (")
                        .append(PeerStatus.SAME_THREAD_ONLY).append("; n/a elsewhere)");
            }
            out.append('\n');
        }
        if (names.stream().anyMatch(n -> n.startsWith("netty-"))) out.append("\n").append(PeerCatalog.NETTY_NOTE).append('\n');
        out.append('\n');
    }

    private static void table(StringBuilder out, RowGroup g) {
        out.append("### ").append(g.title()).append("\n\n");
        String unit = g.unit().isEmpty() ? "score" : g.unit();
        out.append("| peer | ").append(g.latency() ? "mean " : "").append(unit).append(" | error | vs mimalloc | vs best |");
        if (g.footprint()) out.append(" peak RSS | peak live | RSS / live |");
        if (g.latency()) out.append(" p50 | p99 | p99.9 | max |");
        out.append("\n|---|---:|---:|---:|---:|").append(g.footprint() ? "---:|---:|---:|" : "")
                .append(g.latency() ? "---:|---:|---:|---:|" : "").append('\n');
        for (Cell c : g.cells()) {
            out.append("| ").append(c.peer()).append(" | ");
            if (c.status() != Cell.Status.OK) {
                String what = c.status() == Cell.Status.FAILED ? "FAILED: " + c.note() : c.note();
                out.append(what).append(" | | | |").append(g.footprint() ? " | | |" : "").append(g.latency() ? " | | | |" : "").append('\n');
                continue;
            }
            JmhResult r = c.result();
            out.append(Numbers.score(r.score(), r.unit())).append(" | ").append(Numbers.score(r.error(), r.unit())).append(" | ")
                    .append(Numbers.ratio(c.vsReference())).append(" | ").append(marked(Numbers.ratio(c.vsBest()), c)).append(" |");
            if (g.footprint()) {
                double rss = r.secondary().getOrDefault(JmhResult.PEAK_RSS, Double.NaN);
                double live = r.secondary().getOrDefault(JmhResult.PEAK_LIVE, Double.NaN);
                out.append(' ').append(Numbers.bytes(rss)).append(" | ").append(Numbers.bytes(live)).append(" | ")
                        .append(Numbers.ratio(Verdict.rssOverLive(r))).append(" |");
            }
            if (g.latency()) {
                for (double q : JmhResult.LATENCY_PERCENTILES) {
                    out.append(' ').append(Numbers.score(r.percentiles().getOrDefault(q, Double.NaN), r.unit())).append(" |");
                }
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static void failures(StringBuilder out, List<RowGroup> groups) {
        List<String> lines = new ArrayList<>();
        for (RowGroup g : groups) {
            for (Cell c : g.cells()) {
                if (c.status() == Cell.Status.FAILED) lines.add("- " + g.title() + " on " + c.peer() + ": " + c.note());
            }
        }
        if (lines.isEmpty()) return;
        out.append("## Failures\n\n");
        for (String l : lines) out.append(l).append('\n');
        out.append('\n');
    }
}
