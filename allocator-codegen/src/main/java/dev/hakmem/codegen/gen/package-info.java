/**
 * The generator: turns an {@link dev.hakmem.codegen.AllocatorSpec} into Java sources with JavaPoet.
 *
 * <p>What is generated: the variant class ({@link dev.hakmem.codegen.gen.VariantClass}), whose
 * {@code CONFIG} constant carries every setting of the spec ({@code CONFIG}'s builder calls come from
 * the table of spec keys, {@link dev.hakmem.codegen.spec.SpecKey#builderCalls}) and whose
 * {@code malloc}/{@code free} send the classes up to {@code frontsUpTo} (by default every Tiny class)
 * to the generated front and everything else to the runtime's allocator of the same settings; the
 * front ({@link dev.hakmem.codegen.gen.FrontClass}): one {@code malloc} and one {@code free} for
 * every front class, over the class's cache, with checks and stats as compile-time constants; and the
 * per-thread cache ({@link dev.hakmem.codegen.gen.CacheClass}): per front class one small object (a
 * LIFO array, its count and a pair of counters), reached by the class or, for a malloc, straight from
 * the request's 16-byte granule, as the generic front's caches are. Blocks stay interchangeable with the
 * generic front's (same tiers, same registry, same state maps), so virtual threads, Mid, Large and
 * Huge go through the runtime unchanged.
 *
 * <h2>What a variant gives the JIT</h2>
 *
 * <p>Against the generic front ({@code dev.hakmem.internal.small.SmallFront}), for one malloc or free
 * of a front class: {@code if (checks)}, {@code if (stats)} and the profile's {@code if (profile !=
 * null)} fold away at compile time, where the generic front loads a final instance field for each and
 * branches on it; the size-to-class table is a static final array, where the generic front loads the
 * allocator's size classes first; the state byte of a block is found with the Tiny classes' map and
 * granule as constants, where the generic front tests the class to pick the Tiny or the Mid ones.
 * What it adds: a type test ({@code support.ownFront(fronts) instanceof <Variant>Cache}) and a second
 * test of the size or page kind (front class or not). What it leaves out: the test that the allocator
 * is open. The variant holds the runtime's table of fronts by thread id in a field of its own
 * ({@code fronts}), and closing the allocator empties that table, so a lookup after close misses and
 * the variant takes the generic path, which throws ({@code FrontSupport.ownFront(ThreadFront[])}):
 * the thread's front is two loads from the variant, where the generic front's cache is three from
 * the allocator and the open flag one more. The caches are laid out as the generic front's (an object per class,
 * a table from the request's granule to it): laid out in arrays indexed by the class
 * ({@code blocks[cls]}, {@code counts[cls]}, until session 39), a malloc took a load and a bounds check
 * more, and tinyHot ran at 0.89-0.90x the generic allocator (0.94-0.98x in 3 forks since: docs/BENCHMARKS.md).
 *
 * <h2>Why one method for every class, not code per class</h2>
 *
 * <p>Earlier versions of the generator wrote one class per front class (its index, size, capacity and
 * batch as constants) and the variant dispatched to them with a {@code switch}; the default front
 * covered the classes up to 64 bytes. Measured (docs/BENCHMARKS-HISTORY.md, session 26): where one
 * class takes every call (tinyHot) that was 1.06-1.10x the generic allocator, but a program that mixes
 * sizes paid for it: the size test (front or runtime) and the switch are branches that go either way
 * at random, and each path does its own thread-cache lookup. The default variant ran skewed and
 * randomMixed at 0.79-0.86x the generic allocator, and a switch over all 20 Tiny classes ran even
 * tinyHot at 0.4x. The capacity and batch constants bought nothing: the runtime's slow paths size the
 * arrays and move the batches. So the front is now indexed by the class, like the generic one, and
 * covers every Tiny class by default: a mixed-size program runs one method whose branches do not
 * depend on the size. Measured (docs/BENCHMARKS.md, "Generated variants"): skewed went from 0.68x to
 * 0.82x the generic allocator and randomMixed from 0.90x to 0.96-1.04x. The rest of the gap was the
 * way in: the variant reached its thread's front through the thread's cache; the runtime now keeps
 * a table of fronts beside its table of caches ({@code ThreadCaches.ownFront}), and the variant
 * runs at 0.95-1.05x the generic allocator on skewed, randomMixed and tinyHot. Until session 47 the
 * variant reached that table and the open flag through {@code FrontSupport} (four loads on the way in
 * that the generic front does not have); with the table in the variant's own field and no open flag,
 * the variant's skewed went from 108.6 to 172.8 M ops/s in one interleaved loop, and ran at 1.07x the
 * generic allocator in 3 forks of one JMH run (docs/BENCHMARKS-HISTORY.md, session 47). On tinyHot
 * the two compile to the same loop but for a test of the page kind: a generated variant cannot be
 * much faster there.
 */
package dev.hakmem.codegen.gen;
