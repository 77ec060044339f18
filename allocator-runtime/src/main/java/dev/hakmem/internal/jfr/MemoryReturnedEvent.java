package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Memory given back to the OS ({@code madvise(MADV_DONTNEED)} or {@code munmap}). A duration event:
 * it spans the system calls. Emitted per tier and occasion: free Tiny/Mid slabs under memory
 * pressure, Large pages trimmed to the retained limit or under pressure, a Huge block unmapped on
 * free or retained mappings under pressure, and everything at close.
 */
@Name("dev.hakmem.MemoryReturned")
@Label("hakmem Memory Returned")
@Category({"hakmem", "Memory"})
@Description("A hakmem allocator gave memory back to the OS")
final class MemoryReturnedEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Tier")
    @Description("TINY, MID, LARGE, HUGE, or ALL at close")
    String tier;

    @Label("Bytes")
    @DataAmount
    @Description("Bytes uncharged from the memory budget")
    long bytes;

    @Label("Reason")
    @Description("free (a Huge block), retained limit (Large trim), memory pressure, address space, close")
    String reason;
}
