package dev.hakmem;

import java.util.Map;
import javax.management.ObjectName;

/**
 * The management view of one allocator: the figures of {@link AllocatorStats} (read-only attributes)
 * and one operation, {@link #trim()}, registered
 * with {@link Hakmem#registerMBean(NativeAllocator, String)} under
 * {@code dev.hakmem:type=Allocator,name=<name>}. Every attribute read takes a fresh snapshot
 * ({@link NativeAllocator#stats()}: per-thread counters summed, and {@code mincore} over the used
 * address space for {@link #getBytesResident()}), so reading all attributes costs one snapshot each;
 * a monitoring tool polling every few seconds costs the allocator nothing in between. After the
 * allocator's close the attributes report the snapshot taken at close.
 */
public interface HakmemMXBean {
    /**
     * Cumulative bytes asked for.
     *
     * @return {@link AllocatorStats#bytesRequested()}
     */
    long getBytesRequested();

    /**
     * Usable bytes of the live blocks.
     *
     * @return {@link AllocatorStats#bytesLive()}
     */
    long getBytesLive();

    /**
     * Blocks live now.
     *
     * @return {@link AllocatorStats#liveBlocks()}
     */
    long getLiveBlocks();

    /**
     * Blocks allocated so far.
     *
     * @return {@link AllocatorStats#allocations()}
     */
    long getAllocations();

    /**
     * Blocks freed so far.
     *
     * @return {@link AllocatorStats#frees()}
     */
    long getFrees();

    /**
     * Address space held.
     *
     * @return {@link AllocatorStats#bytesReserved()}
     */
    long getBytesReserved();

    /**
     * Bytes held from the OS.
     *
     * @return {@link AllocatorStats#bytesCommitted()}
     */
    long getBytesCommitted();

    /**
     * Bytes resident in RAM.
     *
     * @return {@link AllocatorStats#bytesResident()}
     */
    long getBytesResident();

    /**
     * Double frees caught late.
     *
     * @return {@link AllocatorStats#racingDoubleFrees()}
     */
    long getRacingDoubleFrees();

    /**
     * Live blocks per tier.
     *
     * @return tier name ({@link Tier#name()}) to {@link AllocatorStats.TierStats#liveBlocks()}
     */
    Map<String, Long> getTierLiveBlocks();

    /**
     * Live bytes per tier.
     *
     * @return tier name to {@link AllocatorStats.TierStats#liveBytes()}
     */
    Map<String, Long> getTierLiveBytes();

    /**
     * Freed bytes kept for reuse per tier.
     *
     * @return tier name to {@link AllocatorStats.TierStats#cachedBytes()}
     */
    Map<String, Long> getTierCachedBytes();

    /**
     * Live blocks per Tiny and Mid class.
     *
     * @return block size of the class to {@link AllocatorStats.ClassStats#liveBlocks()}
     */
    Map<Integer, Long> getClassLiveBlocks();

    /**
     * The allocator's readable table.
     *
     * @return {@link NativeAllocator#dump()}
     */
    String getDump();

    /**
     * The operation: gives the free memory the allocator keeps back to the OS, as
     * {@link NativeAllocator#trim()} does (for example from JConsole or {@code jmxterm} after a burst,
     * as {@code jcmd <pid> System.trim_native_heap} does for glibc's heap).
     *
     * @return bytes given back
     * @throws IllegalStateException after the allocator's close
     */
    long trim();

    /**
     * A registered MXBean: unregister it with {@link #close()}.
     */
    interface Registration extends AutoCloseable {
        /**
         * The name it is registered under.
         *
         * @return {@code dev.hakmem:type=Allocator,name=<name>} (the name quoted when it needs to be)
         */
        ObjectName objectName();

        /** Unregisters the MXBean; idempotent. The allocator itself is not closed. */
        @Override
        void close();
    }
}
