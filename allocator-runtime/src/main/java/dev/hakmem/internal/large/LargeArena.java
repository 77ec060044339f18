package dev.hakmem.internal.large;

import static dev.hakmem.internal.large.LargeTier.PAGE_SHIFT;

import dev.hakmem.Tier;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.PaddedLock;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.jfr.MisuseKind;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;

/**
 * One independent part of the Large tier: its own chunks, free runs ({@link RunBins}), cache of
 * dirty free pages and counters, all guarded by its own lock (it is a {@link PaddedLock}).
 *
 * <p>Every method but the constructor must be called with the lock held; {@link #allocate} may let
 * it go for a while (to charge the memory budget, or to take a chunk when the address space is used
 * up) and holds it again when it returns or throws.
 *
 * <p>No arena lock is ever taken while another is held: the budget's reclaimer and the reservation's
 * space reclaimer lock every arena, so {@link #allocate} charges the budget only with a non-blocking
 * {@code tryCharge} and takes chunks only with the lock-free {@code tryAcquireChunk}, or else with
 * its lock let go.
 *
 * <p>Budget: live pages and dirty free pages are charged, decommitted free pages are not. So an
 * allocation charges only the pages of its run that are not dirty, and a free charges nothing; in the
 * steady state neither touches the shared budget counter.
 *
 * <p>Retained limit: the arena keeps dirty free pages up to its allowance, borrowed from the tier's
 * {@link RetainedPool} (so one busy arena can use the whole limit). A free that passes the allowance
 * borrows more; when the pool is lent out, free runs are decommitted, largest first, down to half the
 * allowance, and entirely free chunks among them go back to the reservation whole. A chunk that
 * becomes entirely free within the allowance stays as a resident free run, so the next allocations
 * reuse its pages without page faults.
 *
 * <p>When the OS refuses to decommit ({@code madvise} fails), the pages are still resident: they stay
 * dirty free pages, charged, in the bins, and the next trim tries them again. An entirely free chunk
 * is decommitted here before it goes back to the reservation, and stays (dirty, charged) if that is
 * refused, so a chunk is never given back, to be handed out as reading zero, with its old contents.
 * Either way nothing throws (a trim runs inside {@code free} and under memory pressure), and the
 * cache can then hold more than the allowance by the refused pages (still within the memory limit,
 * which counts them).
 */
final class LargeArena extends PaddedLock {
    final int index;
    private final Reservation reservation;
    private final MemoryBudget budget;
    private final ChunkRegistry registry;
    private final ChunkTable table;
    private final FreedAddresses freed;
    private final RetainedPool pool;
    private final RunBins bins;
    /** The allocator's JFR sink: misuse, fresh pages, pages given back (events are emitted under the lock, only when enabled). */
    private final AllocatorEvents events;
    private int chunkCount;
    /**
     * Free bytes kept resident for reuse (charged, not decommitted). Written under the lock; read
     * without it only by {@link #keepsFreeBytes}, as a hint.
     */
    private long dirtyFreeBytes;
    /** Dirty free bytes this arena may keep, borrowed from the {@link RetainedPool}; never below {@link #dirtyFreeBytes} when the lock is free. */
    private long allowance;
    private long allocations, frees, liveBlocks, liveBytes;
    /** Whether the run handed out by the last {@link #allocate} had dirty pages (calloc must zero it). */
    private boolean lastRunDirty;

    LargeArena(int index, Reservation reservation, MemoryBudget budget, ChunkRegistry registry, ChunkTable table,
               FreedAddresses freed, RetainedPool pool, AllocatorEvents events) {
        this.index = index;
        this.events = events;
        this.reservation = reservation;
        this.budget = budget;
        this.registry = registry;
        this.table = table;
        this.freed = freed;
        this.pool = pool;
        this.bins = new RunBins(table);
    }

