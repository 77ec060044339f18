package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A tier took memory from the OS: a new Tiny slab or Mid span (charged to the budget, from a fresh
 * chunk of the reservation or from a span given back before, whose pages fault in again), fresh Large
 * pages (not reused dirty ones), or a new Huge mapping. Emitted after the memory was had.
 */
@Name("dev.hakmem.OsRefill")
@Label("hakmem OS Refill")
@Category({"hakmem", "Memory"})
@Description("A hakmem tier took memory from the OS: a slab or span, Large pages, a Huge mapping")
final class OsRefillEvent extends Event {
    @Label("Allocator Id")
    long allocatorId;

    @Label("Tier")
    String tier;

    @Label("Bytes")
    @DataAmount
    @Description("Bytes newly charged to the memory budget")
    long bytes;

    @Label("Requested Size")
    @DataAmount
    @Description("The request that needed the memory")
    long requestedSize;

    @Label("New Mapping")
    @Description("Whether a 4 MiB chunk of the reservation was committed (mprotect) or a Huge mapping made (mmap)")
    boolean newMapping;
}
