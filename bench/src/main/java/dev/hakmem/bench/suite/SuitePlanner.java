package dev.hakmem.bench.suite;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes the job's {@link Plan}: which benchmarks run, on which peers, with which JMH options.
 *
 * <p>Usage: {@code SuitePlanner --mode quick|full --peers peers.tsv --out plan.tsv [--bench REGEX]
 * [--budget SECONDS] [--rounds N] [--scaling] [-- JMH args]}. {@code --scaling}: the scaling run's
 * plan ({@link ScalingPlan}) instead of the selected benchmarks'. {@code --rounds}: quick mode's rounds, the first
 * with every peer and the others with the headline peers only ({@link HeadlineRounds}, planned after
 * the first round has run); the budget counts them, assuming
 * {@link HeadlineRounds#ASSUMED_PEERS_PER_TABLE} peers per table. The JMH args are only read for {@code -p} (they change how
 * many parameter combinations run); the runner passes them to JMH itself. Prints the plan and, in
 * quick mode, the budget arithmetic of {@link QuickBudget}. Exit status 1 when nothing is selected.
 *
 * <p>Why in Java: the selection must match JMH's own, and a workload's {@code CrossThreadFrees}
 * mark and modes are only known from the compiled benchmarks.
 */
public final class SuitePlanner {
    private SuitePlanner() {}

    public static void main(String[] args) throws IOException {
        String mode = "quick", regex = BenchmarkCatalog.DEFAULT_SELECTION;
        Path peersFile = null, out = null;
        double budget = 525;
        int rounds = 1;
        boolean scaling = false;
        List<String> jmhArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i];
                case "--peers" -> peersFile = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--bench" -> regex = args[++i];
                case "--budget" -> budget = Double.parseDouble(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--scaling" -> scaling = true;
                case "--" -> { jmhArgs.addAll(List.of(args).subList(i + 1, args.length)); i = args.length; }
                default -> usage("unexpected argument " + args[i]);
            }
        }
        if (peersFile == null || out == null) usage("--peers and --out are required");
        if (!mode.equals("quick") && !mode.equals("full")) usage("--mode is quick or full, not " + mode);
        if (rounds < 1) usage("--rounds must be at least 1: " + rounds);

        if (scaling) {
            planScaling(mode, PeerStatus.read(peersFile), budget, out);
            return;
        }
        List<PlannedBenchmark> benchmarks = BenchmarkCatalog.select(regex, BenchmarkCatalog.paramOverrides(jmhArgs));
        if (benchmarks.isEmpty()) {
            System.err.println("SuitePlanner: no benchmark matches " + regex);
            System.exit(1);
        }
        List<PeerStatus> peers = PeerStatus.read(peersFile);
        Plan plan;
        if (mode.equals("full")) {
            plan = Plan.of(benchmarks, peers, b -> b.singleShot() ? RunSettings.FULL_SINGLE_SHOT : RunSettings.FULL_TIMED);
            System.out.println(fullEstimate(benchmarks, plan));
        } else {
            Plan draft = Plan.of(benchmarks, peers, b -> RunSettings.QUICK_SINGLE_SHOT);
            int further = rounds - 1;
            int headlineTimed = further * draft.headlineRunCount(benchmarks, false);
            int headlineSingleShot = further * draft.headlineRunCount(benchmarks, true);
            Map<Long, Integer> longWarmupRuns = new TreeMap<>();
            for (var marked : benchmarks.stream().filter(PlannedBenchmark::longWarmup)
                    .collect(Collectors.groupingBy(PlannedBenchmark::leastWarmupMillis)).entrySet()) {
                longWarmupRuns.put(marked.getKey(), draft.runCount(marked.getValue(), false) + further * draft.headlineRunCount(marked.getValue(), false));
            }
            QuickBudget q = new QuickBudget(budget, draft.runCount(benchmarks, false) + headlineTimed,
                    draft.runCount(benchmarks, true) + headlineSingleShot, draft.runs().size() * (1 + 2 * further), longWarmupRuns);
            RunSettings timed = q.timed();
            plan = Plan.of(benchmarks, peers, b -> b.singleShot() ? RunSettings.QUICK_SINGLE_SHOT
                    : b.longWarmup() ? q.warmedAtLeast(b.leastWarmupMillis()) : timed);
            if (further > 0) {
                System.out.printf(Locale.ROOT, "quick rounds: 1 with every peer, then %d with the headline peers only "
                        + "(hakmem, hakmem-gen and the natives within %.0f%% of the fastest native of round 1): "
                        + "about %d more runs, counted below%n", further, 100 * HeadlineRounds.CONTENDER_MARGIN,
                        headlineTimed + headlineSingleShot);
            }
            System.out.println(q.explain());
        }
        plan.write(out);
        for (Plan.Run r : plan.runs()) {
            long n = plan.expectations().stream().filter(e -> e.group().equals(r.group())).count();
            System.out.printf(Locale.ROOT, "  %-26s %2d benchmark(s) on %s: %s%n", r.group(), n,
                    r.peers().isEmpty() ? "no peer parameter" : r.peers().size() + " peer(s)", String.join(" ", r.jmhArgs()));
        }
    }

    /**
     * The scaling run's plan ({@link ScalingPlan}): full mode gives every run its full settings; quick
     * mode fits the runs into the budget like the main job does.
     */
    static void planScaling(String mode, List<PeerStatus> peers, double budget, Path out) throws IOException {
        int peerCount = PeerStatus.anyThread(peers).size();
        RunSettings settings = RunSettings.FULL_TIMED;
        if (mode.equals("quick")) {
            QuickBudget q = new QuickBudget(budget, ScalingPlan.runCount(peerCount), 0, ScalingPlan.THREADS.size());
            settings = q.timed();
            System.out.println(q.explain());
        }
        Plan plan = ScalingPlan.of(peers, settings);
        if (plan.runs().isEmpty()) {
            System.err.println("SuitePlanner: no peer that frees on any thread is available for the scaling run");
            System.exit(1);
        }
        plan.write(out);
        for (Plan.Run r : plan.runs()) {
            System.out.printf(Locale.ROOT, "  %-12s %s on %d peer(s): %s%n", r.group(), r.regex(), r.peers().size(), String.join(" ", r.jmhArgs()));
        }
    }

    /** Full mode makes no promise on time; it says roughly how long the run will take. */
    static String fullEstimate(List<PlannedBenchmark> benchmarks, Plan plan) {
        double seconds = 0;
        for (boolean ss : new boolean[] {false, true}) {
            RunSettings s = ss ? RunSettings.FULL_SINGLE_SHOT : RunSettings.FULL_TIMED;
            double perFork = QuickBudget.FORK + (ss ? (s.warmupIterations() + s.iterations()) * QuickBudget.SINGLE_SHOT_INVOCATION
                    : (s.warmupIterations() * s.warmupMillis() + s.iterations() * s.measurementMillis()) / 1000.0 * QuickBudget.OVERSHOOT);
            seconds += plan.runCount(benchmarks, ss) * s.forks() * perFork;
        }
        return String.format(Locale.ROOT, "full run: %d timed + %d single-shot runs, about %.0f minutes",
                plan.runCount(benchmarks, false), plan.runCount(benchmarks, true), seconds / 60);
    }

    private static void usage(String problem) {
        System.err.println("SuitePlanner: " + problem + "\nusage: SuitePlanner --mode quick|full --peers peers.tsv --out plan.tsv"
                + " [--bench REGEX] [--budget SECONDS] [--rounds N] [--scaling] [-- JMH args]");
        System.exit(64);
    }
}
