/**
 * The generator: turns an {@link dev.hakmem.codegen.AllocatorSpec} into Java sources with JavaPoet.
 *
 * <p>What is generated today: the variant class ({@link dev.hakmem.codegen.gen.VariantGenerator}),
 * whose {@code CONFIG} constant carries every setting of the spec and whose {@code create()} returns a
 * {@code NativeAllocator} built from it. {@code CONFIG}'s builder calls come from the table of spec keys
 * ({@link dev.hakmem.codegen.spec.SpecKey#builderCalls}), so a setting added there reaches it unasked.
 *
 * <p>Next (issue 4, designed, not yet generated): one Tiny front per size class with its class index,
 * block size, cache capacity, batch, checks and stats as compile-time constants, a size-to-class table
 * as a generated constant, and the per-thread cache as a generated class with one pair of fields per
 * class (LIFO array and count) instead of the runtime's array of per-class objects, saving two
 * dependent loads per operation. That needs a runtime SPI the generated per-thread class can extend:
 * the runtime's slow paths (refill, flush, remote free, thread-exit reclamation, statistics) then reach
 * a class's array and count through accessors the generated class implements, while the fast paths
 * touch the generated fields directly. Blocks stay interchangeable with the generic front's (same
 * tiers, same registry), so virtual threads, Mid, Large and Huge go through the runtime unchanged.
 */
package dev.hakmem.codegen.gen;
