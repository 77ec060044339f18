package dev.hakmem.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a workload (its class, or one benchmark method) whose invocations start threads, so that the
 * JIT compiles what the allocator does for a new thread, and for an ended one, only after many
 * invocations: quick mode gives it a warm-up of at least
 * {@link dev.hakmem.bench.suite.QuickBudget#LONG_WARMUP_MILLIS} instead of the few hundred milliseconds
 * the other workloads get.
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
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LongWarmup {}
