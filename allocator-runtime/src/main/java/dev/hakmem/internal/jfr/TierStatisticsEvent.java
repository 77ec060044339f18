package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One per open allocator and tier, emitted with {@link AllocatorStatisticsEvent} from the same
 * snapshot, at its period, when this event is enabled too (it has no period of its own: one snapshot
 * serves both).
 */
@Name("dev.hakmem.TierStatistics")
@Label("hakmem Tier Statistics")
@Category({"hakmem", "Statistics"})
@Description("Live and cached memory of one tier of an open hakmem allocator")
@StackTrace(false)
final class TierStatisticsEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Tier")
    String tier;

    @Label("Live")
    @DataAmount
    long live;

    @Label("Live Blocks")
    long liveBlocks;

    @Label("Cached")
    @DataAmount
    @Description("Freed bytes the tier keeps for reuse (caches and shared lists; dirty Large pages; retained Huge mappings)")
    long cached;

    @Label("Allocations")
    long allocations;

    @Label("Frees")
    long frees;
}
