package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * Periodic: one per open allocator, from its {@code AllocatorStats} snapshot ({@link OpenAllocators}).
 * Memory figures are always there; the operation counters of Tiny and Mid are zero with stats off.
 * Committed and resident memory are per allocator: Tiny, Mid and Large share the reservation's chunks
 * (per tier, {@link TierStatisticsEvent} has live and cached bytes).
 */
@Name("dev.hakmem.AllocatorStatistics")
@Label("hakmem Allocator Statistics")
@Category({"hakmem", "Statistics"})
@Description("Memory and misuse counts of an open hakmem allocator")
@Period("1 s")
@StackTrace(false)
final class AllocatorStatisticsEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Reserved")
    @DataAmount
    @Description("Address space held: the reservation plus Huge mappings")
    long reserved;

    @Label("Committed")
    @DataAmount
    @Description("Bytes held from the OS (counted against the memory limit)")
    long committed;

    @Label("Resident")
    @DataAmount
    @Description("Of the committed bytes, those resident in RAM (mincore)")
    long resident;

    @Label("Memory Limit")
    @DataAmount
    long memoryLimit;

    @Label("Live")
    @DataAmount
    @Description("Usable bytes of the live blocks")
    long live;

    @Label("Live Blocks")
    long liveBlocks;

    @Label("Cached")
    @DataAmount
    @Description("Freed bytes kept for reuse, all tiers")
    long cached;

    @Label("Requested")
    @DataAmount
    @Description("Cumulative bytes requested")
    long requested;

    @Label("Allocations")
    long allocations;

    @Label("Frees")
    long frees;

    @Label("Double Frees")
    @Description("Refused so far: free of a block already free")
    long doubleFrees;

    @Label("Uses After Free")
    @Description("Refused so far: realloc or usableSize of a block already free")
    long usesAfterFree;

    @Label("Interior Pointers")
    long interiorPointers;

    @Label("Not Allocated")
    @Description("Refused so far: addresses where no block was handed out")
    long notAllocated;

    @Label("Racing Double Frees")
    @Description("Double frees of two threads at the same moment, caught late")
    long racingDoubleFrees;
}
