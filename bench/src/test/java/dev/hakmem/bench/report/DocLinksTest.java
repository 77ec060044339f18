package dev.hakmem.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.suite.PeerStatus;
import dev.hakmem.bench.suite.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The report's links into the repository resolve: to files that exist and to headings those files
 * have. So do the relative links of the documents around it (README.md, bench/README.md, docs/), so a
 * reader following the report lands somewhere. The tests run in {@code bench/}; the repository is its
 * parent.
 */
class DocLinksTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    /** A Markdown link or image: text, then the target up to ')' or a space (a title). */
    private static final Pattern LINK = Pattern.compile("\\[[^]]*]\\(([^)\\s]+)[^)]*\\)");

    @Test
    void reportLinksResolveInsideTheRepository() throws Exception {
        Path out = REPO.resolve("bench/target/doc-links-test/run");
        Report.Outcome o = Report.run(ReportTest.jsons(), PeerStatus.read(ReportTest.sample("peers.tsv")),
                Plan.read(ReportTest.sample("plan.tsv")), "quick", List.of("Re-rendered for a test."), out);
        assertTrue(o.markdown().contains("\n\nRe-rendered for a test.\n\n## Verdict\n"), "a --note is a header paragraph\n" + o.markdown());
        List<String> checked = brokenLinks(out.resolve("report.md"), o.markdown());
        assertTrue(checked.isEmpty(), String.join("\n", checked));
        assertTrue(o.markdown().contains("[docs/WORKLOADS.md#tinyhot-hakmem-bench_tiny_hot](../../../../docs/WORKLOADS.md#tinyhot-hakmem-bench_tiny_hot)"),
                o.markdown());
        assertTrue(o.markdown().contains("](../../../../bench/README.md#peers)"), o.markdown());
    }

    @Test
    void outsideACheckoutFilesAreNamedNotLinked(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        DocLinks none = DocLinks.find(dir);
        assertEquals(DocLinks.NONE, none);
        assertEquals("`docs/WORKLOADS.md`", none.workload("tinyHot"));
    }

    /** Every benchmark class of the suite has its section in docs/WORKLOADS.md. */
    @Test
    void everyWorkloadHasASection() throws Exception {
        DocLinks links = DocLinks.find(REPO.resolve("bench/target"));
        List<String> missing = new ArrayList<>();
        try (Stream<Path> top = Files.list(REPO.resolve("bench/src/main/java/dev/hakmem/bench"));
             Stream<Path> latency = Files.list(REPO.resolve("bench/src/main/java/dev/hakmem/bench/latency"))) {
            for (Path f : Stream.concat(top, latency).filter(p -> p.toString().endsWith(".java")).toList()) {
                if (!Files.readString(f).contains("@Benchmark")) continue;
                String name = f.getFileName().toString().replace(".java", "");
                String workload = Tables.workload("dev.hakmem.bench." + name + ".run");
                if (links.section(workload).isEmpty()) missing.add(workload);
            }
        }
        assertTrue(missing.isEmpty(), "no section in docs/WORKLOADS.md for " + missing);
        assertEquals("larson-server-like-with-thread-hand-off", links.section("larson"));
        assertEquals("", links.section("noSuchWorkload"));
    }

    @Test
    void documentsLinkToFilesAndHeadingsThatExist() throws Exception {
        List<Path> docs = new ArrayList<>(List.of(REPO.resolve("README.md"), REPO.resolve("bench/README.md")));
        try (Stream<Path> files = Files.walk(REPO.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path d : docs) broken.addAll(brokenLinks(d, Files.readString(d)));
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }

    @Test
    void anchorsAreGitHubs() {
        assertEquals("randommixed-hakmem-bench_random_mixed--port-it-faithfully",
                DocLinks.anchor("randomMixed (hakmem: bench_random_mixed) — port it faithfully"));
        assertEquals("peers", DocLinks.anchor("Peers"));
        assertFalse(DocLinks.anchors("# A\n\n## B c\ntext # not a heading\n").contains("not-a-heading"));
    }

    /** The relative links of a Markdown file that point at no file, or at a heading the target does not have. */
    static List<String> brokenLinks(Path file, String markdown) throws IOException {
        List<String> broken = new ArrayList<>();
        Matcher m = LINK.matcher(markdown);
        while (m.find()) {
            String target = m.group(1);
            if (target.matches("^[a-z]+:.*")) continue; // http:, https:, mailto:
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            String anchor = hash < 0 ? "" : target.substring(hash + 1);
            Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
            if (!Files.exists(resolved)) {
                broken.add(file + ": " + target + " (no such file)");
            } else if (!anchor.isEmpty() && resolved.toString().endsWith(".md")
                    && !DocLinks.anchors(Files.readString(resolved)).contains(anchor)) {
                broken.add(file + ": " + target + " (no such heading)");
            }
        }
        return broken;
    }
}
