package dev.hakmem.bench.report;

import dev.hakmem.bench.suite.PeerStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the report's Markdown: the header, an overview (one row per table, one column per peer),
 * the peers that ran or not and why, a section per workload with its chart and tables, the footprint
 * chart, and the failures.
 *
 * <p>Charts are referenced by relative links, so the report can be read where it was written, or
 * moved together with its folder.
 */
public final class MarkdownReport {
    private MarkdownReport() {}

    /**
     * @param header lines under the title (run, environment, settings), one paragraph each
     * @param charts chart file per workload name, and {@link Charts#FOOTPRINT_KEY} for the footprint chart
     */
    public static String render(List<RowGroup> groups, List<PeerStatus> peers, List<String> header, Map<String, String> charts) {
        StringBuilder out = new StringBuilder("# hakmem benchmark report\n\n");
        for (String line : header) out.append(line).append("\n\n");
        out.append("Ratios compare speed within one table: \"vs mimalloc\" is a peer's speed over mimalloc's, \"vs best\" ")
                .append("over the fastest peer's (1.00x is the fastest); for a time per operation, speed is its inverse. ")
                .append("\"error\" is JMH's 99.9% confidence half-width (\"-\": too few measurements). ")
                .append("n/a marks a peer left out on purpose, FAILED an expected result that is missing.\n\n");
        overview(out, groups);
        peersSection(out, peers);
        Map<String, List<RowGroup>> byWorkload = new LinkedHashMap<>();
        for (RowGroup g : groups) byWorkload.computeIfAbsent(g.workload(), w -> new ArrayList<>()).add(g);
        for (var w : byWorkload.entrySet()) {
            out.append("## ").append(w.getKey()).append("\n\n");
            String chart = charts.get(w.getKey());
            if (chart != null) out.append("![").append(w.getKey()).append(" per peer](").append(chart).append(")\n\n");
            for (RowGroup g : w.getValue()) table(out, g);
        }
        String footprint = charts.get(Charts.FOOTPRINT_KEY);
        if (footprint != null) {
            out.append("## Footprint: resident memory against live bytes\n\n")
                    .append("Peak RSS of the benchmark's JVM (VmHWM, JVM included) next to the peak of bytes the workload ")
                    .append("held allocated, per footprint run and peer.\n\n")
                    .append("![peak RSS and peak live bytes per peer](").append(footprint).append(")\n\n");
        }
        failures(out, groups);
        return out.toString();
    }

    /** One row per table, one column per peer: the ratio to mimalloc, the best in bold. */
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
                        yield c.vsBest() == 1.0 ? "**" + r + "**" : r;
                    }
                };
                out.append(' ').append(v).append(" |");
            }
            out.append('\n');
        }
        out.append('\n');
    }

    private static void peersSection(StringBuilder out, List<PeerStatus> peers) {
        if (peers.isEmpty()) return;
        out.append("## Peers\n\n");
        List<String> ran = peers.stream().filter(p -> p.available() && !p.sameThreadOnly()).map(PeerStatus::name).toList();
        List<String> sameThread = peers.stream().filter(PeerStatus::sameThreadOnly).map(PeerStatus::name).toList();
        if (!ran.isEmpty()) out.append("- ran: ").append(String.join(", ", ran)).append('\n');
        if (!sameThread.isEmpty()) {
            out.append("- ran only on workloads where every block is freed by the thread that allocated it (")
                    .append(PeerStatus.SAME_THREAD_ONLY).append("; n/a elsewhere): ").append(String.join(", ", sameThread)).append('\n');
        }
        for (PeerStatus p : peers) {
            if (!p.available()) out.append("- skipped ").append(p.name()).append(": ").append(p.reason()).append('\n');
        }
        out.append('\n');
    }

    private static void table(StringBuilder out, RowGroup g) {
        out.append("### ").append(g.title()).append("\n\n");
        String unit = g.unit().isEmpty() ? "score" : g.unit();
        out.append("| peer | ").append(unit).append(" | error | vs mimalloc | vs best |");
        if (g.footprint()) out.append(" peak RSS | peak live | RSS / live |");
        out.append("\n|---|---:|---:|---:|---:|").append(g.footprint() ? "---:|---:|---:|" : "").append('\n');
        for (Cell c : g.cells()) {
            out.append("| ").append(c.peer()).append(" | ");
            if (c.status() != Cell.Status.OK) {
                String what = c.status() == Cell.Status.FAILED ? "FAILED: " + c.note() : c.note();
                out.append(what).append(" | | | |").append(g.footprint() ? " | | |" : "").append('\n');
                continue;
            }
            JmhResult r = c.result();
            out.append(Numbers.score(r.score(), r.unit())).append(" | ").append(Numbers.score(r.error(), r.unit())).append(" | ")
                    .append(Numbers.ratio(c.vsReference())).append(" | ").append(Numbers.ratio(c.vsBest())).append(" |");
            if (g.footprint()) {
                double rss = r.secondary().getOrDefault(JmhResult.PEAK_RSS, Double.NaN);
                double live = r.secondary().getOrDefault(JmhResult.PEAK_LIVE, Double.NaN);
                out.append(' ').append(Numbers.bytes(rss)).append(" | ").append(Numbers.bytes(live)).append(" | ")
                        .append(live > 0 ? Numbers.ratio(rss / live) : "-").append(" |");
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
