package dev.hakmem.internal.large;

/**
 * One platform thread's cache of freed Large blocks of 1 to {@value #MAX_PAGES} pages (every Large
 * size): a LIFO stack per page count, so a malloc that follows a free of the same size, or of up to
 * a quarter more pages ({@link #fitLimit}), reuses that block without the arena's lock, its bins or
 * its dirty-page bookkeeping.
 *
 * <p>The arena still counts a cached block as allocated; the block's run-start
 * {@linkplain LargeChunk#cached state} says that a cache holds it. A stack of page count {@code p}
 * keeps at most {@link #capacity capacity(p)} blocks (about 512 KiB each, 2 to 16 blocks). The whole
 * cache holds {@value #BASE_BYTES} bytes of runs of up to {@value #SMALL_PAGES} pages (256 KiB), as
 * it did before it cached every size, and up to {@value #MAX_BYTES} of any size with bytes it
 * {@linkplain #borrowed borrowed} from the tier's retained pool (the limit on freed Large memory kept
 * resident), which it gives back when it is flushed; so a thread keeps a bounded amount of memory away
 * from the others, and the cached bytes beyond the base are within the retained limit (a retained
 * limit of 0 keeps no run of more than 256 KiB in any cache). A free that finds no room goes to the
 * arena.
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
    /** Largest cached run: 512 pages (2 MiB, the largest Large block). */
    static final int MAX_PAGES = 512;
    /** Bytes one cache holds without borrowing from the retained pool, in runs of up to {@value #SMALL_PAGES} pages. */
    static final long BASE_BYTES = 2L << 20;
    /** Runs of more pages than this are cached only in {@link #borrowed} bytes. */
    static final int SMALL_PAGES = 64;
    /** Bytes one cache holds at most, borrowing beyond {@link #BASE_BYTES} from the retained pool. */
    static final long MAX_BYTES = 16L << 20;
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
    /** Bit {@code p} set when the stack of page count {@code p} holds a block, so a malloc finds one without a walk over the counts. */
    private final long[] nonEmpty = new long[(MAX_PAGES >>> 6) + 1];
    /** Blocks and bytes held now (the arena counts them as live). */
    long cachedBlocks, cachedBytes;
    /** Of {@code cachedBytes}, those in runs of more than {@value #SMALL_PAGES} pages. */
    private long bigBytes;
    /** Bytes borrowed from the tier's retained pool ({@link LargeTier}): the cache holds up to {@link #BASE_BYTES} more. */
    long borrowed;
    /** Mallocs served and frees taken by this cache (the arena counts the others). */
    long allocations, frees;
    /** Entries taken from the inbox at a time on a miss ({@code LargeTier}): a few, as a stack holds 2 to 16 blocks. */
    final long[] inboxBatch = new long[4];
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
        return hasSlot(pages) && lacking(pages) <= 0;
    }

    /** Whether the stack of {@code pages} pages has a free slot (the bytes aside). */
    boolean hasSlot(int pages) {
        return pages <= MAX_PAGES && count[pages] < CAPACITY[pages];
    }

    /**
     * Bytes this cache would have to borrow to hold a run of {@code pages} pages (at most 0: it has the
     * bytes): the whole cache within {@link #BASE_BYTES} plus what it borrowed, and runs of more than
     * {@value #SMALL_PAGES} pages within what it borrowed.
     */
    long lacking(int pages) {
        long bytes = (long) pages << LargeTier.PAGE_SHIFT;
        return Math.max(cachedBytes + bytes - BASE_BYTES - borrowed, pages <= SMALL_PAGES ? 0 : bigBytes + bytes - borrowed);
    }

    /** Caches a block of {@code pages} pages (there is {@linkplain #hasRoom room}) whose state is now cached: a free. */
    void push(int pages, long address) {
        pushAccepted(pages, address);
        frees++;
    }

    /** {@link #push}, for a remote free taken from the inbox: its freeing thread counted it when it delivered it. */
    void pushAccepted(int pages, long address) {
        blocks[OFFSET[pages] + count[pages]++] = address;
        nonEmpty[pages >>> 6] |= 1L << pages;
        cachedBlocks++;
        cachedBytes += (long) pages << LargeTier.PAGE_SHIFT;
        if (pages > SMALL_PAGES) bigBytes += (long) pages << LargeTier.PAGE_SHIFT;
    }

    /**
     * A block for a malloc of {@code pages} pages, removed, or 0 if none: the most recently cached
     * one of the smallest page count from {@code pages} to a quarter more ({@link #fitLimit}). Its
     * run keeps its page count; the caller reads it from the run's state.
     */
    long pop(int pages) {
        int q = firstNonEmpty(pages, fitLimit(pages));
        if (q < 0) return 0;
        allocations++;
        return take(q);
    }

    /** The smallest page count in {@code [from, to]} whose stack holds a block, or -1. */
    private int firstNonEmpty(int from, int to) {
        int w = from >>> 6;
        long bits = nonEmpty[w] & -1L << from;
        while (bits == 0) {
            if (++w > to >>> 6) return -1;
            bits = nonEmpty[w];
        }
        int q = w << 6 | Long.numberOfTrailingZeros(bits);
        return q <= to ? q : -1;
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
        int p = firstNonEmpty(1, MAX_PAGES);
        return p < 0 ? 0 : take(p);
    }

    /** Removes the most recently cached block of {@code pages} pages, of which there is one. */
    private long take(int pages) {
        int n = --count[pages];
        if (n == 0) nonEmpty[pages >>> 6] &= ~(1L << pages);
        cachedBlocks--;
        cachedBytes -= (long) pages << LargeTier.PAGE_SHIFT;
        if (pages > SMALL_PAGES) bigBytes -= (long) pages << LargeTier.PAGE_SHIFT;
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
