package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Out-of-band metadata of one slab (Tiny, 64 KiB) or span (Mid, 512 KiB) of a single size class.
 * Nothing about a block is ever stored in the block itself, so a user write into a freed block or past
 * the end of a live one cannot corrupt the allocator.
 *
 * <p>Blocks are handed out in index order by {@link #claim(int)} ("carving"), which only produces
 * addresses: carving touches no memory, so untouched blocks cost no resident pages. A thread receives
 * them in ascending address order ({@link #claimInto}).
 *
 * <p>With checks on, each block also has a state byte, kept in its chunk's state array: see
 * {@link BlockState}.
 */
public final class Slab {
    private static final VarHandle CARVED, ORPHANS, SPARE_BITS;
    /** Orphans of a slab of which no free block is known (count 0, no words): shared, never written. */
    static final long[] NO_ORPHANS = {0};

    static {
        try {
            var l = MethodHandles.lookup();
            CARVED = l.findVarHandle(Slab.class, "carved", int.class);
            ORPHANS = l.findVarHandle(Slab.class, "orphans", long[].class);
            SPARE_BITS = l.findVarHandle(Slab.class, "spareBits", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long base;
    private final int sizeClass;
    private final int blockSize;
    private final int capacity;
    private final long magic;
    /** Blocks carved so far; only grows, by CAS in {@link #claim}. */
    @SuppressWarnings("unused") private volatile int carved;
    /**
     * The free blocks of this slab that its owner held when it ended, waiting for the thread that
     * takes the slab ({@link OrphanedSlabs}), as an orphan bitmap (see {@link #newOrphanBits}); null
     * otherwise. Set (volatile) before the slab is made shared, taken with getAndSet, so exactly one
     * thread gets them.
     */
    @SuppressWarnings("unused") private volatile long[] orphans;
    /**
     * A cleared orphan bitmap for the next time this slab is orphaned, left by the thread that emptied
     * the last one ({@link #drainOrphans}), or null. Both sides exchange it with getAndSet, so a bitmap
     * is only ever in one thread's hands, and an orphaned slab makes no Java garbage after its first time.
     */
    @SuppressWarnings("unused") private volatile long[] spareBits;
    /** Set (once, volatile) when the slab's memory went back to the OS; its owner then forgets it. */
    private volatile boolean released;
    /**
     * While the cache that owned this slab is reclaimed ({@link SmallTier#abandon}): true, and the orphan
     * bitmap being filled with the ended owner's free blocks of this slab, or null while none was found.
     * Plain: written and read only by the reclaimer, under SmallTier's abandon lock, and cleared before
     * it is released. Fields of the slab instead of a set of the owned slabs and a map to their bitmaps:
     * with two hash lookups per slab change in the ended thread's blocks, the reclaim held half of
     * threadChurn's samples with platform threads, a quarter after (docs/BENCHMARKS-HISTORY.md, session 32).
     */
    boolean abandoning;
    long[] abandonBits;
    /**
     * Where a {@link Spill} lists this slab's bitmap, a hint: plain, written by whichever spill lists the
     * slab (under that spill's lock), and trusted by a spill only after it finds this slab at that index
     * of its own list. Two spills may list one slab (blocks of a slab reach other caches through the
     * shared pool); then it names the latest one's index, and the other, finding another slab there,
     * looks through its newest entries ({@code Spill.indexOf}); if the slab is not among them, it lists
     * the slab again with a bitmap of its own: the entries are drained like any others, and no block
     * is in two of them, since each block is put in once.
     */
    int spillHint;

    public Slab(long base, int sizeClass, int blockSize, int capacity, long magic) {
        this.base = base;
        this.sizeClass = sizeClass;
        this.blockSize = blockSize;
        this.capacity = capacity;
        this.magic = magic;
    }

    public long base() { return base; }

    public int sizeClass() { return sizeClass; }

    public int blockSize() { return blockSize; }

    public int capacity() { return capacity; }

    public int carved() { return carved; }

    /** Whether this slab's memory was given back under memory pressure ({@link #markReleased}). */
    public boolean released() { return released; }

    /** Records that this slab's span was given back to the OS (it is then no one's). */
    public void markReleased() { released = true; }

    /** Attaches {@code bits} (an orphan bitmap of this slab, given up by the caller) as its orphans. */
    void setOrphans(long[] bits) { orphans = bits; }

    /** Whether orphans are attached (a racy look: {@link #takeOrphans} decides). */
    boolean hasOrphans() { return orphans != null; }

    /** How many orphans are attached, -1 if none are (a racy look). */
    int orphanCount() {
        long[] o = orphans;
        return o == null ? -1 : orphanCount(o);
    }

    /** Detaches and returns the orphan bitmap, or null if none is attached (another thread took it). */
    long[] takeOrphans() { return (long[]) ORPHANS.getAndSet(this, (long[]) null); }

    /**
     * An empty orphan bitmap of this slab for the caller alone: bit {@code i % 64} of word {@code i / 64}
     * stands for block {@code i}, and the last element counts the set bits. The slab's spare one if it
     * has one, else a new one (capacity / 8 bytes: 512 B for a slab of 4096 blocks). Why bits and not
     * addresses: a thread that ends holding tens of thousands of free blocks made an array of their
     * addresses per slab, 8 bytes of Java heap per block and thread life, and the heap, and with it the
     * process's RSS, grew with that garbage (mstress: 129 MB/s of it).
     */
    long[] newOrphanBits() {
        long[] b = (long[]) SPARE_BITS.getAndSet(this, (long[]) null);
        return b != null ? b : new long[((capacity + 63) >>> 6) + 1];
    }

    /** The number of orphans in bitmap {@code bits}. */
    static int orphanCount(long[] bits) {
        return (int) bits[bits.length - 1];
    }

    /** Sets the bit of {@code address}, a block of this slab, in {@code bits} (the caller's alone). */
    void markOrphan(long[] bits, long address) {
        bits[bits.length - 1] += setOrphanBit(bits, address);
    }

    /**
     * {@link #markOrphan} without the count: sets the bit of {@code address}, a block of this slab, in
     * {@code bits} and returns 1, or returns 0 if it was set (an address listed twice is one block: it
     * is handed out once); the caller adds the returns to the count.
     */
    int setOrphanBit(long[] bits, long address) {
        int k = indexOf(address);
        long w = bits[k >>> 6], bit = 1L << k;
        bits[k >>> 6] = w | bit;
        return (int) (~w >>> k) & 1;
    }

    /** Whether {@code address} lies in this slab's blocks (from its base to the end of its last block). */
    boolean holds(long address) {
        return Long.compareUnsigned(address - base, (long) capacity * blockSize) < 0;
    }

    /**
     * Adds the blocks of bitmap {@code from} to bitmap {@code into} (two orphan bitmaps of one slab, the
     * caller's alone; {@code from} is left as it was) and returns how many were not already in it: a
     * block listed twice is one block, handed out once.
     */
    static int mergeOrphans(long[] into, long[] from) {
        int last = into.length - 1, added = 0;
        for (int w = 0; w < last; w++) {
            long add = from[w] & ~into[w];
            into[w] |= add;
            added += Long.bitCount(add);
        }
        into[last] += added;
        return added;
    }

    /**
     * Moves up to {@code max} of the orphans in {@code bits} (a bitmap of this slab that the caller
     * holds alone, detached or not yet attached) to {@code dst[at..)}, lowest address first, clearing
     * their bits; returns how many. A bitmap emptied here becomes this slab's spare: the caller must
     * not touch it again (another thread may take it for the slab's next orphaning at once).
     */
    int drainOrphans(long[] bits, long[] dst, int at, int max) {
        int last = bits.length - 1, left = (int) bits[last], n = 0;
        if (left == 0) return 0; // NO_ORPHANS included, which is never written
        for (int w = 0; w < last && n < max && n < left; w++) {
            long word = bits[w];
            while (word != 0 && n < max) {
                dst[at + n++] = blockAddress((w << 6) + Long.numberOfTrailingZeros(word));
                word &= word - 1;
            }
            bits[w] = word;
        }
        bits[last] = left - n;
        if (left == n) SPARE_BITS.setVolatile(this, bits);
        return n;
    }

    /** The index of the block containing {@code address} (which must lie in this span). */
    public int indexOf(long address) {
        return (int) (((address - base) * magic) >>> SizeClasses.MAGIC_SHIFT);
    }

    public long blockAddress(int index) {
        return base + (long) index * blockSize;
    }

    /**
     * Claims up to {@code n} never-carved blocks; returns the first index, the count being
     * {@code min(n, capacity - start)}, or -1 when the slab is fully carved.
     */
    public int claim(int n) {
        while (true) {
            int c = carved;
            if (c >= capacity) return -1;
            if (CARVED.compareAndSet(this, c, Math.min(capacity, c + n))) return c;
        }
    }

    /**
     * Memory pressure: ends the carving of a slab whose {@code carved} blocks are all known to be free,
     * so that it can be released although never fully carved. Succeeds (CAS {@code carved ->
     * capacity}) only if no block was carved since the caller read {@code carved}; afterwards
     * {@link #claim} finds nothing, whoever still holds this slab as the one it carves (its owner, or
     * the shared side), and takes a new slab instead.
     */
    public boolean seal(int carved) {
        return carved == capacity || CARVED.compareAndSet(this, carved, capacity);
    }

    /**
     * Claims up to {@code max} never-carved blocks and writes their addresses to {@code dst[0..)},
     * highest first; returns how many (0 when the slab is fully carved).
     *
     * <p>Why highest first: {@code dst} is a thread cache's array, a LIFO popped from its top, so the
     * blocks reach the program lowest first, and the next batch continues above the last: a fresh slab
     * is handed out in ascending address order, as a fresh page's free list is in mimalloc. Written
     * lowest first, every batch of 32 came out highest first, a sawtooth that the hardware's stream
     * prefetchers do not follow: a program that reads its blocks back in allocation order
     * (skewedFootprint) ran 20% slower (docs/BENCHMARKS-HISTORY.md, session 44).
     */
    public int claimInto(long[] dst, int max) {
        int start = claim(max);
        if (start < 0) return 0;
        int n = Math.min(max, capacity - start);
        for (int i = 0; i < n; i++) dst[i] = blockAddress(start + n - 1 - i);
        return n;
    }
}
