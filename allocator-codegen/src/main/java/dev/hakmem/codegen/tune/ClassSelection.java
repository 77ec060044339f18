package dev.hakmem.codegen.tune;

import dev.hakmem.AllocatorConfig;
import java.util.Arrays;

/**
 * The exact choice of one tier's size classes for a request histogram: at most {@code K} classes that
 * minimise the bytes lost to rounding requests up to their class. See the package javadoc for the
 * problem, the recurrence and why the tie-break ("spread") is what it is.
 *
 * <p>Costs are pairs {@code (waste, spread)} compared lexicographically: waste first, spread only
 * between layouts that waste the same. Pairs add component-wise and the order is compatible with
 * that addition, so the dynamic programme's optimal substructure holds for the pair as for a number.
 */
final class ClassSelection {
    /**
     * Scale of the spread weights, {@code SPREAD_SCALE / size²} per candidate size: large enough that
     * the weight of the largest candidate (65536) is still 256, small enough that a tier's spread
     * (at most {@code 2^40 / 16} per candidate, 252 candidates) fits a long.
     */
    static final long SPREAD_SCALE = 1L << 40;

    /**
     * The sizes a tier's classes may have: {@code floor + step}, {@code floor + 2 step}, ...,
     * {@code max}, the last class always {@code max}. With {@code wasteLimit} no class may waste more
     * than a quarter of its block: {@code 4 (size - (previous + 1)) <= size}, the previous of the first
     * being {@code floor}. Requests from {@code floor + 1} to {@code max} belong to the tier, and size 0
     * too when {@code floor} is 0.
     */
    record Grid(String name, int step, int floor, int max, boolean wasteLimit) {
        /** The runtime's Tiny rule: multiples of 16 up to 1024. */
        static final Grid TINY = new Grid("Tiny", 16, 0, 1024, false);
        /** The runtime's Mid rule: multiples of 256 above 1024 up to {@value AllocatorConfig#MID_MAX}, none wasting more than 25%. */
        static final Grid MID = new Grid("Mid", 256, AllocatorConfig.TINY_MAX, AllocatorConfig.MID_MAX, true);

        Grid {
            if (step <= 0 || floor < 0 || max <= floor || (max - floor) % step != 0) throw new IllegalArgumentException(name);
        }

        /** How many candidate sizes there are, {@code n}. */
        int candidates() {
            return (max - floor) / step;
        }

        /** Candidate {@code j}, 1-based: {@code c_j = floor + j step}; {@code c_0 = floor}. */
        int size(int j) {
            return floor + j * step;
        }

        /** The smallest candidate index {@code j} with {@code c_j >= request}: the granule the request falls in. */
        int granule(int request) {
            return Math.max(1, Math.ceilDiv(request - floor, step));
        }

        /** Whether a request of {@code size} bytes belongs to this tier. */
        boolean holds(int size) {
            return size > floor && size <= max || size == 0 && floor == 0;
        }

        /** Whether a class of {@code size} may follow the class {@code previous} (or {@code floor}). */
        boolean allowed(int previous, int size) {
            return !wasteLimit || 4L * (size - (previous + 1L)) <= size;
        }
    }

    /**
     * The chosen classes.
     *
     * @param sizes ascending, the last the grid's {@code max}
     * @param waste bytes lost to rounding the histogram's requests up to their class
     * @param spread the tie-break cost (package javadoc)
     * @param widened whether more classes than asked were needed to keep every class within the waste
     *     limit; {@code sizes} then holds the fewest that are
     */
    record Choice(int[] sizes, long waste, long spread, boolean widened) {}

    private static final long INFEASIBLE = Long.MAX_VALUE;

    private final Grid grid;
    private final int n;
    /** Prefix sums over the candidates 1..j: requests, requested bytes, spread weights, weight × size. */
    private final long[] count;
    private final long[] bytes;
    private final long[] weight;
    private final long[] weightedSize;

