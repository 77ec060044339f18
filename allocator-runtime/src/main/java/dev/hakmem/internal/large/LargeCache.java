package dev.hakmem.internal.large;

/**
 * One platform thread's cache of freed Large blocks of 1 to {@value #MAX_PAGES} pages (up to
 * 256 KiB, tcmalloc's per-thread limit too): a LIFO stack per page count, so a malloc that follows a
 * free of the same size, or of up to a quarter more pages ({@link #fitLimit}), reuses that block
 * without the arena's lock, its bins or its dirty-page bookkeeping.
 *
 * <p>The arena still counts a cached block as allocated; the block's run-start
 * {@linkplain LargeChunk#cached state} says that a cache holds it. A stack of page count {@code p}
 * keeps at most {@link #capacity capacity(p)} blocks (about 512 KiB each, 2 to 16 blocks) and the
 * whole cache at most {@value #MAX_BYTES} bytes, so a thread keeps a bounded amount of memory away
 * from the others; a free that finds no room goes to the arena.
 *
 * <p>Owner id: the cache's id in {@link LargeOwners} (taken at its first use), written into every block
 * it mallocs, so that its thread frees them with a store instead of a CAS and other threads send
 * them to its {@link LargeInbox}.
 *
 * <p>Not thread-safe: touched only by its owner thread, and once the owner has ended by the thread
 * that reclaims its cache (the owner's end happens-before that, see {@code ThreadCaches}); the
 * counters are read racily for statistics (a value may be one behind).
 */
public final class LargeCache {
    /** Largest cached run: 64 pages (256 KiB). */
    static final int MAX_PAGES = 64;
    /** Bytes one cache holds at most. */
    static final long MAX_BYTES = 2L << 20;
    private static final int[] OFFSET = new int[MAX_PAGES + 2];
    /** {@link #capacity} by page count, so that the free path divides nothing. */
    private static final int[] CAPACITY = new int[MAX_PAGES + 1];

    static {
        for (int p = 1; p <= MAX_PAGES; p++) {
            CAPACITY[p] = capacity(p);
            OFFSET[p + 1] = OFFSET[p] + CAPACITY[p];
        }
    }

    /** Blocks cached of page count {@code pages}: about 512 KiB of them, at least 2, at most 16. */
    static int capacity(int pages) {
        return Math.max(2, Math.min(16, 128 / pages));
    }

    /** The stacks, page count {@code p}'s at {@code [OFFSET[p], OFFSET[p + 1])}. */
    private final long[] blocks = new long[OFFSET[MAX_PAGES + 1]];
    private final int[] count = new int[MAX_PAGES + 1];
    /** Blocks and bytes held now (the arena counts them as live). */
    long cachedBlocks, cachedBytes;
    /** Mallocs served and frees taken by this cache (the arena counts the others). */
    long allocations, frees;
    /** The owner id ({@link LargeOwners}; 0: none) and its inbox; set once, at the first use ({@link #registered}). */
    private int owner;
    private LargeInbox inbox;
    private boolean registered;

    /** Sets the owner id and inbox ({@link LargeOwners#register}). */
    void setOwner(int owner, LargeInbox inbox) {
        this.owner = owner;
        this.inbox = inbox;
        this.registered = true;
    }

    boolean registered() { return registered; }

    /** The owner id (0: none, or not {@linkplain #registered} yet). */
    int owner() { return owner; }

    /** The inbox of {@link #owner} (null: none). */
    LargeInbox inbox() { return inbox; }

    /** Whether a freed run of {@code pages} pages fits in this cache now. */
    boolean hasRoom(int pages) {
        return pages <= MAX_PAGES && count[pages] < CAPACITY[pages] && cachedBytes + ((long) pages << LargeTier.PAGE_SHIFT) <= MAX_BYTES;
    }

    /** Caches a block of {@code pages} pages (there is {@linkplain #hasRoom room}) whose state is now cached: a free. */
    void push(int pages, long address) {
        pushAccepted(pages, address);
        frees++;
    }

    /** {@link #push}, for a remote free taken from the inbox: its freeing thread counted it when it delivered it. */
    void pushAccepted(int pages, long address) {
        blocks[OFFSET[pages] + count[pages]++] = address;
        cachedBlocks++;
        cachedBytes += (long) pages << LargeTier.PAGE_SHIFT;
    }

    /**
     * A block for a malloc of {@code pages} pages, removed, or 0 if none: the most recently cached
     * one of the smallest page count from {@code pages} to a quarter more ({@link #fitLimit}). Its
     * run keeps its page count; the caller reads it from the run's state.
     */
    long pop(int pages) {
        for (int q = pages, end = fitLimit(pages); q <= end; q++) {
            if (count[q] != 0) {
                allocations++;
                return take(q);
            }
        }
        return 0;
    }

    /**
     * The largest page count a malloc of {@code pages} pages takes from this cache: a quarter more
     * (rounded down), at most {@value #MAX_PAGES}. Why not the exact count only: a program whose
     * Large sizes vary (the large workload: log-uniform from 32 KiB to 2 MiB) rarely asks again for
     * the page count it just freed, so the malloc went to the arena's lock while a block a few pages
     * larger sat in the cache; handing that block out instead costs at most a quarter of the request
     * in unused pages, which the cache held resident anyway (docs/BENCHMARKS-HISTORY.md, session 66).
     */
    static int fitLimit(int pages) {
        return Math.min(MAX_PAGES, pages + (pages >>> 2));
    }

    /** Removes one cached block, any size, for a flush: its address, or 0 when the cache is empty. */
    long takeAny() {
        for (int p = 1; p <= MAX_PAGES; p++) {
            if (count[p] > 0) return take(p);
        }
        return 0;
    }

    /** Removes the most recently cached block of {@code pages} pages, of which there is one. */
    private long take(int pages) {
        int n = --count[pages];
        cachedBlocks--;
        cachedBytes -= (long) pages << LargeTier.PAGE_SHIFT;
        return blocks[OFFSET[pages] + n];
    }

    /** Adds {@code other}'s operation counters to this one's (for the counters of reclaimed caches). */
    public void addCounters(LargeCache other) {
        allocations += other.allocations;
        frees += other.frees;
    }

    /** Blocks cached of page count {@code pages} (tests). */
    int count(int pages) {
        return count[pages];
    }

    /** Bytes cached now (statistics: racy). */
    public long cachedBytes() { return cachedBytes; }

    /** Blocks cached now (statistics: racy). */
    public long cachedBlocks() { return cachedBlocks; }

    /** Mallocs this cache served (statistics: racy). */
    public long allocations() { return allocations; }

    /** Frees this cache took (statistics: racy). */
    public long frees() { return frees; }
}
