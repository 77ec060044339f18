package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The untimed warm-up's rule, on a simulated clock: each invocation advances it by what it "costs". */
class PlateauTest {
    private static final long MS = 1_000_000L;

    /** A workload whose invocation, started at simulated time {@code t} (ns), takes {@code cost(t)} ns of it. */
    private static final class Simulated implements Plateau.Invocation {
        final LongUnaryOperator cost;
        long now;
        long invocations;

        Simulated(LongUnaryOperator cost) {
            this.cost = cost;
        }

        @Override
        public void run() {
            now += cost.applyAsLong(now);
            invocations++;
        }

        /** With the JIT never compiling. */
        Plateau.Result warmUp(long maxMillis) throws InterruptedException {
            return Plateau.warmUp(this, maxMillis, () -> now, () -> 0);
        }

        /** With the JIT's total compilation time given by {@code compileMillis} of the simulated time. */
        Plateau.Result warmUp(long maxMillis, LongUnaryOperator compileMillis) throws InterruptedException {
            return Plateau.warmUp(this, maxMillis, () -> now, () -> compileMillis.applyAsLong(now));
        }
    }

    @Test
    void aLevelWorkloadStopsAfterTheLeastWindows() throws InterruptedException {
        Simulated w = new Simulated(t -> MS); // 1000 invocations/s from the start
        Plateau.Result r = w.warmUp(5000);
        assertTrue(r.level(), r.toString());
        assertEquals(Plateau.MIN_WINDOWS, r.windows());
        assertEquals(Plateau.MIN_MILLIS, r.millis());
        assertEquals(1000, r.lastRate(), 1e-9);
    }

    @Test
    void aWorkloadStillRisingRunsToTheBound() throws InterruptedException {
        // The rate grows by its first value every window: still 30% more per half second after 2 s.
        Simulated w = new Simulated(t -> MS * Plateau.WINDOW_MILLIS / (Plateau.WINDOW_MILLIS + t / MS));
        Plateau.Result r = w.warmUp(2000);
        assertFalse(r.level(), r.toString());
        assertTrue(r.millis() >= 2000 && r.millis() < 2000 + Plateau.WINDOW_MILLIS + 1, r.toString());
        assertTrue(r.toString().contains("bound reached, still rising"), r.toString());
    }

    @Test
    void aRampEndsSoonAfterItLevelsOff() throws InterruptedException {
        // An invocation takes 2 ms at first, less and less over 1.5 s of simulated time, then 1 ms for good.
        Simulated w = new Simulated(t -> t < 1500 * MS ? 2 * MS - t / 1500 : MS);
        Plateau.Result r = w.warmUp(5000);
        assertTrue(r.level(), r.toString());
        // Not while it rose; within the two window pairs after it levelled off.
        assertTrue(r.millis() >= 1500 + 2 * Plateau.WINDOW_MILLIS && r.millis() <= 1500 + 4 * Plateau.WINDOW_MILLIS + 10, r.toString());
        assertEquals(1000, r.lastRate(), 1);
    }

    @Test
    void aSlowInvocationStillFillsAWindowWithTwo() throws InterruptedException {
        Simulated w = new Simulated(t -> 400 * MS); // mstress-like: longer than a window
        Plateau.Result r = w.warmUp(60_000);
        assertEquals(2L * Plateau.MIN_WINDOWS, w.invocations, "two invocations per window");
        assertTrue(r.level(), r.toString());
    }

    @Test
    void aLevelRateWaitsForTheJitToGoQuiet() throws InterruptedException {
        Simulated w = new Simulated(t -> MS);
        // A compilation finishes every 100 ms until 1.6 s of simulated time, then none.
        Plateau.Result r = w.warmUp(5000, now -> Math.min(now, 1600 * MS) / (100 * MS));
        assertTrue(r.level(), r.toString());
        assertEquals(2250, r.millis(), "the window to 1.75 s saw the last compilation; the next two were quiet");
        Plateau.Result busy = new Simulated(t -> MS).warmUp(2000, now -> now / (100 * MS));
        assertFalse(busy.level(), busy.toString());
        assertTrue(busy.compiling() && busy.toString().contains("the JIT still compiling"), busy.toString());
    }

    @Test
    void theBoundEndsAWindowOfSlowInvocations() throws InterruptedException {
        Simulated w = new Simulated(t -> 1000 * MS); // a second each
        Plateau.Result r = w.warmUp(1500);
        assertFalse(r.level(), r.toString());
        assertEquals(2, w.invocations, "the second invocation passed the bound: no third one");
        assertEquals(2000, r.millis());
    }

    @Test
    void theBoundComesFromThePropertyAndBadValuesAreRefused() throws InterruptedException {
        String saved = System.getProperty(Plateau.MAX_PROPERTY);
        try {
            System.clearProperty(Plateau.MAX_PROPERTY);
            assertEquals(Plateau.DEFAULT_MAX_MILLIS, Plateau.maxMillis());
            System.setProperty(Plateau.MAX_PROPERTY, "1200");
            assertEquals(1200, Plateau.maxMillis());
            for (String bad : new String[] {"-1", "fast", "1.5"}) {
                System.setProperty(Plateau.MAX_PROPERTY, bad);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Plateau::maxMillis);
                assertTrue(e.getMessage().contains(Plateau.MAX_PROPERTY) && e.getMessage().contains(bad), e.getMessage());
            }
            System.setProperty(Plateau.MAX_PROPERTY, "0");
            long[] runs = new long[1];
            assertNull(Plateau.warmUp(() -> runs[0]++), "0 turns it off");
            assertEquals(0, runs[0], "and runs nothing");
        } finally {
            if (saved == null) System.clearProperty(Plateau.MAX_PROPERTY);
            else System.setProperty(Plateau.MAX_PROPERTY, saved);
        }
    }
}
