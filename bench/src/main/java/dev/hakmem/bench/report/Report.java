package dev.hakmem.bench.report;

import dev.hakmem.bench.suite.PeerStatus;
import dev.hakmem.bench.suite.Plan;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark job's report: reads the JMH JSON files of a run, the peers file and the plan, and
 * writes into the run's folder {@code report.md}, {@code results.json} (all results in one JMH JSON
 * array) and the PNG charts; prints the report's tables to stdout.
 *
 * <p>Usage: {@code Report --out DIR [--peers peers.tsv] [--plan plan.tsv] [--mode quick|full|scaling]
 * [--note TEXT]... results.json...}. A {@code --note} is a paragraph of the header, e.g. to say that an
 * old run was re-rendered and what of it the current peers section does not describe. Exit status 2 when an expected result is missing (a FAILED cell), so a benchmark
 * that threw fails the job; 64 for bad arguments.
 */
public final class Report {
    /** What {@link #run} produced. */
    public record Outcome(String markdown, boolean failed, Map<String, String> charts) {}

    private Report() {}

    public static void main(String[] args) throws IOException {
        Path out = null, peersFile = null, planFile = null;
        String mode = null;
        List<Path> jsons = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--peers" -> peersFile = Path.of(args[++i]);
                case "--plan" -> planFile = Path.of(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--note" -> notes.add(args[++i]);
                default -> {
                    if (args[i].startsWith("--")) usage("unknown option " + args[i]);
                    jsons.add(Path.of(args[i]));
                }
            }
        }
        if (out == null) usage("--out is required");
        Outcome o = run(jsons, peersFile == null ? List.of() : PeerStatus.read(peersFile),
                planFile == null ? null : Plan.read(planFile), mode, notes, out);
        // UTF-8 like report.md, whatever the locale: under a C/POSIX locale (a bare CI shell) the
        // platform encoding is ASCII and would print the tie mark as "?".
        PrintStream terminal = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        terminal.print(withoutImages(o.markdown()));
        terminal.println("report: " + out.resolve("report.md") + (o.charts().isEmpty() ? "" : " (charts: " + String.join(", ", o.charts().values()) + ")"));
        terminal.flush();
        if (o.failed()) System.exit(2);
    }

    /** The Markdown for a terminal: image lines (and the blank line after each) left out. */
    static String withoutImages(String markdown) {
        return markdown.replaceAll("(?m)^!\\[.*\\n\\n?", "");
    }

    /** Writes the report into {@code out} (created if needed) and returns it. */
    public static Outcome run(List<Path> jsons, List<PeerStatus> peers, Plan plan, String mode, Path out) throws IOException {
        return run(jsons, peers, plan, mode, List.of(), out);
    }

    /** As {@link #run(List, List, Plan, String, Path)}, with {@code notes} as paragraphs after the header. */
    public static Outcome run(List<Path> jsons, List<PeerStatus> peers, Plan plan, String mode, List<String> notes, Path out)
            throws IOException {
        Files.createDirectories(out);
        JmhJson.Merged merged = JmhJson.merge(jsons, scoring(mode)); // read once: the tables, results.json and the header
        List<JmhResult> results = merged.results();
        List<RowGroup> groups = Tables.build(results, peers, plan);
        merged.write(out.resolve("results.json"));
        List<String> header = header(results, merged.environment(), out, mode);
        String state = merged.warmupState();
        if (!state.isEmpty()) header.add(state);
        header.addAll(notes);
        Charts.Drawn drawn = Charts.write(groups, out);
        for (String problem : drawn.problems()) header.add("Chart not drawn: " + problem + ".");
        Map<String, String> charts = drawn.files();
        String md = MarkdownReport.render(groups, peers, header, charts, DocLinks.find(out));
        boolean failed = groups.stream().anyMatch(RowGroup::failed)
                || (groups.isEmpty() && peers.stream().anyMatch(PeerStatus::available));
        if (groups.isEmpty()) md += "No results: every benchmark failed or none ran; see jmh.log.\n";
        Files.writeString(out.resolve("report.md"), md);
        return new Outcome(md, failed, charts);
    }

    /**
     * How the report scores throughput: quick mode by the 90th percentile of each result's iterations
     * (its short forks on a shared machine are slowed now and then by what else runs, never sped up:
     * see {@link JmhJson}), every other mode as JMH and the merge of forks do.
     */
    static JmhJson.Scoring scoring(String mode) {
        return "quick".equals(mode) ? JmhJson.Scoring.P90_OF_ITERATIONS : JmhJson.Scoring.TRIMMED_MEAN_OF_FORKS;
    }

    private static List<String> header(List<JmhResult> results, String env, Path out, String mode) {
        List<String> header = new ArrayList<>();
        String run = "Run " + out.toAbsolutePath().normalize().getFileName();
        if ("quick".equals(mode)) {
            run += ", quick mode: short forks, one per peer, and more for the headline peers (hakmem, hakmem-gen and"
                    + " the natives near the fastest, in interleaved rounds, three unless the budget ran short (rounds.log), and in settling rounds for the tables whose forks"
                    + " disagreed), for an overview (`--full` for numbers to quote). Every throughput score here is the 90th"
                    + " percentile of the result's measured iterations, all forks pooled, not their mean: on a shared machine"
                    + " what else runs only ever slows an iteration down, and the percentile is what two runs agree on"
                    + " (docs/BENCHMARKS.md, \"Method\"); the error is still the 99.9% half-width of the mean";
        }
        else if ("scaling".equals(mode)) {
            run += ", scaling run in quick mode: one short fork per peer and thread count, for an overview (`--scaling --full`"
                    + " for 3 forks each)";
        }
        else if (mode != null) run += ", " + mode + " mode";
        header.add(run + ".");
        header.add((env.isEmpty() ? "" : env + "; ") + "machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ".");
        Set<String> settings = new LinkedHashSet<>();
        for (JmhResult r : results) settings.add(r.settings() + (r.mode().equals("ss") ? " (single-shot)" : ""));
        if (!settings.isEmpty()) header.add("Settings: " + String.join("; ", settings) + ".");
        return header;
    }

    private static void usage(String problem) {
        System.err.println("Report: " + problem
                + "\nusage: Report --out DIR [--peers peers.tsv] [--plan plan.tsv] [--mode quick|full|scaling] [--note TEXT]... results.json...");
        System.exit(64);
    }
}
