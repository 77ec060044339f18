package dev.hakmem.codegen.yaml;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for an unknown key or unit: the candidate closest to what was written, when it is close
 * enough to be a slip (a typo, a wrong case, a swapped pair of letters, or a prefix such as
 * {@code retained} for {@code retainedBytes}) rather than a different word.
 */
public final class Suggestions {
    private Suggestions() {}

    /** The closest of {@code candidates} to {@code given}, ignoring case; the first one wins a tie. */
    public static Optional<String> closest(String given, List<String> candidates) {
        String g = given.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = candidate.toLowerCase(Locale.ROOT);
            int d = distance(g, c);
            boolean prefix = Math.min(g.length(), c.length()) >= 3 && (g.startsWith(c) || c.startsWith(g));
            if ((d <= (g.length() <= 4 ? 1 : 2) || prefix) && d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
