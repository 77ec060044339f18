package dev.hakmem.bench;

import dev.hakmem.bench.suite.QuickBudget;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a workload (its class, or one benchmark method) that quick mode must warm up for longer than
 * the few hundred milliseconds the other workloads get: at least {@link #millis()}, the default
 * ({@value QuickBudget#LONG_WARMUP_MILLIS} ms) for workloads whose invocations
 * start threads, so that the JIT compiles what the allocator does for a new thread, and for an ended
 * one, only after many invocations.
 *
 * <p>Why: measured 2026-12-04 (docs/BENCHMARKS-HISTORY.md, session 30), every workload of the default
 * selection on hakmem and tcmalloc, quick mode's iterations after 0.39 s and after 2 s of warm-up:
 * threadChurn with platform threads gave hakmem 4.0 and 11.0 M ops/s (tcmalloc 10.7 and 10.5), with
 * virtual threads 27.1 and 37.7 (tcmalloc 64.6 and 72.1), mstress 7.2 and 18.5 (tcmalloc 20.8 and
 * 16.3); no other workload moved beyond its spread. After 1.5 s: threadChurn 9.7 (tcmalloc 9.5) and
 * 41.7 (67.2), mstress 18.2 and 19.9 (17.8 and 22.7). The short warm-up measured hakmem's JIT, not its
 * allocator: a Java allocator's paths are compiled as they are taken, a native allocator's are
 * compiled already. On another machine (2026-12-07, session 63) hakmem's threadChurn with platform
 * threads still rose until its fourth second; {@link Plateau} warms it up to the fork's own plateau in
 * targeted runs.
 *
 * <p>A shorter mark ({@code millis = }{@link #CLIMBING_MILLIS}) is for workloads that do not start threads but whose
 * hakmem forks still climb through quick mode's three measurements after its 270 ms of warm-up, so
 * that which iteration the score (the 90th percentile of the iterations) lands on decided the ratio:
 * in both runs of quick-19 (2026-12-08) hakmem's first iteration was at about half its last on large
 * and skewedFootprint, and hakmem-gen's at 0.60-0.62 on midLargeMt with two threads, while the native
 * peers' were flat. With 600 ms instead of 270 ms (2 forks each, docs/BENCHMARKS-HISTORY.md, session
 * 69), midLargeMt with two threads gave hakmem [10.4, 63.1, 112.3] and [64.2, 92.6, 129.0] M ops/s
 * before and [120.7, 140.5, 144.4] and [122.5, 138.7, 138.9] after (tcmalloc about 80 and 100, flat in
 * both), skewedFootprint [15.2, 26.7, 28.9] and [32.4, 36.6, 38.4] before, flat at 37-39 after.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LongWarmup {
    /** The least warm-up of workloads whose hakmem forks climb through quick mode's measurements (see above). */
    long CLIMBING_MILLIS = 600;

    /** The least warm-up quick mode gives the workload, in milliseconds. */
    long millis() default QuickBudget.LONG_WARMUP_MILLIS;
}
