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
 * slow paths that allocations pass every so often anyway, never on the Tiny/Mid fast path: when a
 * thread's cache of a class is refilled (its inbox, spill, the shared lists or a slab: a batch of
 * blocks), and at Large and Huge calls. JFR is asked only once per 4 MiB that a thread takes on
 * those paths ({@link AllocatorEvents#SAMPLE_STRIDE_SHIFT}), so a sample stands for at least that much.
 * {@code weight} is the bytes the sampling thread's cache took (refilled batches count whole) or
 * Large/Huge blocks it allocated since its last emitted sample: summed over samples it estimates the
 * bytes allocated per stack trace (the bytes after the last sample of a recording, less than one
 * stride per thread, are in no sample). {@link Throttle}: 100 a second unless the recording says otherwise.
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
