package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The trial teardown moved to the last iteration's end runs exactly once, then and not before. */
class TearDownOnceTest {
    private final AtomicInteger runs = new AtomicInteger();
    private final TearDownOnce end = new TearDownOnce(runs::incrementAndGet);

    @Test
    void runsAsTheLastExpectedIterationEnds() {
        end.expect(3);
        end.iterationEnded();
        end.iterationEnded();
        assertEquals(0, runs.get(), "two of three iterations");
        end.iterationEnded();
        assertEquals(1, runs.get());
        end.runOnce(); // the trial teardown afterwards
        assertEquals(1, runs.get(), "never twice");
    }

    @Test
    void theTrialTeardownRunsItWhenTheLastIterationNeverEnded() {
        end.expect(5);
        end.iterationEnded();
        end.runOnce();
        assertEquals(1, runs.get());
        end.iterationEnded();
        end.iterationEnded();
        end.iterationEnded();
        end.iterationEnded();
        assertEquals(1, runs.get());
    }

    @Test
    void withoutExpectOnlyTheTrialTeardownRunsIt() {
        for (int i = 0; i < 1000; i++) end.iterationEnded();
        assertEquals(0, runs.get());
        end.runOnce();
        assertEquals(1, runs.get());
    }
}
