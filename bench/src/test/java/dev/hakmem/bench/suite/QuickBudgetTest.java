package dev.hakmem.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The quick-mode arithmetic, with the numbers the script header and QuickBudget's javadoc quote. */
class QuickBudgetTest {
    @Test
    void theDocumentedFullMatrixFitsAtTheFloors() {
        QuickBudget q = new QuickBudget(525, 234, 45, 3);
        assertEquals(349.5, q.fixedSeconds(), 1e-9);
        assertEquals(new RunSettings(1, 1, 300, 3, 100), q.timed());
        assertEquals(525, q.estimateSeconds(), 1);
        assertFalse(q.explain().contains("OVER"), q.explain());
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
        assertEquals(new RunSettings(1, 1, 300, 3, 100), q.timed());
        assertTrue(q.estimateSeconds() > 525);
        assertTrue(q.explain().contains("OVER the budget"), q.explain());
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
