package dev.hakmem.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns a JMH JSON result file into the table the project quotes: workload, parameters, peer,
 * ops/s, error and the ratio to mimalloc on the same workload and parameters.
 *
 * <p>Usage: {@code Summary <results.json> [--peers <peers.tsv>] [--md <out.md>]}. The peers file is
 * what {@code dev.hakmem.bench.peers.Peers} printed before the run; with it, a peer that was
 * requested but has no result for a workload is shown as FAILED rather than silently missing, and
 * unavailable peers are listed with their reason. The Markdown goes to stdout and to the
 * {@code .md} file (by default next to the JSON). Exit status 2 when any row FAILED, so a
 * benchmark that threw (e.g. on a verification error) fails the job.
 */
public final class Summary {
    /** The peer the ratio column divides by. */
    static final String REFERENCE = "mimalloc";

    /** One JMH result: the benchmark's workload, its non-peer parameters, and the primary score. */
    record Result(String workload, String params, String peer, double score, double error, String unit) {}

    /** A peer as the runner saw it before JMH started: available, or not with a reason. */
    record Peer(String name, String unavailableReason) {}

    /** The rendered Markdown and whether any requested result is missing. */
    record Report(String markdown, boolean failed) {}

    private Summary() {}

    public static void main(String[] args) throws IOException {
        Path json = null, peersFile = null, md = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> peersFile = Path.of(args[++i]);
                case "--md" -> md = Path.of(args[++i]);
                default -> {
                    if (json != null || args[i].startsWith("--")) usage("unexpected argument " + args[i]);
                    json = Path.of(args[i]);
                }
            }
        }
        if (json == null) usage("missing <results.json>");
        if (md == null) md = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
        List<Peer> peers = peersFile == null ? List.of() : readPeers(peersFile);
        Report report = render(read(json), peers, header(json));
        Files.writeString(md, report.markdown());
        System.out.print(report.markdown());
        System.out.println("(written to " + md + ")");
        if (report.failed()) System.exit(2);
    }

    private static void usage(String problem) {
        System.err.println("Summary: " + problem + "\nusage: Summary <results.json> [--peers <peers.tsv>] [--md <out.md>]");
        System.exit(64);
    }

    /** Reads the primary metric of every result in a JMH JSON file, in file order. */
    static List<Result> read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root == null || !root.isArray()) throw new IOException(json + ": not a JMH JSON result array");
        List<Result> results = new ArrayList<>();
        for (JsonNode r : root) {
            String benchmark = r.path("benchmark").asText();
            String peer = "";
            StringJoiner params = new StringJoiner(" ");
            var fields = r.path("params").properties();
            for (Map.Entry<String, JsonNode> p : fields) {
                if (p.getKey().equals("peer")) peer = p.getValue().asText();
                else params.add(p.getKey() + "=" + p.getValue().asText());
            }
            int threads = r.path("threads").asInt(1);
            if (threads != 1) params.add("threads=" + threads); // e.g. midLargeMt at 1 and 2 threads
            JsonNode m = r.path("primaryMetric");
            // Peer workloads have one method each and are named after workloads.md; others keep the method.
            String workload = peer.isEmpty() ? workload(benchmark) + benchmark.substring(benchmark.lastIndexOf('.'))
                    : workload(benchmark);
            results.add(new Result(workload, params.toString(), peer,
                    m.path("score").asDouble(Double.NaN), m.path("scoreError").asDouble(Double.NaN),
                    m.path("scoreUnit").asText()));
        }
        return results;
    }

    /** {@code dev.hakmem.bench.TinyHot.cycle} -> {@code tinyHot}: the name used in workloads.md. */
    static String workload(String benchmark) {
        String[] parts = benchmark.split("\\.");
        String cls = parts.length >= 2 ? parts[parts.length - 2] : benchmark;
        return cls.isEmpty() ? cls : Character.toLowerCase(cls.charAt(0)) + cls.substring(1);
    }

    /** Reads {@code name<TAB>available} / {@code name<TAB>unavailable<TAB>reason} lines. */
    static List<Peer> readPeers(Path file) throws IOException {
        List<Peer> peers = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t", 3);
            boolean available = f.length >= 2 && f[1].equals("available");
            peers.add(new Peer(f[0], available ? null : (f.length == 3 ? f[2] : "unavailable")));
        }
        return peers;
    }

    /** A one-line description of the run (JDK, fork/iteration counts) from the first result. */
    static String header(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        if (root == null || root.isEmpty()) return "";
        JsonNode r = root.get(0);
        return String.format(Locale.ROOT, "JMH %s, JDK %s (%s), %s fork(s), warm-up %s x %s, measurement %s x %s",
                r.path("jmhVersion").asText("?"), r.path("jdkVersion").asText("?"), r.path("vmName").asText("?"),
                r.path("forks").asText("?"), r.path("warmupIterations").asText("?"), r.path("warmupTime").asText("?"),
                r.path("measurementIterations").asText("?"), r.path("measurementTime").asText("?"));
    }

    /**
     * Renders the table. Rows are grouped by workload and parameters (in file order); within a group
     * peers come in the order of {@code peers}, then any others. An available peer without a result
     * becomes a FAILED row.
     */
    static Report render(List<Result> results, List<Peer> peers, String header) {
        Map<String, Map<String, Result>> groups = new LinkedHashMap<>();
        for (Result r : results) {
            groups.computeIfAbsent(r.workload() + "\u0000" + r.params(), k -> new LinkedHashMap<>()).put(r.peer(), r);
        }
        StringBuilder out = new StringBuilder("# hakmem benchmark summary\n\n");
        if (!header.isEmpty()) out.append(header).append("\n\n");
        out.append("| workload | params | peer | ops/s | error (99.9%) | vs mimalloc |\n");
        out.append("|---|---|---|---:|---:|---:|\n");
        boolean failed = false;
        for (var group : groups.entrySet()) {
            String[] key = group.getKey().split("\u0000", 2);
            Map<String, Result> byPeer = group.getValue();
            Result ref = byPeer.get(REFERENCE);
            List<String> order = new ArrayList<>();
            boolean perPeer = !byPeer.containsKey(""); // a benchmark without a peer parameter expects no peers
            if (perPeer) for (Peer p : peers) if (p.unavailableReason() == null) order.add(p.name());
            for (String p : byPeer.keySet()) if (!order.contains(p)) order.add(p);
            for (String peer : order) {
                Result r = byPeer.get(peer);
                if (r == null) {
                    failed = true;
                    out.append(row(key[0], key[1], peer, "FAILED: no result (see the JMH log)", "", ""));
                } else {
                    out.append(row(key[0], key[1], peer.isEmpty() ? "-" : peer, ops(r.score(), r.unit()), ops(r.error(), r.unit()),
                            ref == null ? "n/a" : String.format(Locale.ROOT, "%.2fx", r.score() / ref.score())));
                }
            }
        }
        if (groups.isEmpty()) {
            out.append("| (no results: every benchmark failed or none ran; see the JMH log) | | | | | |\n");
            failed |= peers.stream().anyMatch(p -> p.unavailableReason() == null);
        }
        List<Peer> skipped = peers.stream().filter(p -> p.unavailableReason() != null).toList();
        if (!skipped.isEmpty()) {
            out.append('\n');
            for (Peer p : skipped) out.append("- skipped ").append(p.name()).append(" (").append(p.unavailableReason()).append(")\n");
        }
        return new Report(out.toString(), failed);
    }

    private static String row(String workload, String params, String peer, String ops, String error, String ratio) {
        return "| " + workload + " | " + params + " | " + peer + " | " + ops + " | " + error + " | " + ratio + " |\n";
    }

    /** Millions with three significant decimals; other units than ops/s are shown as they are. */
    static String ops(double value, String unit) {
        if (Double.isNaN(value)) return "n/a";
        if (!unit.equals("ops/s")) return String.format(Locale.ROOT, "%.3f %s", value, unit);
        return String.format(Locale.ROOT, "%.2f M", value / 1e6);
    }
}
