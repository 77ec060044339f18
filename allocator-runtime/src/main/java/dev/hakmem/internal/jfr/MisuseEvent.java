package dev.hakmem.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.DataAmount;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A misuse detected: emitted where the tier builds the exception, just before it is thrown (so the
 * stack trace is the caller's), and for racing double frees caught late (no exception; the stack is
 * then the block owner's refill). Never changes what is thrown.
 */
@Name("dev.hakmem.Misuse")
@Label("hakmem Misuse")
@Category({"hakmem", "Misuse"})
@Description("An address refused by a hakmem allocator: double free, use after free, interior pointer, never allocated")
@StackTrace(true)
final class MisuseEvent extends Event {
    @Label("Allocator Id")
    @Description("Identifies the allocator in this JVM (1, 2, ... in creation order)")
    long allocatorId;

    @Label("Kind")
    String kind;

    @Label("Operation")
    @Description("The call that was refused: free, realloc, usableSize")
    String operation;

    @Label("Address")
    @MemoryAddress
    long address;

    @Label("Tier")
    @Description("TINY, MID, LARGE or HUGE; empty when unknown")
    String tier;

    @Label("Size Class")
    @Description("Index of the Tiny/Mid size class, -1 when not a Tiny/Mid block")
    int sizeClass;

    @Label("Block Size")
    @DataAmount
    @Description("Size of the block of the size class, 0 when unknown")
    long blockSize;

    @Label("Message")
    @Description("The exception's message (or the logged warning of a racing double free)")
    String message;
}
