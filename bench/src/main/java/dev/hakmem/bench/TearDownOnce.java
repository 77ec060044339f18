package dev.hakmem.bench;

import java.util.concurrent.atomic.AtomicBoolean;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A shared ({@code Scope.Benchmark}) state's trial teardown, run at the end of the trial's last
 * iteration, from the state's {@code @TearDown(Level.Iteration)}, instead of in its
 * {@code @TearDown(Level.Trial)}.
 *
 * <p>Why: in JMH 1.37's generated code (and JMH's head of 2026), the threads that find another thread
 * running a shared state's <em>trial</em> teardown wait for it in sleeps of 1 ms, then 1024 ms
 * ({@code Math.max(1024, 2 * backoff)} where a minimum was meant). A teardown that takes more than a
 * millisecond (closing an allocator does) so added a second to every multi-threaded fork, some 60
 * forks of the quick job. For an <em>iteration</em> teardown the other threads spin instead. JMH runs
 * the iteration teardowns before the trial ones, all after every thread has finished the iteration's
 * invocations, so the state's trial teardown then finds the work done and returns at once.
 *
 * <p>Contract: the owning state calls {@link #expect} from its trial setup, {@link #iterationEnded()}
 * from its iteration teardown (JMH runs that on one thread at a time, under its own mutex, which
 * orders the plain counter's updates) and {@link #runOnce()} from its trial teardown, as the safety
 * net for a trial that failed before its last iteration ended. Without {@link #expect} (a test driving
 * the state by hand) only {@link #runOnce()} runs the teardown. The teardown never runs twice.
 * Public for the workloads of {@code dev.hakmem.bench.mbench}.
 */
public final class TearDownOnce {
    private final Runnable tearDown;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Iterations (warm-up and measurement) still to end; guarded by JMH's iteration-teardown mutex. */
    private int iterationsLeft = Integer.MAX_VALUE;

    public TearDownOnce(Runnable tearDown) {
        this.tearDown = tearDown;
    }

    /** Counts the trial's warm-up and measurement iterations. */
    public void expect(BenchmarkParams params) {
        expect(params.getWarmup().getCount() + params.getMeasurement().getCount());
    }

    /** Expects {@code iterations} iterations in all. */
    public void expect(int iterations) {
        if (iterations < 1) throw new IllegalArgumentException("iterations must be positive: " + iterations);
        iterationsLeft = iterations;
    }

    /** One iteration ended; after the last one, runs the teardown. */
    public void iterationEnded() {
        if (--iterationsLeft == 0) runOnce();
    }

    /** Runs the teardown unless it already ran (or is running). */
    public void runOnce() {
        if (done.compareAndSet(false, true)) tearDown.run();
    }
}
