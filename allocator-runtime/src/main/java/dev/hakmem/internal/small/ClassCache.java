package dev.hakmem.internal.small;

/**
 * One thread's cache of free blocks of one size class: a LIFO stack of addresses, so the block freed
 * last (cache-hot) is handed out first. Owned by one thread; plain fields, no synchronisation.
 *
 * <p>Invariant: {@code 0 <= count <= blocks.length <= capacity}, and {@code blocks.length} is 0 until
 * the class is first used (then a quarter of the capacity or two batches, growing at refills: {@link #arrayForRefill}),
 * unless the cache was lent the array of a reclaimed cache when it was made
 * ({@link SpareCacheArrays}): a fresh cache costs no new memory, and the fast paths need no
 * separate "allocated yet?" test because an empty array fails both {@code count > 0} and
 * {@code count < blocks.length}.
 */
final class ClassCache {
    private static final long[] EMPTY = new long[0];

    /** Free block addresses, {@code blocks[0..count)}; the top is {@code blocks[count-1]}. */
    long[] blocks = EMPTY;
    int count;
    /** The most blocks this cache holds: the length {@link #blocks} grows to (see {@link #arrayForRefill}). */
    final int capacity;
    final int batch;
    /**
     * Refills since {@link #blocks} got its length, not counting the refill that first fills it (owner
     * only, plain, like the rest). Starts at -1: an array lent at the cache's making
     * ({@link SpareCacheArrays}) grows as a fresh one of its length would.
     */
    int refills = -1;
    /** Statistics, plain increments by the owner; read racily by stats(). */
    long allocations, frees;
    /** {@link #frees} at the thread's last judgement of its hot class ({@link HotClass}; owner only, plain). */
    long freesAtJudgement;
    /**
     * The allocation profile ({@link ProfileCounters}), plain, written like the statistics: the current
     * run of allocations without a free, its longest, the net live count not yet published, the peak.
     */
    long run, burst, delta, peak;
    /**
     * The outbox: blocks of this class freed by this cache's thread but owned by another thread
     * ({@code outOwner}), {@code outNode.blocks()[0..outCount)}, collected so that they travel to the
     * owner's inbox a batch at a time, the node pushed whole ({@link SmallTier#freeRemote}). Null (and
     * {@code outCount} 0) between batches. Plain fields, like the rest of the cache.
     */
    BatchStack.Batch outNode;
    int outCount;
    ThreadCache outOwner;
    /**
     * The owner whose thread the last batch start found alive ({@link SmallFront}'s remote free), and
     * the batches started for it since: a stream of batches to one owner looks at its thread only every
     * {@link #ALIVE_RECHECK}th batch. Plain, owner only. It may keep one reclaimed cache object per class
     * reachable until the class's next batch start for another owner (or for this one, when found
     * ended), as {@link #outOwner} and {@link #parkedOwners} may.
     */
    ThreadCache aliveOwner;
    int batchesSinceAliveCheck;
    /** See {@link #aliveOwner}: a power of two. */
    static final int ALIVE_RECHECK = 16;
    /** How many batches for other owners the outbox keeps aside ({@link #parkedNodes}). */
    static final int PARKED = 3;
    /**
     * Batches of the outbox set aside when a block of another owner arrived, one per owner:
     * {@code parkedNodes[i].blocks()[0..count)} are blocks of {@code parkedOwners[i]}; a block of that
     * owner makes its batch the current one again ({@link SmallTier#freeRemote}). A batch is sent when it
     * is full, when its slot is taken for a newer one (round robin, {@link #parkNext}), or when the
     * cache is drained or reclaimed. Why: with only the current batch, a thread that frees blocks of
     * several owners in turn (mstress: a shared array of blocks of four threads) sent a node at every
     * change of owner, one or two blocks per node, and after a run the classes' given-back pools held
     * 18,600 such nodes (5.4 MB of Java heap; docs/BENCHMARKS-HISTORY.md, session 31).
     * A thread that frees blocks of one owner at a time (xmalloc) never parks one.
     *
     * <p>Both null until the class first parks a batch; slot {@code i} holds a batch iff
     * {@code parkedOwners[i] != null}, and then its node has at least one block. Plain.
     */
    BatchStack.Batch[] parkedNodes;
    ThreadCache[] parkedOwners;
    /** The parked slot whose batch is sent when all are taken and another must be parked. */
    int parkNext;

    /** This cache's class: what a malloc that found the cache through {@link ThreadCache#byGranule} needs for its state byte and counters. */
    final int cls;

    ClassCache(int capacity, int batch, int cls) {
        this.cls = cls;
        this.capacity = capacity;
        this.batch = batch;
    }

    /** The parked slot holding {@code owner}'s batch ({@code null}: a free slot), or -1. */
    int parkedOf(ThreadCache owner) {
        ThreadCache[] owners = parkedOwners;
        if (owners != null) {
            for (int i = 0; i < owners.length; i++) if (owners[i] == owner) return i;
        }
        return -1;
    }

    /** Takes the batch parked in slot {@code slot} out of it (the slot is then free); null if none is parked there. */
    BatchStack.Batch unpark(int slot) {
        BatchStack.Batch node = parkedNodes[slot];
        parkedNodes[slot] = null;
        parkedOwners[slot] = null;
        return node;
    }

    /** Blocks in the outbox, parked batches included (statistics: read racily by other threads, so only approximate then). */
    int outBlocks() {
        int n = outCount;
        BatchStack.Batch[] nodes = parkedNodes;
        if (nodes != null) {
            for (BatchStack.Batch b : nodes) if (b != null) n += b.count();
        }
        return n;
    }

    /**
     * The array a refill of this class fills, given {@code current}, the class's array, empty (its
     * count is 0): a first array of a quarter of the capacity and at least two batches (at most the
     * capacity), so that the free after a refill does not find the cache full; or, once the class has
     * been refilled half an array's worth of blocks since its array got its length, a new one of
     * twice the length (at most the capacity); else {@code current}.
     * A {@code grows == false} cache (a shared stripe) never grows past its first length.
     *
     * <p>Why grow at a refill and not when a free finds the cache full: the thread's working set of
     * the class is larger than its cache, and growing before the first overflow keeps blocks from
     * travelling between the cache and the spill (which also scrambles their order). And it keeps
     * the slow path out of the compiled free: C2 compiles a call to {@link SmallTier#flushAndPush}
     * into a free only if the profile saw it taken, and a loop with a call in it reloads every field
     * of the chain from the thread to the block on each pass (skewed: 69.7 against 110 M ops/s in one
     * fork, the two differing only in that call; docs/BENCHMARKS-HISTORY.md, session 28).
     */
    long[] arrayForRefill(long[] current, boolean grows) {
        if (current.length == 0) {
            refills = 0;
            return new long[Math.min(capacity, Math.max(2 * batch, capacity / 4))];
        }
        if (grows && current.length < capacity && 2L * batch * ++refills >= current.length) {
            refills = 0;
            return new long[(int) Math.min(capacity, 2L * current.length)];
        }
        return current;
    }
}
