/**
 * Diagnostics that cost nothing until asked for: the text forms of the figures
 * ({@link dev.hakmem.internal.diag.StatsFormat}: {@code toString()}, {@code dump()}, the leak report),
 * the MXBean ({@link dev.hakmem.internal.diag.AllocatorMXBean}, a fresh snapshot per attribute read),
 * and leak sampling ({@link dev.hakmem.internal.diag.LeakSampler}, the out-of-band sites of sampled
 * blocks, and {@link dev.hakmem.internal.diag.SamplingAllocator}, the wrapper that feeds it).
 *
 * <p>Leak sampling is a wrapper rather than a branch in the allocator's fast paths so that it costs
 * nothing when off (the default): an allocator built without it runs exactly the code it ran before
 * the feature existed. What the leak report can count in each configuration (stats, checks) is said
 * in {@link dev.hakmem.LeakReport}; the report itself is made by the allocator's {@code close()}.
 */
package dev.hakmem.internal.diag;
