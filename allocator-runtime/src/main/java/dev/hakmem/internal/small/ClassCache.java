package dev.hakmem.internal.small;

/**
 * One thread's cache of free blocks of one size class: a LIFO stack of addresses, so the block freed
 * last (cache-hot) is handed out first. Owned by one thread; plain fields, no synchronisation.
 *
 * <p>Invariant: {@code 0 <= count <= blocks.length}, and {@code blocks.length} is 0 until the class
 * is first used (then the capacity), unless the cache was lent the array of a reclaimed cache when it
 * was made ({@link SpareCacheArrays}): a fresh cache costs no new memory, and the fast paths need no
 * separate "allocated yet?" test because an empty array fails both {@code count > 0} and
 * {@code count < blocks.length}.
 */
final class ClassCache {
    private static final long[] EMPTY = new long[0];

    /** Free block addresses, {@code blocks[0..count)}; the top is {@code blocks[count-1]}. */
    long[] blocks = EMPTY;
    int count;
    final int capacity;
    final int batch;
    /** Statistics, plain increments by the owner; read racily by stats(). */
    long allocations, frees;
    /**
     * The allocation profile ({@link ProfileCounters}), plain, written like the statistics: the current
     * run of allocations without a free, its longest, the net live count not yet published, the peak.
     */
    long run, burst, delta, peak;
    /**
     * The outbox: blocks of this class freed by this cache's thread but owned by another thread
     * ({@code outOwner}), {@code outNode.blocks()[0..outCount)}, collected so that they travel to the
     * owner's inbox a batch at a time, the node pushed whole ({@link SmallTier#freeRemote}); null
     * between batches. Plain fields, like the rest of the cache.
     */
    BatchStack.Batch outNode;
    /** Spare inbox nodes, a chain this cache took whole from its class's given-back nodes ({@link CentralFreeList#takeNodes}). */
    BatchStack.Batch spareNodes;
    int outCount;
    ThreadCache outOwner;

    ClassCache(int capacity, int batch) {
        this.capacity = capacity;
        this.batch = batch;
    }
}
