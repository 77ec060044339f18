package dev.hakmem.bench.peers;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.netty.HakmemByteBufAllocator;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.invoke.VarHandle;

/**
 * Netty 4.2's direct {@link ByteBuf}s, the pooled memory most Java servers use: {@code netty-pooled}
 * is a {@link PooledByteBufAllocator} (jemalloc-style arenas and thread caches), {@code
 * netty-adaptive} an {@link AdaptiveByteBufAllocator} (4.2's default). Each peer makes its own
 * allocator instance (not the shared {@code DEFAULT}). The pooled one has Netty's default arenas,
 * page size and cache sizes but thread caches for <em>every</em> thread ({@code
 * useCacheForAllThreads}; Netty's default gives them only to its event-loop threads, which would send
 * every benchmark thread to the shared arenas); the adaptive one has Netty's defaults. Leak detection
 * is off ({@link ResourceLeakDetector.Level#DISABLED}) unless {@code -Dio.netty.leakDetection.level}
 * is given: Netty's default samples about one buffer in 128 with a stack trace, a debugging aid a
 * tuned server turns off. Bounds and liveness checks stay on. {@link PeerCatalog#NETTY_NOTE} says
 * the same for the report.
 * {@code netty-hakmem} is hakmem's own adapter, a {@link HakmemByteBufAllocator} over a fresh default
 * hakmem allocator (closed with the peer): the same {@code ByteBuf} code path as the other two, with
 * each buffer's memory a hakmem block, so the three differ only in where a buffer's memory comes from
 * and how a buffer object is made.
 *
 * <ul>
 *   <li>malloc is {@code directBuffer(size, size)}: a buffer of exactly {@code size} bytes that
 *       cannot grow; size 0 gives Netty's shared empty buffer.</li>
 *   <li>free is {@code release()}, from any thread: both allocators are thread-safe.</li>
 *   <li>realloc is a new buffer, a copy of the kept bytes and a release of the old one. That is what
 *       {@code ByteBuf.capacity(n)} does inside the pooled allocator too, but a buffer whose maximum
 *       capacity is its size cannot be resized in place, and sizing every buffer for growth would
 *       change what malloc measures.</li>
 *   <li>bytes are reached with {@code setByte}/{@code getByte}, as a Netty user would; nothing
 *       depends on the buffer having a memory address. Netty has no opaque accessors, so the opaque
 *       pair adds a fence next to the access: on x86 it emits no instruction, it only keeps the JIT
 *       from merging, dropping or forwarding those accesses, which is all the opaque mode is asked
 *       for here.</li>
 * </ul>
 *
 * <p><b>Unsafe.</b> On JDK 25 Netty 4.2 leaves {@code sun.misc.Unsafe} alone unless told otherwise
 * ({@code io.netty.noUnsafe} defaults to true from Java 25) and, with native access enabled, gets its
 * direct memory from malloc/free through FFM ({@code CleanerJava24Linker}). But an explicit {@code
 * --sun-misc-unsafe-memory-access=allow}, which the benchmark script passes for JMH's own sake,
 * switches Netty back to its Unsafe buffers. So that one flag cannot change what this peer measures,
 * the first use of this class sets {@code io.netty.noUnsafe=true} unless the property was given:
 * Netty's own JDK 25 default, pinned. {@code -Dio.netty.noUnsafe=false} (with the JVM flag) measures
 * the Unsafe variant instead. That needs this class to initialise before any other code touches
 * Netty, which holds in a benchmark fork. Either way Netty prints no warnings: it does not call
 * Unsafe, and its native access is covered by {@code --enable-native-access=ALL-UNNAMED}.
 */
final class NettyPeer extends ObjectPeer<ByteBuf> {
    /** Netty's property for the leak detector's level; when given, it wins over this peer's DISABLED. */
    static final String LEAK_LEVEL_PROPERTY = "io.netty.leakDetection.level";

    static {
        if (System.getProperty("io.netty.noUnsafe") == null) System.setProperty("io.netty.noUnsafe", "true");
        if (System.getProperty(LEAK_LEVEL_PROPERTY) == null) ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    private final ByteBufAllocator allocator;
    /** What {@link #close()} closes: the hakmem allocator under {@code netty-hakmem}; nothing for Netty's own. */
    private final NativeAllocator owned;

    private NettyPeer(String name, ByteBufAllocator allocator, NativeAllocator owned) {
        super(name);
        this.allocator = allocator;
        this.owned = owned;
    }

    /**
     * {@code netty-pooled}: a fresh {@link PooledByteBufAllocator} that prefers direct buffers, with
     * Netty's default arenas, page size, max order and cache sizes, and thread caches for all threads.
     */
    static NettyPeer pooled() {
        return new NettyPeer("netty-pooled", new PooledByteBufAllocator(true,
                PooledByteBufAllocator.defaultNumHeapArena(), PooledByteBufAllocator.defaultNumDirectArena(),
                PooledByteBufAllocator.defaultPageSize(), PooledByteBufAllocator.defaultMaxOrder(),
                PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
                true), null);
    }

    /** The Netty allocator behind this peer, for tests of its settings. */
    ByteBufAllocator allocator() {
        return allocator;
    }

    /** {@code netty-adaptive}: a fresh {@link AdaptiveByteBufAllocator} with pooled direct buffers. */
    static NettyPeer adaptive() {
        return new NettyPeer("netty-adaptive", new AdaptiveByteBufAllocator(true, true), null);
    }

    /** {@code netty-hakmem}: a {@link HakmemByteBufAllocator} over a fresh {@link Hakmem#create()}. */
    static NettyPeer hakmem() {
        NativeAllocator memory = Hakmem.create();
        return new NettyPeer("netty-hakmem", new HakmemByteBufAllocator(memory), memory);
    }

    @Override
    ByteBuf allocate(long size) {
        int n = intSize(name(), size);
        return allocator.directBuffer(n, n);
    }

    @Override
    void release(ByteBuf block) {
        block.release();
    }

    @Override
    ByteBuf resize(ByteBuf block, long newSize) {
        ByteBuf bigger = allocate(newSize);
        bigger.setBytes(0, block, 0, Math.min(block.capacity(), bigger.capacity()));
        block.release();
        return bigger;
    }

    @Override
    public void put(long block, long offset, byte value) {
        blocks.get(block).setByte((int) offset, value);
    }

    @Override
    public byte get(long block, long offset) {
        return blocks.get(block).getByte((int) offset);
    }

    @Override
    public void putOpaque(long block, long offset, byte value) {
        blocks.get(block).setByte((int) offset, value);
        VarHandle.releaseFence(); // the next store cannot replace this one
    }

    @Override
    public byte getOpaque(long block, long offset) {
        VarHandle.acquireFence(); // no earlier store can be forwarded to this load
        return blocks.get(block).getByte((int) offset);
    }

    /**
     * Closes the hakmem allocator under {@code netty-hakmem}. Netty's own allocators have no close:
     * their arenas live as long as the JVM (a benchmark fork).
     */
    @Override
    public void close() {
        if (owned != null) owned.close();
    }
}
