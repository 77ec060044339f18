package dev.hakmem.bench.peers;

/**
 * The one shape every allocator under comparison is driven through, so a benchmark loop is the same
 * code for hakmem and for the native peers and only the allocator changes between runs.
 *
 * <p>Each JMH fork creates exactly one implementation, so calls through this interface stay
 * monomorphic and the JIT inlines them; the adapter cost is then just the allocator's own call.
 */
public interface BenchAllocator extends AutoCloseable {

    /** Allocates {@code size} bytes and returns the block's address (never 0 on success). */
    long malloc(long size);

    /** Frees a block returned by {@link #malloc(long)} on this adapter. */
    void free(long address);

    /** The peer's name as used in the JMH {@code peer} parameter and in reports. */
    String name();

    /** Releases the allocator (for native peers: nothing, their libraries stay loaded). */
    @Override
    void close();
}
