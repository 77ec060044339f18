package dev.hakmem.internal.small;

import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.registry.StateMap;

/**
 * Counts the live Tiny and Mid blocks from their out-of-band states ({@link BlockState}), for the leak
 * report of an allocator whose stats are off (with stats on, the counters say the same for nothing).
 * Needs checks on: the states exist only then.
 *
 * <p>A walk over every page of the used address space and every carved block of each slab: linear
 * in the memory the allocator has carved (about a millisecond per 100 MiB of Tiny blocks), which only
 * {@code close()} pays. A block is live exactly when its state is {@link BlockState#LIVE}: blocks in
 * caches are {@code FREED} (or {@code NEVER}, carved but not yet handed out), blocks on their way to
 * their owner {@code REMOTE}. Exact once no other thread allocates or frees (as at a close within the
 * contract).
 */
public final class LiveBlockCensus {
    private LiveBlockCensus() {}

    /**
     * Live blocks per class (Tiny classes first, then Mid) in the first {@code usedSpan} bytes of the
     * registry's range, or null with checks off.
     */
    public static long[] count(ChunkRegistry registry, long usedSpan, SizeClasses classes) {
        StateMap states = registry.stateMap();
        if (states == null) return null;
        long[] live = new long[classes.count()];
        long base = registry.base();
        for (long offset = 0; offset < usedSpan; offset += 1L << ChunkRegistry.PAGE_SHIFT) {
            long page = base + offset;
            if (registry.kind(page) <= 0) continue; // not a small class's page
            Slab slab = registry.slab(page);
            if (slab == null || slab.base() != page) continue; // a span is counted at its first page
            int cls = slab.sizeClass();
            int shift = classes.isTiny(cls) ? StateMap.TINY_SHIFT : StateMap.MID_SHIFT;
            int carved = slab.carved();
            long n = 0;
            for (int i = 0; i < carved; i++) {
                if (BlockState.read(states.address(slab.blockAddress(i), shift)) == BlockState.LIVE) n++;
            }
            live[cls] += n;
        }
        return live;
    }
}
