package dev.hakmem.internal.large;

import dev.hakmem.Tier;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.RecentFrees;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * The Large tier (32 KiB - 2 MiB, and aligned requests the size classes cannot serve): page-granular
 * runs in 4 MiB chunks, best fit, with coalescing of free neighbours and a bounded cache.
 *
 * <p>Free runs are kept in one ordered set keyed by (pages, address), so best fit is a ceiling
 * lookup and ties go to the lowest address. Freed pages stay resident ("dirty") for reuse up to
 * {@code retainedLimit} bytes; past that, free runs are decommitted, largest first, and a chunk that
 * becomes entirely free is given back to the reservation unless it is the only one.
 *
 * <p>Thread safety: one lock (this object's monitor) guards all state. Large blocks are big enough
 * that the lock is amortised over the cost of touching the memory; the Tiny and Mid tiers never
 * take it. Zeroing for calloc happens outside the lock.
 */
public final class LargeTier {
    static final int PAGE_SHIFT = 12;
    private static final long KEY_PAGE_BITS = 40;

    private final Reservation reservation;
    private final MemoryBudget budget;
    private final ChunkRegistry registry;
    private final long retainedLimit;
    private final LargeChunk[] chunks;
    private final TreeSet<Long> freeRuns = new TreeSet<>();
    private final RecentFrees recentlyFreed = new RecentFrees(4096);
    private int chunkCount;
    private long dirtyFreeBytes;
    private long allocations, frees, liveBlocks, liveBytes;

    public LargeTier(Reservation reservation, MemoryBudget budget, ChunkRegistry registry, long retainedLimit) {
        this.reservation = reservation;
        this.budget = budget;
        this.registry = registry;
        this.retainedLimit = retainedLimit;
        this.chunks = new LargeChunk[(int) (reservation.size() >>> Reservation.CHUNK_SHIFT)];
    }

    /** Whether a request of {@code size} bytes at {@code alignment} fits in one chunk's run. */
    public static boolean fits(long size, long alignment) {
        long pages = (size + OsMemory.PAGE_SIZE - 1) >>> PAGE_SHIFT;
        long alignPages = Math.max(1, alignment >>> PAGE_SHIFT);
        return size <= (2L << 20) && alignment <= (2L << 20) && pages + alignPages - 1 <= LargeChunk.PAGES;
    }

    /**
     * Allocates a run of at least {@code size} bytes aligned to {@code alignment} (both within
     * {@link #fits}); zeroed if {@code zero}. Throws OutOfMemoryError when no chunk can be had.
     */
    public long allocate(long size, long alignment, boolean zero) {
        int pages = (int) Math.max(1, (size + OsMemory.PAGE_SIZE - 1) >>> PAGE_SHIFT);
        int alignPages = (int) Math.max(1, alignment >>> PAGE_SHIFT);
        long address;
        boolean mustZero;
        synchronized (this) {
            // Charge every page up front (the reclaimer may scavenge this tier meanwhile), then refund
            // the pages that were already charged as dirty free pages.
            budget.charge(size, (long) pages << PAGE_SHIFT);
            long key;
            try {
                key = findFit(pages, alignPages);
                if (key < 0) key = addChunk(size);
            } catch (RuntimeException | Error e) {
                budget.release((long) pages << PAGE_SHIFT);
                throw e;
            }
            LargeChunk c = chunkOfKey(key);
            int start = (int) (key & (LargeChunk.PAGES - 1));
            int runPages = (int) (key >>> KEY_PAGE_BITS);
            int at = alignUp(start, alignPages);
            freeRuns.remove(key);
            c.clearRun(start);
            if (at > start) insertFree(c, start, at - start);
            if (start + runPages > at + pages) insertFree(c, at + pages, start + runPages - at - pages);
            c.setRun(at, pages, true);
            int dirtyPages = c.dirtyPages(at, pages);
            c.setDirty(at, pages, false);
            dirtyFreeBytes -= (long) dirtyPages << PAGE_SHIFT;
            budget.release((long) dirtyPages << PAGE_SHIFT);
            mustZero = zero && dirtyPages > 0;
            allocations++;
            liveBlocks++;
            liveBytes += (long) pages << PAGE_SHIFT;
            address = c.pageAddress(at);
            recentlyFreed.remove(address);
        }
        if (mustZero) RawMemory.zero(address, (long) pages << PAGE_SHIFT);
        return address;
    }

    /** Frees the run at {@code address} (in a Large chunk); throws on anything but a live run start. */
    public synchronized void free(long address) {
        LargeChunk c = chunkOrThrow("free", address);
        int start = liveRunOrThrow("free", address, c);
        int pages = c.runAt[start];
        recentlyFreed.add(address);
        frees++;
        liveBlocks--;
        liveBytes -= (long) pages << PAGE_SHIFT;
        c.clearRun(start);
        c.setDirty(start, pages, true);
        dirtyFreeBytes += (long) pages << PAGE_SHIFT;
        // Coalesce with free neighbours.
        if (start > 0 && c.startOf[start - 1] != 0 && c.runAt[c.startOf[start - 1] - 1] < 0) {
            int left = c.startOf[start - 1] - 1;
            int leftPages = -c.runAt[left];
            removeFree(c, left);
            start = left;
            pages += leftPages;
        }
        int right = start + pages;
        if (right < LargeChunk.PAGES && c.runAt[right] < 0) {
            int rightPages = -c.runAt[right];
            removeFree(c, right);
            pages += rightPages;
        }
        if (pages == LargeChunk.PAGES && (chunkCount > 1 || dirtyFreeBytes > retainedLimit)) {
            releaseChunk(c);
        } else {
            insertFree(c, start, pages);
            if (dirtyFreeBytes > retainedLimit) scavenge();
        }
    }

    /** Usable bytes of the live run at {@code address}. */
    public synchronized long usableSize(String op, long address) {
        LargeChunk c = chunkOrThrow(op, address);
        return (long) c.runAt[liveRunOrThrow(op, address, c)] << PAGE_SHIFT;
    }

    /**
     * The error for {@code op} on an address in the reserved range where no Large chunk is (any
     * more): a double free if a Large block was freed there recently, else a foreign address.
     */
    public RuntimeException forgottenBlockError(String op, long address) {
        if (recentlyFreed.contains(address)) return Errors.doubleFree(op, address, Tier.LARGE + " block");
        return Errors.notAllocated(op, address, "inside this allocator's reserved range, but no block is live there");
    }

    public synchronized long allocations() { return allocations; }

    public synchronized long frees() { return frees; }

    public synchronized long liveBlocks() { return liveBlocks; }

    public synchronized long liveBytes() { return liveBytes; }

    /** Free bytes kept resident for reuse. */
    public synchronized long cachedBytes() { return dirtyFreeBytes; }

    private long findFit(int pages, int alignPages) {
        for (Long key = freeRuns.ceiling((long) pages << KEY_PAGE_BITS); key != null; key = freeRuns.higher(key)) {
            LargeChunk c = chunkOfKey(key);
            int start = (int) (key & (LargeChunk.PAGES - 1));
            int runPages = (int) (key >>> KEY_PAGE_BITS);
            if (alignUp(start, alignPages) + pages <= start + runPages) return key;
        }
        return -1;
    }

    private long addChunk(long requested) {
        long base = reservation.acquireChunk(requested, false);
        int index = (int) ((base - reservation.base()) >>> Reservation.CHUNK_SHIFT);
        LargeChunk c = new LargeChunk(base, index);
        chunks[index] = c;
        chunkCount++;
        registry.markLargeChunk(base, true);
        insertFree(c, 0, LargeChunk.PAGES);
        return key(c, 0, LargeChunk.PAGES);
    }

    private void releaseChunk(LargeChunk c) {
        long dirty = (long) c.dirtyPages(0, LargeChunk.PAGES) << PAGE_SHIFT;
        dirtyFreeBytes -= dirty;
        chunks[c.index] = null;
        chunkCount--;
        registry.markLargeChunk(c.base, false);
        reservation.releaseChunk(c.base, dirty);
    }

    /**
     * Memory pressure: decommits every free page and gives back every entirely free chunk, so the
     * budget holds only live Large pages.
     */
    public synchronized void releaseCache() {
        for (Long key : freeRuns.toArray(new Long[0])) {
            LargeChunk c = chunkOfKey(key);
            int start = (int) (key & (LargeChunk.PAGES - 1));
            int pages = (int) (key >>> KEY_PAGE_BITS);
            if (pages == LargeChunk.PAGES) {
                freeRuns.remove(key);
                c.clearRun(start);
                releaseChunk(c);
            } else {
                decommit(c, start, pages);
            }
        }
    }

    /** Decommits free runs, largest first, until at most half the retained limit stays dirty. */
    private void scavenge() {
        for (Iterator<Long> it = freeRuns.descendingIterator(); it.hasNext() && dirtyFreeBytes > retainedLimit / 2; ) {
            long key = it.next();
            LargeChunk c = chunkOfKey(key);
            int start = (int) (key & (LargeChunk.PAGES - 1));
            int pages = (int) (key >>> KEY_PAGE_BITS);
            decommit(c, start, pages);
        }
    }

    /** Returns the dirty pages of a free run to the OS and uncharges them. */
    private void decommit(LargeChunk c, int start, int pages) {
        int dirtyPages = c.dirtyPages(start, pages);
        if (dirtyPages == 0) return;
        OsMemory.decommit(c.pageAddress(start), (long) pages << PAGE_SHIFT);
        c.setDirty(start, pages, false);
        long bytes = (long) dirtyPages << PAGE_SHIFT;
        dirtyFreeBytes -= bytes;
        budget.release(bytes);
    }

    private void insertFree(LargeChunk c, int start, int pages) {
        c.setRun(start, pages, false);
        freeRuns.add(key(c, start, pages));
    }

    private void removeFree(LargeChunk c, int start) {
        freeRuns.remove(key(c, start, -c.runAt[start]));
        c.clearRun(start);
    }

    private static int alignUp(int page, int alignPages) {
        // Chunks are 4 MiB aligned relative to the reservation base, which is itself 4 MiB aligned.
        return (page + alignPages - 1) & -alignPages;
    }

    private long key(LargeChunk c, int start, int pages) {
        return ((long) pages << KEY_PAGE_BITS) | ((long) c.index << 10) | start;
    }

    private LargeChunk chunkOfKey(long key) {
        return chunks[(int) ((key & ((1L << KEY_PAGE_BITS) - 1)) >>> 10)];
    }

    private LargeChunk chunkOrThrow(String op, long address) {
        LargeChunk c = chunks[(int) ((address - reservation.base()) >>> Reservation.CHUNK_SHIFT)];
        if (c == null) throw forgottenBlockError(op, address);
        return c;
    }

    private int liveRunOrThrow(String op, long address, LargeChunk c) {
        int page = (int) ((address - c.base) >>> PAGE_SHIFT);
        long pageStart = c.pageAddress(page);
        if (address == pageStart && c.runAt[page] > 0) return page;
        if (address == pageStart && c.runAt[page] < 0) {
            throw Errors.doubleFree(op, address, Tier.LARGE + " block");
        }
        // Interior: find the run containing the page by walking back to a run start.
        for (int p = page; p >= 0; p--) {
            if (c.runAt[p] != 0) {
                int runPages = Math.abs(c.runAt[p]);
                if (p + runPages > page && c.runAt[p] > 0) {
                    throw Errors.interior(op, address, c.pageAddress(p),
                            Tier.LARGE + " block (" + ((long) runPages << PAGE_SHIFT) + " bytes)");
                }
                break;
            }
        }
        if (recentlyFreed.contains(address)) throw Errors.doubleFree(op, address, Tier.LARGE + " block");
        throw Errors.notAllocated(op, address, "no LARGE block starts here (inside a free LARGE run)");
    }
}
