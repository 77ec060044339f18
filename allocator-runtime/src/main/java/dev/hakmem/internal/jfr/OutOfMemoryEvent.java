package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * An allocation that fails with {@code OutOfMemoryError}: emitted once per failed call, after the
 * allocator has given back what it keeps for reuse and tried again, just before the error leaves
 * {@code malloc} (the Tiny/Mid refill's last attempt, a direct allocation of a virtual thread, or a
 * Large/Huge call).
 */
@Name("dev.hakmem.OutOfMemory")
@Label("hakmem Out of Memory")
@Category({"hakmem", "Memory"})
@Description("A hakmem allocation failed: the memory limit was reached, the address space was used up or the OS refused")
@StackTrace(true)
final class OutOfMemoryEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Requested Size")
    @DataAmount
    long requestedSize;

    @Label("Tier")
    String tier;

    @Label("Memory Limit")
    @DataAmount
    @Description("AllocatorConfig.memoryLimit (Long.MAX_VALUE: unlimited)")
    long memoryLimit;

    @Label("Committed")
    @DataAmount
    @Description("Bytes held from the OS when the allocation failed")
    long committed;

    @Label("Message")
    String message;
}