    /**
     * Hands out a run of {@code pages} pages aligned to {@code alignPages} pages, for a request of
     * {@code size} bytes, live of owner id {@code owner} (0: none; see {@link LargeChunk#live}).
     * Throws {@link OutOfMemoryError} (nothing changed, nothing charged) when the budget or the
     * reservation is exhausted.
     */
    long allocate(long size, int pages, int alignPages, int owner) {
        long prepaid = 0; // bytes charged to the budget for this request and not yet used
        try {
            while (true) {
                long id = bins.bestFit(pages, alignPages);
                LargeChunk c = id == RunBins.NONE ? null : table.ofRun(id);
                int start = c == null ? 0 : LargeChunk.pageOf(id);
                int at = RunBins.alignUp(start, alignPages);
                int dirtyPages = c == null ? 0 : c.dirtyPages(at, pages);
                long need = (long) (pages - dirtyPages) << PAGE_SHIFT;
                if (need > prepaid) {
                    if (!budget.tryCharge(need - prepaid)) {
                        prepaid = chargeUnlocked(size, need, prepaid);
                        continue; // the lock was let go: look again
                    }
                    prepaid = need;
                }
                boolean newChunk = c == null;
                if (newChunk) c = addChunk(size);
                if (prepaid > need) budget.release(prepaid - need);
                prepaid = 0;
                if (need > 0) events.osRefill(Tier.LARGE, need, size, newChunk);
                return carve(c, start, at, pages, dirtyPages, owner);
            }
        } catch (RuntimeException | Error e) {
            if (prepaid > 0) budget.release(prepaid);
            throw e;
        }
    }

    /** Charges the budget with the lock let go (its reclaimer locks every arena); returns {@code need}. */
    private long chargeUnlocked(long size, long need, long prepaid) {
        unlock();
        try {
            budget.charge(size, need - prepaid);
        } finally {
            lock();
        }
        return need;
    }

    /** Cuts {@code pages} pages at {@code at} out of the free run at {@code start}; returns their address. */
    private long carve(LargeChunk c, int start, int at, int pages, int dirtyPages, int owner) {
        int runPages = -c.runAt[start];
        removeFree(c, start);
        if (at > start) insertFree(c, start, at - start);
        if (start + runPages > at + pages) insertFree(c, at + pages, start + runPages - at - pages);
        c.setRun(at, pages, true);
        c.setState(at, LargeChunk.live(pages, owner));
        if (dirtyPages > 0) c.setDirty(at, pages, false);
        dirtyFreeBytes -= (long) dirtyPages << PAGE_SHIFT;
        lastRunDirty = dirtyPages > 0;
        allocations++;
        liveBlocks++;
        liveBytes += (long) pages << PAGE_SHIFT;
        return c.pageAddress(at);
    }

    boolean lastRunDirty() { return lastRunDirty; }

    /**
     * Takes back the run at {@code address} in {@code c} (one of this arena's chunks) whose state word
     * is {@code held}: live (freed by the program), cached (flushed by the {@link LargeCache} that
     * held it) or remote (a remote free taken by its acceptor); it counts as a free if
     * {@code countFree} (a cache or a delivering thread counted the others). Throws on anything but
     * such a run start ({@link LargeChunk#NO_STATE}: always). Returns whether this arena
     * is held below its fair share of the retained limit because other arenas have borrowed it: the
     * caller should then, with this lock let go, have them {@link #shrinkAllowance shrink} to the fair
     * share.
     */
    boolean free(LargeChunk c, long address, int held, boolean countFree) {
        int start = liveRunOrThrow("free", address, c);
        int pages = c.runAt[start];
        // A CAS, not a store: a free on another thread (of an unowned block, or a remote one) may race with this one.
        if (LargeChunk.pagesOf(held) != pages || !c.casState(start, held, 0)) {
            throw misuse(Errors.doubleFree("free", address, Tier.LARGE + " block"), MisuseKind.DOUBLE_FREE, "free", address);
        }
        if (countFree) frees++;
        liveBlocks--;
        liveBytes -= (long) pages << PAGE_SHIFT;
        c.clearRun(start);
        c.setDirty(start, pages, true);
        dirtyFreeBytes += (long) pages << PAGE_SHIFT;
        // Coalesce with free neighbours; a run start that disappears is remembered for double frees.
        if (start > 0 && c.startOf[start - 1] != 0 && c.runAt[c.startOf[start - 1] - 1] < 0) {
            int left = c.startOf[start - 1] - 1;
            int leftPages = -c.runAt[left];
            removeFree(c, left);
            freed.add(index, address);
            start = left;
            pages += leftPages;
        }
        int right = start + pages;
        if (right < LargeChunk.PAGES && c.runAt[right] < 0) {
            int rightPages = -c.runAt[right];
            removeFree(c, right);
            freed.add(index, c.pageAddress(right));
            pages += rightPages;
        }
        // Even an entirely free chunk stays, resident, while the cache is within the allowance: with
        // blocks of up to half a chunk, chunks empty and refill all the time, and giving each one back
        // at once (as this tier once did whenever the arena had another chunk) made the next
        // allocations fault in fresh zeroed pages: a page fault on nearly every touch.
        insertFree(c, start, pages);
        return dirtyFreeBytes > allowance && overAllowance();
    }

