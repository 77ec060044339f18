package dev.hakmem.internal.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Bulk access to native memory by absolute address (zeroing for calloc, copying for realloc),
 * through one segment that spans the whole address space.
 *
 * <p>That segment has the global scope, so these methods check nothing about liveness: callers pass
 * only ranges of blocks they own. (User-facing segments are bound to the allocator's own arena
 * instead; see the allocator front.)
 */
public final class RawMemory {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private RawMemory() {}

    public static void zero(long address, long bytes) {
        ALL.asSlice(address, bytes).fill((byte) 0);
    }

    public static void copy(long from, long to, long bytes) {
        MemorySegment.copy(ALL, from, ALL, to, bytes);
    }

    public static byte getByte(long address) {
        return ALL.get(ValueLayout.JAVA_BYTE, address);
    }
}
