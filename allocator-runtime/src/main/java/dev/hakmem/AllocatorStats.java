package dev.hakmem;

import java.util.List;

/**
 * A snapshot of an allocator's counters.
 *
 * <p>Operation counters are kept per thread with plain increments and summed when the snapshot is
 * taken, so a snapshot taken while other threads allocate is approximate (each counter is exact once
 * those threads have stopped or synchronised with the reader). With stats off in
 * {@link AllocatorConfig} the Tiny and Mid operation counters stay zero (Large and Huge, counted under
 * their locks, and the memory figures are always reported).
 *
 * @param bytesRequested cumulative bytes asked for by malloc, calloc, realloc and aligned allocations
 * @param bytesLive usable bytes of the blocks live now (each block counts its size class, run or mapping)
 * @param liveBlocks blocks live now
 * @param allocations blocks allocated so far
 * @param frees blocks freed so far
 * @param bytesReserved virtual address space held: the reservation for Tiny, Mid and Large plus Huge mappings
 * @param bytesCommitted bytes obtained from the OS and not returned (counted against the memory limit)
 * @param bytesResident of the committed bytes, those resident in RAM now (by {@code mincore})
 * @param racingDoubleFrees double frees of Tiny and Mid blocks (with checks on) and of Large blocks caught late: two threads
 *     freed one block at the same moment, both calls returned, and the block's owner refused the
 *     second free when it arrived (each is also logged; the block was freed once and is not counted
 *     twice in {@code frees}). A sequential double free throws at the call instead and is not counted.
 * @param tiers per-tier counters, in {@link Tier} order
 * @param classes per-class counters, Tiny classes then Mid classes
 */
public record AllocatorStats(
        long bytesRequested,
        long bytesLive,
        long liveBlocks,
        long allocations,
        long frees,
        long bytesReserved,
        long bytesCommitted,
        long bytesResident,
        long racingDoubleFrees,
        List<TierStats> tiers,
        List<ClassStats> classes) {

    /**
     * Takes immutable copies of the two lists, so a snapshot never changes once made.
     *
     * @throws NullPointerException if {@code tiers} or {@code classes} is null or holds null
     */
    public AllocatorStats {
        tiers = List.copyOf(tiers);
        classes = List.copyOf(classes);
    }

    /**
     * The counters of one tier.
     *
     * @param tier which tier
     * @return its counters (the element of {@link #tiers()} at {@code tier.ordinal()})
     */
    public TierStats tier(Tier tier) { return tiers.get(tier.ordinal()); }

    /**
     * Counters of one tier.
     *
     * @param tier the tier
     * @param allocations blocks allocated so far
     * @param frees blocks freed so far
     * @param liveBlocks blocks live now
     * @param liveBytes usable bytes of the live blocks
     * @param cachedBytes freed bytes the tier keeps for reuse (thread caches and shared lists for Tiny
     *     and Mid; free runs still resident for Large; retained mappings for Huge)
     */
    public record TierStats(Tier tier, long allocations, long frees, long liveBlocks, long liveBytes, long cachedBytes) {}

    /**
     * Counters of one size class.
     *
     * @param index class index (Tiny classes first, then Mid)
     * @param size block size in bytes
     * @param tier {@link Tier#TINY} or {@link Tier#MID}
     * @param allocations blocks allocated so far
     * @param frees blocks freed so far
     * @param liveBlocks blocks live now
     * @param slabs slabs (Tiny) or spans (Mid) carved for this class
     */
    public record ClassStats(int index, int size, Tier tier, long allocations, long frees, long liveBlocks, long slabs) {}
}
