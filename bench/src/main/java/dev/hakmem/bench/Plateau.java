package dev.hakmem.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * An untimed warm-up that runs a workload until its throughput stops rising: what threadChurn with
 * platform threads can run in its trial setup, before JMH's own warm-up iterations (off unless
 * {@value #MAX_PROPERTY} is set: see {@link #DEFAULT_MAX_MILLIS}).
 *
 * <p><b>Why.</b> Its invocations start threads, so what an allocator does for a new and an ended
 * thread runs once per thread, a few thousand times a second, and a Java allocator's code for it reaches
 * C2 only seconds into a fork; a native allocator's is compiled already. A fixed warm-up long enough for
 * the slowest peer would cost every peer that time; one as short as the fastest measured the others on
 * their ramp. Measured 2026-12-07 (docs/BENCHMARKS.md, session 63), 1 s windows of a fork from its
 * start, M ops/s: threadChurn with platform threads, hakmem 2.6, 4.5, 6.2, 8.3, 7.7 (steady from the
 * fourth second), tcmalloc 5.2, 6.6, 6.8, 6.8, 6.7 and mimalloc 5.7, 7.6, 7.7, 7.5, 7.8 (steady from the
 * second): quick mode's 1.5 s measured hakmem at about two thirds of its steady speed. So each fork warms
 * up until its own throughput levels off and the JIT has gone quiet: the C allocators' forks after
 * 1.3-2.8 s, hakmem's when its code is compiled, within a bound.
 *
 * <p><b>The rule.</b> Invocations run in windows of at least {@link #WINDOW_MILLIS} ms (and at least
 * {@link #MIN_INVOCATIONS_PER_WINDOW} invocations, unless the bound comes first); after at least
 * {@link #MIN_WINDOWS} windows, the warm-up ends as soon as both
 * <ul>
 *   <li>the invocation rate of the last two windows is below {@code 1 + }{@link #RISE} times that of the
 *       two before them (two windows against two smooth out a window's noise; a rate still rising by
 *       {@link #RISE} per half second is a ramp), and</li>
 *   <li>the JIT finished no compilation in those two windows ({@code CompilationMXBean}'s total
 *       compilation time did not move): hakmem's ramp comes in steps, one per batch of compiled
 *       methods, and a rate rule alone stopped it on a step, at 2.3-2.6 s and about half its speed;</li>
 * </ul>
 * or when {@code maxMillis} have passed.
 *
 * <p>The bound is {@code -D}{@value #MAX_PROPERTY} (milliseconds; 0, the default, turns the warm-up
 * off). What the fork did is printed on its output, one line.
 */
public final class Plateau {
    /** The system property that bounds the warm-up, in milliseconds (0: none). */
    public static final String MAX_PROPERTY = "hakmem.bench.plateau.maxMillis";
    /**
     * Its default: off. On in the main command for every workload that starts threads (bound 3 s, then
     * 2 s), and then for threadChurn with platform threads only (3 s, then 2 s), it cost the job its
     * second headline round in four runs out of four on a slow afternoon (2026-12-07, session 63: the
     * round missed the budget by 5-49 s), and with one fork per peer only 11 of hakmem's 23 ratios agreed
     * between two runs, against 20-21 with two rounds. So it is for targeted runs:
     * {@code -D}{@value #MAX_PROPERTY}{@code =3000} on a JMH command line warms each fork of threadChurn
     * with platform threads up to its own plateau.
     */
    public static final long DEFAULT_MAX_MILLIS = 0;
    /** The shortest window. */
    static final long WINDOW_MILLIS = 250;
    /** The fewest windows before the rate is compared: the least time the warm-up takes. */
    static final int MIN_WINDOWS = 4;
    /** A window holds at least this many invocations (a slow peer's may take longer than a window). */
    static final int MIN_INVOCATIONS_PER_WINDOW = 2;
    /** The rise, as a fraction, below which the throughput counts as level. */
    static final double RISE = 0.05;

    /** The least time the warm-up takes when on: {@link #MIN_WINDOWS} windows. */
    static final long MIN_MILLIS = MIN_WINDOWS * WINDOW_MILLIS;

    /** One invocation of the workload. */
    @FunctionalInterface
    public interface Invocation {
        void run() throws InterruptedException;
    }

    /**
     * What a warm-up did.
     *
     * @param windows the windows run
     * @param millis how long it ran
     * @param level whether it ended because the rate levelled off (false: the bound ended it)
     * @param lastRate invocations per second in the last window
     * @param compiling when the bound ended it, whether the JIT had finished a compilation in the last two windows
     */
    public record Result(int windows, long millis, boolean level, double lastRate, boolean compiling) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "plateau warm-up: %d windows in %d ms, %s, last window %.1f invocations/s",
                    windows, millis, level ? "levelled off" : compiling ? "bound reached, the JIT still compiling" : "bound reached, still rising",
                    lastRate);
        }
    }

    private Plateau() {}

    /** The bound from {@value #MAX_PROPERTY}, in milliseconds; a value that is no number of milliseconds is refused. */
    public static long maxMillis() {
        String value = System.getProperty(MAX_PROPERTY);
        if (value == null) return DEFAULT_MAX_MILLIS;
        try {
            long millis = Long.parseLong(value.trim());
            if (millis >= 0) return millis;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("-D" + MAX_PROPERTY + "=" + value + ": expected milliseconds >= 0 (0 turns the plateau warm-up off)");
    }

    /**
     * Warms {@code invocation} up within {@link #maxMillis()}, prints what it did, and returns it (null when off).
     *
     * @throws InterruptedException if the workload is interrupted
     */
    public static Result warmUp(Invocation invocation) throws InterruptedException {
        long max = maxMillis();
        if (max == 0) return null;
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        LongSupplier compiling = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : () -> 0;
        Result r = warmUp(invocation, max, System::nanoTime, compiling);
        System.out.println(r);
        return r;
    }

    /**
     * The rule itself: {@code nanoTime} is the clock, {@code compileMillis} the JIT's total compilation
     * time so far (constant: never compiling).
     */
    static Result warmUp(Invocation invocation, long maxMillis, LongSupplier nanoTime, LongSupplier compileMillis) throws InterruptedException {
        long start = nanoTime.getAsLong();
        long deadline = start + maxMillis * 1_000_000L;
        double[] rates = new double[4]; // the last four windows' rates, newest last
        int windows = 0, quietWindows = 0;
        long compiled = compileMillis.getAsLong();
        while (true) {
            long windowStart = nanoTime.getAsLong();
            long windowEnd = windowStart + WINDOW_MILLIS * 1_000_000L;
            int invocations = 0;
            long now;
            do {
                invocation.run();
                invocations++;
                now = nanoTime.getAsLong();
            } while ((now < windowEnd || invocations < MIN_INVOCATIONS_PER_WINDOW) && now - deadline < 0);
            System.arraycopy(rates, 1, rates, 0, 3);
            rates[3] = invocations * 1e9 / Math.max(1, now - windowStart);
            windows++;
            long c = compileMillis.getAsLong();
            quietWindows = c == compiled ? quietWindows + 1 : 0;
            compiled = c;
            long millis = (now - start) / 1_000_000L;
            if (windows >= MIN_WINDOWS && quietWindows >= 2 && rates[2] + rates[3] < (1 + RISE) * (rates[0] + rates[1])) {
                return new Result(windows, millis, true, rates[3], false);
            }
            if (now - deadline >= 0) return new Result(windows, millis, false, rates[3], quietWindows < 2);
        }
    }
}
