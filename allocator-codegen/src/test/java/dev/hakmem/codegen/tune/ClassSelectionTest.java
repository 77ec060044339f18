package dev.hakmem.codegen.tune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.codegen.tune.ClassSelection.Choice;
import dev.hakmem.codegen.tune.ClassSelection.Grid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The dynamic programme against brute force (every subset of the candidates) on small grids and random
 * histograms, with and without the waste limit; and its answers on the runtime's real grids.
 *
 * <p>The seeds differ from run to run; a failure names its seed, and
 * {@code -Dhakmem.test.args=-Dhakmem.tune.seed=SEED} replays it.
 */
class ClassSelectionTest {
    private static final int HISTOGRAMS_PER_GRID = 150;

    /** Small grids brute force can enumerate (at most 2^11 subsets each). */
    private static final List<Grid> SMALL = List.of(
            new Grid("tiny-like", 16, 0, 160, false),
            new Grid("limited, fine", 16, 64, 256, true),
            new Grid("mid-like", 256, 1024, 4096, true));

    @Test
    void matchesBruteForceOnRandomHistograms() {
        long base = Long.getLong("hakmem.tune.seed", new Random().nextLong());
        for (Grid grid : SMALL) {
            for (int h = 0; h < HISTOGRAMS_PER_GRID; h++) {
                long seed = base + h;
                Random r = new Random(seed);
                long[] histogram = randomHistogram(r, grid);
                ClassSelection selection = new ClassSelection(grid, histogram);
                List<Optimum> layouts = everyLayout(grid, histogram);
                for (int k = 1; k <= grid.candidates(); k++) {
                    String where = grid.name() + ", seed " + seed + ", K " + k + ", histogram " + describe(histogram);
                    Choice dp = selection.choose(k);
                    Optimum best = bruteForce(layouts, k);
                    assertRespectsGrid(grid, dp.sizes(), where);
                    assertEquals(best.waste, dp.waste(), where);
                    assertEquals(best.spread, dp.spread(), where);
                    assertEquals(best.size > k, dp.widened(), where);
                    assertEquals(best.size > k ? best.size : Math.min(dp.sizes().length, k), dp.sizes().length, where);
                    assertEquals(wasteOf(grid, histogram, dp.sizes()), dp.waste(), where + ": the waste it reports is its layout's");
                    assertEquals(spreadOf(grid, dp.sizes()), dp.spread(), where + ": the spread it reports is its layout's");
                }
            }
        }
    }

    @Test
    void clusteredTinySizesGetClassesOfTheirOwn() {
        long[] h = histogram(24, 50_000, 40, 30_000, 72, 9_000, 136, 5_000, 264, 2_000, 520, 1_000);
        Choice c = new ClassSelection(Grid.TINY, h).choose(20);
        assertEquals(20, c.sizes().length, "spare classes are used");
        for (int size : new int[] {32, 48, 80, 144, 272, 528, 1024}) {
            assertTrue(Arrays.binarySearch(c.sizes(), size) >= 0, size + " in " + Arrays.toString(c.sizes()));
        }
        assertEquals(8L * (50_000 + 30_000 + 9_000 + 5_000 + 2_000 + 1_000), c.waste(), "8 bytes per request, the least a multiple of 16 allows");
    }

    @Test
    void fewClassesGoWhereTheRequestsAre() {
        long[] h = histogram(8, 1_000_000, 100, 10, 1000, 10);
        assertArrayEquals(new int[] {16, 1024}, new ClassSelection(Grid.TINY, h).choose(2).sizes());
        assertArrayEquals(new int[] {1024}, new ClassSelection(Grid.TINY, h).choose(1).sizes());
    }

    @Test
    void sparesFollowTheDefaultsGeometricSpacingWithoutRequests() {
        Choice tiny = new ClassSelection(Grid.TINY, new long[1]).choose(20);
        assertEquals(0, tiny.waste());
        assertEquals(20, tiny.sizes().length);
        for (int i = 1; i < tiny.sizes().length; i++) {
            double ratio = (double) tiny.sizes()[i] / tiny.sizes()[i - 1];
            assertTrue(ratio <= 2.0, "no gap of more than a doubling: " + Arrays.toString(tiny.sizes()));
        }
        assertEquals(16, tiny.sizes()[0], Arrays.toString(tiny.sizes()));
    }

    @Test
    void tooFewMidClassesAreWidenedToTheFewestThatKeepTheWasteLimit() {
        Choice one = new ClassSelection(Grid.MID, new long[1]).choose(1);
        assertTrue(one.widened());
        assertEquals(fewestMidClasses(), one.sizes().length, Arrays.toString(one.sizes()));
        AllocatorConfig.builder().midClasses(one.sizes()).build(); // the runtime takes it
        Choice enough = new ClassSelection(Grid.MID, new long[1]).choose(fewestMidClasses());
        assertFalse(enough.widened());
        Choice many = new ClassSelection(Grid.MID, new long[1]).choose(60);
        assertEquals(60, many.sizes().length);
        AllocatorConfig.builder().midClasses(many.sizes()).build();
    }

