package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Throttle;

/**
 * A throttled sample of allocations, after JFR's own {@code jdk.ObjectAllocationSample}: taken on
 * slow paths that allocations pass every so often anyway, never on the Tiny/Mid fast path. A Tiny/Mid
 * sample is taken when a thread's cache of a class is refilled (its inbox, spill, the shared lists or
 * a slab: a batch of blocks); a Large or Huge sample at every such call. {@code weight} is the bytes
 * the sampling thread's cache took (refilled batches count whole) or Large/Huge blocks it allocated
 * since its last emitted sample, while the event was enabled: summed over samples it estimates the
 * bytes allocated per stack trace. {@link Throttle}: 100 a second unless the recording says otherwise.
 */
@Name("dev.hakmem.AllocationSample")
@Label("hakmem Allocation Sample")
@Category({"hakmem", "Allocation"})
@Description("A sampled hakmem allocation (at cache refills and Large/Huge calls), weighted by the bytes since the thread's last sample")
@StackTrace(true)
@Throttle("100/s")
final class AllocationSampleEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Requested Size")
    @DataAmount
    long requestedSize;

    @Label("Tier")
    String tier;

    @Label("Size Class")
    @Description("Index of the Tiny/Mid size class, -1 for Large and Huge")
    int sizeClass;

    @Label("Block Size")
    @DataAmount
    @Description("Size of the block handed out (the class's size, or the request for Large and Huge)")
    long blockSize;

    @Label("Weight")
    @DataAmount
    @Description("Bytes taken by this thread's cache or Large/Huge calls since its last sample")
    long weight;
}
