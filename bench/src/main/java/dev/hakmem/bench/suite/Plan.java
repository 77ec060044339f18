package dev.hakmem.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the job runs and what results it therefore expects, as written to {@code plan.tsv}.
 *
 * <p>Why a file: the runner (a shell loop over the {@code run} lines) and the report (which turns a
 * missing expected result into FAILED and a left-out peer into "n/a") must agree on it, and a person
 * reading a results folder can see what was asked for. Lines are tab-separated:
 * <pre>
 *   run     group  peer,peer,...|-  jmh-regex  jmh options (space-separated)
 *   expect  benchmark  group  peer,peer,...  left-out,peer,...
 * </pre>
 * {@code -} stands for an empty list; lines starting with {@code #} are comments.
 */
public record Plan(List<Run> runs, List<Expectation> expectations) {
    /** One JMH invocation: the benchmarks of one group, on the group's peers, with one set of options. */
    public record Run(String group, List<String> peers, String regex, List<String> jmhArgs) {}

    /**
     * A benchmark and the peers it must have a result for (per parameter combination).
     *
     * @param leftOut same-thread-only peers not run because the benchmark frees on other threads
     */
    public record Expectation(String benchmark, String group, List<String> peers, List<String> leftOut) {}

    /**
     * Groups the benchmarks into JMH invocations. A cross-thread benchmark gets the available peers
     * that can free on any thread; the others get every available peer; benchmarks without a
     * {@code peer} parameter get none. A group without peers (only same-thread-only peers available)
     * has no run, only expectations whose peers are all left out.
     */
    public static Plan of(List<PlannedBenchmark> benchmarks, List<PeerStatus> peers, Function<PlannedBenchmark, RunSettings> settings) {
        List<String> all = peers.stream().filter(PeerStatus::available).map(PeerStatus::name).toList();
        List<String> anyThread = PeerStatus.anyThread(peers);
        List<String> sameThread = PeerStatus.sameThreadOnly(peers);
        Map<String, List<PlannedBenchmark>> groups = new LinkedHashMap<>();
        List<Expectation> expectations = new ArrayList<>();
        for (PlannedBenchmark b : benchmarks.stream().sorted(Comparator.comparingInt(PlannedBenchmark::groupRank)).toList()) {
            groups.computeIfAbsent(b.group(), g -> new ArrayList<>()).add(b);
            List<String> runPeers = !b.takesPeer() ? List.of() : b.crossThread() ? anyThread : all;
            List<String> leftOut = b.takesPeer() && b.crossThread() ? sameThread : List.of();
            expectations.add(new Expectation(b.name(), b.group(), runPeers, leftOut));
        }
        List<Run> runs = new ArrayList<>();
        for (var g : groups.entrySet()) {
            PlannedBenchmark first = g.getValue().getFirst();
            List<String> runPeers = !first.takesPeer() ? List.of() : first.crossThread() ? anyThread : all;
            if (first.takesPeer() && runPeers.isEmpty()) continue;
            List<String> names = g.getValue().stream().map(b -> b.name().replace(".", "\\.")).toList();
            runs.add(new Run(g.getKey(), runPeers, "^(" + String.join("|", names) + ")$", settings.apply(first).jmhArgs()));
        }
        return new Plan(runs, expectations);
    }

    /**
     * How many runs (benchmark x parameter combination x peer, one JMH fork each in quick mode) the
     * plan makes of the timed or of the single-shot benchmarks.
     */
    public int runCount(List<PlannedBenchmark> benchmarks, boolean singleShot) {
        int n = 0;
        for (PlannedBenchmark b : benchmarks) {
            if (b.singleShot() != singleShot) continue;
            int peers = expectations.stream().filter(e -> e.benchmark().equals(b.name())).findFirst().orElseThrow().peers().size();
            n += b.paramCombinations() * (b.takesPeer() ? peers : 1);
        }
        return n;
    }

    /**
     * How many runs one further headline round ({@link HeadlineRounds}) is expected to add, before the
     * first round has said which natives contend: per peer benchmark and parameter combination,
     * {@link HeadlineRounds#ASSUMED_PEERS_PER_TABLE} peers (or all it has, if fewer).
     */
    public int headlineRunCount(List<PlannedBenchmark> benchmarks, boolean singleShot) {
        int n = 0;
        for (PlannedBenchmark b : benchmarks) {
            if (b.singleShot() != singleShot || !b.takesPeer()) continue;
            int peers = expectations.stream().filter(e -> e.benchmark().equals(b.name())).findFirst().orElseThrow().peers().size();
            n += b.paramCombinations() * Math.min(HeadlineRounds.ASSUMED_PEERS_PER_TABLE, peers);
        }
        return n;
    }

    public void write(Path file) throws IOException {
        StringBuilder out = new StringBuilder("# hakmem benchmark plan (see dev.hakmem.bench.suite.Plan)\n");
        for (Run r : runs) {
            out.append(String.join("\t", "run", r.group(), list(r.peers()), r.regex(), String.join(" ", r.jmhArgs()))).append('\n');
        }
        for (Expectation e : expectations) {
            out.append(String.join("\t", "expect", e.benchmark(), e.group(), list(e.peers()), list(e.leftOut()))).append('\n');
        }
        Files.writeString(file, out);
    }

    public static Plan read(Path file) throws IOException {
        List<Run> runs = new ArrayList<>();
        List<Expectation> expectations = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "run" -> runs.add(new Run(f[1], list(f[2]), f[3], List.of(f[4].split(" "))));
                case "expect" -> expectations.add(new Expectation(f[1], f[2], list(f[3]), list(f[4])));
                default -> throw new IOException(file + ": unknown line kind '" + f[0] + "'");
            }
        }
        return new Plan(runs, expectations);
    }

    private static String list(List<String> names) {
        return names.isEmpty() ? "-" : String.join(",", names);
    }

    private static List<String> list(String field) {
        return field.isEmpty() || field.equals("-") ? List.of() : List.of(field.split(","));
    }
}
