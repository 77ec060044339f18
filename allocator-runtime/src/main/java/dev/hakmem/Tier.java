package dev.hakmem;

/** The allocator's tiers, by request size. */
public enum Tier {
    /** Up to {@value AllocatorConfig#TINY_MAX} bytes: size-class slabs with per-thread caches. */
    TINY,
    /** Up to {@value AllocatorConfig#MID_MAX} bytes: size-class spans with per-thread caches. */
    MID,
    /** Up to {@value AllocatorConfig#LARGE_MAX} bytes: page runs with coalescing and a bounded cache. */
    LARGE,
    /** Larger: mapped from the OS per block; on free kept for reuse for about a second (bounded), then unmapped. */
    HUGE
}