    /** @param histogram request counts by size (index = size in bytes); sizes outside the grid are ignored */
    ClassSelection(Grid grid, long[] histogram) {
        this.grid = grid;
        this.n = grid.candidates();
        long[] c = new long[n + 1];
        long[] b = new long[n + 1];
        for (int s = 0; s < histogram.length; s++) {
            if (histogram[s] == 0 || !grid.holds(s)) continue;
            if (histogram[s] < 0) throw new IllegalArgumentException("negative count for size " + s);
            int j = grid.granule(s);
            c[j] = Math.addExact(c[j], histogram[s]);
            b[j] = Math.addExact(b[j], Math.multiplyExact(histogram[s], (long) s));
        }
        count = new long[n + 1];
        bytes = new long[n + 1];
        weight = new long[n + 1];
        weightedSize = new long[n + 1];
        for (int j = 1; j <= n; j++) {
            long size = grid.size(j);
            long w = SPREAD_SCALE / (size * size);
            count[j] = Math.addExact(count[j - 1], c[j]);
            bytes[j] = Math.addExact(bytes[j - 1], b[j]);
            weight[j] = weight[j - 1] + w;
            weightedSize[j] = weightedSize[j - 1] + w * size;
        }
    }

    /** Waste of class {@code c_j} serving the requests of candidates {@code i+1 .. j}. */
    long waste(int i, int j) {
        return Math.subtractExact(Math.multiplyExact(grid.size(j), count[j] - count[i]), bytes[j] - bytes[i]);
    }

    /** Spread of class {@code c_j} over candidates {@code i+1 .. j}: {@code Σ (c_j - c_g) w_g}. */
    long spread(int i, int j) {
        return grid.size(j) * (weight[j] - weight[i]) - (weightedSize[j] - weightedSize[i]);
    }

    /**
     * The best layout of at most {@code maxClasses} classes; if the waste limit makes that impossible,
     * the best of the fewest classes that keep it ({@link Choice#widened()}).
     */
    Choice choose(int maxClasses) {
        if (maxClasses < 1) throw new IllegalArgumentException("at least one class: " + maxClasses);
        int kMax = Math.min(maxClasses, n);
        // f[k][j], g[k][j]: least (waste, spread) of k classes, the largest c_j, serving every request up to c_j.
        long[][] f = new long[n + 1][];
        long[][] g = new long[n + 1][];
        int[][] from = new int[n + 1][];
        int bestK = 0;
        for (int k = 1; k <= n; k++) {
            f[k] = new long[n + 1];
            g[k] = new long[n + 1];
            from[k] = new int[n + 1];
            Arrays.fill(f[k], INFEASIBLE);
            for (int j = k; j <= n; j++) {
                for (int i = k - 1; i < (k == 1 ? 1 : j); i++) { // one class serves all from the floor
                    if (k > 1 && f[k - 1][i] == INFEASIBLE) continue;
                    if (!grid.allowed(grid.size(i), grid.size(j))) continue;
                    long w = Math.addExact(k > 1 ? f[k - 1][i] : 0, waste(i, j));
                    long s = (k > 1 ? g[k - 1][i] : 0) + spread(i, j);
                    if (w < f[k][j] || w == f[k][j] && s < g[k][j]) {
                        f[k][j] = w;
                        g[k][j] = s;
                        from[k][j] = i;
                    }
                }
            }
            boolean feasible = f[k][n] != INFEASIBLE;
            if (feasible && (bestK == 0 || f[k][n] < f[bestK][n] || f[k][n] == f[bestK][n] && g[k][n] < g[bestK][n])) bestK = k;
            if (k >= kMax && bestK != 0) break; // past the limit, only the first feasible count is wanted
        }
        int[] sizes = new int[bestK];
        for (int k = bestK, j = n; k >= 1; j = from[k][j], k--) sizes[k - 1] = grid.size(j);
        return new Choice(sizes, f[bestK][n], g[bestK][n], bestK > kMax);
    }
}
