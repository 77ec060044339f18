package dev.hakmem.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Links from a report to the repository's documents ({@code docs/WORKLOADS.md}, {@code
 * bench/README.md}), relative to the report's folder so they work in a checkout and on GitHub.
 *
 * <p>Why found rather than fixed: a run's report is written to {@code bench/results/<run>/}, a
 * committed sample lives in {@code docs/benchmarks/<run>/}, and a report re-rendered elsewhere has no
 * repository around it. {@link #find} walks up from the report's folder to the first folder that has
 * {@code docs/WORKLOADS.md}; without one, files are named instead of linked. A workload gets an anchor
 * only when the document has a heading for it ({@link #section}), so no link points at a section
 * that is not there.
 *
 * @param root the path from the report's folder to the repository's root ("" when they are the same),
 *     or null outside a checkout
 * @param workloadAnchors the anchors of the headings of {@code docs/WORKLOADS.md}
 */
record DocLinks(String root, Set<String> workloadAnchors) {
    /** The workload definitions, relative to the repository's root. */
    static final String WORKLOADS = "docs/WORKLOADS.md";
    /** The peers' documentation (settings, what each needs), relative to the repository's root. */
    static final String PEERS = "bench/README.md";
    /** Links that name files without linking them. */
    static final DocLinks NONE = new DocLinks(null, Set.of());

    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*$");

    /** The links for a report written into {@code out}. */
    static DocLinks find(Path out) throws IOException {
        Path dir = out.toAbsolutePath().normalize();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path doc = d.resolve(WORKLOADS);
            if (Files.isRegularFile(doc)) {
                return new DocLinks(dir.relativize(d).toString().replace('\\', '/'), anchors(Files.readString(doc)));
            }
        }
        return NONE;
    }

    /** The GitHub anchors of a Markdown text's headings. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Matcher m = HEADING.matcher(markdown);
        while (m.find()) anchors.add(anchor(m.group(1)));
        return anchors;
    }

    /** GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    static String anchor(String heading) {
        return heading.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }

    /**
     * A link to the definition of a workload: the first heading of the document named after it (its
     * anchor is the workload's, or starts with it and a '-', as "### larson (server-like, ...)" does),
     * else the document.
     */
    String workload(String workload) {
        return file(WORKLOADS, section(workload));
    }

    /** The anchor of the workload's section, or "" when the document has none. */
    String section(String workload) {
        String a = anchor(workload);
        for (String w : workloadAnchors) if (w.equals(a) || w.startsWith(a + "-")) return w;
        return "";
    }

    /** A link to a file of the repository, with an optional anchor; the file's name in code outside a checkout. */
    String file(String file, String anchor) {
        if (root == null) return "`" + file + "`" + (anchor.isEmpty() ? "" : " (section " + anchor + ")");
        String target = (root.isEmpty() ? "" : root + "/") + file + (anchor.isEmpty() ? "" : "#" + anchor);
        return "[" + file + (anchor.isEmpty() ? "" : "#" + anchor) + "](" + target + ")";
    }
}
