package dev.hakmem.bench.peers;

/**
 * The one shape every allocator under comparison is driven through, so a benchmark loop is the same
 * code for hakmem and for every peer and only the allocator changes between runs.
 *
 * <p>A block is named by a {@code long} <em>handle</em>, never 0. For the peers that hand out raw
 * memory (hakmem, the C allocators) the handle is the block's address and the byte accessors below
 * are plain loads and stores; peers that hand out objects (Netty buffers, arenas, heap arrays) keep
 * the object in a table and the handle names its entry. Workloads touch blocks only through
 * {@link #put}/{@link #get} (and the opaque pair), so every peer pays for exactly what a user of it
 * would: an address for some, an object reference for others.
 *
 * <p>Each JMH fork creates exactly one implementation, so calls through this interface stay
 * monomorphic and the JIT inlines them; the adapter cost is then just the allocator's own call.
 * Implementations are used by one thread at a time unless their javadoc says otherwise; the
 * multithreaded workloads only use peers that are thread-safe like malloc.
 */
public interface BenchAllocator extends AutoCloseable {

    /** Allocates at least {@code size} bytes and returns the block's handle (never 0 on success). */
    long malloc(long size);

    /** Frees a block returned by this adapter. */
    void free(long block);

    /**
     * Resizes a block like C's {@code realloc}: the first {@code min(old, newSize)} bytes are kept,
     * the old handle is dead afterwards and the returned one (never 0) names the block.
     */
    long realloc(long block, long newSize);

    /** Writes one byte at {@code offset} into the block. */
    default void put(long block, long offset, byte value) {
        Memory.set(block + offset, value);
    }

    /** Reads one byte at {@code offset} from the block. */
    default byte get(long block, long offset) {
        return Memory.get(block + offset);
    }

    /**
     * A store the JIT keeps, every one and in order (like a store through C's {@code volatile
     * char *}): for workloads that write the same byte many times on purpose.
     */
    default void putOpaque(long block, long offset, byte value) {
        Memory.setOpaque(block + offset, value);
    }

    /** A load that really reads memory, even right after a store to the same place. */
    default byte getOpaque(long block, long offset) {
        return Memory.getOpaque(block + offset);
    }

    /**
     * Whether a block may be freed (and realloc'ed) by a thread other than the one that malloc'ed it,
     * as C's {@code free} allows. The cross-thread workloads (xmalloc, larson's hand-off, the remote
     * frees of cacheScratch and mstress) need it; a peer that answers false (a confined arena, which
     * only its owner thread may close) is still measured on the single-threaded workloads and
     * {@link Peers#main} marks it so the runner leaves it out of the others.
     */
    default boolean freesOnAnyThread() {
        return true;
    }

    /** The peer's name as used in the JMH {@code peer} parameter and in reports. */
    String name();

    /** Releases the allocator (for native peers: nothing, their libraries stay loaded). */
    @Override
    void close();
}
