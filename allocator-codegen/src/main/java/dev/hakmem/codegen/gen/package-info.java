/**
 * The generator: turns an {@link dev.hakmem.codegen.AllocatorSpec} into Java sources with JavaPoet.
 *
 * <p>What is generated: the variant class ({@link dev.hakmem.codegen.gen.VariantClass}), whose
 * {@code CONFIG} constant carries every setting of the spec ({@code CONFIG}'s builder calls come from
 * the table of spec keys, {@link dev.hakmem.codegen.spec.SpecKey#builderCalls}) and whose
 * {@code malloc}/{@code free} send the classes up to {@code frontsUpTo} to generated fronts and
 * everything else to the runtime's allocator of the same settings; one front per such Tiny class
 * ({@link dev.hakmem.codegen.gen.TinyFrontClass}) with its class index, block size, cache capacity,
 * batch, checks and stats as compile-time constants; and the per-thread cache
 * ({@link dev.hakmem.codegen.gen.CacheClass}), with one LIFO array, count and pair of counters in
 * fields per front class instead of the runtime's array of per-class objects. Blocks stay
 * interchangeable with the generic front's (same tiers, same registry, same state maps), so virtual
 * threads, Mid, Large and Huge go through the runtime unchanged.
 *
 * <h2>What a variant gives the JIT, and what it costs (issue 16)</h2>
 *
 * <p>Gives, on a front class: the class's array and count are fields of the thread's cache object,
 * where the generic front loads {@code byClass[cls]} and then the class cache's fields (two dependent
 * loads fewer); capacity and batch are constants, and {@code if (checks)}/{@code if (stats)} fold away
 * at compile time where the generic front tests final instance fields (a load and a predicted branch
 * each); the size-to-class table is a constant array of five entries. On tinyHot, where every call is
 * one class, the variant is 1.06-1.10x the generic allocator (quick runs with headline rounds,
 * 2026-12-02, docs/BENCHMARKS-HISTORY.md).
 *
 * <p>Costs, on a workload that mixes sizes: the dispatch is a branch, not an index. A malloc first
 * tests whether the size has a front ({@code size <= FRONT_MAX_SIZE}), then switches over the front
 * classes; a free tests the page's kind, then switches. The generic front takes any class down one
 * path indexed by the class. When sizes alternate between front and runtime classes, or between two
 * front classes, at random (skewed: 55% of its requests are 17-40 bytes in two front classes, 45% are
 * 65-520 bytes in runtime classes), both branches are mispredicted about half the time, some 15-20
 * cycles each, and the two paths each do their own thread-cache lookup. Measured: the default
 * variant runs skewed at 0.51-0.53x the generic allocator. Inlining is not what costs it: C2 refused to
 * inline the variant's {@code free} into the benchmark ("already compiled into a big method"), but
 * with {@code -XX:InlineSmallCode=5000} or {@code 20000} it is inlined and skewed stays at 58-59 M
 * ops/s against 107 M for the generic allocator (JFR and {@code -XX:+PrintInlining}, 2026-12-02).
 * So a generated front pays off only for classes that dominate a thread's calls; which design gets
 * the constants without the dispatch branch is issue 16's open question.
 */
package dev.hakmem.codegen.gen;
