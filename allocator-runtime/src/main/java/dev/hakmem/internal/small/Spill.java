package dev.hakmem.internal.small;

import dev.hakmem.internal.SpinLock;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.Map;
import java.util.Set;

/**
 * An owning thread cache's overflow of one class: free blocks its thread freed while the class's
 * cache was full, kept for that thread's next refills: up to {@value #ARRAY_MAX} in a LIFO array of
 * addresses that grows by doubling and is then reused for the life of the cache, so moving a batch in
 * or out allocates nothing on the Java heap; beyond that, as bits of one bitmap per slab (the orphan
 * bitmaps of {@link Slab#newOrphanBits}, which slabs reuse).
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
 * <p>Size: at most {@value #ARRAY_MAX} addresses (8 KiB), plus 1 bit per block of each slab with more
 * of its blocks here (512 bytes for a Tiny slab of 16-byte blocks). Addresses only, the spill grew to
 * the largest burst of frees its thread made beyond its cache (mstress: each thread frees tens of
 * thousands of blocks just before it ends): 8 bytes per block, kept for the life of the cache and then
 * in the arrays' pool, 3-4 MB of old generation in mstress and so 3-4 MB of RSS (docs/BENCHMARKS-HISTORY.md,
 * session 45). A slab's bitmap here also becomes its orphan bitmap, as it is, when the owner ends
 * ({@link CentralFreeList#giveBackEndedBits}), and a claimed slab's orphans join the spill as their
 * bitmap without a copy ({@link #putOrphans}). The array goes back to the pool when its thread's cache
 * is reclaimed.
 *
 * <p>Locking: the inherited try-lock guards every field but {@code arrays}; taking it is a CAS
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
    /**
     * Blocks kept as addresses, at most; the rest are bits of their slabs' bitmaps. 1024 addresses are
     * 8 KiB of Java heap per class and thread, enough for what a cache's overflow moves back and forth
     * while a program runs; only a burst of frees (a thread freeing what it held before it ends) goes
     * beyond, and there the bitmaps cost 1 bit per block of the slabs it touches instead of 64 per block.
     */
    static final int ARRAY_MAX = 1024;
    /**
     * Entries looked through, the newest first, when a slab's hint names another spill's index
     * ({@link #indexOf}): a bounded look, because a spill lists hundreds of slabs after a burst of
     * frees and every slab it lists for the first time pays it.
     */
    private static final int RECENT = 8;
    private static final long[] EMPTY = new long[0];
    private static final Slab[] NO_SLABS = new Slab[0];
    private static final long[][] NO_BITS = new long[0][];

    /** Where the arrays come from and go back to. */
    private final SpillArrays arrays;
    /** Free blocks, {@code blocks[0..count)}, the most recently spilled on top; guarded by the lock. */
    private long[] blocks = EMPTY;
    private int count;
    /**
     * The blocks beyond {@link #ARRAY_MAX}: for {@code k < slabCount}, the free blocks of {@code slabs[k]}
     * as the orphan bitmap {@code bits[k]} ({@link Slab#newOrphanBits} format, at least one bit set; the
     * spill's alone), and {@code bitBlocks} their total; guarded by the lock. {@link Slab#spillHint} of
     * each listed slab is its index here (a hint, checked against {@code slabs}).
     */
    private Slab[] slabs = NO_SLABS;
    private long[][] bits = NO_BITS;
    private int slabCount;
    private int bitBlocks;

    Spill(SpillArrays arrays) {
        this.arrays = arrays;
    }

    /**
     * The owner (or the reclaimer of an ended owner) only: appends {@code src[from..from+n)}, whose
     * slabs {@code registry} names. Waits for the lock if a releaser holds it (for the length of its
     * count, never longer), so the owner's blocks stay with the owner.
     */
    void put(long[] src, int from, int n, ChunkRegistry registry) {
        lock();
        try {
            int listed = Math.max(0, Math.min(n, ARRAY_MAX - count));
            if (listed > 0) {
                makeRoom(listed);
                System.arraycopy(src, from, blocks, count, listed);
                count += listed;
            }
            for (int i = from + listed, end = from + n; i < end; ) {
                Slab s = registry.slab(src[i]);
                if (s != null) {
                    i = markRun(s, src, i, end);
                } else { // not in a registered slab (no cached block should be): kept as an address, as before
                    makeRoom(1);
                    blocks[count++] = src[i++];
                }
            }
        } finally {
            unlock();
        }
    }

    /**
     * Owner only: adds the orphans of {@code slab}, a slab it has just claimed, from {@code bits},
     * their bitmap, which it took ({@link Slab#takeOrphans}): copied to the array while it has room
     * (emptying {@code bits}, {@link Slab#drainOrphans}), else kept as the slab's bitmap here as it is.
     * Waits for the lock as {@link #put} does.
     */
    void putOrphans(Slab slab, long[] bits) {
        int n = Slab.orphanCount(bits);
        lock();
        try {
            if (count + n <= ARRAY_MAX) {
                makeRoom(n);
                count += slab.drainOrphans(bits, blocks, count, n);
            } else {
                adoptBits(slab, bits);
            }
        } finally {
            unlock();
        }
    }

    /**
     * Owner only: moves up to {@code max} blocks into {@code dst[0..)}: from the top of the array,
     * keeping their order, or, with the array empty, from the last listed slab's bitmap, written so that
     * a cache popping from the top hands them out lowest address first. Returns how many (0 when empty
     * or when a releaser holds the lock).
     */
    int take(long[] dst, int max) {
        if ((count | bitBlocks) == 0 || !tryLock()) return 0; // only the owner adds blocks: a 0 it reads unlocked is exact
        try {
            if (count > 0) {
                int n = Math.min(max, count);
                count -= n;
                System.arraycopy(blocks, count, dst, 0, n);
                return n;
            }
            return slabCount == 0 ? 0 : takeBits(dst, max);
        } finally {
            unlock();
        }
    }

    /** Lock held, some slab listed: up to {@code max} blocks of the last listed slab into {@code dst}. */
    private int takeBits(long[] dst, int max) {
        int k = slabCount - 1;
        Slab s = slabs[k];
        long[] b = bits[k];
        boolean emptied = Slab.orphanCount(b) <= max; // read before the drain, which may hand b to s as its spare
        int n = s.drainOrphans(b, dst, 0, max);
        for (int i = 0, j = n - 1; i < j; i++, j--) { // lowest first from the drain; the cache pops its top first
            long t = dst[i];
            dst[i] = dst[j];
            dst[j] = t;
        }
        bitBlocks -= n;
        if (emptied) dropSlab(k);
        return n;
    }

    /**
     * Lock held: sets the bits of {@code src[i]}, a block of {@code s}, and of the blocks after it up to
     * {@code end} that lie in {@code s} too, in the bitmap listed for {@code s}; returns the index of
     * the first block not in {@code s} ({@code end} if none). Why runs: a cache's oldest half, which is
     * what a flush puts here, is mostly blocks of one slab (a thread that frees in the order it
     * allocated, skewedFootprint and mstress, frees a slab's blocks in a row), and one slab lookup,
     * one look-up of the slab's bitmap here and one count update per run instead of per block: the put had
     * 8.6% of skewedFootprint's samples, and the run went from 31.4 to 33.6 M ops/s
     * (docs/BENCHMARKS-HISTORY.md, session 55).
     */
    private int markRun(Slab s, long[] src, int i, int end) {
        int k = indexOf(s, null); // before reading bits, which it may replace
        long[] b = bits[k];
        int added = 0;
        do {
            added += s.setOrphanBit(b, src[i]);
        } while (++i < end && s.holds(src[i]));
        b[b.length - 1] += added;
        bitBlocks += added;
        return i;
    }

    /** Lock held: adds the blocks of {@code b} (a detached orphan bitmap of {@code s}, now this spill's) to the bitmap listed for {@code s}. */
    private void adoptBits(Slab s, long[] b) {
        int k = indexOf(s, b);
        long[] mine = bits[k];
        if (mine == b) {
            bitBlocks += Slab.orphanCount(b);
            return;
        }
        bitBlocks += Slab.mergeOrphans(mine, b);
    }

    /**
     * Lock held: the index of {@code s}'s bitmap here; if it has none yet, lists it with {@code b}, or
     * with a new empty bitmap ({@link Slab#newOrphanBits}) if {@code b} is null. The slab's hint
     * ({@link Slab#spillHint}) finds it at once unless another spill has listed the slab since; then
     * the last {@value #RECENT} entries are looked through before the slab is listed again, so that two
     * spills taking turns with one slab's blocks do not list it again (each entry carries a bitmap of
     * the slab's size; {@code SpillListingTest}).
     */
    private int indexOf(Slab s, long[] b) {
        int k = s.spillHint;
        if (k < slabCount && slabs[k] == s) return k;
        for (k = slabCount - 1; k >= Math.max(0, slabCount - RECENT); k--) {
            if (slabs[k] == s) {
                s.spillHint = k;
                return k;
            }
        }
        if (slabCount == slabs.length) {
            int longer = Math.max(8, 2 * slabCount);
            slabs = java.util.Arrays.copyOf(slabs, longer);
            bits = java.util.Arrays.copyOf(bits, longer);
        }
        k = slabCount++;
        slabs[k] = s;
        bits[k] = b != null ? b : s.newOrphanBits();
        s.spillHint = k;
        return k;
    }

    /** Lock held: removes entry {@code k}; the last entry takes its place. */
    private void dropSlab(int k) {
        int last = --slabCount;
        if (k != last) {
            slabs[k] = slabs[last];
            bits[k] = bits[last];
            slabs[k].spillHint = k;
        }
        slabs[last] = null;
        bits[last] = null;
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

    /** Entries of the slab list (tests): a racy read. */
    int listedSlabs() {
        return slabCount;
    }

    /** Blocks held, for statistics: a racy read, exact once the owner is quiet. */
    int blocks() {
        return count + bitBlocks;
    }

    /** Bytes of Java heap this spill's array and bitmaps take, about (tests): a racy read. */
    long heapBytes() {
        long bytes = 8L * blocks.length;
        long[][] b = bits;
        for (int k = 0; k < Math.min(slabCount, b.length); k++) if (b[k] != null) bytes += 8L * b[k].length;
        return bytes;
    }

    /** Lock held: adds one to {@code freeBlocks} of each held block's slab. */
    void countInto(Map<Slab, int[]> freeBlocks, ChunkRegistry registry) {
        CentralFreeList.countBySlab(blocks, count, freeBlocks, registry);
        for (int k = 0; k < slabCount; k++) freeBlocks.computeIfAbsent(slabs[k], x -> new int[1])[0] += Slab.orphanCount(bits[k]);
    }

    /** Lock held: drops the blocks that lie in one of the {@code released} slabs, keeping the others' order. */
    void removeIn(Set<Slab> released, ChunkRegistry registry) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (!released.contains(registry.slab(blocks[i]))) blocks[kept++] = blocks[i];
        }
        count = kept;
        for (int k = slabCount - 1; k >= 0; k--) {
            if (!released.contains(slabs[k])) continue;
            bitBlocks -= Slab.orphanCount(bits[k]);
            dropSlab(k); // its bitmap goes to the garbage collector: the slab's memory is gone
        }
    }

    /**
     * The owner has ended and its slabs are shared: waits for the lock and gives every block back
     * ({@link CentralFreeList#giveBackEnded}, which reorders them in this spill's array, and
     * {@link CentralFreeList#giveBackEndedBits} for each listed slab), leaving the spill empty and its
     * array for {@link #giveArrayBack()}. Returns how many blocks it gave back.
     */
    int giveBackEnded(CentralFreeList central) {
        lock();
        try {
            int n = count + bitBlocks;
            central.giveBackEnded(blocks, count);
            count = 0;
            for (int k = slabCount - 1; k >= 0; k--) {
                central.giveBackEndedBits(slabs[k], bits[k]);
                dropSlab(k);
            }
            bitBlocks = 0;
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
