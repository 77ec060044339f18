package dev.hakmem.netty;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.CompositeByteBuf;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Netty {@link io.netty.buffer.ByteBufAllocator} whose direct buffers are hakmem blocks.
 *
 * <p>Each direct buffer owns one block of the {@link NativeAllocator} it was made with: allocated
 * with the buffer (exactly the requested capacity), replaced when the capacity changes (a new block,
 * a copy of the kept bytes, a free of the old one) and freed when the buffer's reference count
 * reaches 0, on whichever thread that happens. Buffers are Netty's own {@code UnpooledDirectByteBuf}
 * with its memory hook pointed at hakmem, so indices, bounds checks, reference counting, slices and
 * NIO views are Netty's code; {@link ByteBuf#hasMemoryAddress()} is true and
 * {@link ByteBuf#memoryAddress()} is the block's address, for Netty's native transports. Every buffer
 * goes through Netty's {@code ResourceLeakDetector} as in Netty's own allocators (sampled by default;
 * {@code -Dio.netty.leakDetection.level=paranoid} tracks every buffer). A leaked buffer's block is
 * reported, not freed: it stays allocated until its {@code NativeAllocator} is closed.
 *
 * <p>Heap buffers ({@link #heapBuffer()}, and {@link #buffer()} when direct buffers are not
 * preferred) are Netty's unpooled heap buffers: a {@code byte[]} cannot live in native memory.
 *
 * <p><b>Ownership.</b> The allocator does not own its {@code NativeAllocator}: whoever made that
 * closes it, after the last buffer is released (or knowingly before: every block is then returned to
 * the OS at once, any access to a live buffer throws {@link IllegalStateException} instead of reading
 * unmapped memory, and releasing one throws {@link IllegalStateException} too). Several
 * {@code HakmemByteBufAllocator}s may share one {@code NativeAllocator}, which other code may use as
 * well. {@link #shared()} is the one instance most applications need; it is never closed.
 *
 * <p><b>Switching a Netty application</b>, one line per bootstrap:
 * {@snippet :
 * bootstrap.option(ChannelOption.ALLOCATOR, HakmemByteBufAllocator.shared());      // client
 * serverBootstrap.childOption(ChannelOption.ALLOCATOR, HakmemByteBufAllocator.shared()); // server connections
 * }
 * Netty 4.2 cannot be told to use it by a system property: {@code -Dio.netty.allocator.type} knows
 * only {@code unpooled}, {@code pooled} and {@code adaptive}.
 *
 * <p>Thread-safe: any thread may allocate, and any thread may release any buffer.
 */
public final class HakmemByteBufAllocator extends AbstractByteBufAllocator implements ByteBufAllocatorMetricProvider {
    private final NativeAllocator memory;
    private final boolean preferDirect;
    /** Bytes of the live heap buffers' arrays (see {@link CountedHeapByteBuf}). */
    private final LongAdder heapBytes = new LongAdder();
    private final ByteBufAllocatorMetric metric = new Metric();

    /**
     * An allocator over {@code memory} whose {@link #buffer()} and {@link #compositeBuffer()} are direct.
     *
     * @param memory where the direct buffers' memory comes from; not closed by this allocator
     * @throws NullPointerException if {@code memory} is null
     */
    public HakmemByteBufAllocator(NativeAllocator memory) {
        this(memory, true);
    }

    /**
     * An allocator over {@code memory}.
     *
     * @param memory where the direct buffers' memory comes from; not closed by this allocator
     * @param preferDirect whether {@link #buffer()} and {@link #compositeBuffer()} return direct
     *     buffers (true) or heap buffers (false); {@link #ioBuffer()} is direct either way
     * @throws NullPointerException if {@code memory} is null
     */
    public HakmemByteBufAllocator(NativeAllocator memory, boolean preferDirect) {
        super(preferDirect);
        this.memory = Objects.requireNonNull(memory, "memory");
        this.preferDirect = preferDirect;
    }

    /**
     * The allocator for the whole JVM: direct buffers preferred, over a {@code NativeAllocator} of its
     * own with the default settings ({@link Hakmem#create()}). Made at the first call, not when the
     * class loads, so an application that brings its own {@code NativeAllocator} never reserves the
     * shared one's address space. Never closed: its memory is returned to the OS when the JVM exits,
     * as with Netty's {@code PooledByteBufAllocator.DEFAULT}.
     *
     * @return the same instance on every call
     */
    public static HakmemByteBufAllocator shared() {
        return Shared.INSTANCE;
    }

    /** Holder of {@link #shared()}: initialised on the first call (the JVM's lazy class initialisation). */
    private static final class Shared {
        static final HakmemByteBufAllocator INSTANCE = new HakmemByteBufAllocator(Hakmem.create());
    }

    /**
     * The allocator the direct buffers' memory comes from.
     *
     * @return the {@code NativeAllocator} given to the constructor
     */
    public NativeAllocator nativeAllocator() {
        return memory;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new HakmemDirectByteBuf(this, memory, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return toLeakAwareBuffer(new CountedHeapByteBuf(this, heapBytes, initialCapacity, maxCapacity));
    }

    /**
     * True: a direct buffer's memory comes from hakmem's size-class caches, as cheap to get and give
     * back as from a pool, which is what Netty asks this for (its transports then copy heap buffers
     * into direct ones from this allocator, and {@link #ioBuffer()} is direct). The {@code ByteBuf}
     * objects themselves are not recycled: each buffer is a new object.
     *
     * @return true
     */
    @Override
    public boolean isDirectBufferPooled() {
        return true;
    }

    // Netty's own buffer() and compositeBuffer() go direct only when Netty can free its own direct
    // memory reliably (PlatformDependent); this allocator frees hakmem blocks, so it follows preferDirect alone.

    /**
     * A direct buffer if direct buffers are preferred, else a heap buffer.
     *
     * @return a new buffer of Netty's default initial capacity (256) and no practical maximum
     */
    @Override
    public ByteBuf buffer() {
        return preferDirect ? directBuffer() : heapBuffer();
    }

    /**
     * A direct buffer if direct buffers are preferred, else a heap buffer.
     *
     * @param initialCapacity bytes the buffer holds at first
     * @return a new buffer
     * @throws IllegalArgumentException if {@code initialCapacity} is negative
     */
    @Override
    public ByteBuf buffer(int initialCapacity) {
        return preferDirect ? directBuffer(initialCapacity) : heapBuffer(initialCapacity);
    }

    /**
     * A direct buffer if direct buffers are preferred, else a heap buffer.
     *
     * @param initialCapacity bytes the buffer holds at first
     * @param maxCapacity the most it may ever grow to
     * @return a new buffer
     * @throws IllegalArgumentException if a capacity is negative or {@code initialCapacity > maxCapacity}
     */
    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return preferDirect ? directBuffer(initialCapacity, maxCapacity) : heapBuffer(initialCapacity, maxCapacity);
    }

    /**
     * A composite buffer whose own growth allocates direct buffers if direct buffers are preferred.
     *
     * @return a new, empty composite buffer
     */
    @Override
    public CompositeByteBuf compositeBuffer() {
        return preferDirect ? compositeDirectBuffer() : compositeHeapBuffer();
    }

    /**
     * A composite buffer whose own growth allocates direct buffers if direct buffers are preferred.
     *
     * @param maxNumComponents components it holds before it consolidates them into one buffer
     * @return a new, empty composite buffer
     */
    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return preferDirect ? compositeDirectBuffer(maxNumComponents) : compositeHeapBuffer(maxNumComponents);
    }

    /**
     * Memory in use. {@code usedDirectMemory()} is hakmem's {@code stats().bytesLive()}: the usable
     * bytes of every live block of the {@code NativeAllocator} (a buffer's size class, so at least its
     * capacity), including blocks other code allocated from the same {@code NativeAllocator}; with
     * hakmem's {@code stats(false)} its Tiny and Mid blocks are not counted. It costs nothing per buffer
     * and a snapshot of hakmem's counters per call (a metrics loop's rate, not a per-request one), and
     * throws {@link IllegalStateException} once the {@code NativeAllocator} is closed.
     * {@code usedHeapMemory()} is the exact length of the live heap buffers' arrays.
     *
     * @return the metric, the same object on every call
     */
    @Override
    public ByteBufAllocatorMetric metric() {
        return metric;
    }

    @Override
    public String toString() {
        return "HakmemByteBufAllocator(preferDirect: " + preferDirect + ", memory: " + memory + ")";
    }

    /** The view {@link #metric()} returns. */
    private final class Metric implements ByteBufAllocatorMetric {
        @Override
        public long usedHeapMemory() {
            return heapBytes.sum();
        }

        @Override
        public long usedDirectMemory() {
            return memory.stats().bytesLive();
        }
    }
}
