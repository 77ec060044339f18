package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Out-of-band metadata of one slab (Tiny, 64 KiB) or span (Mid, 512 KiB) of a single size class.
 * Nothing about a block is ever stored in the block itself, so a user write into a freed block or past
 * the end of a live one cannot corrupt the allocator.
 *
 * <p>Blocks are handed out in index order by {@link #claim(int)} ("carving"), which only produces
 * addresses: carving touches no memory, so untouched blocks cost no resident pages.
 *
 * <p>With checks on, each block also has a state byte, kept in its chunk's state array: see
 * {@link BlockState}.
 */
public final class Slab {
    private static final VarHandle CARVED, ORPHANS;

    static {
        try {
            CARVED = MethodHandles.lookup().findVarHandle(Slab.class, "carved", int.class);
            ORPHANS = MethodHandles.lookup().findVarHandle(Slab.class, "orphans", long[].class);
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
     * takes the slab ({@link OrphanedSlabs}); null otherwise. Set (volatile) before the slab is made
     * shared, taken with getAndSet, so exactly one thread gets them.
     */
    @SuppressWarnings("unused") private volatile long[] orphans;
    /** Set (once, volatile) when the slab's memory went back to the OS; its owner then forgets it. */
    private volatile boolean released;

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

    /** Attaches {@code blocks} (free blocks of this slab, the array given up) as its orphans. */
    void setOrphans(long[] blocks) { orphans = blocks; }

    /** Whether orphans are attached (a racy look: {@link #takeOrphans} decides). */
    boolean hasOrphans() { return orphans != null; }

    /** How many orphans are attached, -1 if none are (a racy look). */
    int orphanCount() {
        long[] o = orphans;
        return o == null ? -1 : o.length;
    }

    /** Detaches and returns the orphans, or null if none are attached (another thread took them). */
    long[] takeOrphans() { return (long[]) ORPHANS.getAndSet(this, (long[]) null); }

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
     * Claims up to {@code max} never-carved blocks and writes their addresses to {@code dst[0..)};
     * returns how many (0 when the slab is fully carved).
     */
    public int claimInto(long[] dst, int max) {
        int start = claim(max);
        if (start < 0) return 0;
        int n = Math.min(max, capacity - start);
        for (int i = 0; i < n; i++) dst[i] = blockAddress(start + i);
        return n;
    }
}