    /** Bytes a free that passes the allowance borrows at least, so that growing is rare. */
    private static final long GRANT = 4L << 20;

    /**
     * The cache passed the allowance: borrows what it lacks (at least {@link #GRANT}) from the pool;
     * if the pool has too little, trims the cache to half the allowance (the slack keeps a workload at
     * the limit from paying a madvise on every free). Returns whether the arena is below its fair share.
     */
    private boolean overAllowance() {
        allowance += pool.take(Math.max(dirtyFreeBytes - allowance, GRANT));
        if (dirtyFreeBytes <= allowance) return false;
        trim(allowance / 2, "retained limit");
        return allowance < pool.fairShare();
    }

    /**
     * Another arena cannot get its fair share: gives back to the pool what this arena holds beyond
     * {@code target}, trimming the cache to it first.
     */
    void shrinkAllowance(long target) {
        if (allowance <= target) return;
        if (dirtyFreeBytes > target) trim(target, "retained limit");
        pool.give(allowance - target);
        allowance = target;
    }

    /**
     * Whether this arena kept free bytes resident when last looked at: a plain read without the lock,
     * so possibly stale (or, on a JVM that splits a long's write, torn), which only makes
     * {@link LargeTier#yieldRetained} lock an arena that has nothing to give or pass one that got free
     * bytes a moment ago: a hint, never a count.
     */
    boolean keepsFreeBytes() {
        return dirtyFreeBytes != 0;
    }

    /**
     * Another tier grows by {@code bytes}: decommits free runs, largest first, until the dirty free
     * bytes are {@code bytes} fewer (or none are left; a run is decommitted whole, so possibly more).
     * Returns the bytes decommitted.
     */
    long yieldRetained(long bytes) {
        long before = dirtyFreeBytes;
        if (before == 0) return 0;
        trim(Math.max(0, before - bytes), "other tiers' growth");
        return before - dirtyFreeBytes;
    }

    /**
     * realloc in place: extends the live run at {@code address} in {@code c} to {@code newPages} pages
     * by taking the head of the free run that follows it, as jemalloc grows a large extent into a free
     * neighbour. Returns false, changing nothing, when the next run is allocated or too short, the
     * block is not live (a thread cache holds it: the caller's moving path names that), or the budget
     * refuses the pages that are not already resident (the moving path then tries, and reports a real
     * shortage). The unused tail of the free run stays a free run; the taken pages are charged like an
     * allocation's (only those not dirty) and the block keeps its address and its start's state word,
     * changed from live of the old page count to live of the new one with a CAS, so a free racing with
     * this realloc (a misuse) either wins before it, and the growth is not made, or frees the whole grown run.
     * Only for an unowned block or one of owner {@code caller} (the calling thread's id): another
     * owner's live word changes without a CAS by that owner's free ({@link LargeChunk#state}), so a
     * block of another thread's is not grown here (false: the caller's realloc moves it).
     */
    boolean growInPlace(LargeChunk c, long address, int newPages, int caller) {
        int start = liveRunOrThrow("realloc", address, c);
        int pages = c.runAt[start];
        int s = c.state(start);
        int owner = LargeChunk.ownerOf(s);
        if (s != LargeChunk.live(pages, owner) || owner != 0 && owner != caller) return false;
        int right = start + pages;
        int extra = newPages - pages;
        if (extra <= 0 || right >= LargeChunk.PAGES || c.runAt[right] >= 0 || -c.runAt[right] < extra) return false;
        int freePages = -c.runAt[right];
        int dirtyPages = c.dirtyPages(right, extra);
        long need = (long) (extra - dirtyPages) << PAGE_SHIFT;
        // kept Huge mappings must not stop a growth that fits without them (the lock-safe reclaimer drops them)
        if (need > 0 && !budget.tryChargeOrReclaim(need)) return false;
        if (!c.casState(start, s, LargeChunk.live(newPages, owner))) {
            if (need > 0) budget.release(need);
            return false;
        }
        removeFree(c, right);
        if (freePages > extra) insertFree(c, right + extra, freePages - extra);
        c.clearRun(start);
        c.setRun(start, newPages, true);
        if (dirtyPages > 0) c.setDirty(right, extra, false);
        dirtyFreeBytes -= (long) dirtyPages << PAGE_SHIFT;
        liveBytes += (long) extra << PAGE_SHIFT;
        if (need > 0) events.osRefill(Tier.LARGE, need, (long) newPages << PAGE_SHIFT, false);
        return true;
    }

