package dev.hakmem.bench.peers;

/**
 * What the peers that hand out objects instead of addresses share: their blocks sit in a
 * {@link HandleTable} and the handle names the entry; a subclass only says how to make, resize and
 * release one object and how to reach its bytes.
 *
 * <p>Each JMH fork loads exactly one subclass, so the abstract calls below have one target and the
 * JIT inlines them like the native peers' direct calls.
 *
 * @param <T> the block objects
 */
abstract class ObjectPeer<T> implements BenchAllocator {
    private final String name;
    /** The live blocks by handle; see {@link HandleTable} for its thread-safety and cost. */
    final HandleTable<T> blocks = new HandleTable<>();

    ObjectPeer(String name) {
        this.name = name;
    }

    /** A new object of at least {@code size} bytes (never null). */
    abstract T allocate(long size);

    /** Ends {@code block}'s life (the peer's own free). */
    abstract void release(T block);

    /** A block of {@code newSize} bytes holding the first {@code min(old, newSize)} bytes of {@code block}, which is released. */
    abstract T resize(T block, long newSize);

    @Override
    public final long malloc(long size) {
        return blocks.add(allocate(size));
    }

    /**
     * Releases the object first and only then empties the entry, so a release that throws (a confined
     * arena closed on the wrong thread) leaves the block live and its handle valid.
     *
     * @throws IllegalArgumentException when the handle names no live block (a double free)
     */
    @Override
    public final void free(long handle) {
        T block = blocks.get(handle);
        if (block == null) throw new IllegalArgumentException(name + ": handle " + handle + " is not a live block (double free?)");
        release(block);
        blocks.remove(handle);
    }

    /** Keeps the handle: only the object behind it changes, as C's realloc may keep the address. */
    @Override
    public final long realloc(long handle, long newSize) {
        blocks.set(handle, resize(blocks.get(handle), newSize));
        return handle;
    }

    @Override
    public final String name() {
        return name;
    }

    /** Size checks shared by the peers whose objects are indexed by {@code int}. */
    static int intSize(String peer, long size) {
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(peer + ": cannot make a block of " + size + " bytes");
        }
        return (int) size;
    }
}
