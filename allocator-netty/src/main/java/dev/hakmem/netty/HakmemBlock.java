package dev.hakmem.netty;

import dev.hakmem.NativeAllocator;
import io.netty.util.internal.CleanableDirectBuffer;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One hakmem block as Netty's {@code UnpooledDirectByteBuf} wants the memory of a capacity change: a
 * direct {@link ByteBuffer} over the block, its address, and a {@link #clean()} that frees it. (A
 * buffer's first block is not one of these: see {@link HakmemDirectByteBuf}.)
 *
 * <p>Why a segment from {@link NativeAllocator#allocate(long, long)} and not a raw {@code malloc}
 * address made into a segment here: the segment is bound to the allocator's lifetime, so a buffer
 * used after its {@code NativeAllocator} was closed throws {@link IllegalStateException} instead of
 * touching unmapped memory, and this module needs no native access of its own (only the runtime
 * calls restricted methods). The {@code ByteBuffer} is a view of that segment and keeps its checks.
 *
 * <p>Invariants: {@code buffer} covers exactly the requested capacity, big-endian (the order
 * {@code UnpooledDirectByteBuf} assumes), position 0; {@link #clean()} is called once, by Netty, when
 * the owning buffer is deallocated or its capacity changes (Netty's reference count guarantees the
 * once; a second call would be refused by hakmem as a double free).
 *
 * <p>{@link CleanableDirectBuffer} is in Netty's {@code io.netty.util.internal} package: it is what
 * {@code UnpooledDirectByteBuf}'s protected {@code allocateDirectBuffer} hook returns since Netty 4.2
 * (the older {@code allocateDirect} hook is no longer called), and the reason this module needs
 * Netty 4.2.
 */
final class HakmemBlock implements CleanableDirectBuffer {
    private final NativeAllocator memory;
    private final long address;
    private final ByteBuffer buffer;

    /**
     * Allocates a block of {@code capacity} bytes.
     *
     * @throws OutOfMemoryError when hakmem cannot get the memory (nothing is allocated then)
     * @throws IllegalStateException when {@code memory} is closed
     */
    HakmemBlock(NativeAllocator memory, int capacity) {
        MemorySegment segment = memory.allocate(capacity, 1); // alignment 1: plain malloc, 16-byte aligned
        this.memory = memory;
        this.address = segment.address();
        this.buffer = segment.asByteBuffer(); // big-endian, position 0, limit = capacity
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Frees the block (Netty calls this once, see the class description). */
    @Override
    public void clean() {
        memory.free(address);
    }

    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    @Override
    public long memoryAddress() {
        return address;
    }
}
