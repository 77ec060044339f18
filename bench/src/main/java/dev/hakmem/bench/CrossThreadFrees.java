package dev.hakmem.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a workload (its class, or one benchmark method or {@code @Group} method) in which a block can
 * be freed by a thread other than the one that allocated it: remote frees, thread hand-off, blocks
 * made by a setup thread, footprint runs with short-lived threads.
 *
 * <p>Why it exists: some peers (a confined {@code Arena}) cannot free on another thread. The benchmark
 * job ({@code bench/run-benchmarks.sh}, through {@link dev.hakmem.bench.suite.SuitePlanner}) reads this
 * annotation to run such peers only on unmarked workloads, and the report shows their cells on marked
 * ones as "n/a" with the reason instead of a failure. A cross-thread workload left unmarked still runs
 * those peers; they then throw (every workload reads a block before freeing it) and the report shows
 * FAILED cells, so a missing mark is loud, never silent.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface CrossThreadFrees {}
