package dev.hakmem.spi;

import dev.hakmem.internal.small.ThreadCache;

/**
 * A thread's cache storage for the first {@link #flatClasses()} size classes, laid out by a generated
 * subclass (one LIFO array and one count per class) instead of the runtime's per-class objects: the
 * generated fast paths touch that storage directly, the runtime's slow paths
 * (refill, flush, thread-exit reclamation, statistics) go through the accessors below.
 *
 * <p>Contract for implementations (generated code):
 * <ul>
 *   <li>for {@code 0 <= cls < flatClasses()}: {@code blocks(cls)[0..count(cls))} are free blocks of class
 *       {@code cls}, the top being {@code blocks(cls)[count(cls) - 1]}; a fresh front has empty arrays and
 *       zero counts (the runtime allocates an array of the class's capacity on first use);</li>
 *   <li>only the owning thread touches the storage while it lives (plain accesses, no synchronisation);
 *       after it has ended the runtime reads and empties them, or hands the front as it is to a new
 *       thread that adopts the ended thread's cache ({@link #followOwner()});</li>
 *   <li>{@link #allocations} and {@link #frees} are the front's per-class counters (0 when the variant
 *       has statistics off).</li>
 * </ul>
 */
public abstract class ThreadFront {
    /** An empty block array, the initial value of every class's array. */
    protected static final long[] EMPTY = new long[0];

    private final Object core;
    private final int id;
    /**
     * The thread whose front this is: its cache's owner when it was made, or when a new thread adopted
     * the cache of an ended one ({@link #followOwner()}). Written only by the thread it names; read
     * racily (see {@link #owner()}).
     */
    private Thread owner;
    /** Bytes asked for through this front (statistics; plain, owner-only). */
    public long requestedBytes;
    /**
     * The page info of this thread's own slabs of its hot class, when that class is one of this front's,
     * else {@link FrontSupport#NO_HOT}, which no page has: a free whose page info equals it is an owner's
     * free of class {@link #hotClass}, told by one comparison before anything is decoded from the info.
     * Written by the runtime's slow paths only (the thread's refills and flushes, and a judgement
     * after {@link FrontSupport#hotMiss}), never with statistics off; owner-only, plain.
     */
    public int hotInfo = FrontSupport.NO_HOT;
    /** The hot class, meaningful while {@link #hotInfo} is not {@link FrontSupport#NO_HOT}. */
    public int hotClass;

    /**
     * Binds the front to its thread's runtime state; only {@link FrontFactory#create} calls it, through
     * a generated subclass's constructor.
     *
     * @param core the runtime's per-thread state this front belongs to (opaque)
     * @param id the owner id of that thread's slabs, compared with the owner a free reads from the registry
     */
    protected ThreadFront(Object core, int id) {
        this.core = core;
        this.id = id;
        this.owner = ((ThreadCache) core).owner();
    }

    /**
     * Makes class {@code cls} this front's hot class, whose own slabs' page info is {@code info}: sets
     * {@link #hotClass}, calls {@link #onHot}, then sets {@link #hotInfo}, so that a free that matches
     * {@code hotInfo} finds whatever {@code onHot} prepared. Called by the runtime's slow paths on the
     * owner's thread only.
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @param info the page info of this thread's own slabs of {@code cls}
     */
    public final void makeHot(int cls, int info) {
        hotClass = cls;
        onHot(cls);
        hotInfo = info;
    }

    /**
     * Hook for a generated subclass: class {@code cls} is about to become the hot class (for example, to
     * keep a reference to its cache, so that a free of the hot class needs no lookup by the class).
     * Does nothing by default.
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     */
    protected void onHot(int cls) {
    }

    /**
     * The thread this front belongs to.
     *
     * @return its owner. Only the thread it names writes it, when it makes the front or adopts it
     *     ({@link #followOwner()}), so a thread that reads this front racily from a shared table sees
     *     an owner that has ended, none, or the right one, and only the owner ever sees its own front
     *     pass an identity test
     */
    public final Thread owner() {
        return owner;
    }

    /**
     * Makes this front's owner its cache's owner, which must be the calling thread: the runtime calls
     * it when the calling thread has just adopted the cache of a thread that ended (the front, its
     * blocks included, goes with the cache). Harmless from any other caller: it changes nothing, or
     * throws if the calling thread does not own the cache.
     *
     * @throws IllegalStateException if the calling thread is not the owner of this front's cache
     */
    public final void followOwner() {
        Thread cacheOwner = ((ThreadCache) core).owner();
        if (cacheOwner != Thread.currentThread()) {
            throw new IllegalStateException("followOwner: the calling thread does not own this front's cache");
        }
        owner = cacheOwner;
    }

    /**
     * The owner id of this thread's slabs.
     *
     * @return the id that the registry records as owner of the slabs this thread carves: a free whose
     *     block has this owner (or owner 0, shared) is handled locally
     */
    public final int id() {
        return id;
    }

    /**
     * The runtime's per-thread state.
     *
     * @return the opaque state given at construction, for {@link FrontSupport}
     */
    public final Object core() {
        return core;
    }

    /**
     * How many classes this front stores itself.
     *
     * @return the number of classes, from class 0, whose cache lives in this front; the runtime keeps
     *     the caches of the classes above in its own per-class objects
     */
    public abstract int flatClasses();

    /**
     * The cache array of one class: its first {@link #count(int)} elements are free blocks.
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @return the array itself, not a copy (the runtime's slow paths fill and empty it)
     */
    public abstract long[] blocks(int cls);

    /**
     * Replaces the cache array of one class (the runtime sizes it to the class's capacity on first use).
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @param blocks the new array; the count is set separately with {@link #setCount(int, int)}
     */
    public abstract void setBlocks(int cls, long[] blocks);

    /**
     * How many free blocks the cache of one class holds.
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @return the count: {@code blocks(cls)[0..count)} are free blocks, the top one last
     */
    public abstract int count(int cls);

    /**
     * Sets how many free blocks the cache of one class holds, after the runtime has changed the array.
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @param count the new count, at most {@code blocks(cls).length}
     */
    public abstract void setCount(int cls, int count);

    /**
     * Blocks of one class this front has handed out (statistics).
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @return the count so far, 0 when the variant has statistics off
     */
    public abstract long allocations(int cls);

    /**
     * Blocks of one class freed through this front (statistics).
     *
     * @param cls a class index, {@code 0 <= cls < flatClasses()}
     * @return the count so far, 0 when the variant has statistics off
     */
    public abstract long frees(int cls);
}
