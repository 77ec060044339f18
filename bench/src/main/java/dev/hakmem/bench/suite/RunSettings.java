package dev.hakmem.bench.suite;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Forks and iterations of one JMH invocation of the job, as JMH options.
 *
 * <p>Kept apart from the benchmarks' own {@code @Warmup}/{@code @Measurement} annotations because the
 * job's two modes differ only here: quick runs fit the whole matrix into a time budget
 * ({@link QuickBudget}), full runs take fixed, longer settings.
 *
 * @param warmupMillis time of a warm-up iteration; 0 for single-shot runs, where an iteration is one
 *     invocation and {@code -w} means nothing
 * @param measurementMillis time of a measurement iteration; 0 for single-shot runs
 */
public record RunSettings(int forks, int warmupIterations, long warmupMillis, int iterations, long measurementMillis) {
    /** Full mode, timed benchmarks: 3 forks of 3 x 1 s warm-up and 5 x 1 s measurement. */
    public static final RunSettings FULL_TIMED = new RunSettings(3, 3, 1000, 5, 1000);
    /** Full mode, single-shot benchmarks: 3 forks of 2 warm-up and 5 measured invocations. */
    public static final RunSettings FULL_SINGLE_SHOT = new RunSettings(3, 2, 0, 5, 0);
    /** Quick mode, single-shot benchmarks: 1 fork, 1 warm-up and 2 measured invocations. */
    public static final RunSettings QUICK_SINGLE_SHOT = new RunSettings(1, 1, 0, 2, 0);

    /** These settings with warm-up iterations of at least {@code millis} (timed settings only). */
    public RunSettings withWarmupAtLeast(long millis) {
        if (singleShot()) throw new IllegalStateException("single-shot settings have no warm-up time: " + describe());
        return new RunSettings(forks, warmupIterations, Math.max(warmupMillis, millis), iterations, measurementMillis);
    }

    /** True for the settings of single-shot benchmarks (no iteration times). */
    public boolean singleShot() {
        return warmupMillis == 0 && measurementMillis == 0;
    }

    /** The JMH options: {@code -f}, {@code -wi}, {@code -i}, and {@code -w}/{@code -r} when timed. */
    public List<String> jmhArgs() {
        List<String> args = new ArrayList<>(List.of("-f", "" + forks, "-wi", "" + warmupIterations));
        if (!singleShot()) args.addAll(List.of("-w", warmupMillis + "ms"));
        args.addAll(List.of("-i", "" + iterations));
        if (!singleShot()) args.addAll(List.of("-r", measurementMillis + "ms"));
        return args;
    }

    /** For people: "1 fork, warm-up 1 x 330 ms, measurement 3 x 110 ms". */
    public String describe() {
        String f = forks + (forks == 1 ? " fork" : " forks");
        if (singleShot()) {
            return String.format(Locale.ROOT, "%s, %d warm-up and %d measured invocation(s)", f, warmupIterations, iterations);
        }
        return String.format(Locale.ROOT, "%s, warm-up %d x %d ms, measurement %d x %d ms",
                f, warmupIterations, warmupMillis, iterations, measurementMillis);
    }
}
