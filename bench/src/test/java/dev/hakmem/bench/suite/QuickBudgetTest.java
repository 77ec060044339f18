package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quick-mode arithmetic, with the numbers the script header and QuickBudget's javadoc quote. */
class QuickBudgetTest {
    @Test
    void theDocumentedFullMatrixFitsAtTheFloors() {
        QuickBudget q = new QuickBudget(523, 391, 0, 10);
        assertEquals(205.5, q.fixedSeconds(), 1e-9);
        assertEquals(new RunSettings(1, 1, 380, 3, 120), q.timed());
        assertEquals(524, q.estimateSeconds(), 1);
        assertFalse(q.explain().contains("OVER"), q.explain());
    }

    /** Above the floors warm-up is half of the timed part and measurement a sixth per iteration. */
    @Test
    void warmUpTakesWhatTheMeasurementLeaves() {
        QuickBudget q = new QuickBudget(2 + 10 * QuickBudget.FORK + 10 * 1.2 * 1.1, 10, 0, 2); // perRun = 1.2 s
        assertEquals(new RunSettings(1, 1, 600, 3, 200), q.timed());
        QuickBudget floor = new QuickBudget(2 + 10 * QuickBudget.FORK + 10 * 0.45 * 1.1, 10, 0, 2); // perRun = 0.45 s
        assertEquals(new RunSettings(1, 1, 200, 3, 100), floor.timed(), "both floors");
        QuickBudget rest = new QuickBudget(2 + 10 * QuickBudget.FORK + 10 * 0.55 * 1.1, 10, 0, 2); // perRun = 0.55 s
        assertEquals(new RunSettings(1, 1, 250, 3, 100), rest.timed(), "measurement at its floor, warm-up the rest");
    }

    @Test
    void aSmallRunGetsTheLongestIterations() {
        QuickBudget q = new QuickBudget(525, 8, 0, 1);
        assertEquals(new RunSettings(1, 1, 2000, 3, 1000), q.timed());
        assertTrue(q.estimateSeconds() < 525);
    }

    @Test
    void aMatrixTooLargeForTheBudgetSaysSo() {
        QuickBudget q = new QuickBudget(525, 600, 60, 3);
        assertEquals(new RunSettings(1, 1, 200, 3, 100), q.timed());
        assertTrue(q.estimateSeconds() > 525);
        assertTrue(q.explain().contains("OVER the budget"), q.explain());
    }

    @Test
    void longWarmupsAreCountedAndTakenFromTheOtherRuns() {
        QuickBudget without = new QuickBudget(523, 391, 0, 10);
        QuickBudget with = new QuickBudget(523, 391, 0, 12, Map.of(QuickBudget.LONG_WARMUP_MILLIS, 48, 600L, 27));
        // the first pass: the same runs and invocations without the marks
        long firstPass = new QuickBudget(523, 391, 0, 12).timed().warmupMillis();
        assertTrue(firstPass < 600, "the arithmetic below assumes both marks add to the warm-up: " + firstPass);
        double added = (48 * (QuickBudget.LONG_WARMUP_MILLIS - firstPass) + 27 * (600 - firstPass)) / 1000.0;
        assertEquals(without.fixedSeconds() + 2 + added, with.fixedSeconds(), 1e-9,
                "two more invocations, and what each mark's warm-ups add to the warm-up the others would get");
        assertTrue(with.timed().warmupMillis() < without.timed().warmupMillis(), with.timed() + " vs " + without.timed());
        assertEquals(QuickBudget.LONG_WARMUP_MILLIS, with.warmedAtLeast(QuickBudget.LONG_WARMUP_MILLIS).warmupMillis());
        assertEquals(600, with.warmedAtLeast(600).warmupMillis());
        assertEquals(with.timed().measurementMillis(), with.warmedAtLeast(600).measurementMillis());
        assertEquals(with.timed().warmupMillis(), with.warmedAtLeast(1).warmupMillis(), "a mark below the warm-up changes nothing");
        assertTrue(with.explain().contains("long warm-ups (48 of at least 1500 ms, 27 of at least 600 ms)"), with.explain());
        assertTrue(without.explain().contains("long warm-ups (none)"), without.explain());
        assertEquals(without.timed(), new QuickBudget(523, 391, 0, 10, Map.of()).timed(), "no long warm-up, no change");
        assertEquals(without.timed(), new QuickBudget(523, 391, 0, 10, Map.of(100L, 50)).timed(),
                "a mark below the warm-up the runs get anyway takes nothing from them");
        assertThrows(IllegalArgumentException.class, () -> new QuickBudget(523, 391, 0, 10, Map.of(0L, 5)));
        assertThrows(IllegalArgumentException.class, () -> new QuickBudget(523, 391, 0, 10, Map.of(600L, -1)));
    }

    @Test
    void settingsAsJmhOptionsAndWords() {
        RunSettings t = new RunSettings(3, 3, 1000, 5, 1000);
        assertEquals(RunSettings.FULL_TIMED, t);
        assertEquals("3 forks, warm-up 3 x 1000 ms, measurement 5 x 1000 ms", t.describe());
        assertEquals("1 fork, 1 warm-up and 2 measured invocation(s)", RunSettings.QUICK_SINGLE_SHOT.describe());
        assertTrue(RunSettings.FULL_SINGLE_SHOT.singleShot());
    }
}
