package dev.hakmem.bench.report;

import dev.hakmem.bench.suite.PeerStatus;
import dev.hakmem.bench.suite.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the report's {@link RowGroup}s from JMH results, the peers file and the plan.
 *
 * <p>Why the plan matters: JMH only writes what ran. The plan says which peers each benchmark was
 * run on, so a missing result is FAILED (even when a benchmark failed on every peer and left no
 * trace in the JSON at all), and a same-thread-only peer that was left out is "n/a" with its reason.
 * Without a plan (re-reading an old JSON), every available peer is expected on a benchmark with a
 * peer parameter, except same-thread-only peers, whose missing cells count as n/a.
 */
public final class Tables {
    /** The peer the "vs mimalloc" ratio divides by. */
    public static final String REFERENCE = "mimalloc";
    /** The n/a note of a same-thread-only peer on a cross-thread workload. */
    public static final String SAME_THREAD_NOTE = "n/a: frees only on the allocating thread; this workload frees on other threads";

    private Tables() {}

    /**
     * The groups in plan order (then any other benchmarks in result order); within a benchmark,
     * parameter combinations in result order; within a group, peers in the peers file's order.
     *
     * @param plan the run's plan, or null
     */
    public static List<RowGroup> build(List<JmhResult> results, List<PeerStatus> peers, Plan plan) {
        Map<String, Plan.Expectation> expected = new LinkedHashMap<>();
        if (plan != null) for (Plan.Expectation e : plan.expectations()) expected.put(e.benchmark(), e);
        Set<String> benchmarks = new LinkedHashSet<>(expected.keySet());
        Map<String, Map<String, Map<String, JmhResult>>> byBenchmark = new HashMap<>();
        Map<String, Set<String>> methods = new HashMap<>();
        for (JmhResult r : results) {
            benchmarks.add(r.benchmark());
            byBenchmark.computeIfAbsent(r.benchmark(), b -> new LinkedHashMap<>())
                    .computeIfAbsent(r.params(), p -> new LinkedHashMap<>()).put(r.peer(), r);
        }
        for (String b : benchmarks) methods.computeIfAbsent(className(b), c -> new LinkedHashSet<>()).add(method(b));

        List<String> peerOrder = new ArrayList<>(peers.stream().map(PeerStatus::name).toList());
        for (JmhResult r : results) if (!r.peer().isEmpty() && !peerOrder.contains(r.peer())) peerOrder.add(r.peer());

        List<RowGroup> groups = new ArrayList<>();
        for (String b : benchmarks) {
            Map<String, Map<String, JmhResult>> byParams = byBenchmark.getOrDefault(b, Map.of());
            if (byParams.isEmpty()) byParams = Map.of("", Map.of()); // expected, but not one result: all FAILED
            // The method tells oneThread from twoThreads; a benchmark with no result at all always names it.
            boolean showMethod = methods.get(className(b)).size() > 1 || !byBenchmark.containsKey(b);
            for (var p : byParams.entrySet()) {
                List<Cell> cells = cells(p.getValue(), peerOrder, peers, expected.get(b));
                JmhResult any = p.getValue().values().stream().findFirst().orElse(null);
                String series = ((showMethod ? method(b) : "") + " " + p.getKey()).strip();
                String workload = workload(b);
                groups.add(new RowGroup(workload, series.isEmpty() ? workload : series, b, any == null ? "" : any.unit(),
                        any != null && any.footprint(), withRatios(cells)));
            }
        }
        return groups;
    }

    private static List<Cell> cells(Map<String, JmhResult> byPeer, List<String> peerOrder, List<PeerStatus> peers,
                                    Plan.Expectation e) {
        List<Cell> cells = new ArrayList<>();
        boolean noPeer = e != null ? e.group().startsWith("no-peer") : byPeer.containsKey("");
        if (noPeer) {
            cells.add(byPeer.containsKey("") ? Cell.ok(byPeer.get("")) : Cell.failed("-"));
            return cells;
        }
        for (String peer : peerOrder) {
            JmhResult r = byPeer.get(peer);
            PeerStatus status = peers.stream().filter(s -> s.name().equals(peer)).findFirst().orElse(null);
            if (r != null) cells.add(Cell.ok(r));
            else if (e != null && e.peers().contains(peer)) cells.add(Cell.failed(peer));
            else if (e != null && e.leftOut().contains(peer)) cells.add(Cell.notApplicable(peer, SAME_THREAD_NOTE));
            else if (e == null && status != null && status.available()) {
                cells.add(status.sameThreadOnly() ? Cell.notApplicable(peer, SAME_THREAD_NOTE) : Cell.failed(peer));
            }
        }
        return cells;
    }

    /**
     * Speed relative to mimalloc and to the fastest peer (the highest rate, or the lowest time), and
     * each cell's {@link Cell.Rank}: the fastest is the clear best only when no other result's
     * interval overlaps its own; otherwise it and every result overlapping it are tied for best. A
     * table with one result has neither.
     */
    private static List<Cell> withRatios(List<Cell> cells) {
        double reference = Double.NaN;
        Cell best = null;
        for (Cell c : cells) {
            if (!comparable(c)) continue;
            if (c.peer().equals(REFERENCE)) reference = c.result().speed();
            if (best == null || c.result().speed() > best.result().speed()) best = c;
        }
        List<Cell> tied = new ArrayList<>();
        for (Cell c : cells) if (best != null && comparable(c) && Intervals.overlap(c.result(), best.result())) tied.add(c);
        List<Cell> out = new ArrayList<>();
        for (Cell c : cells) {
            if (c.status() != Cell.Status.OK) {
                out.add(c);
                continue;
            }
            // A lone result is compared with nothing: neither best nor tied.
            Cell.Rank rank = !tied.contains(c) || cells.stream().filter(Tables::comparable).count() < 2 ? Cell.Rank.OTHER
                    : tied.size() == 1 ? Cell.Rank.BEST : Cell.Rank.TIED_FOR_BEST;
            double bestSpeed = best == null ? Double.NaN : best.result().speed();
            out.add(c.withRatios(c.result().speed() / reference, c.result().speed() / bestSpeed, rank));
        }
        return out;
    }

    /** A result with a finite, positive speed: one that can be ranked. */
    static boolean comparable(Cell c) {
        return c.status() == Cell.Status.OK && c.result().speed() > 0 && !Double.isInfinite(c.result().speed());
    }

    static String className(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : benchmark;
    }

    static String method(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** {@code dev.hakmem.bench.TinyHot.cycle} -> {@code tinyHot}, the name in {@code docs/WORKLOADS.md}. */
    static String workload(String benchmark) {
        String c = className(benchmark);
        return c.isEmpty() ? c : Character.toLowerCase(c.charAt(0)) + c.substring(1);
    }
}
