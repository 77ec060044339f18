/**
 * The allocator's boxes. {@link dev.hakmem.internal.HakmemAllocator} is the front that routes calls;
 * the design is described in the {@code dev.hakmem} package documentation.
 */
package dev.hakmem.internal;
