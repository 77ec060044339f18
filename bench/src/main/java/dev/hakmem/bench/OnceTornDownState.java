package dev.hakmem.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Base of a workload's shared ({@code Scope.Benchmark}) state whose trial teardown (checking and
 * freeing what is left, closing the allocator) runs once, at the end of the trial's last iteration
 * ({@link TearDownOnce}, which says why). The subclass creates {@link #end} and calls
 * {@link TearDownOnce#expect} from its trial setup; JMH runs the fixture methods below, inherited.
 */
public abstract class OnceTornDownState {
    /** The trial's teardown, run once; set by the subclass's trial setup. */
    protected TearDownOnce end;

    /** Runs the trial's teardown as the last iteration ends (see {@link TearDownOnce}). */
    @TearDown(Level.Iteration)
    public void afterIteration() {
        end.iterationEnded();
    }

    /** The safety net for a trial that failed before its last iteration ended. */
    @TearDown(Level.Trial)
    public void tearDown() {
        end.runOnce();
    }
}
