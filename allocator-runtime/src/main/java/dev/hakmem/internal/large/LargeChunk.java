package dev.hakmem.internal.large;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Out-of-band page map of one 4 MiB Large chunk: 1024 pages of 4 KiB cut into runs.
 *
 * <p>Boundary tags, kept only at run boundaries (every other entry is 0):
 * <ul>
 *   <li>{@code runAt[p]}: at the first page of a run, {@code +pages} if allocated, {@code -pages} if
 *       free;</li>
 *   <li>{@code startOf[p]}: at the last page of a run, the run's first page plus one.</li>
 * </ul>
 * So an address is a live block exactly when it is page-aligned and {@code runAt} of its page is
 * positive, and the neighbours of a run are found in O(1) for coalescing. {@code dirty} has a bit per
 * page that is free and may be resident (written since the OS last gave it to us zeroed), and so is
 * still charged to the memory budget. {@code next}/{@code prev}, at the first page of a free run, link
 * the run into its {@link RunBins} list (run ids, see {@link #id}).
 *
 * <p>{@code state}, at the first page of every run the arena counts as allocated, says who holds the
 * block and which thread may free it without an atomic instruction: {@link #live} (its program),
 * {@link #cached} (a thread's {@link LargeCache}, after a free) or {@link #remote} (freed by a thread
 * other than its owner, on its way to the owner's {@link LargeInbox}), each with the run's page count
 * and an owner id ({@link LargeOwners}; 0: none); 0 everywhere else. It is the one field touched
 * without the lock (see {@link #state} and the package description for who changes it how).
 *
 * <p>Not thread-safe apart from {@code state}: guarded by the lock of its {@link #arena}, which never
 * changes: a chunk given back to the reservation is forgotten, and one taken again gets a new
 * {@code LargeChunk}.
 */
final class LargeChunk {
    static final int PAGES = 1024;
    static final int PAGE_BITS = 10;

    final long base;
    final int index;
    final LargeArena arena;
    final int[] runAt = new int[PAGES];
    final int[] startOf = new int[PAGES];
    final long[] dirty = new long[PAGES / 64];
    final long[] next = new long[PAGES];
    final long[] prev = new long[PAGES];
    /**
     * Per page: {@link #live}, {@link #cached} or {@link #remote} at an allocated run's first page,
     * else 0. Written with release stores, plain-ordered stores by an owner, or CAS; read with acquire
     * loads. Set to live under the arena's lock when the run is carved and cleared under it when the
     * arena takes the run back. Between those, outside the lock:
     * <ul>
     *   <li>live of owner {@code o} to cached: a release store by the thread whose cache holds id
     *       {@code o} (its own free); a CAS by any thread for an unowned block ({@code o == 0});</li>
     *   <li>live of owner {@code o} to remote of {@code o}: a CAS by any other thread (its free);</li>
     *   <li>remote to cached: a CAS by the thread that accepts the remote free (the holder of
     *       {@code o}, or the freeing thread itself when {@code o} has no holder);</li>
     *   <li>cached to live: a release store by the thread whose cache holds the block (a malloc).</li>
     * </ul>
     * So a live word of owner {@code o} changes without a CAS only by the holder of {@code o}, and
     * every other change of it is a CAS to remote, which that holder checks before it takes the block:
     * of two frees of one block racing on two threads, at most one block reaches a cache or an arena.
     */
    private final int[] state = new int[PAGES];
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int LIVE = 1, CACHED = 2, REMOTE = 3;
    /** The owner id's place in a state word: above the kind (2 bits) and the page count (11 bits, up to 1024). */
    static final int OWNER_SHIFT = 13;
    /** The largest owner id a state word holds. */
    static final int MAX_OWNER = (1 << (32 - OWNER_SHIFT - 1)) - 1;
    /** A state word no run start ever has: a free that expects it names a double free. */
    static final int NO_STATE = -1;

    LargeChunk(long base, int index, LargeArena arena) {
        this.base = base;
        this.index = index;
        this.arena = arena;
    }

    /** The id of the run starting at {@code page}: chunk index and page in one long, for bin links. */
    long id(int page) {
        return ((long) index << PAGE_BITS) | page;
    }

    static int chunkIndexOf(long id) {
        return (int) (id >>> PAGE_BITS);
    }

    static int pageOf(long id) {
        return (int) id & (PAGES - 1);
    }

    /** Records a run of {@code pages} starting at {@code start}; free runs have {@code allocated = false}. */
    void setRun(int start, int pages, boolean allocated) {
        runAt[start] = allocated ? pages : -pages;
        startOf[start + pages - 1] = start + 1;
    }

    /** Erases the tags of the run at {@code start} (it is being merged or re-cut). */
    void clearRun(int start) {
        int pages = Math.abs(runAt[start]);
        runAt[start] = 0;
        startOf[start + pages - 1] = 0;
    }

    /** The state word of a run of {@code pages} held by the program, freed without a CAS by the holder of {@code owner} (0: by none). */
    static int live(int pages, int owner) {
        return owner << OWNER_SHIFT | pages << 2 | LIVE;
    }

    /** The state word of a run of {@code pages} held, freed, by the cache of {@code owner} (0: a cache with no id). */
    static int cached(int pages, int owner) {
        return owner << OWNER_SHIFT | pages << 2 | CACHED;
    }

    /** The state word of a run of {@code pages} of owner {@code owner}, freed by another thread, on its way to that owner. */
    static int remote(int pages, int owner) {
        return owner << OWNER_SHIFT | pages << 2 | REMOTE;
    }

    static boolean isLive(int state) {
        return (state & 3) == LIVE;
    }

    static boolean isCached(int state) {
        return (state & 3) == CACHED;
    }

    static boolean isRemote(int state) {
        return (state & 3) == REMOTE;
    }

    /** The page count a non-zero state word carries. */
    static int pagesOf(int state) {
        return state >>> 2 & (1 << (OWNER_SHIFT - 2)) - 1;
    }

    /** The owner id a state word carries (0: none). */
    static int ownerOf(int state) {
        return state >>> OWNER_SHIFT;
    }

    int state(int page) {
        return (int) STATE.getAcquire(state, page);
    }

    void setState(int page, int value) {
        STATE.setRelease(state, page, value);
    }

    boolean casState(int page, int expected, int value) {
        return STATE.compareAndSet(state, page, expected, value);
    }

    /** Number of dirty pages in {@code [start, start+pages)}. */
    int dirtyPages(int start, int pages) {
        int n = 0;
        for (int p = start, end = start + pages; p < end; ) {
            int w = p >>> 6, to = Math.min(end, (w + 1) << 6);
            n += Long.bitCount(dirty[w] & mask(p, to));
            p = to;
        }
        return n;
    }

    /** Sets or clears the dirty bits of {@code [start, start+pages)}. */
    void setDirty(int start, int pages, boolean value) {
        for (int p = start, end = start + pages; p < end; ) {
            int w = p >>> 6, to = Math.min(end, (w + 1) << 6);
            if (value) dirty[w] |= mask(p, to);
            else dirty[w] &= ~mask(p, to);
            p = to;
        }
    }

    /** Bits {@code from & 63 .. (to - 1) & 63} of one word; {@code from < to <= } the word's end. */
    private static long mask(int from, int to) {
        return (-1L >>> (64 - (to - from))) << from;
    }

    /** The page of this chunk that {@code address} (in it) lies in. */
    int pageIndex(long address) {
        return (int) ((address - base) >>> LargeTier.PAGE_SHIFT);
    }

    long pageAddress(int page) {
        return base + ((long) page << LargeTier.PAGE_SHIFT);
    }
}
