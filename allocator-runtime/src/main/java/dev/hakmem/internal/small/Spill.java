package dev.hakmem.internal.small;

import dev.hakmem.internal.SpinLock;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.Map;
import java.util.Set;

/**
 * An owning thread cache's overflow of one class: free blocks its thread freed while the class's
 * cache was full, kept for that thread's next refills. A LIFO array of addresses that grows by
 * doubling and is then reused for the life of the cache, so moving a batch in or out allocates
 * nothing on the Java heap.
 *
 * <p>Why not the inbox: these blocks used to go to the owner's own inbox, one new node and one new
 * {@code long[]} per batch (about 9 bytes of Java heap per freed block). A program that holds many
 * blocks and frees them together keeps those batches until its next allocations, so they outlive
 * young collections and are promoted; the old generation, and with it the process's RSS, then grew
 * by that much with every hold-then-free cycle until a full collection (the bench's skewedFootprint:
 * peak RSS 7x its live bytes after 7 one-second iterations, while the allocator's own committed
 * memory stayed flat). The inbox stays for what needs a lock-free hand-over: blocks freed by other
 * threads.
 *
 * <p>Size: at most the number of blocks of the class its thread freed beyond the cache at once
 * (8 bytes each on the Java heap, at most half of the free memory they name, which the small tiers
 * keep committed anyway); the array goes back to the pool when its thread's cache is reclaimed.
 *
 * <p>Locking: the inherited try-lock guards {@code blocks} and {@code count}; taking it is a CAS
 * (acquire), releasing it a release store, so each holder sees everything the previous one wrote.
 * Three parties take it, each for a bounded copy, never while waiting for anything else:
 * <ul>
 *   <li>the owner, to put a batch in ({@link #put}) or take one out ({@link #take}). A take never
 *       waits (if the lock is held, only while another thread is under memory pressure, the refill
 *       looks elsewhere); a put waits for that releaser's bounded count, because the owner's freed
 *       blocks have nowhere else to go: its inbox takes only blocks other threads freed (see
 *       {@link BlockState}), and the shared lists would hand them to other threads;</li>
 *   <li>a thread under memory pressure ({@link #countInto}, {@link #removeIn}, from
 *       {@link CentralFreeList#releaseFreeSlabs}), with {@link #tryLock()}: a spill its owner holds is
 *       skipped, as the blocks in a thread cache are;</li>
 *   <li>the reclaimer of an ended owner ({@link #put}, {@link #giveBackEnded}), with {@link #lock()}: it waits for a
 *       releaser that holds the lock, so that no releaser puts blocks back into a spill nobody will
 *       read again.</li>
 * </ul>
 */
final class Spill extends SpinLock {
    private static final long[] EMPTY = new long[0];

    /** Where the arrays come from and go back to. */
    private final SpillArrays arrays;
    /** Free blocks, {@code blocks[0..count)}, the most recently spilled on top; guarded by the lock. */
    private long[] blocks = EMPTY;
    private int count;

    Spill(SpillArrays arrays) {
        this.arrays = arrays;
    }

    /**
     * The owner (or the reclaimer of an ended owner) only: appends {@code src[from..from+n)}. Waits for
     * the lock if a releaser holds it (for the length of its count, never longer), so the owner's
     * blocks stay with the owner.
     */
    void put(long[] src, int from, int n) {
        lock();
        try {
            makeRoom(n);
            System.arraycopy(src, from, blocks, count, n);
            count += n;
        } finally {
            unlock();
        }
    }

    /**
     * Owner only: appends the orphans of {@code slab}, a slab it has just claimed, from {@code bits},
     * their bitmap, which it took and now empties ({@link Slab#drainOrphans}); waits for the lock as
     * {@link #put} does.
     */
    void putOrphans(Slab slab, long[] bits) {
        int n = Slab.orphanCount(bits);
        lock();
        try {
            makeRoom(n);
            count += slab.drainOrphans(bits, blocks, count, n);
        } finally {
            unlock();
        }
    }

    /**
     * Owner only: moves up to {@code max} blocks from the top into {@code dst[0..)}, keeping their
     * order; returns how many (0 when empty or when a releaser holds the lock).
     */
    int take(long[] dst, int max) {
        if (count == 0 || !tryLock()) return 0; // only the owner adds blocks: a 0 it reads unlocked is exact
        try {
            int n = Math.min(max, count);
            count -= n;
            System.arraycopy(blocks, count, dst, 0, n);
            return n;
        } finally {
            unlock();
        }
    }

    /**
     * Lock held: grows the array, at least doubling it, until {@code n} more blocks fit; the shorter
     * array goes back to the pool.
     */
    private void makeRoom(int n) {
        if (count + n <= blocks.length) return;
        long[] bigger = arrays.take(Math.max(2 * blocks.length, count + n));
        System.arraycopy(blocks, 0, bigger, 0, count);
        arrays.give(blocks);
        blocks = bigger;
    }

    /** Blocks held, for statistics: a racy read, exact once the owner is quiet. */
    int blocks() {
        return count;
    }

    /** Lock held: adds one to {@code freeBlocks} of each held block's slab. */
    void countInto(Map<Slab, int[]> freeBlocks, ChunkRegistry registry) {
        CentralFreeList.countBySlab(blocks, count, freeBlocks, registry);
    }

    /** Lock held: drops the blocks that lie in one of the {@code released} slabs, keeping the others' order. */
    void removeIn(Set<Slab> released, ChunkRegistry registry) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!released.contains(registry.slab(blocks[i]))) blocks[kept++] = blocks[i];
        }
        count = kept;
    }

    /**
     * The owner has ended and its slabs are shared: waits for the lock and gives every block back
     * ({@link CentralFreeList#giveBackEnded}, which reorders them in this spill's array), leaving the
     * spill empty and its array for {@link #giveArrayBack()}. Returns how many blocks it gave back.
     */
    int giveBackEnded(CentralFreeList central) {
        lock();
        try {
            int n = count;
            central.giveBackEnded(blocks, n);
            count = 0;
            return n;
        } finally {
            unlock();
        }
    }

    /**
     * The owner has ended and the spill was drained ({@link #giveBackEnded}): gives its array back to the
     * pool, unless it still holds blocks.
     */
    void giveArrayBack() {
        lock();
        try {
            if (count != 0 || blocks.length == 0) return;
            arrays.give(blocks);
            blocks = EMPTY;
        } finally {
            unlock();
        }
    }
}
