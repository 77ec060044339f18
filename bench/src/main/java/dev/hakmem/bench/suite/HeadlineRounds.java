package dev.hakmem.bench.suite;

import dev.hakmem.bench.peers.PeerCatalog;
import dev.hakmem.bench.report.JmhJson;
import dev.hakmem.bench.report.JmhResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Quick mode's further rounds: after the first round has measured every peer once, the peers of the
 * headline ratios are measured again, in rounds that interleave them, so that the ratios the verdict
 * leads with rest on three forks each instead of one.
 *
 * <p>Why: one fork per peer does not make a number that holds. Forks on a shared machine are often
 * bimodal (the JIT compiles a fork's loop one of two ways; tinyHot forks land near 180 or near 340 M
 * ops/s), so two runs of the job disagreed by 20-49% on half of the tables. The job cannot give every
 * peer three forks within 10 minutes, so it gives them to the peers the headline ratios divide:
 * {@link #HEADLINE_HAKMEM} and the native allocators that could be the table's best. Which natives
 * those are is read from the first round: the fastest and every native within {@link #CONTENDER_MARGIN}
 * of it (a native further behind in its one fork is unlikely to be the best of three). The report
 * merges each peer's forks into one result whose score is the trimmed mean of the forks' means
 * ({@link JmhJson#forkScore}: the median of three); rounds are run one after the other, each over every table, so that drift of the
 * machine during the job touches every peer alike.
 *
 * <p>Usage: {@code HeadlineRounds --plan plan.tsv --out rounds.tsv round-1-json...}. Writes the JMH
 * invocations of one further round as {@code run} lines of a {@link Plan} (no expectations: the
 * first round's plan already says what must be there); the runner runs them once per further round.
 * Benchmarks whose contenders are the same peers share one invocation; a benchmark's contenders are
 * those of all its parameter sets together (JMH cannot give each parameter set its own peers). It
 * prints {@code runs N} last, the runs of one further round, by which the runner times the rounds for
 * the settling rounds that may follow ({@link SettlingRounds}).
 */
public final class HeadlineRounds {
    /** hakmem's peers in the headline ratios: the default configuration and its generated variant. */
    public static final List<String> HEADLINE_HAKMEM = List.of("hakmem", "hakmem-gen");
    /** A native within this fraction of the first round's fastest native is measured again too. */
    public static final double CONTENDER_MARGIN = 0.10;
    /** Quick mode's rounds: the first with every peer, two more with the headline peers. */
    public static final int DEFAULT_ROUNDS = 3;
    /**
     * Peers per table the budget assumes for a further round before the first has run: hakmem, its
     * variant and about two natives ({@link QuickBudget}).
     */
    public static final int ASSUMED_PEERS_PER_TABLE = 4;

    private HeadlineRounds() {}

    public static void main(String[] args) throws IOException {
        Path planFile = null, out = null;
        List<Path> jsons = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plan" -> planFile = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    if (args[i].startsWith("--")) usage("unexpected argument " + args[i]);
                    jsons.add(Path.of(args[i]));
                }
            }
        }
        if (planFile == null || out == null) usage("--plan and --out are required");
        List<JmhResult> results = JmhJson.read(jsons);
        Plan rounds = plan(Plan.read(planFile), results);
        rounds.write(out);
        for (Plan.Run r : rounds.runs()) {
            System.out.printf(Locale.ROOT, "  headline round: %s on %s%n", r.regex(), String.join(",", r.peers()));
        }
        System.out.println("runs " + runCount(rounds, results)); // per round; the runner times the rounds by it (SettlingRounds)
    }

    /**
     * How many runs (benchmark x parameter set x peer, one fork each) {@code rounds} makes: per run
     * line, its peers times the parameter sets that {@code results} hold of each benchmark it selects.
     */
    static int runCount(Plan rounds, List<JmhResult> results) {
        int n = 0;
        for (Plan.Run run : rounds.runs()) {
            Pattern regex = Pattern.compile(run.regex());
            Set<String> sets = new TreeSet<>();
            for (JmhResult r : results) {
                if (regex.matcher(r.benchmark()).find() && !r.mode().equals("sample")) sets.add(r.benchmark() + " " + r.params());
            }
            n += sets.size() * run.peers().size();
        }
        return n;
    }

    /**
     * The invocations of one further round, from the first round's plan and results: per planned
     * group, the benchmarks grouped by their contenders ({@link #contenders}), with the group's JMH
     * options. A benchmark without contenders among its results (it failed, or has no peers) is left out.
     */
    public static Plan plan(Plan first, List<JmhResult> results) {
        List<Plan.Run> runs = new ArrayList<>();
        for (Plan.Run run : first.runs()) {
            if (run.peers().isEmpty()) continue;
            Map<Set<String>, List<String>> byContenders = new LinkedHashMap<>();
            for (Plan.Expectation e : first.expectations()) {
                if (!e.group().equals(run.group())) continue;
                Set<String> peers = contenders(e.benchmark(), e.peers(), results);
                if (!peers.isEmpty()) byContenders.computeIfAbsent(peers, k -> new ArrayList<>()).add(e.benchmark());
            }
            int k = 1;
            for (var c : byContenders.entrySet()) {
                List<String> names = c.getValue().stream().map(b -> b.replace(".", "\\.")).toList();
                List<String> ordered = run.peers().stream().filter(c.getKey()::contains).toList(); // the plan's peer order
                runs.add(new Plan.Run(run.group() + "-headline-" + k++, ordered, "^(" + String.join("|", names) + ")$", run.jmhArgs()));
            }
        }
        return new Plan(runs, List.of());
    }

    /**
     * The peers of {@code benchmark} to measure again: {@link #HEADLINE_HAKMEM} (those that ran) and,
     * per parameter set, the fastest native of the first round and every native within
     * {@link #CONTENDER_MARGIN} of it. Only peers among {@code planned} (the ones the plan gave it) count,
     * and no latency (sample-time) result: none of those is measured again.
     */
    static Set<String> contenders(String benchmark, List<String> planned, List<JmhResult> results) {
        Map<String, List<JmhResult>> bySet = new LinkedHashMap<>();
        for (JmhResult r : results) {
            // latency results (sample time) are histograms, which the report does not merge across rounds
            if (r.benchmark().equals(benchmark) && planned.contains(r.peer()) && !r.mode().equals("sample") && !Double.isNaN(r.speed())) {
                bySet.computeIfAbsent(r.params(), k -> new ArrayList<>()).add(r);
            }
        }
        Set<String> chosen = new TreeSet<>();
        for (List<JmhResult> set : bySet.values()) {
            double best = 0;
            for (JmhResult r : set) {
                if (HEADLINE_HAKMEM.contains(r.peer())) chosen.add(r.peer());
                if (isNative(r.peer())) best = Math.max(best, r.speed());
            }
            for (JmhResult r : set) {
                if (isNative(r.peer()) && r.speed() >= best * (1 - CONTENDER_MARGIN)) chosen.add(r.peer());
            }
        }
        return chosen;
    }

    private static boolean isNative(String peer) {
        return PeerCatalog.kind(peer).orElse(null) == PeerCatalog.Kind.NATIVE;
    }

    private static void usage(String problem) {
        System.err.println("HeadlineRounds: " + problem + "\nusage: HeadlineRounds --plan plan.tsv --out rounds.tsv round-1-json...");
        System.exit(64);
    }
}
