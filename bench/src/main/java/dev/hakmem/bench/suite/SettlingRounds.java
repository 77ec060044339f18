package dev.hakmem.bench.suite;

import dev.hakmem.bench.report.JmhJson;
import dev.hakmem.bench.report.JmhResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Quick mode's settling rounds: after the headline rounds, the time the budget has left goes to the
 * tables whose headline peers' forks still disagree, one more fork of each such peer per round, the
 * least settled tables first.
 *
 * <p>Why: three forks settle most tables, not all. On this 2-core shared machine some workloads'
 * forks land in two modes 15-30% apart (cacheScratch, cacheThrash and skewed by the JIT's code for the
 * loop, xmalloc and larson by how their threads are scheduled), so the median of three jumps between
 * the modes from run to run, and two runs of the job disagreed by more than 15% on 1 to 9 of 23
 * headline ratios. More forks of those peers, scored by the trimmed mean of their means
 * ({@link JmhJson#forkScore}), follow the share of forks in each mode instead; the tables whose forks
 * agree do not need them, and the job's 10 minutes do not allow them for every table.
 *
 * <p>Unsettled: a result of a headline peer ({@link HeadlineRounds#contenders}: hakmem, hakmem-gen and
 * the natives near the fastest) whose forks' means spread by more than {@link #UNSETTLED} of its score
 * divided by the square root of the number of forks (the spread of the mean, roughly; it shrinks as
 * forks are added, so a bimodal table settles too, given enough forks). Only throughput results
 * count, and no footprint run's: those lead with memory (peak RSS over live bytes), not with the
 * speed whose spread this measures, and their long warm-up would take the time of several tables.
 *
 * <p>Usage: {@code SettlingRounds --plan plan.tsv --out settle.tsv --seconds S --per-run R json...}:
 * writes one round's JMH invocations, the least settled first, as many as fit in {@code S} seconds at
 * {@code R} seconds per run (one benchmark x parameter set x peer), and prints {@code runs N} last
 * (0: nothing to settle, or no time). The runner calls it again after each round.
 */
public final class SettlingRounds {
    /** A result is unsettled when (fastest - slowest fork mean) / score / sqrt(forks) exceeds this. */
    static final double UNSETTLED = 0.05;

    private SettlingRounds() {}

    public static void main(String[] args) throws IOException {
        Path planFile = null, out = null;
        double seconds = -1, perRun = -1;
        List<Path> jsons = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--plan" -> planFile = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--per-run" -> perRun = Double.parseDouble(args[++i]);
                default -> {
                    if (args[i].startsWith("--")) usage("unexpected argument " + args[i]);
                    jsons.add(Path.of(args[i]));
                }
            }
        }
        if (planFile == null || out == null) usage("--plan and --out are required");
        if (!(perRun > 0)) usage("--per-run must be a positive number of seconds");
        Round round = plan(Plan.read(planFile), JmhJson.readForks(jsons), (int) Math.floor(Math.max(0, seconds) / perRun));
        round.plan().write(out);
        for (Plan.Run r : round.plan().runs()) {
            int p = r.jmhArgs().indexOf("-p");
            System.out.printf(Locale.ROOT, "  settling round: %s on %s%s%n", r.regex(), String.join(",", r.peers()),
                    p < 0 ? "" : " " + String.join(" ", r.jmhArgs().subList(p, r.jmhArgs().size())));
        }
        System.out.println("runs " + round.runs());
    }

    /** One settling round: its invocations and how many runs (forks) they make. */
    public record Round(Plan plan, int runs) {}

    /** A benchmark to settle: its contenders, the parameter sets to run again, and how unsettled it is. */
    record Unsettled(String benchmark, Set<String> peers, Set<String> paramSets, double worst) {
        int runs() {
            return peers.size() * paramSets.size();
        }
    }

    /**
     * One settling round of at most {@code maxRuns} runs: the unsettled benchmarks of {@code first}'s
     * expectations, least settled first, each with its contenders on its unsettled parameter sets
     * ({@code -p} restrictions), in the options of its first-round group. A benchmark that does not fit
     * is skipped for a smaller one behind it.
     */
    public static Round plan(Plan first, List<JmhJson.Forks> forks, int maxRuns) {
        List<JmhResult> results = forks.stream().map(JmhJson.Forks::result).toList();
        Map<String, Plan.Run> groups = new LinkedHashMap<>();
        for (Plan.Run run : first.runs()) groups.put(run.group(), run);
        record Pending(Unsettled u, Plan.Run group) {}
        List<Pending> todo = new ArrayList<>();
        for (Plan.Expectation e : first.expectations()) {
            Plan.Run group = groups.get(e.group());
            if (group == null || group.peers().isEmpty()) continue;
            Unsettled u = unsettled(e.benchmark(), HeadlineRounds.contenders(e.benchmark(), e.peers(), results), forks);
            if (u != null) todo.add(new Pending(u, group));
        }
        todo.sort(Comparator.comparingDouble((Pending p) -> p.u().worst()).reversed()); // stable: ties keep the plan's order
        List<Plan.Run> runs = new ArrayList<>();
        int total = 0, k = 1;
        for (Pending p : todo) {
            Unsettled u = p.u();
            if (total + u.runs() > maxRuns) continue;
            total += u.runs();
            List<String> peers = p.group().peers().stream().filter(u.peers()::contains).toList(); // the plan's peer order
            List<String> jmhArgs = new ArrayList<>(p.group().jmhArgs());
            jmhArgs.addAll(restrictions(u.paramSets()));
            runs.add(new Plan.Run(p.group().group() + "-settle-" + k++, peers, "^(" + u.benchmark().replace(".", "\\.") + ")$", jmhArgs));
        }
        return new Round(new Plan(runs, List.of()), total);
    }

    /**
     * {@code benchmark}'s contenders and unsettled parameter sets, or null when every throughput result
     * of a contender is settled (or there is none).
     */
    static Unsettled unsettled(String benchmark, Set<String> contenders, List<JmhJson.Forks> forks) {
        Set<String> paramSets = new TreeSet<>();
        double worst = 0;
        for (JmhJson.Forks f : forks) {
            JmhResult r = f.result();
            if (!r.benchmark().equals(benchmark) || !contenders.contains(r.peer()) || !r.mode().equals("thrpt") || r.footprint()) continue;
            double u = unsettledness(f.means());
            if (u > UNSETTLED) {
                paramSets.add(r.params());
                worst = Math.max(worst, u);
            }
        }
        return paramSets.isEmpty() ? null : new Unsettled(benchmark, contenders, paramSets, worst);
    }

    /** (fastest - slowest) / score / sqrt(n) of forks' means; 0 for fewer than two forks. */
    static double unsettledness(List<Double> means) {
        if (means.size() < 2) return 0;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double m : means) {
            min = Math.min(min, m);
            max = Math.max(max, m);
        }
        double score = JmhJson.forkScore(means);
        return score > 0 ? (max - min) / score / Math.sqrt(means.size()) : 0;
    }

    /**
     * JMH {@code -p} options that select {@code paramSets} (JmhResult's "name=value ..." strings;
     * {@code threads=N} is the benchmark's thread count, not a parameter): per parameter, every value
     * the sets take. Two sets that differ in two parameters select their cross product, a superset.
     */
    static List<String> restrictions(Set<String> paramSets) {
        Map<String, Set<String>> values = new TreeMap<>();
        for (String set : paramSets) {
            for (String p : set.split(" ")) {
                int eq = p.indexOf('=');
                if (eq <= 0 || p.startsWith("threads=")) continue;
                values.computeIfAbsent(p.substring(0, eq), n -> new TreeSet<>()).add(p.substring(eq + 1));
            }
        }
        List<String> args = new ArrayList<>();
        for (var v : values.entrySet()) {
            args.add("-p");
            args.add(v.getKey() + "=" + String.join(",", v.getValue()));
        }
        return args;
    }

    private static void usage(String problem) {
        System.err.println("SettlingRounds: " + problem
                + "\nusage: SettlingRounds --plan plan.tsv --out settle.tsv --seconds S --per-run R json...");
        System.exit(64);
    }
}
