/**
 * The Huge tier: one mapping per block above 2 MiB ({@link dev.hakmem.internal.huge.HugeTier}). A freed
 * block's mapping is kept for the next Huge malloc that fits in it, as free address ranges split and
 * merged like a small page heap ({@link dev.hakmem.internal.huge.RetainedRanges}), so that blocks of
 * several MiB replaced one by one reuse pages already faulted in, as glibc's and tcmalloc's heaps do;
 * what is kept is bounded (the larger of {@code hugeRetainedBytes}, 64 MiB by default, and 4 times the
 * live Huge bytes) and goes back to the OS after about a second without reuse, checked by every Huge
 * malloc and by the allocator's reaper thread every 50 ms, so an idle program keeps none of it. A
 * Huge block that realloc grows keeps its pages: the kernel moves or extends its mapping
 * ({@code mremap}), nothing is copied.
 */
package dev.hakmem.internal.huge;
