package dev.hakmem.bench.suite;

import dev.hakmem.bench.CrossThreadFrees;
import dev.hakmem.bench.LongWarmup;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmarks compiled into the jar (JMH's own {@code META-INF/BenchmarkList}) that a regex
 * selects, classified for the plan.
 *
 * <p>Why not a list in the script: the job must pick up every new workload by itself. Selection goes
 * through JMH's own matcher, so a regex selects here exactly what it would select on JMH's command
 * line; whether a workload frees on other threads comes from its {@link CrossThreadFrees} mark, and
 * how long it must at least warm up from its {@link LongWarmup} mark.
 */
public final class BenchmarkCatalog {
    /**
     * Every workload of {@code dev.hakmem.bench} and its subpackages except {@code bench.design} (design
     * measurements), {@code bench.latency} (the latency run, {@code --latency}) and {@code bench.mbench}
     * (the rest of mimalloc-bench's standard set, {@code --extended}).
     */
    public static final String DEFAULT_SELECTION = "^dev\\.hakmem\\.bench\\.(?!design\\.|latency\\.|mbench\\.)";
    /** The latency run's benchmarks (JMH sample time), which the job runs only with {@code --latency}. */
    public static final String LATENCY_SELECTION = "^dev\\.hakmem\\.bench\\.latency\\.";
    /**
     * The rest of mimalloc-bench's standard set (rptest, glibc-simple, glibc-thread, malloc-large,
     * mleak), which the job runs only with {@code --extended}.
     */
    public static final String EXTENDED_SELECTION = "^dev\\.hakmem\\.bench\\.mbench\\.";

    private BenchmarkCatalog() {}

    /**
     * The benchmarks matching {@code regex} (JMH's find semantics), in JMH's order.
     *
     * @param paramOverrides {@code -p} values given to JMH, which replace a parameter's {@code @Param}
     *     values and so change how many combinations run
     */
    public static List<PlannedBenchmark> select(String regex, Map<String, List<String>> paramOverrides) {
        var silent = OutputFormatFactory.createFormatInstance(new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
        List<PlannedBenchmark> selected = new ArrayList<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(silent, List.of(regex), List.of())) {
            Map<String, String[]> params = e.getParams().orElse(Map.of());
            int combinations = 1;
            for (var p : params.entrySet()) {
                if (p.getKey().equals("peer")) continue;
                List<String> override = paramOverrides.get(p.getKey());
                combinations *= override != null ? override.size() : p.getValue().length;
            }
            String method = e.getUsername().substring(e.getUserClassQName().length() + 1);
            Class<?> cls = benchmarkClass(e.getUserClassQName());
            selected.add(new PlannedBenchmark(e.getUsername(), e.getMode(), marked(CrossThreadFrees.class, cls, method),
                    params.containsKey("peer"), combinations, leastWarmupMillis(cls, method)));
        }
        return selected;
    }

    /** True when the class, the benchmark method or any method of the {@code @Group} carries {@code mark}. */
    static boolean marked(Class<? extends Annotation> mark, Class<?> c, String methodOrGroup) {
        return c.isAnnotationPresent(mark) || markOnMethod(mark, c, methodOrGroup) != null;
    }

    /**
     * The {@link LongWarmup#millis()} of the benchmark's mark (the method's, or its {@code @Group}'s, over
     * the class's), or 0 when neither carries one.
     */
    static long leastWarmupMillis(Class<?> c, String methodOrGroup) {
        LongWarmup mark = markOnMethod(LongWarmup.class, c, methodOrGroup);
        if (mark == null) mark = c.getAnnotation(LongWarmup.class);
        return mark == null ? 0 : mark.millis();
    }

    /** {@code mark} on the benchmark method or on a method of the {@code @Group} named {@code methodOrGroup}, or null. */
    private static <A extends Annotation> A markOnMethod(Class<A> mark, Class<?> c, String methodOrGroup) {
        for (Method m : c.getMethods()) {
            if (!m.isAnnotationPresent(Benchmark.class) || !m.isAnnotationPresent(mark)) continue;
            Group g = m.getAnnotation(Group.class);
            if (m.getName().equals(methodOrGroup) || (g != null && g.value().equals(methodOrGroup))) return m.getAnnotation(mark);
        }
        return null;
    }

    /** The class JMH lists a benchmark under, loaded without initialising it. */
    private static Class<?> benchmarkClass(String className) {
        try {
            return Class.forName(className, false, BenchmarkCatalog.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("benchmark class " + className + " is listed by JMH but not on the class path", e);
        }
    }

    /** The {@code -p name=v1,v2} options among JMH arguments (JMH replaces {@code @Param} values with them). */
    public static Map<String, List<String>> paramOverrides(List<String> jmhArgs) {
        Map<String, List<String>> overrides = new java.util.HashMap<>();
        for (int i = 0; i + 1 < jmhArgs.size(); i++) {
            if (!jmhArgs.get(i).equals("-p")) continue;
            String[] kv = jmhArgs.get(i + 1).split("=", 2);
            if (kv.length == 2) overrides.put(kv[0], List.of(kv[1].split(",")));
        }
        return overrides;
    }
}