    @Test
    void midRequestsAreServedWithinTheLimit() {
        long[] h = new long[AllocatorConfig.MID_MAX + 1];
        h[1040] = 100;
        h[5000 / 16 * 16] = 50;
        h[20000 / 16 * 16] = 3;
        Choice c = new ClassSelection(Grid.MID, h).choose(20);
        assertTrue(Arrays.binarySearch(c.sizes(), 1280) >= 0, Arrays.toString(c.sizes()));
        assertTrue(Arrays.binarySearch(c.sizes(), 5120) >= 0, Arrays.toString(c.sizes()));
        assertTrue(Arrays.binarySearch(c.sizes(), 20224) >= 0, Arrays.toString(c.sizes()));
        AllocatorConfig.builder().midClasses(c.sizes()).build();
    }

    /** The fewest Mid classes the 25% rule allows, greedily: each class as large as the rule lets it be. */
    private static int fewestMidClasses() {
        int previous = 1024;
        int n = 0;
        while (previous < AllocatorConfig.MID_MAX) {
            int size = Math.min(AllocatorConfig.MID_MAX, (4 * (previous + 1) / 3) / 256 * 256);
            previous = size;
            n++;
        }
        return n;
    }

    private record Optimum(long waste, long spread, int size) {}

    /** Every layout the grid allows, with its cost. */
    private static List<Optimum> everyLayout(Grid grid, long[] histogram) {
        int n = grid.candidates();
        List<Optimum> layouts = new ArrayList<>();
        for (int mask = 0; mask < 1 << (n - 1); mask++) {
            int[] sizes = new int[Integer.bitCount(mask) + 1];
            int m = 0;
            for (int j = 1; j < n; j++) if ((mask & 1 << (j - 1)) != 0) sizes[m++] = grid.size(j);
            sizes[m] = grid.max();
            if (feasible(grid, sizes)) layouts.add(new Optimum(wasteOf(grid, histogram, sizes), spreadOf(grid, sizes), sizes.length));
        }
        return layouts;
    }

    /** The least (waste, spread) of the layouts of at most {@code k} classes; of the fewest classes if there is none. */
    private static Optimum bruteForce(List<Optimum> layouts, int k) {
        Optimum best = null;
        Optimum fewest = null;
        for (Optimum o : layouts) {
            if (o.size <= k && (best == null || better(o, best))) best = o;
            if (fewest == null || o.size < fewest.size || o.size == fewest.size && better(o, fewest)) fewest = o;
        }
        return best != null ? best : fewest;
    }

    private static boolean better(Optimum a, Optimum b) {
        return a.waste < b.waste || a.waste == b.waste && a.spread < b.spread;
    }

    private static boolean feasible(Grid grid, int[] sizes) {
        int previous = grid.floor();
        for (int s : sizes) {
            if (grid.wasteLimit() && 4L * (s - (previous + 1L)) > s) return false;
            previous = s;
        }
        return true;
    }

    private static void assertRespectsGrid(Grid grid, int[] sizes, String where) {
        assertTrue(feasible(grid, sizes), where + ": " + Arrays.toString(sizes));
        assertEquals(grid.max(), sizes[sizes.length - 1], where);
        int previous = grid.floor();
        for (int s : sizes) {
            assertTrue(s > previous && (s - grid.floor()) % grid.step() == 0, where + ": " + Arrays.toString(sizes));
            previous = s;
        }
    }

    /** Σ count(s) (class(s) − s), each request in the smallest class at least its size, straight from the definition. */
    private static long wasteOf(Grid grid, long[] histogram, int[] sizes) {
        long waste = 0;
        for (int s = 0; s < histogram.length; s++) {
            if (histogram[s] == 0 || !grid.holds(s)) continue;
            int c = 0;
            while (sizes[c] < s) c++;
            waste += histogram[s] * (sizes[c] - s);
        }
        return waste;
    }

    private static long spreadOf(Grid grid, int[] sizes) {
        long spread = 0;
        for (int j = 1; j <= grid.candidates(); j++) {
            long cj = grid.size(j);
            int c = 0;
            while (sizes[c] < cj) c++;
            spread += (sizes[c] - cj) * (ClassSelection.SPREAD_SCALE / (cj * cj));
        }
        return spread;
    }

    /** A few sizes in the grid (and some outside it, which must be ignored), counts from 1 to a million. */
    private static long[] randomHistogram(Random r, Grid grid) {
        long[] h = new long[grid.max() + 64];
        int sizes = r.nextInt(8);
        for (int i = 0; i < sizes; i++) {
            int s = r.nextInt(4) == 0 ? r.nextInt(h.length) : grid.floor() + r.nextInt(grid.max() - grid.floor() + 1);
            h[s] += r.nextBoolean() ? 1 + r.nextInt(10) : 1 + r.nextInt(1_000_000);
        }
        return h;
    }

    private static long[] histogram(int... sizeCount) {
        long[] h = new long[AllocatorConfig.MID_MAX + 1];
        for (int i = 0; i < sizeCount.length; i += 2) h[sizeCount[i]] += sizeCount[i + 1];
        return h;
    }

    private static String describe(long[] h) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < h.length; i++) if (h[i] != 0) s.append(i).append('=').append(h[i]).append(' ');
        return s.append('}').toString();
    }
}
