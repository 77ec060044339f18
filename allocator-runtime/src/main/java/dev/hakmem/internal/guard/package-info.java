/**
 * Guarded sampling (GWP-ASan's idea for a Java allocator): one block in a configured rate is placed
 * at the end of its own pages, before a page that is never accessible, and its pages are made
 * inaccessible again when it is freed and not reused for a while (a quarantine). A program that
 * overflows such a block or uses it after the free faults at that instant, with the address in the
 * JVM's crash report, instead of corrupting whatever lived next to it; a sampled segment throws in
 * Java. Over a long run every kind of block gets sampled, so a bug that happens often enough is
 * caught at its source, at a cost small enough for production.
 *
 * <p>{@link dev.hakmem.internal.guard.GuardSampling} wraps the allocator when
 * {@link dev.hakmem.AllocatorConfig#guardSampling()} is on; {@link dev.hakmem.internal.guard.GuardedSlots}
 * holds the sampled blocks' memory. Off (the default) nothing of this runs.
 */
package dev.hakmem.internal.guard;