    /** Usable bytes of the live run at {@code address} in {@code c}. */
    long usableSize(String op, LargeChunk c, long address) {
        int start = liveRunOrThrow(op, address, c);
        int s = c.state(start);
        if (LargeChunk.isCached(s) || LargeChunk.isRemote(s)) {
            throw misuse(Errors.doubleFree(op, address, Tier.LARGE + " block"), MisuseKind.ofFreedBlock(op), op, address);
        }
        return (long) c.runAt[start] << PAGE_SHIFT;
    }

    /**
     * Memory pressure: decommits every free page and gives back every entirely free chunk, so the
     * budget holds only this arena's live pages.
     */
    void releaseCache() {
        pool.give(allowance);
        allowance = 0;
        trim(Long.MIN_VALUE, "memory pressure"); // every free run: no dirty byte count is at most MIN_VALUE
    }

    /**
     * The address space is used up: gives every entirely free chunk back to the reservation (its dirty
     * pages decommitted and uncharged; one whose pages the OS keeps stays), so another arena or tier
     * can take it. With {@code handOverOne},
     * the first of them is {@linkplain Reservation#handOver handed over} instead and its base returned,
     * for the thread that is waiting for a chunk; otherwise, or with no free chunk, returns
     * {@link Reservation#NO_CHUNK}. Partly used chunks and the allowance stay: the cache only shrinks,
     * so it stays within the allowance.
     */
    long releaseFreeChunks(boolean handOverOne) {
        Object event = events.returning();
        long dirtyBefore = dirtyFreeBytes;
        long handed = Reservation.NO_CHUNK;
        for (long id = bins.head(LargeChunk.PAGES), next; id != RunBins.NONE; id = next) {
            next = bins.next(id);
            LargeChunk c = table.ofRun(id);
            if (!cleanChunk(c)) continue; // the OS kept its pages: it stays a free run, dirty and charged
            removeFree(c, 0); // a run of a whole chunk's pages starts at its first page
            if (handOverOne && handed == Reservation.NO_CHUNK) {
                handed = reservation.handOver(c.base, forgetChunk(c));
            } else {
                reservation.releaseChunk(c.base, forgetChunk(c));
            }
        }
        events.returned(event, Tier.LARGE, dirtyBefore - dirtyFreeBytes, "address space");
        return handed;
    }

    /**
     * Decommits free runs, largest first, until at most {@code target} dirty free bytes stay. Entirely
     * free chunks come first and go back to the reservation whole, address space included.
     */
    private void trim(long target, String reason) {
        Object event = events.returning();
        long dirtyBefore = dirtyFreeBytes;
        for (int bin = bins.lastAtMost(LargeChunk.PAGES); bin > 0 && dirtyFreeBytes > target;
                bin = bins.lastAtMost(bin - 1)) {
            for (long id = bins.head(bin), next; id != RunBins.NONE && dirtyFreeBytes > target; id = next) {
                next = bins.next(id);
                LargeChunk c = table.ofRun(id);
                int start = LargeChunk.pageOf(id);
                if (bin == LargeChunk.PAGES) {
                    if (cleanChunk(c)) { // else it stays a dirty free run, tried again at the next trim
                        removeFree(c, start);
                        reservation.releaseChunk(c.base, forgetChunk(c));
                    }
                } else {
                    decommit(c, start, bin);
                }
            }
        }
        events.returned(event, Tier.LARGE, dirtyBefore - dirtyFreeBytes, reason); // the bytes decommitted, so uncharged
    }

    /**
     * Returns the dirty pages of a free run to the OS and uncharges them; if the OS refuses, they stay
     * dirty and charged. Returns whether the run is clean now.
     */
    private boolean decommit(LargeChunk c, int start, int pages) {
        int dirtyPages = c.dirtyPages(start, pages);
        if (dirtyPages == 0) return true;
        int rc = reservation.decommit(c.pageAddress(start), (long) pages << PAGE_SHIFT);
        if (rc != 0) {
            RefusedReleases.report("a free Large run stays resident and charged, tried again at the next trim",
                    c.pageAddress(start), (long) pages << PAGE_SHIFT, rc);
            return false;
        }
        c.setDirty(start, pages, false);
        long bytes = (long) dirtyPages << PAGE_SHIFT;
        dirtyFreeBytes -= bytes;
        budget.release(bytes);
        return true;
    }

