package dev.hakmem.internal.large;

import dev.hakmem.Tier;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.Log;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.jfr.MisuseKind;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * The Large tier (64 KiB - 2 MiB, and aligned requests the size classes cannot serve): page-granular
 * runs in 4 MiB chunks, best fit, with coalescing of free neighbours and a bounded cache. This class
 * routes calls to independent {@link LargeArena}s; see the package description for the design.
 *
 * <p>Routing: an allocation goes to the arena its thread id hashes to, or, when that arena's lock
 * is taken, to the first other arena whose lock is free (waiting for its own only when all are
 * busy). A free or {@link #usableSize} goes to the arena that owns the block's chunk, found in the
 * {@link ChunkTable} without any shared lock. Zeroing for calloc happens with no lock held.
 *
 * <p>Thread safety and memory ordering: all of an arena's state is guarded by its lock (acquire on
 * taking it, release on letting it go); chunk ownership is published through the chunk table (release
 * store under the owner's lock, acquire load by the router, re-checked under the owner's lock). A
 * block freed on another thread than the one that allocated it needs only the happens-before edge the
 * program used to hand the address over. Counters ({@link #allocations()} ...) are summed arena by
 * arena, each read under its lock: exact when the tier is quiescent, otherwise a sum of per-arena
 * snapshots.
 *
 * <p>The retained limit is global: arenas borrow allowances for their dirty free bytes from one
 * {@link RetainedPool}, so a single busy arena can cache up to the whole limit and the tier never
 * keeps more than {@code retainedLimit}; an arena that cannot get its fair share
 * ({@code retainedLimit / N}) makes the others shrink to theirs.
 */
public final class LargeTier {
    static final int PAGE_SHIFT = 12;
    static final int CHUNK_SHIFT = Reservation.CHUNK_SHIFT;
    /** Arenas at most, whatever the processor count. */
    static final int MAX_ARENAS = 16;

    /** The reservation's memory, for zeroing dirty runs ({@link dev.hakmem.internal.os.Reservation#memory()}). */
    private final MemorySegment memory;
    private final ChunkTable table;
    private final FreedAddresses freed;
    private final LargeArena[] arenas;
    private final RetainedPool pool;
    /** The memory limit: a cache borrows only to an eighth of it ({@link #borrow}). */
    private final long memoryLimit;
    private final int mask;
    /** The allocator's JFR sink. */
    private final AllocatorEvents events;
    /** Owner ids of the thread caches and their inboxes. */
    private final LargeOwners owners = new LargeOwners();
    /** Inbox entries refused as phantoms of racing double frees (each counted as a free when delivered). */
    private final AtomicLong racingDoubleFrees = new AtomicLong();

    /** A tier with the default arena count reporting to a sink of its own (tests). */
    public LargeTier(Reservation reservation, MemoryBudget budget, ChunkRegistry registry, long retainedLimit) {
        this(reservation, budget, registry, retainedLimit, AllocatorEvents.unattached());
    }

    /**
     * A tier with the default arena count: twice the processors, rounded up to a power of two, at most {@value #MAX_ARENAS}.
     *
     * @param events the allocator's JFR sink
     */
    public LargeTier(Reservation reservation, MemoryBudget budget, ChunkRegistry registry, long retainedLimit, AllocatorEvents events) {
        this(reservation, budget, registry, retainedLimit, defaultArenas(Runtime.getRuntime().availableProcessors()), events);
    }

    /** A tier of {@code arenaCount} arenas (a power of two) reporting to a sink of its own (tests). */
    LargeTier(Reservation reservation, MemoryBudget budget, ChunkRegistry registry, long retainedLimit, int arenaCount) {
        this(reservation, budget, registry, retainedLimit, arenaCount, AllocatorEvents.unattached());
    }

    /** A tier of {@code arenaCount} arenas (a power of two). */
    LargeTier(Reservation reservation, MemoryBudget budget, ChunkRegistry registry, long retainedLimit, int arenaCount,
            AllocatorEvents events) {
        this.events = events;
        if (arenaCount < 1 || Integer.bitCount(arenaCount) != 1) throw new IllegalArgumentException("arenaCount: a power of two, got " + arenaCount);
        this.memory = reservation.memory();
        this.table = new ChunkTable(reservation.base(), (int) (reservation.size() >>> CHUNK_SHIFT));
        this.freed = new FreedAddresses(arenaCount);
        this.arenas = new LargeArena[arenaCount];
        this.mask = arenaCount - 1;
        this.pool = new RetainedPool(retainedLimit, arenaCount);
        this.memoryLimit = budget.limit();
        for (int i = 0; i < arenaCount; i++) {
            arenas[i] = new LargeArena(i, reservation, budget, registry, table, freed, pool, events);
        }
    }

    static int defaultArenas(int processors) {
        int n = Integer.highestOneBit(Math.max(1, 2 * processors - 1)) << 1;
        return Math.min(MAX_ARENAS, Math.max(1, n));
    }

    /** Pages of a run for {@code size} bytes (a request that {@link #fits}): at least one. */
    private static int pagesFor(long size) {
        return (int) Math.max(1, (size + OsMemory.PAGE_SIZE - 1) >>> PAGE_SHIFT);
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
        return allocateLocked(lockAnyArena(), size, alignment, zero, 0);
    }

    /**
     * {@link #allocate}, first from the calling thread's {@code cache} (null: none, as for virtual
     * threads) when the request is of at most {@value LargeCache#MAX_PAGES} pages at page alignment
     * or less: a cached block of the page count or a little more is handed out without any lock.
     * The block is the cache's owner's ({@link LargeChunk#live}); on a miss, blocks other threads
     * freed to that owner are taken from its inbox, and the cache looked at again.
     */
    public long allocate(LargeCache cache, long size, long alignment, boolean zero) {
        if (cache == null) return allocate(size, alignment, zero);
        int owner = ownerOf(cache);
        if (alignment <= OsMemory.PAGE_SIZE) {
            int pages = pagesFor(size);
            long address = 0;
            if (pages <= LargeCache.MAX_PAGES) { // always, for a request that fits (2 MiB at most)
                address = cache.pop(pages);
                if (address == 0 && takeInbox(cache)) address = cache.pop(pages);
            }
            if (address != 0) return handOutCached(address, owner, zero);
        }
        return allocateLocked(lockAnyArena(), size, alignment, zero, owner);
    }

    /**
     * On a cache miss: takes a few of the blocks waiting in {@code cache}'s inbox (as many as
     * {@link LargeCache#inboxBatch} holds) into the cache; returns whether there were any. Only on a
     * miss, not on every malloc: a thread whose blocks another thread frees would otherwise read the
     * inbox's count, a line the freeing thread writes, on every malloc. A few at a time: the cache
     * holds 2 to 16 blocks of a size, and entries beyond its room would go through an arena's lock
     * (freeing them there on the holder's thread, and carving them again for its next mallocs), where
     * waiting in the inbox they serve the next misses.
     */
    private boolean takeInbox(LargeCache cache) {
        LargeInbox inbox = cache.inbox();
        return inbox != null && inbox.hasPending() && takeBatch(cache, inbox, cache) > 0;
    }

    /**
     * Takes up to {@link LargeCache#inboxBatch}'s length of the entries waiting in {@code inbox}, the
     * inbox of {@code cache}'s id, into {@code into} ({@code cache}, or null: to the arenas); returns
     * how many.
     */
    private int takeBatch(LargeCache cache, LargeInbox inbox, LargeCache into) {
        long[] batch = cache.inboxBatch;
        int n = inbox.take(batch);
        for (int i = 0; i < n; i++) acceptEntry(into, inbox.id, batch[i]);
        return n;
    }

    /** The owner id of {@code cache}, which gets one at its first use (0: none left, or no cache). */
    private int ownerOf(LargeCache cache) {
        if (cache == null) return 0;
        if (!cache.registered()) owners.register(cache);
        return cache.owner();
    }

    /**
     * Gives the program back a block that {@code cache} held: only the owner of the cache changes a
     * cached state, so a release store suffices (a racing free of the address by another thread is a
     * double free that either finds the state cached, and is named, or finds it live again, and is
     * indistinguishable from a free of the new block, as in any allocator).
     */
    private long handOutCached(long address, int owner, boolean zero) {
        LargeChunk c = table.at(address);
        int page = c.pageIndex(address);
        int pages = LargeChunk.pagesOf(c.state(page)); // the run's own count: up to a quarter more than asked (LargeCache.fitLimit)
        c.setState(page, LargeChunk.live(pages, owner));
        if (zero) RawMemory.zero(memory, address, (long) pages << PAGE_SHIFT); // cached blocks are dirty
        return address;
    }

    /** {@link #allocate} in arena {@code arena} (for tests of the routing). */
    long allocateIn(int arena, long size, long alignment, boolean zero) {
        LargeArena a = arenas[arena];
        a.lock();
        return allocateLocked(a, size, alignment, zero, 0);
    }

    /** Allocates in {@code a}, whose lock the caller holds, a block of owner id {@code owner}; lets the lock go. */
    private long allocateLocked(LargeArena a, long size, long alignment, boolean zero, int owner) {
        int pages = pagesFor(size);
        int alignPages = (int) Math.max(1, alignment >>> PAGE_SHIFT);
        long address;
        boolean mustZero;
        try {
            address = a.allocate(size, pages, alignPages, owner);
            mustZero = zero && a.lastRunDirty();
        } finally {
            a.unlock();
        }
        if (mustZero) RawMemory.zero(memory, address, (long) pages << PAGE_SHIFT); // throws if a racing close unmapped it
        return address;
    }

    /**
     * Frees the block at {@code address} (in a Large chunk) on a thread whose cache is {@code cache}
     * (null: none, as for virtual threads); throws on anything but a live run start. By the block's
     * state word ({@link LargeChunk#state}):
     * <ul>
     *   <li>the cache's own block (live of its owner id): into the cache with a release store, no
     *       atomic instruction; if the cache is full, to the arena;</li>
     *   <li>another owner's block: a CAS to remote and the address to that owner's inbox; if the id
     *       has no holder (its thread ended), this thread takes the block itself;</li>
     *   <li>an unowned block: into the cache with a CAS (of two racing frees only one wins), or to
     *       the arena;</li>
     *   <li>anything else (cached, remote, free, interior, foreign): the arena names the misuse.</li>
     * </ul>
     */
    public void free(LargeCache cache, long address) {
        LargeChunk c = (address & (OsMemory.PAGE_SIZE - 1)) == 0 ? table.at(address) : null;
        if (c == null) {
            free(address, LargeChunk.NO_STATE, true); // names it
            return;
        }
        int page = c.pageIndex(address);
        int me = ownerOf(cache);
        int s;
        while (LargeChunk.isLive(s = c.state(page))) {
            int pages = LargeChunk.pagesOf(s), owner = LargeChunk.ownerOf(s);
            if (owner == me && me != 0) { // only this thread changes this word without a CAS to remote
                if (!roomFor(cache, pages)) break;
                c.setState(page, LargeChunk.cached(pages, me));
                cache.push(pages, address);
                return;
            }
            if (owner != 0) {
                int remote = LargeChunk.remote(pages, owner);
                if (!c.casState(page, s, remote)) continue; // changed meanwhile (a misuse): look again
                if (!owners.inbox(owner).deliver(address, pages)) accept(cache, c, page, address, remote, true);
                return;
            }
            if (cache == null || !roomFor(cache, pages)) break;
            if (c.casState(page, s, LargeChunk.cached(pages, me))) {
                cache.push(pages, address);
                return;
            }
        }
        free(address, LargeChunk.isLive(s) ? s : LargeChunk.NO_STATE, true);
    }

    /** Bytes a cache borrows from the retained pool at least, when it does. */
    private static final long BORROW_GRANT = 2L << 20;

    /**
     * Whether {@code cache} can take a freed run of {@code pages} pages: it has room, or borrows what
     * it lacks from the retained pool, at least {@link #BORROW_GRANT} so that borrowing is rare, up to
     * {@link LargeCache#MAX_BYTES} in all (and an eighth of the memory limit: the blocks a living
     * thread caches are out of reach of the others when memory is short), and only while at least half
     * the retained limit stays in the pool for the arenas. Why borrow: with sizes up to 2 MiB, a cache
     * of 2 MiB held a handful of blocks, and nearly every free and malloc took the arena's lock (the
     * large workload ran about 30% faster with 16 MiB; docs/BENCHMARKS-HISTORY.md, session 67);
     * charged to the pool, the cached bytes stay within the limit on freed memory kept resident.
     */
    private boolean roomFor(LargeCache cache, int pages) {
        return cache.hasRoom(pages) || borrow(cache, pages);
    }

    private boolean borrow(LargeCache cache, int pages) {
        long need = cache.lacking(pages);
        if (need <= 0 || !cache.hasSlot(pages) || pool.available() - need < pool.limit() / 2) return false;
        long most = Math.min(LargeCache.MAX_BYTES, memoryLimit / 8) - LargeCache.BASE_BYTES - cache.borrowed;
        if (most < need) return false; // beyond MAX_BYTES, or an eighth of the memory limit
        cache.borrowed += pool.take(Math.min(most, Math.max(need, BORROW_GRANT)));
        return cache.hasRoom(pages);
    }

    /** Frees the run at {@code address} (in a Large chunk) on a thread with no cache; throws on anything but a live run start. */
    public void free(long address) {
        free(null, address);
    }

    /**
     * Takes a block whose state word is {@code remote} (of another owner), delivered to this thread's
     * cache's inbox or, with no holder for its id, freed by this thread: into {@code cache} with a CAS
     * to cached, else to the arena. {@code countFree}: whether this counts as a free (not for a
     * delivered one: its freeing thread counted it). False, changing nothing, when the word is no
     * longer {@code remote}: another taker had it.
     */
    private boolean accept(LargeCache cache, LargeChunk c, int page, long address, int remote, boolean countFree) {
        int pages = LargeChunk.pagesOf(remote);
        if (cache != null && roomFor(cache, pages)) {
            if (!c.casState(page, remote, LargeChunk.cached(pages, cache.owner()))) return false;
            if (countFree) cache.push(pages, address);
            else cache.pushAccepted(pages, address);
            return true;
        }
        LargeChunk locked = lockOwner("free", address);
        boolean belowFairShare;
        try {
            if (locked != c || c.state(page) != remote) return false;
            belowFairShare = c.arena.free(c, address, remote, countFree);
        } finally {
            locked.arena.unlock();
        }
        if (belowFairShare) rebalance(c.arena);
        return true;
    }

    /**
     * Takes every block waiting in {@code cache}'s inbox into the arenas: the holder's flush, or the
     * reclaimer's once the holder's thread has ended and the inbox is {@linkplain LargeInbox#detach
     * detached} (later frees of the id's blocks are then taken by their freeing threads).
     */
    private void drainInbox(LargeCache cache) {
        LargeInbox inbox = cache.inbox();
        if (inbox == null) return;
        while (takeBatch(cache, inbox, null) > 0) {
            // until none is left
        }
    }

    /**
     * Takes the block of an inbox entry of owner id {@code id} into {@code cache} (null: to its arena).
     * An entry whose word is not remote of this id any more is the phantom of a racing double free:
     * refused, counted and reported.
     */
    private void acceptEntry(LargeCache cache, int id, long entry) {
        long address = LargeInbox.addressOf(entry);
        LargeChunk c = table.at(address);
        int page = c == null ? 0 : c.pageIndex(address);
        int s = c == null ? 0 : c.state(page);
        boolean ok = LargeChunk.isRemote(s) && LargeChunk.ownerOf(s) == id && accept(cache, c, page, address, s, false);
        if (!ok) lateDoubleFree(address);
    }

    /** Counts and reports a refused inbox entry (the 1st, 2nd, 4th, 8th, ... are logged). */
    private void lateDoubleFree(long address) {
        long n = racingDoubleFrees.incrementAndGet();
        String message = "free(" + Errors.hex(address) + "): double free caught late: a " + Tier.LARGE
                + " block was freed by two threads at the same time; the second free was ignored (" + n
                + " such frees of Large blocks so far; AllocatorStats.racingDoubleFrees() counts them all)";
        if (Long.bitCount(n) == 1) Log.get().log(System.Logger.Level.WARNING, message);
        events.racingDoubleFree(address, Tier.LARGE, -1, 0, message);
    }

    /**
     * Gives every block {@code cache} holds, and every block waiting in its inbox, back to its arena
     * (memory is short, or the owner asked). Called by the owner, whose id stays its cache's.
     */
    public void flush(LargeCache cache) {
        if (cache == null) return;
        drainInbox(cache);
        for (long address; (address = cache.takeAny()) != 0; ) free(address, cachedStateOf(address), false);
        pool.give(cache.borrowed);
        cache.borrowed = 0;
    }

    /**
     * {@link #flush} for a cache whose owner has ended (the reclaimer's call): its inbox is detached
     * from it first and its id given back, so another thread's cache may take it.
     */
    public void abandon(LargeCache cache) {
        if (cache == null) return;
        LargeInbox inbox = cache.inbox();
        if (inbox != null) inbox.detach();
        flush(cache); // its inbox is emptied, and stays so: the id has no holder
        if (inbox != null) {
            cache.setOwner(0, null); // should the cache be used again, it frees with a CAS
            owners.release(inbox.id);
        }
    }

    /**
     * The state word of the cached block at {@code address}, or {@link LargeChunk#NO_STATE} if it is
     * not a cached word (never: only the cache's owner changes it; should it be, the arena then throws
     * instead of freeing whatever the word says).
     */
    private int cachedStateOf(long address) {
        LargeChunk c = table.at(address);
        int s = c.state(c.pageIndex(address));
        return LargeChunk.isCached(s) ? s : LargeChunk.NO_STATE;
    }

    private void free(long address, int held, boolean countFree) {
        LargeChunk c = lockOwner("free", address);
        boolean belowFairShare;
        try {
            belowFairShare = c.arena.free(c, address, held, countFree);
        } finally {
            c.arena.unlock();
        }
        if (belowFairShare) rebalance(c.arena);
    }

    /**
     * Shrinks every other arena's allowance to the fair share, so that {@code starved}, which could
     * not borrow its own, finds it in the pool on its next free. Rare: only after the pool ran dry.
     * Locks the arenas one at a time, with no lock held (the caller let its arena's go).
     */
    private void rebalance(LargeArena starved) {
        for (LargeArena a : arenas) {
            if (a == starved) continue;
            a.lock();
            try {
                a.shrinkAllowance(pool.fairShare());
            } finally {
                a.unlock();
            }
        }
    }

    /** Usable bytes of the live run at {@code address}. */
    public long usableSize(String op, long address) {
        LargeChunk c = lockOwner(op, address);
        try {
            return c.arena.usableSize(op, c, address);
        } finally {
            c.arena.unlock();
        }
    }

    /**
     * realloc of the Large block at {@code address} to {@code newSize} bytes (more than it holds, at
     * most 2 MiB) without moving it, when the pages after it are free ({@link LargeArena#growInPlace}).
     * Returns false, changing nothing, when it cannot; throws as {@link #usableSize} for an address
     * that is not a live block.
     */
    public boolean growInPlace(LargeCache cache, long address, long newSize) {
        if (newSize > (2L << 20)) return false;
        int caller = ownerOf(cache);
        LargeChunk c = lockOwner("realloc", address);
        try {
            return c.arena.growInPlace(c, address, pagesFor(newSize), caller);
        } finally {
            c.arena.unlock();
        }
    }

    /**
     * The error for {@code op} on an address in the reserved range where no Large chunk is (any
     * more): a double free if a Large block was freed there recently, else a foreign address.
     */
    public RuntimeException forgottenBlockError(String op, long address) {
        if (freed.contains(address)) {
            return events.misuse(Errors.doubleFree(op, address, Tier.LARGE + " block"), MisuseKind.ofFreedBlock(op), op, address, Tier.LARGE, -1, 0);
        }
        return events.misuse(Errors.notAllocated(op, address, "inside this allocator's reserved range, but no block is live there"),
                MisuseKind.NOT_ALLOCATED, op, address, null, -1, 0);
    }

    /**
     * Memory pressure: decommits every free page and gives back every entirely free chunk, so the
     * budget holds only live Large pages. Locks the arenas one at a time.
     */
    public void releaseCache() {
        for (LargeArena a : arenas) {
            a.lock();
            try {
                a.releaseCache();
            } finally {
                a.unlock();
            }
        }
    }

    /**
     * The small tiers are about to grow the process by {@code bytes} (a span that is not resident;
     * {@code SpanSource}): gives back to the OS up to that many of the free bytes the arenas keep
     * resident for reuse, largest runs first, so that memory is reused across tiers before the
     * process grows. The allowances stay: the arenas may keep freed blocks again up to them. Locks
     * the arenas one at a time, in order, until enough was given back, and only those that keep free
     * bytes by a look without the lock ({@link LargeArena#keepsFreeBytes}): a program without Large
     * blocks takes no arena's lock here, and a small tier's refill does not wait for a busy arena
     * that has nothing to give. The caller holds no arena's lock.
     */
    public void yieldRetained(long bytes) {
        for (LargeArena a : arenas) {
            if (bytes <= 0) return;
            if (!a.keepsFreeBytes()) continue;
            a.lock();
            try {
                bytes -= a.yieldRetained(bytes);
            } finally {
                a.unlock();
            }
        }
    }

    /**
     * The reservation's space reclaimer ({@link Reservation#setSpaceReclaimer}): the address space is
     * used up, so every arena gives its entirely free chunks back to the reservation (within the
     * retained limit an arena keeps them, resident, for reuse), except the first one found, which is
     * {@linkplain Reservation#handOver handed over} and returned: it belongs to the caller, the thread
     * waiting for a chunk. {@link Reservation#NO_CHUNK} if no arena had one. Partly used chunks and the
     * arenas' allowances stay.
     *
     * <p>Locking: takes the arenas' locks one at a time and holds no other while it does; it must be
     * called with no arena lock held. {@link Reservation#acquireChunk} runs it on the thread that wants
     * a chunk: a Large arena calls that only with its lock let go ({@code LargeArena.addChunk} tries
     * the lock-free {@link Reservation#tryAcquireChunk} first), and the Tiny/Mid tiers never hold an
     * arena lock. An arena lock holder never waits for any other lock, so no cycle can form.
     */
    public long reclaimSpace() {
        return releaseFreeChunks(true);
    }

    /** Gives every arena's entirely free chunks back to the reservation, keeping none (for tests). */
    void releaseFreeChunks() {
        releaseFreeChunks(false);
    }

    private long releaseFreeChunks(boolean handOverOne) {
        long handed = Reservation.NO_CHUNK;
        for (LargeArena a : arenas) {
            a.lock();
            try {
                long h = a.releaseFreeChunks(handOverOne && handed == Reservation.NO_CHUNK);
                if (h != Reservation.NO_CHUNK) handed = h;
            } finally {
                a.unlock();
            }
        }
        return handed;
    }

    public long allocations() { return sum(LargeArena::allocations); }

    public long frees() { return sum(LargeArena::frees); }

    public long liveBlocks() { return sum(LargeArena::liveBlocks); }

    public long liveBytes() { return sum(LargeArena::liveBytes); }

    /** Free bytes kept resident for reuse. */
    public long cachedBytes() { return sum(LargeArena::cachedBytes); }

    /** Blocks freed by other threads waiting in their owners' inboxes (the arenas count them as live). */
    public long waitingBlocks() { return owners.waitingBlocks(); }

    /** Bytes of {@link #waitingBlocks}. */
    public long waitingBytes() { return owners.waitingBytes(); }

    /** Frees delivered to owners' inboxes so far (counted by no arena or cache), refused ones included. */
    public long deliveredFrees() { return owners.delivered(); }

    /** Inbox entries refused as phantoms of racing double frees so far (each also in {@link #deliveredFrees}). */
    public long racingDoubleFrees() { return racingDoubleFrees.get(); }

    int arenaCount() { return arenas.length; }

    /** The pool the arenas borrow their allowances from (for tests). */
    RetainedPool pool() { return pool; }

    /** Arena {@code arena} itself (for tests). */
    LargeArena arena(int arena) { return arenas[arena]; }

    /** A figure of arena {@code arena} alone, read under its lock. */
    long ofArena(int arena, ToLongFunction<LargeArena> figure) {
        LargeArena a = arenas[arena];
        a.lock();
        try {
            return figure.applyAsLong(a);
        } finally {
            a.unlock();
        }
    }

    /** The chunk holding {@code address}, or null (for tests). */
    LargeChunk chunkAt(long address) {
        return table.at(address);
    }

    /** The index of the arena owning the chunk that holds {@code address}, or -1 (for tests). */
    int arenaOf(long address) {
        LargeChunk c = table.at(address);
        return c == null ? -1 : c.arena.index;
    }

    private long sum(ToLongFunction<LargeArena> figure) {
        long total = 0;
        for (int i = 0; i < arenas.length; i++) total += ofArena(i, figure);
        return total;
    }

    /** This thread's arena if its lock is free, else the first free other one, else waits for its own. */
    private LargeArena lockAnyArena() {
        long h = Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L;
        int home = (int) (h >>> 32) & mask;
        LargeArena a = arenas[home];
        if (a.tryLock()) return a;
        for (int i = 1; i < arenas.length; i++) {
            LargeArena other = arenas[(home + i) & mask];
            if (other.tryLock()) return other;
        }
        a.lock();
        return a;
    }

    /**
     * The chunk holding {@code address}, with its arena's lock taken; throws the forgotten-block error
     * when no Large chunk is there.
     */
    private LargeChunk lockOwner(String op, long address) {
        while (true) {
            LargeChunk c = table.at(address);
            if (c == null) throw forgottenBlockError(op, address);
            c.arena.lock();
            if (table.at(address) == c) return c;
            c.arena.unlock(); // given back meanwhile (only a misuse races with that): look again
        }
    }
}
