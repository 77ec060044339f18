package dev.hakmem.internal.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Bulk access to native memory by absolute address (zeroing for calloc, copying for realloc) through a
 * segment that starts at address 0, so that an address is its own offset.
 *
 * <p>Which segment says what protects the access. Blocks of a live allocator are reached through the
 * segment of the box that maps them ({@link Reservation#memory()}, the Huge tier's): those belong to a
 * shared arena that the box closes before it unmaps, so an access racing the allocator's close throws
 * IllegalStateException instead of touching unmapped memory. {@link #ANYWHERE} has the global scope and
 * checks nothing: only for memory the caller alone can unmap (a mapping it holds and nobody else knows).
 */
public final class RawMemory {
    /** Every address, global scope: no liveness check at all. */
    public static final MemorySegment ANYWHERE = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /**
     * {@code address} (a mapping's start, which every 64-bit platform keeps below 2^62) with the top
     * two bits cleared: the same value, but one the JIT knows to lie in [0, 2^62), so that
     * {@code ANYWHERE}'s access at it plus a shifted offset needs no bounds check. Apply it where the
     * address is used, not once into a field: a field's value carries no range the JIT can see.
     */
    public static long inRange(long address) {
        return address & ((1L << 62) - 1);
    }

    private RawMemory() {}

    /** Zeroes {@code bytes} bytes at {@code address}, reached through {@code memory}. */
    public static void zero(MemorySegment memory, long address, long bytes) {
        memory.asSlice(address, bytes).fill((byte) 0);
    }

    /** Copies {@code bytes} bytes from {@code from} (in {@code source}) to {@code to} (in {@code target}). */
    public static void copy(MemorySegment source, long from, MemorySegment target, long to, long bytes) {
        MemorySegment.copy(source, from, target, to, bytes);
    }

    /** The byte at {@code address} (tests). */
    public static byte getByte(long address) {
        return ANYWHERE.get(ValueLayout.JAVA_BYTE, address);
    }
}
