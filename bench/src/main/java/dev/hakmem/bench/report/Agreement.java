package dev.hakmem.bench.report;

import dev.hakmem.bench.peers.PeerCatalog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether two runs of the job agree: per table, the headline ratios (hakmem's and hakmem-gen's speed
 * over the fastest native allocator's) of each run, how far the second moved from the first, and how
 * many tables agree within a tolerance (issue 17: 15%).
 *
 * <p>Usage: {@code Agreement [--within 0.15] [--p90] run1/results.json run2/results.json}. Prints a
 * Markdown table and one count line per headline peer. {@code --p90} scores both runs' throughput
 * results afresh by the 90th percentile of their iterations ({@link JmhJson.Scoring#P90_OF_ITERATIONS},
 * as quick mode's report does since 2026-12-05), for runs written before. Exit status 0 (it reports;
 * it does not judge).
 */
public final class Agreement {
    /** The peers whose ratios the verdict's headline is made of. */
    static final List<String> HEADLINE = List.of("hakmem", "hakmem-gen");

    /**
     * One table's headline ratio in both runs.
     *
     * @param table the table ({@code benchmark params}), as the report's row groups name it
     * @param peer hakmem or hakmem-gen
     * @param first the ratio in the first run (over that run's fastest native)
     * @param second the ratio in the second run
     */
    public record Ratio(String table, String peer, double first, double second, String firstBest, String secondBest) {
        /** The second ratio's change from the first, as a fraction (+0.10 is 10% higher). */
        public double change() {
            return second / first - 1;
        }

        /** Whether the two ratios agree within {@code within} (a fraction). */
        public boolean agrees(double within) {
            return Math.abs(change()) <= within;
        }
    }

    private Agreement() {}

    public static void main(String[] args) throws IOException {
        double within = 0.15;
        JmhJson.Scoring scoring = JmhJson.Scoring.TRIMMED_MEAN_OF_FORKS; // one file: its scores as written
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--within")) within = Double.parseDouble(args[++i]);
            else if (args[i].equals("--p90")) scoring = JmhJson.Scoring.P90_OF_ITERATIONS;
            else files.add(Path.of(args[i]));
        }
        if (files.size() != 2) {
            System.err.println("usage: Agreement [--within 0.15] [--p90] run1/results.json run2/results.json");
            System.exit(64);
        }
        System.out.print(markdown(ratios(JmhJson.read(List.of(files.get(0)), scoring), JmhJson.read(List.of(files.get(1)), scoring)),
                within));
    }

    /** Every headline ratio that both runs have, table by table in the first run's order. */
    public static List<Ratio> ratios(List<JmhResult> first, List<JmhResult> second) {
        Map<String, Map<String, JmhResult>> a = byTable(first), b = byTable(second);
        List<Ratio> out = new ArrayList<>();
        for (var table : a.entrySet()) {
            Map<String, JmhResult> other = b.get(table.getKey());
            if (other == null) continue;
            JmhResult bestA = bestNative(table.getValue()), bestB = bestNative(other);
            if (bestA == null || bestB == null) continue;
            for (String peer : HEADLINE) {
                JmhResult ra = table.getValue().get(peer), rb = other.get(peer);
                if (ra == null || rb == null) continue;
                out.add(new Ratio(table.getKey(), peer, ra.speed() / bestA.speed(), rb.speed() / bestB.speed(), bestA.peer(), bestB.peer()));
            }
        }
        return out;
    }

    /** The table: one row per table, the ratios of both headline peers; then the counts. */
    public static String markdown(List<Ratio> ratios, double within) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "| table | peer | run 1 / best native | run 2 / best native | change | best native, run 1 / run 2 |%n|---|---|---:|---:|---:|---|%n"));
        for (Ratio r : ratios) {
            s.append(String.format(Locale.ROOT, "| %s | %s | %.2fx | %.2fx | %+.1f%%%s | %s / %s |%n", r.table(), r.peer(), r.first(),
                    r.second(), 100 * r.change(), r.agrees(within) ? "" : " (over " + Math.round(100 * within) + "%)",
                    r.firstBest(), r.secondBest()));
        }
        s.append(System.lineSeparator());
        for (String peer : HEADLINE) {
            List<Ratio> mine = ratios.stream().filter(r -> r.peer().equals(peer)).toList();
            if (mine.isEmpty()) continue;
            long ok = mine.stream().filter(r -> r.agrees(within)).count();
            s.append(String.format(Locale.ROOT, "%s: %d of %d tables agree within %d%%%n", peer, ok, mine.size(), Math.round(100 * within)));
        }
        return s.toString();
    }

    private static Map<String, Map<String, JmhResult>> byTable(List<JmhResult> results) {
        Map<String, Map<String, JmhResult>> tables = new LinkedHashMap<>();
        for (JmhResult r : results) {
            if (r.peer().isEmpty() || Double.isNaN(r.speed())) continue;
            String table = r.workload() + (r.benchmark().endsWith(".run") || r.benchmark().endsWith(".cycle") ? "" : " " + method(r.benchmark()))
                    + (r.params().isEmpty() ? "" : " " + r.params());
            tables.computeIfAbsent(table, k -> new LinkedHashMap<>()).put(r.peer(), r);
        }
        return tables;
    }

    private static String method(String benchmark) {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    private static JmhResult bestNative(Map<String, JmhResult> table) {
        JmhResult best = null;
        for (JmhResult r : table.values()) {
            if (PeerCatalog.kind(r.peer()).orElse(null) != PeerCatalog.Kind.NATIVE) continue;
            if (best == null || r.speed() > best.speed()) best = r;
        }
        return best;
    }
}
