package dev.hakmem;

import dev.hakmem.internal.diag.StatsFormat;
import java.util.List;

/**
 * What was still live when an allocator was closed: the blocks {@link NativeAllocator#close()} gave
 * back to the OS although nobody had freed them. The allocator logs it through {@link System.Logger}
 * {@code "dev.hakmem"} at {@code WARNING} when anything was live, and keeps it:
 * {@link NativeAllocator#leakReport()}.
 *
 * <p>What it can say depends on the settings: Large and Huge blocks are always counted; Tiny and Mid
 * blocks per class with stats on (the operation counters: allocations minus frees) or, with stats off,
 * with checks on (a walk over the block states at close); with both off the Tiny and Mid figures are
 * unknown ({@link #smallBlocksCounted()} is false and they read 0). The allocation sites need
 * {@link AllocatorConfig.Builder#leakSampling(int)}.
 *
 * @param atClose the allocator's counters taken at close, before its memory went back to the OS
 *     (also what {@link NativeAllocator#stats()} returns from then on); its live figures are the leak
 * @param smallBlocksCounted whether the Tiny and Mid live figures of {@code atClose} are known (stats
 *     or checks on); false: they read 0 whatever was live
 * @param samplingRate the {@link AllocatorConfig#leakSampling()} rate, 0 when no site was sampled
 * @param sampledLeaks how many of the live blocks were sampled (each with its allocation site)
 * @param topSites the allocation sites of the sampled live blocks, most leaked bytes first, at most
 *     {@value #TOP_SITES}
 */
public record LeakReport(AllocatorStats atClose, boolean smallBlocksCounted, int samplingRate, long sampledLeaks,
        List<LeakSite> topSites) {
    /** How many allocation sites a report names at most. */
    public static final int TOP_SITES = 5;

    /**
     * Takes an immutable copy of the sites.
     *
     * @throws NullPointerException if {@code atClose} or {@code topSites} is null or holds null
     */
    public LeakReport {
        if (atClose == null) throw new NullPointerException("atClose");
        topSites = List.copyOf(topSites);
    }

    /**
     * Whether anything was live at close.
     *
     * @return true when {@link #leakedBlocks()} or {@link #sampledLeaks()} is above 0
     */
    public boolean hasLeaks() {
        return atClose.liveBlocks() > 0 || sampledLeaks > 0;
    }

    /**
     * Blocks live at close, every tier.
     *
     * @return {@code atClose().liveBlocks()}
     */
    public long leakedBlocks() {
        return atClose.liveBlocks();
    }

    /**
     * Usable bytes of the blocks live at close.
     *
     * @return {@code atClose().bytesLive()}
     */
    public long leakedBytes() {
        return atClose.bytesLive();
    }

    /**
     * The report as it is logged: totals, per tier, per class with live blocks, then the top sites.
     *
     * @return a multi-line, human-readable text
     */
    @Override
    public String toString() {
        return StatsFormat.leakReport(this);
    }

    /**
     * One allocation site of leaked blocks: the sampled live blocks allocated from one stack.
     *
     * @param stack the allocating call stack, the caller of the allocator first (the allocator's own
     *     frames left out), at most 16 frames
     * @param blocks sampled blocks from this stack still live at close
     * @param bytes the bytes those blocks were asked for with
     */
    public record LeakSite(List<StackTraceElement> stack, long blocks, long bytes) {
        /**
         * Takes an immutable copy of the stack.
         *
         * @throws NullPointerException if {@code stack} is null or holds null
         */
        public LeakSite {
            stack = List.copyOf(stack);
        }
    }
}
