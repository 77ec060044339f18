package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The cache of a platform thread that has ended was reclaimed (by the {@code hakmem-reaper} thread,
 * or by an allocating thread that found it first): its blocks went to the shared lists and its slabs
 * became shared. A duration event, one per ended thread, spanning the reclaim; no stack trace (the
 * reclaiming thread's says nothing of the ended one).
 */
@Name("dev.hakmem.ThreadCacheReclaim")
@Label("hakmem Thread Cache Reclaim")
@Category({"hakmem", "Thread Cache"})
@Description("The cache of an ended thread was reclaimed")
@StackTrace(false)
final class ThreadCacheReclaimEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Ended Thread")
    @Description("The thread whose cache was reclaimed")
    Thread endedThread;

    @Label("Blocks")
    @Description("Free Tiny/Mid blocks and Large blocks its cache held, given to the shared lists")
    long blocks;

    @Label("Bytes")
    @DataAmount
    @Description("Bytes of those blocks")
    long bytes;
}
