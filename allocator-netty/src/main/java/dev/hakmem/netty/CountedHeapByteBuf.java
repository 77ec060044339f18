package dev.hakmem.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import java.util.concurrent.atomic.LongAdder;

/**
 * Netty's unpooled heap buffer, with the bytes of its array counted for
 * {@link HakmemByteBufAllocator#metric()}, as Netty's {@code UnpooledByteBufAllocator} counts its own.
 * Heap buffers get nothing from hakmem (a {@code byte[]} cannot live in native memory); the count is
 * one {@link LongAdder} update per array, on the heap path only.
 *
 * <p>Invariant: {@code heapBytes} holds the length of every array this buffer's
 * {@link #allocateArray(int)} returned and its {@link #freeArray(byte[])} has not yet taken back
 * ({@code UnpooledHeapByteBuf} frees each array once: on a capacity change and on deallocation).
 */
final class CountedHeapByteBuf extends UnpooledHeapByteBuf {
    private final LongAdder heapBytes;

    CountedHeapByteBuf(ByteBufAllocator alloc, LongAdder heapBytes, int initialCapacity, int maxCapacity) {
        // Set before super(): UnpooledHeapByteBuf's constructor allocates its array through allocateArray.
        this.heapBytes = heapBytes;
        super(alloc, initialCapacity, maxCapacity);
    }

    @Override
    protected byte[] allocateArray(int initialCapacity) {
        byte[] array = super.allocateArray(initialCapacity);
        heapBytes.add(array.length);
        return array;
    }

    @Override
    protected void freeArray(byte[] array) {
        heapBytes.add(-array.length);
        super.freeArray(array);
    }
}
