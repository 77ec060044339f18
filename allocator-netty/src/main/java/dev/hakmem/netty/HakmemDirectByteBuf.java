package dev.hakmem.netty;

import dev.hakmem.NativeAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.util.internal.CleanableDirectBuffer;
import java.lang.foreign.MemorySegment;

/**
 * A direct {@code ByteBuf} over one hakmem block: Netty's {@link UnpooledDirectByteBuf} (indices,
 * bounds checks, reference count, slices, NIO views, all Netty's own code) with its memory coming
 * from hakmem.
 *
 * <p>Why it looks the way it does: in Netty 4.2 the overridable memory hook,
 * {@link #allocateDirectBuffer(int)}, serves only capacity changes; the allocating constructor takes
 * its first block from Netty's own direct memory through a package-private path. So the first block
 * is handed to Netty's <em>wrapping</em> constructor, which never frees the buffer it wraps, and this
 * class frees it itself. The life of the memory:
 * <ul>
 *   <li>construction: a hakmem block of the initial capacity (the first block), wrapped;</li>
 *   <li>{@code capacity(n)}, a change: Netty asks {@link #allocateDirectBuffer(int)} for a block of
 *       {@code n} bytes, copies the kept bytes and frees the block it replaces through that block's
 *       {@link HakmemBlock#clean()}, except the first block, which Netty leaves alone and
 *       {@link #capacity(int)} frees here;</li>
 *   <li>the reference count reaching 0, on any thread: {@link #deallocate()} frees the current block
 *       (Netty cleans a replacement block; this class frees the first block if it is still current).</li>
 * </ul>
 * So every block is freed exactly once, by the buffer that owns it, and hakmem's cross-thread free
 * makes a release on another thread as cheap as on the allocating one.
 *
 * <p>Invariants: {@code firstBlock} is the first block's address while it is the buffer's memory,
 * else 0; {@code address} is the current block's address, 0 once deallocated. Both are plain fields:
 * a buffer is mutated by one thread at a time (Netty's rule), and the release that deallocates reads
 * them after the atomic update of the reference count, which orders it after every other holder's
 * release.
 */
final class HakmemDirectByteBuf extends UnpooledDirectByteBuf {
    private final NativeAllocator memory;
    private long firstBlock;
    private long address;
    /** The block {@link #allocateDirectBuffer(int)} made last: current once {@code capacity(int)} returns. */
    private HakmemBlock newest;

    /**
     * @throws IllegalArgumentException if {@code initialCapacity} is negative or above {@code maxCapacity}
     *     (checked before any memory is taken)
     * @throws OutOfMemoryError when hakmem cannot get the memory
     * @throws IllegalStateException when {@code memory} is closed
     */
    HakmemDirectByteBuf(HakmemByteBufAllocator alloc, NativeAllocator memory, int initialCapacity, int maxCapacity) {
        if (initialCapacity < 0 || initialCapacity > maxCapacity) {
            throw new IllegalArgumentException("initialCapacity " + initialCapacity + " must be in [0, maxCapacity " + maxCapacity + "]");
        }
        // Before super() (a flexible constructor body, Java 25): the block must exist to be wrapped.
        this.memory = memory;
        MemorySegment block = memory.allocate(initialCapacity, 1); // alignment 1: plain malloc, 16-byte aligned
        super(alloc, block.asByteBuffer(), maxCapacity);
        firstBlock = block.address();
        address = firstBlock;
        setIndex(0, 0); // the wrapping constructor made the whole block readable
    }

    /** A hakmem block of exactly {@code capacity} bytes for a capacity change, in place of Netty's own direct memory. */
    @Override
    protected CleanableDirectBuffer allocateDirectBuffer(int capacity) {
        HakmemBlock block = new HakmemBlock(memory, capacity);
        newest = block;
        return block;
    }

    /**
     * Netty's capacity change (a new block, a copy, the old block freed), then the first block freed
     * if it was the one replaced.
     */
    @Override
    public ByteBuf capacity(int newCapacity) {
        int old = capacity();
        super.capacity(newCapacity); // throws before changing anything; returns early only when unchanged
        if (newCapacity != old) {
            address = newest.memoryAddress();
            newest = null;
            long first = firstBlock;
            if (first != 0) {
                firstBlock = 0;
                memory.free(first);
            }
        }
        return this;
    }

    /** Frees the current block: Netty cleans a replacement block, this frees the first one. */
    @Override
    protected void deallocate() {
        long first = firstBlock;
        firstBlock = 0;
        address = 0;
        super.deallocate();
        if (first != 0) memory.free(first);
    }

    /** True: every block is a hakmem block with an address (Netty's wrapped buffers would say false). */
    @Override
    public boolean hasMemoryAddress() {
        return true;
    }

    /** The current block's address, for Netty's native transports. */
    @Override
    public long memoryAddress() {
        ensureAccessible();
        return address;
    }
}