    /**
     * Decommits the dirty pages of an entirely free chunk (its one free run, still in the bins) before
     * it goes back to the reservation, so that it is given back reading zero and uncharged whatever the
     * reservation's own decommit does. False (nothing changed) if the OS refused.
     */
    private boolean cleanChunk(LargeChunk c) {
        return decommit(c, 0, LargeChunk.PAGES);
    }

    /**
     * Takes a chunk from the reservation (uncharged: the caller charges the pages it uses) as one free
     * run. When the address space is used up, lets the lock go while the reservation's space reclaimer
     * runs ({@link LargeTier#reclaimSpace}, which locks every arena in turn, this one included),
     * then holds it again; the chunk it gets is this arena's alone until {@link ChunkTable#set}, so the
     * caller may carve it whatever else changed meanwhile. Throws {@link OutOfMemoryError} (holding the
     * lock) when even then there is none.
     */
    private LargeChunk addChunk(long requested) {
        long base = reservation.tryAcquireChunk(requested);
        if (base == Reservation.NO_CHUNK) base = acquireChunkUnlocked(requested);
        LargeChunk c = new LargeChunk(base, table.slotOf(base), this);
        table.set(c.index, c);
        chunkCount++;
        registry.markLargeChunk(base, true);
        insertFree(c, 0, LargeChunk.PAGES);
        return c;
    }

    /** {@link Reservation#acquireChunk} (which may run the space reclaimer) with the lock let go. */
    private long acquireChunkUnlocked(long requested) {
        unlock();
        try {
            return reservation.acquireChunk(requested, false);
        } finally {
            lock();
        }
    }

    /**
     * Drops an entirely free chunk (no longer in the bins, {@linkplain #cleanChunk clean}) from this
     * arena, before it goes back to the reservation; returns its dirty bytes (0 once clean), which the
     * reservation uncharges.
     */
    private long forgetChunk(LargeChunk c) {
        long dirty = (long) c.dirtyPages(0, LargeChunk.PAGES) << PAGE_SHIFT;
        dirtyFreeBytes -= dirty;
        freed.add(index, c.base);
        table.set(c.index, null);
        chunkCount--;
        registry.markLargeChunk(c.base, false);
        return dirty;
    }

    private void insertFree(LargeChunk c, int start, int pages) {
        c.setRun(start, pages, false);
        bins.insert(c, start, pages);
    }

    private void removeFree(LargeChunk c, int start) {
        bins.remove(c, start, -c.runAt[start]);
        c.clearRun(start);
    }

    private int liveRunOrThrow(String op, long address, LargeChunk c) {
        int page = (int) ((address - c.base) >>> PAGE_SHIFT);
        long pageStart = c.pageAddress(page);
        if (address == pageStart && c.runAt[page] > 0) return page;
        if (address == pageStart && c.runAt[page] < 0) {
            throw misuse(Errors.doubleFree(op, address, Tier.LARGE + " block"), MisuseKind.ofFreedBlock(op), op, address);
        }
        // Interior: find the run containing the page by walking back to a run start.
        for (int p = page; p >= 0; p--) {
            if (c.runAt[p] != 0) {
                int runPages = Math.abs(c.runAt[p]);
                if (p + runPages > page && c.runAt[p] > 0) {
                    throw misuse(Errors.interior(op, address, c.pageAddress(p),
                            Tier.LARGE + " block (" + ((long) runPages << PAGE_SHIFT) + " bytes)"), MisuseKind.INTERIOR_POINTER, op, address);
                }
                break;
            }
        }
        if (freed.contains(address)) throw misuse(Errors.doubleFree(op, address, Tier.LARGE + " block"), MisuseKind.ofFreedBlock(op), op, address);
        throw misuse(Errors.notAllocated(op, address, "no LARGE block starts here (inside a free LARGE run)"), MisuseKind.NOT_ALLOCATED, op, address);
    }

    /** Reports {@code error}, a misuse of a Large address, to the JFR sink; returns it. */
    private RuntimeException misuse(RuntimeException error, MisuseKind kind, String op, long address) {
        return events.misuse(error, kind, op, address, Tier.LARGE, -1, 0);
    }

    long allocations() { return allocations; }

    long frees() { return frees; }

    long liveBlocks() { return liveBlocks; }

    long liveBytes() { return liveBytes; }

    /** Free bytes kept resident (dirty) for reuse. */
    long cachedBytes() { return dirtyFreeBytes; }

    /** Dirty free bytes this arena may keep (borrowed from the pool). */
    long allowance() { return allowance; }

    int chunkCount() { return chunkCount; }
}
