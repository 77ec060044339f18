package dev.hakmem.spi;

/**
 * A thread's cache storage for the first {@link #flatClasses()} size classes, laid out as fields of a
 * generated subclass (one LIFO array and one count per class) instead of the runtime's array of
 * per-class objects: the generated fast paths touch those fields directly, the runtime's slow paths
 * (refill, flush, thread-exit reclamation, statistics) go through the accessors below.
 *
 * <p>Contract for implementations (generated code):
 * <ul>
 *   <li>for {@code 0 <= cls < flatClasses()}: {@code blocks(cls)[0..count(cls))} are free blocks of class
 *       {@code cls}, the top being {@code blocks(cls)[count(cls) - 1]}; a fresh front has empty arrays and
 *       zero counts (the runtime allocates an array of the class's capacity on first use);</li>
 *   <li>only the owning thread touches the fields while it lives (plain fields, no synchronisation);
 *       after it has ended the runtime reads and empties them;</li>
 *   <li>{@link #allocations} and {@link #frees} are the front's per-class counters (0 when the variant
 *       has statistics off).</li>
 * </ul>
 */
public abstract class ThreadFront {
    /** An empty block array, the initial value of every class's array. */
    protected static final long[] EMPTY = new long[0];

    private final Object core;
    private final int id;
    /** Bytes asked for through this front (statistics; plain, owner-only). */
    public long requestedBytes;

    /**
     * @param core the runtime's per-thread state this front belongs to (opaque)
     * @param id the owner id of that thread's slabs, compared with the owner a free reads from the registry
     */
    protected ThreadFront(Object core, int id) {
        this.core = core;
        this.id = id;
    }

    /** The owner id of this thread's slabs: a free whose block has this owner (or owner 0) is local. */
    public final int id() {
        return id;
    }

    /** The runtime's per-thread state (opaque; for {@link FrontSupport}). */
    public final Object core() {
        return core;
    }

    /** How many classes, from class 0, this front stores. */
    public abstract int flatClasses();

    public abstract long[] blocks(int cls);

    public abstract void setBlocks(int cls, long[] blocks);

    public abstract int count(int cls);

    public abstract void setCount(int cls, int count);

    public abstract long allocations(int cls);

    public abstract long frees(int cls);
}
