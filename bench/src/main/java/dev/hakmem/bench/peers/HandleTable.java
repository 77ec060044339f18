package dev.hakmem.bench.peers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gives the objects of the object peers (Netty buffers, arenas, heap arrays) the {@code long}
 * handles that {@link BenchAllocator} speaks in, at a cost of a few nanoseconds per malloc and free,
 * from any thread.
 *
 * <p><b>Entries.</b> Handle {@code h} names entry {@code h - 1} (so 0 is never a handle). Entries live
 * in chunks of {@value #CHUNK} that never move once made, found through a directory of fixed size, so
 * a lookup is two array loads and no thread ever copies an entry another thread is writing. At most
 * {@value #MAX_ENTRIES} entries: far above any workload's live blocks (xmalloc's full queue is about
 * 0.4 M) plus the free indices the threads keep.
 *
 * <p><b>Free indices.</b> Each thread keeps its own stack of free entry indices ({@link Local}) and
 * pops and pushes it with plain reads and writes: malloc pops, free pushes onto the stack of the
 * thread that frees, whoever made the block (an index is just a number; any thread may hand it out
 * again). Imbalance is evened out in batches through a shared pool under a lock: a full stack gives
 * half its indices to the pool, an empty one takes half a stack's worth from it, or from a fresh
 * chunk when the pool is dry, after reclaiming the stacks of threads that have ended. A stack starts
 * at {@value #MIN_STACK} indices and doubles at each exchange up to {@value #MAX_STACK}, so a
 * short-lived thread holds few indices and a busy producer or consumer (xmalloc) takes the lock once
 * per half a stack, 1024 ops.
 *
 * <p><b>Cost</b> (all on top of the peer's own allocation): malloc is a {@link ThreadLocal} lookup, a
 * pop and a reference store into the entry (with the GC's write barrier); free is a lookup, a null
 * store and a push, after the peer's load of the entry; byte access is two array loads and a cast. A
 * user of these objects pays none of it (they hold references), so it is the price of driving every
 * peer through one interface, and the same for all object peers.
 *
 * <p><b>Memory ordering.</b> Entries are read and written plainly. A handle travels from the thread
 * that made it to others only through the workload's own synchronisation (a queue, {@code
 * Thread.start}/{@code join}), which orders the entry's store before every use elsewhere. An index
 * travels between threads only through the pool's lock, or by being reclaimed from a thread that has
 * ended ({@link Thread#isAlive()} false), so the null stored by the free that released it happens
 * before the store of whichever malloc reuses it. A chunk is put into the directory by the thread that
 * makes it, under the lock, before any of its indices leave that lock, so whoever holds one of its
 * handles sees the chunk.
 *
 * @param <T> the peer's block objects
 */
final class HandleTable<T> {
    static final int CHUNK_BITS = 10;
    static final int CHUNK = 1 << CHUNK_BITS;
    static final int MAX_CHUNKS = 1 << 14;
    static final int MAX_ENTRIES = CHUNK * MAX_CHUNKS;
    static final int MIN_STACK = 16;
    static final int MAX_STACK = 2048;

    /** One thread's free indices; only that thread touches it while it lives. */
    private static final class Local {
        final Thread owner = Thread.currentThread();
        int[] free = new int[MIN_STACK];
        int size;
    }

    private final Object[][] chunks = new Object[MAX_CHUNKS][];
    private final ThreadLocal<Local> local = ThreadLocal.withInitial(this::register);

    // Guarded by the lock (this table's pool): the shared free indices, the chunks made, every thread's stack.
    private final Object lock = new Object();
    private int[] pool = new int[MAX_STACK];
    private int poolSize;
    private int chunkCount;
    private final List<Local> locals = new ArrayList<>();

    /** Stores {@code block} in a free entry and returns its handle. */
    long add(T block) {
        Local l = local.get();
        if (l.size == 0) refill(l);
        int i = l.free[--l.size];
        chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)] = block;
        return i + 1L;
    }

    /** The block of a live handle (null for a freed one). */
    @SuppressWarnings("unchecked")
    T get(long handle) {
        int i = (int) handle - 1;
        return (T) chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)];
    }

    /** Makes a live handle name {@code block} instead (realloc keeping the handle). */
    void set(long handle, T block) {
        int i = (int) handle - 1;
        chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)] = block;
    }

    /** Empties the entry of a live handle, which is dead afterwards, and lets its index be handed out again. */
    void remove(long handle) {
        int i = (int) handle - 1;
        chunks[i >>> CHUNK_BITS][i & (CHUNK - 1)] = null;
        Local l = local.get();
        if (l.size == l.free.length) spill(l);
        l.free[l.size++] = i;
    }

    /** Chunks made so far (for tests: the table's size in units of {@value #CHUNK} entries). */
    int chunkCount() {
        synchronized (lock) {
            return chunkCount;
        }
    }

    private Local register() {
        Local l = new Local();
        synchronized (lock) {
            locals.add(l);
        }
        return l;
    }

    /** Fills half of an empty stack from the pool (after growing it), minting a chunk when the pool is dry. */
    private void refill(Local l) {
        synchronized (lock) {
            grow(l);
            int want = l.free.length / 2;
            if (poolSize < want) reclaimEnded();
            while (poolSize < want) mintChunk();
            System.arraycopy(pool, poolSize - want, l.free, 0, want);
            poolSize -= want;
            l.size = want;
        }
    }

    /** Gives the older half of a full stack to the pool, then grows the stack. */
    private void spill(Local l) {
        synchronized (lock) {
            int give = l.free.length / 2;
            poolAdd(l.free, 0, give);
            System.arraycopy(l.free, give, l.free, 0, l.size - give);
            l.size -= give;
            grow(l);
        }
    }

    private static void grow(Local l) {
        if (l.free.length < MAX_STACK) l.free = Arrays.copyOf(l.free, l.free.length * 2);
    }

    /** Takes the free indices of threads that have ended into the pool and forgets their stacks. */
    private void reclaimEnded() {
        for (int k = locals.size() - 1; k >= 0; k--) {
            Local l = locals.get(k);
            if (!l.owner.isAlive()) { // happens-after everything the thread did
                poolAdd(l.free, 0, l.size);
                l.size = 0;
                locals.set(k, locals.getLast());
                locals.removeLast();
            }
        }
    }

    /** Makes the next chunk and puts its indices into the pool, lowest on top. */
    private void mintChunk() {
        if (chunkCount == MAX_CHUNKS) {
            throw new IllegalStateException("more than " + MAX_ENTRIES + " live blocks in one object peer");
        }
        int c = chunkCount++;
        chunks[c] = new Object[CHUNK];
        int[] fresh = new int[CHUNK];
        for (int k = 0; k < CHUNK; k++) fresh[k] = (c << CHUNK_BITS) + CHUNK - 1 - k;
        poolAdd(fresh, 0, CHUNK);
    }

    private void poolAdd(int[] from, int start, int n) {
        if (poolSize + n > pool.length) pool = Arrays.copyOf(pool, Math.max(pool.length * 2, poolSize + n));
        System.arraycopy(from, start, pool, poolSize, n);
        poolSize += n;
    }
}
