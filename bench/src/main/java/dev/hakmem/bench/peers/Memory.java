package dev.hakmem.bench.peers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Byte access at raw addresses, for writing and verifying patterns in blocks from any peer.
 *
 * <p>One static, unbounded segment (rather than a segment per block) keeps the access a plain load or
 * store after JIT compilation: the segment is a constant, the global scope needs no liveness check,
 * and no object is created per block.
 */
@SuppressWarnings("restricted") // reinterpret: the whole point of this class
public final class Memory {
    /** Everything from address 0: only valid where a peer handed us the address. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    /** Byte access with a (segment, offset) coordinate, for the opaque mode. */
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private Memory() {}

    public static byte get(long address) {
        return ALL.get(ValueLayout.JAVA_BYTE, address);
    }

    public static void set(long address, byte value) {
        ALL.set(ValueLayout.JAVA_BYTE, address, value);
    }

    /**
     * An opaque store: the JIT keeps every one of them, in order, like a store through a C
     * {@code volatile char *}, so a loop that writes the same byte many times really does.
     */
    public static void setOpaque(long address, byte value) {
        BYTE.setOpaque(ALL, address, value);
    }

    /** An opaque load: really reads memory, even right after a store to the same address. */
    public static byte getOpaque(long address) {
        return (byte) BYTE.getOpaque(ALL, address);
    }
}
