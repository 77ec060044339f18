package dev.hakmem.internal.small;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.registry.StateMap;
import dev.hakmem.spi.ThreadFront;
import java.lang.ref.Reference;

/**
 * The Tiny/Mid front: {@code malloc} and {@code free} of small classes through the calling thread's
 * cache, with the misuse checks and the counters, and the slow-path entries that generated fronts
 * call. Everything rare is in {@link SmallTier}.
 *
 * <p>Fast path of {@link #malloc}: the lookup of the thread's cache ({@link ThreadCaches#own}) (for a
 * Tiny or Mid request, {@link #mallocByGranule}, then the class cache straight from the request's 16-byte
 * granule, {@link ThreadCache#byGranule}, or its 256-byte granule, {@link ThreadCache#midByGranule}), a pop
 * from the class's LIFO array, with checks on one plain byte store ({@link BlockState#markLive}), with
 * stats on two plain increments. Fast path of {@link #free}, given the page's info (class and owner, one
 * registry load by the caller): the same lookup; if the caller owns the
 * block's slab, a plain load and store of its state byte ({@link BlockState#freeOwned}) and a push;
 * a block of a shared slab costs a CAS instead ({@link BlockState#freeShared}); a block another
 * thread owns goes back to it ({@link #freeRemote}, a CAS to {@link BlockState#REMOTE} and the
 * outbox). So the common case, a thread freeing what it allocated, executes no atomic instruction.
 *
 * <p><b>Bounds checks.</b> The state maps' and the page table's addresses go through
 * {@link RawMemory#inRange}, so that the JIT proves the accesses within the segment they use and
 * drops their bounds checks; the push compares unsigned, so the array's own check goes too; and
 * "my slab" is one comparison ({@link ThreadCache#ownSlabs}).
 *
 * <p><b>The hot class.</b> A thread whose recent frees were nearly all of one class (judged from the
 * statistics' counters on slow paths: {@link HotClass}) has that class's page info in
 * {@link ThreadCache#hotInfo}; {@link #free} compares the page's whole info with it first, and on a
 * match pushes on the hot class's cache without decoding the info or indexing the class caches with
 * it, so the push does not wait on the page table's load. A thread of mixed classes has none, and the
 * comparison always fails.
 *
 * <p>Leak sampling ({@code AllocatorConfig.leakSampling}) adds nothing here, not even a test of a
 * flag: it lives in a wrapper around the whole allocator, built only when it is on
 * ({@link dev.hakmem.internal.diag.SamplingAllocator}).
 *
 * <p>Virtual threads have no cache of their own: they lock a shared stripe for one call
 * ({@link ThreadCaches#lockStripe}), or go straight to the shared lists when every stripe is busy.
 *
 * <p><b>Inlining depth.</b> C2 inlines at most {@code MaxInlineLevel} (15) calls deep from the method
 * it compiles, and the {@code java.lang.foreign} access of a block's state byte ({@link BlockState})
 * takes about 8 of them inside the JDK. Every level between a caller's loop and that access counts,
 * the caller's own methods included; one too many and the access is compiled as a call, and the free
 * runs several times slower. So the fast paths are kept shallow: {@code HakmemAllocator.free} reads
 * the page's info itself, {@link #free} holds its body and {@link #freeTo} the owner's check instead of
 * calling them, {@link #mallocFrom} marks the block live itself, and {@link BlockState} uses the var
 * handle directly. A loop that calls malloc and free through six methods of its own then still
 * compiles them whole (five are tested: {@code FastPathInliningTest}); before, three such methods
 * were one too many, and tinyHot's cycle ran 2.4x slower (the CallDepth benchmark in
 * docs/BENCHMARKS.md). Whoever adds a call level to these paths takes one from every caller.
 *
 * <p><b>Inlined size.</b> The allocator's malloc and free are called from everywhere, so C2 compiles
 * them on their own early; a caller compiled later inlines such a method only while its compiled
 * code is at most {@code InlineSmallCode} (2500) bytes of instructions, and calls it otherwise. So a
 * method inlined here should be inlined once: two call sites of {@link #mallocByGranule} (one per
 * tier) made the allocator's malloc 2608 bytes in a larson fork, one call 1744
 * ({@code jcmd <pid> Compiler.codelist}; docs/BENCHMARKS-HISTORY.md, session 65). The free is 2400
 * bytes there; where the warm-up has made the remote free's path hot (midLargeMt) it is over the
 * limit, and its callers call it.
 *
 * <p><b>No trap.</b> C2 compiles a branch that the profile has never seen taken as an uncommon trap:
 * when it is taken after all, the compiled method is thrown away, runs interpreted, and is compiled
 * again, and with the fast path inlined that method is the caller's loop. A branch on the fast path
 * that only a new thread takes is such a branch wherever threads start after the loop is compiled
 * (larson, threadChurn, a server's pool that replaces its threads). So the fast path has none: a
 * platform thread's cache has its granule tables from the start ({@link ThreadCache#byGranule}; built
 * at its first refill, their null check trapped in larson's loop), and the lookup of the thread's
 * cache misses on one compare ({@link ThreadCaches}, "One miss"). JFR's {@code jdk.Deoptimization}
 * events name the traps taken (docs/BENCHMARKS-HISTORY.md, session 66).
 */
public final class SmallFront {
    private final boolean checks;
    private final boolean stats;
    /** Classes below this are Tiny (16-byte state granules), the others Mid (256-byte granules). */
    private final int tinyCount;
    private final SmallTier small;
    private final SizeClasses classes;
    /**
     * Held so that the registry, whose cleaner unmaps the state maps this front addresses directly
     * ({@link #tinyStates}, {@link #midStates}), stays reachable as long as this front is.
     */
    private final ChunkRegistry registry;
    /** Checks on: the state maps ({@link StateMap}) and the reservation's base, held here: no load but this object's. */
    private final long tinyStates, midStates, base;
    private final ThreadCaches caches;
    /** {@code caches}' table of caches by thread id, held here: the fast paths' lookup starts one load nearer ({@link ThreadCaches#own(ThreadCache[])}). */
    private final ThreadCache[] slots;
    /** The allocation profile the caches count, or null. */
    private final ProfileCounters profile;

    public SmallFront(boolean checks, boolean stats, SmallTier small, ChunkRegistry registry, ThreadCaches caches,
            ProfileCounters profile) {
        this.checks = checks;
        this.stats = stats;
        this.tinyCount = small.classes().tinyCount();
        this.small = small;
        this.classes = small.classes();
        this.registry = registry;
        StateMap states = registry.stateMap();
        this.tinyStates = states == null ? 0 : states.tinyMap();
        this.midStates = states == null ? 0 : states.midMap();
        this.base = registry.base();
        this.caches = caches;
        this.slots = caches.slots();
        this.profile = profile;
    }

    /** The thread caches (for tests in this package). */
    ThreadCaches caches() {
        return caches;
    }

    /**
     * The table of caches by thread id ({@link ThreadCaches#slots()}), the same array for this front's
     * life, for the callers of {@link #mallocByGranule} and {@link #free} to hold in a final field of
     * their own and pass back: see {@link #mallocByGranule} for why.
     */
    public ThreadCache[] slots() {
        return slots;
    }

    // ---------------------------------------------------------------- malloc

    /** A block of class {@code cls} for a request of {@code size} bytes. */
    public long malloc(int cls, long size) {
        ThreadCache tc = caches.own(slots);
        if (tc == null) return mallocShared(cls, size);
        return mallocFrom(tc, tc.byClass[cls], cls, size);
    }

    /**
     * A block for a Tiny or Mid request of {@code size} bytes ({@code 0 <= size <= MID_MAX}):
     * {@link #malloc} with the class cache found through the thread's granule table of that tier
     * ({@link ThreadCache#byGranule}, {@link ThreadCache#midByGranule}), one load nearer the size than
     * through the class table: the chain from the size to the block that a malloc of varying sizes
     * waits on. The tier only picks the table and the shift: the rest is one path for both.
     *
     * <p>{@code slots} is {@link #slots()}, passed by a caller that holds it in a field of its own
     * (the allocator): the table is then one load from the caller's object, where through this front's
     * field it is two (the caller's load of this front, then this front's load of the table), and the
     * chain of dependent loads from the allocator to the block a malloc returns is one shorter;
     * the loads of this front's own fields run beside it. A loop with a call in it (a refill) reloads
     * that whole chain on every pass, so every link counts: with it skewed ran 8% faster, larson with
     * one thread 9%, randomMixed and midLargeMt 2%, tinyHot (no call in its loop) the same, in four
     * interleaved rounds (docs/BENCHMARKS-HISTORY.md, session 59).
     */
    public long mallocByGranule(ThreadCache[] slots, long size) {
        ThreadCache tc = caches.own(slots);
        if (tc == null) return mallocShared(classes.classOf(size), size);
        // One call of mallocFrom for both tiers ("Inlined size" in the class comment). A platform
        // thread's cache has its tables from the start ("No trap" there).
        ClassCache cc = (size <= AllocatorConfig.TINY_MAX ? tc.byGranule : tc.midByGranule)[SizeClasses.granule(size)];
        return mallocFrom(tc, cc, cc.cls, size);
    }

    private long mallocFrom(ThreadCache tc, ClassCache cc, int cls, long size) {
        int top = cc.count - 1;
        long[] blocks = cc.blocks;
        long p;
        if (Integer.compareUnsigned(top, blocks.length) < 0) { // unsigned: an empty cache (top -1) and the array's own bounds check in one compare
            p = blocks[top];
            cc.count = top;
        } else {
            p = refillHot(tc, cc, cls, size);
        }
        if (checks) {
            BlockState.markLive(stateAddress(p, cls)); // markLive's body: one inlining level fewer
            Reference.reachabilityFence(this);
        }
        if (stats) {
            cc.allocations++;
            tc.requestedBytes += size;
            if (profile != null) profile.malloc(tc, cc, cls, size);
        }
        return p;
    }

    /** A virtual thread's malloc: through a shared stripe, locked for this one call. */
    private long mallocShared(int cls, long size) {
        ThreadCache stripe = caches.lockStripe();
        if (stripe == null) return mallocDirect(cls, size);
        try {
            return mallocFrom(stripe, stripe.byClass[cls], cls, size);
        } finally {
            stripe.unlock();
        }
    }

    /** Every stripe busy: straight from the central list, never waiting for a stripe. */
    private long mallocDirect(int cls, long size) {
        long p;
        try {
            p = small.mallocDirect(cls, size);
        } catch (OutOfMemoryError e) {
            throw outOfMemory(e, cls, size);
        }
        if (checks) markLive(p, cls);
        if (stats) {
            caches.countDirectMalloc(cls, size);
            if (profile != null) profile.sharedMalloc(cls, size);
        }
        return p;
    }

    /**
     * Slow path of the generic malloc: {@link #refillAndPop}, after the thread's hot class is judged
     * ({@link HotClass}).
     */
    private long refillHot(ThreadCache tc, ClassCache cc, int cls, long size) {
        if (stats) HotClass.slowPath(tc, cls);
        return refillAndPop(tc, cc, cls, size);
    }

    /**
     * Slow path of malloc: refill the cache. Before giving up with OutOfMemoryError, reclaims the
     * caches of ended threads (their blocks may be exactly what is missing) and tries once more.
     */
    private long refillAndPop(ThreadCache tc, ClassCache cc, int cls, long size) {
        try {
            return small.refillAndPop(tc, cc, cls, size);
        } catch (OutOfMemoryError e) {
            if (caches.reclaimDead() == 0) throw outOfMemory(e, cls, size);
            try {
                return small.refillAndPop(tc, cc, cls, size);
            } catch (OutOfMemoryError again) {
                throw outOfMemory(again, cls, size);
            }
        }
    }

    /** Reports {@code e}, about to leave a malloc of class {@code cls} for {@code size} bytes ({@code dev.hakmem.OutOfMemory}); returns it. */
    private OutOfMemoryError outOfMemory(OutOfMemoryError e, int cls, long size) {
        small.events().outOfMemory(e, size, small.classes().tier(cls));
        return e;
    }

    // ---------------------------------------------------------------- free

    /**
     * Frees the block at {@code address} on a page of a small class whose info
     * ({@link ChunkRegistry#infoOf}) is {@code info}: its class and its owner (a thread cache's id, or
     * 0 for a shared slab). Throws, changing nothing, for anything but a live block's start.
     * {@code slots} is {@link #slots()}, passed for the reason {@link #mallocByGranule} gives.
     */
    public void free(ThreadCache[] slots, long address, int info) {
        ThreadCache tc = caches.own(slots);
        if (tc == null) {
            freeShared(address, ChunkRegistry.kindOfInfo(info) - 1, ChunkRegistry.ownerOfInfo(info));
            return;
        }
        // freeInto's body, not a call of it: one inlining level fewer (see the class comment)
        int hot = tc.hotInfo;
        ClassCache cc;
        int cls, owner;
        if (info == hot) { // the thread's own slab of its hot class: nothing decoded from the page table's load
            cc = tc.hotClass;
            cls = ChunkRegistry.kindOfInfo(hot) - 1;
            owner = tc.ownSlabs;
        } else {
            if (hot != ChunkRegistry.NO_PAGE_INFO) HotClass.miss(tc);
            cls = ChunkRegistry.kindOfInfo(info) - 1;
            cc = tc.byClass[cls];
            owner = ChunkRegistry.ownerOfInfo(info);
        }
        if (!checks) small.checkBlockStart("free", address, cls); // with checks off, only double frees pass
        // One call site for both branches: C2 inlines freeTo (144 bytes of bytecode) only where the
        // profile calls the site hot, and with a call site per branch whether the hot-class one was
        // hot depended on when C2 compiled the caller (a call, not inlined, in some forks).
        freeTo(tc, cc, address, cls, owner);
        if (stats) countFree(cc, cls);
    }

    /** Stats on: counts a free of class {@code cls} into {@code cc}. */
    private void countFree(ClassCache cc, int cls) {
        cc.frees++;
        if (profile != null) profile.free(cc, cls);
    }

    /** {@link #free} into a cache the caller holds: a virtual thread's stripe. */
    private void freeInto(ThreadCache tc, long address, int cls, int owner) {
        ClassCache cc = tc.byClass[cls];
        if (!checks) small.checkBlockStart("free", address, cls); // with checks off, only double frees pass
        freeTo(tc, cc, address, cls, owner);
        if (stats) countFree(cc, cls);
    }

    /** {@link #freeInto} without the counting and the checks-off validation. */
    private void freeTo(ThreadCache tc, ClassCache cc, long address, int cls, int owner) {
        if (owner == tc.ownSlabs) { // this thread's slab: no atomic instruction
            if (checks) { // here, not in a method of its own: one inlining level fewer (see the class comment)
                requireLive(isGranuleStart(address, cls) ? BlockState.freeOwned(stateAddress(address, cls)) : BlockState.NEVER, address, cls);
            }
            push(tc, cc, cls, address);
        } else if (owner == 0) { // a shared slab: any thread may free its blocks, so a CAS
            if (checks) {
                requireLive(isGranuleStart(address, cls) ? BlockState.freeShared(stateAddress(address, cls)) : BlockState.NEVER, address, cls);
            }
            push(tc, cc, cls, address);
            if (tc.id != 0) small.claimShared(tc, address, cls);
        } else {
            freeRemote(tc, cc, cls, address, owner);
        }
    }

    /** Pushes the free block at {@code address} on its class's cache {@code cc}, flushing first if it is full. */
    private void push(ThreadCache tc, ClassCache cc, int cls, long address) {
        int n = cc.count;
        long[] blocks = cc.blocks;
        if (Integer.compareUnsigned(n, blocks.length) < 0) { // unsigned: the JIT drops the array's own bounds check
            blocks[n] = address;
            cc.count = n + 1;
        } else {
            flushHot(tc, cc, cls, address);
        }
    }

    /** Slow path of the generic free and of a front's ({@link #frontFlush}): {@link SmallTier#flushAndPush}, after the thread's hot class is judged ({@link HotClass}). */
    private void flushHot(ThreadCache tc, ClassCache cc, int cls, long address) {
        if (stats) HotClass.slowPath(tc, cls);
        small.flushAndPush(tc, cc, cls, address);
    }

    /**
     * A block of another thread's slab: back to its owner, or kept here if the owner has been
     * reclaimed. If the owner has ended but its cache is not reclaimed yet (seen when this thread's
     * outbox turns to it), reclaims it now (once per ended thread: its slabs are then shared) and
     * frees the block as a shared one, so that this
     * thread can claim the slab and the free blocks the ended owner left with it
     * ({@link OrphanedSlabs}) instead of sending the block to a cache nobody drains.
     */
    private void freeRemote(ThreadCache tc, ClassCache cc, int cls, long address, int ownerId) {
        ThreadCache owner = caches.owner(ownerId);
        // Looked at when a batch for another owner starts, not per free, and for an owner found alive at
        // the last batch start only every ALIVE_RECHECK-th batch: the owner's cache object is written by
        // its thread all the time, and a free stream to one owner (xmalloc) would miss on it. An owner
        // that ends meanwhile gets a few batches more in its inbox, which its reclaim gathers.
        if (owner != null && cc.outOwner != owner && ownerEnded(cc, owner)) {
            caches.reclaimDead();
            int now = ChunkRegistry.ownerOfInfo(registry.infoOf(address)); // after the reclaim's monitor: its disowning is seen
            if (now != ownerId) {
                freeTo(tc, cc, address, cls, now);
                return;
            }
        }
        if (checks) checkFree(address, cls, owner != null);
        small.freeRemote(tc, cc, cls, address, owner);
    }

    /** Whether {@code owner}, for whom {@code cc}'s outbox starts a batch, has ended; see {@link ClassCache#aliveOwner}. */
    private static boolean ownerEnded(ClassCache cc, ThreadCache owner) {
        if (owner == cc.aliveOwner && (++cc.batchesSinceAliveCheck & (ClassCache.ALIVE_RECHECK - 1)) != 0) return false;
        if (owner.ended()) {
            cc.aliveOwner = null; // not kept reachable once reclaimed
            return true;
        }
        cc.aliveOwner = owner;
        cc.batchesSinceAliveCheck = 0;
        return false;
    }

    /**
     * A virtual thread's free: into a stripe, locked for this one call: the block's own stripe if it is
     * free ({@link ThreadCaches#lockStripeFor}), so that the free is an owner's.
     */
    private void freeShared(long address, int cls, int owner) {
        ThreadCache stripe = caches.lockStripeFor(owner);
        if (stripe == null) {
            freeDirect(address, cls, owner);
            return;
        }
        try {
            freeInto(stripe, address, cls, owner);
        } finally {
            stripe.unlock();
        }
    }

    /** Every stripe busy: straight to the owner's inbox or the shared list. */
    private void freeDirect(long address, int cls, int ownerId) {
        ThreadCache owner = ownerId == 0 ? null : caches.owner(ownerId);
        if (checks) checkFree(address, cls, owner != null);
        else small.checkBlockStart("free", address, cls);
        small.freeDirect(address, cls, owner);
        if (stats) {
            caches.countDirectFree(cls);
            if (profile != null) profile.sharedFree(cls);
        }
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks on: the block at {@code address} of class {@code cls}, just taken from a cache, is live.
     *
     * <p>This and {@link #checkFree} write the state maps by address, unchecked. The maps stay mapped
     * until the registry is unreachable (even after close: see {@link ChunkRegistry#close()}), and the
     * reachability fence keeps this front, which holds the registry, reachable until the write is done,
     * so that a call racing the allocator's close and collection cannot write into unmapped memory.
     */
    private void markLive(long address, int cls) {
        BlockState.markLive(stateAddress(address, cls));
        Reference.reachabilityFence(this);
    }

    /**
     * Checks on: validates that {@code address} starts a live block of class {@code cls}, freed by a
     * thread that does not own its slab, and changes its state ({@link BlockState}): a block of another
     * live thread's slab ({@code remote}) by a CAS to REMOTE, a shared slab's block by a CAS to FREED.
     * Throws, changing nothing, for an interior or never-allocated address or a block already free.
     * Only a block start's granule is ever LIVE, so a successful transition from LIVE proves the
     * address starts a live block; a failure is diagnosed in {@link SmallTier#freeError}. The owner's
     * free (and a shared slab's block freed into a cache) is checked in {@link #freeTo} and
     * {@code FrontSupport.markFreed} themselves, for the inlining depth.
     */
    private void checkFree(long address, int cls, boolean remote) {
        byte refused = BlockState.NEVER;
        if (isGranuleStart(address, cls)) {
            long a = stateAddress(address, cls);
            refused = remote ? BlockState.freeRemote(a) : BlockState.freeShared(a);
        }
        requireLive(refused, address, cls);
    }

    /**
     * After a free's transition of a block's state: throws the free's error unless it was from
     * {@link BlockState#LIVE} ({@code refused}: the state that refused it, or LIVE). Called after the
     * write, with this front as the receiver, it keeps the front reachable until the write is done (see
     * {@link #markLive}); one level above the state access, never the deepest call of a fast path.
     */
    private void requireLive(byte refused, long address, int cls) {
        Reference.reachabilityFence(this);
        if (refused != BlockState.LIVE) throw small.freeError("free", address, cls);
    }

    /**
     * Whether {@code address} starts a state granule of class {@code cls}'s tier (a block start must;
     * an interior address, which does not, is refused as {@link BlockState#NEVER}, as a free of a
     * block never allocated is).
     */
    private boolean isGranuleStart(long address, int cls) {
        long granuleMask = cls < tinyCount ? (1 << StateMap.TINY_SHIFT) - 1 : (1 << StateMap.MID_SHIFT) - 1;
        return (address & granuleMask) == 0;
    }

    /**
     * Address of the state byte of the block at {@code address} of class {@code cls} ({@link StateMap}).
     * {@link StateMap#byteAddress} written out, as is the granule test in {@link #isGranuleStart}: the
     * generic front calling them ran tinyHot 16 B 1.5% slower (5 of 5 forks below; session 39).
     */
    long stateAddress(long address, int cls) {
        return cls < tinyCount ? RawMemory.inRange(tinyStates) + ((address - base) >>> StateMap.TINY_SHIFT)
                : RawMemory.inRange(midStates) + ((address - base) >>> StateMap.MID_SHIFT);
    }

    // ---------------------------------------------------------------- for generated fronts (dev.hakmem.spi)

    /** Slow path of a front's malloc of class {@code cls}: refills and pops (checks and stats are the caller's). */
    public long frontRefill(ThreadFront f, int cls, long size) {
        ThreadCache tc = (ThreadCache) f.core();
        if (stats) HotClass.slowPath(tc, cls);
        return refillAndPop(tc, tc.byClass[cls], cls, size);
    }

    /** Slow path of a front's free: its class {@code cls} is full (or unused). */
    public void frontFlush(ThreadFront f, int cls, long address) {
        ThreadCache tc = (ThreadCache) f.core();
        flushHot(tc, tc.byClass[cls], cls, address);
    }

    /** After a front's free of a shared slab's block: {@link SmallTier#claimShared}, as {@link #freeTo} does. */
    public void frontClaimShared(ThreadFront f, int cls, long address) {
        small.claimShared((ThreadCache) f.core(), address, cls);
    }

    /** A front's free that missed its hot class while one was hot ({@link HotClass#miss}). */
    public void frontHotMiss(ThreadFront f) {
        HotClass.miss((ThreadCache) f.core());
    }

    /** A front's free of a block owned by thread cache {@code owner} (not the caller's, not 0), checks included. */
    public void frontFreeRemote(ThreadFront f, int cls, long address, int owner) {
        ThreadCache tc = (ThreadCache) f.core();
        freeRemote(tc, tc.byClass[cls], cls, address, owner);
    }

    /** Checks off: a front's free of an address that starts no block of class {@code cls} throws ({@link SmallTier#checkBlockStart}). */
    public void checkBlockStart(long address, int cls) {
        small.checkBlockStart("free", address, cls);
    }

    /** The Tiny classes' state map ({@link StateMap#tinyMap}), for a generated front's checks ({@code FrontSupport}), or 0 with checks off. */
    public long tinyStates() {
        return tinyStates;
    }

    /** The reservation's base, which the state maps' offsets count from. */
    public long base() {
        return base;
    }

    /**
     * The error of a generated front's free of {@code address} (class {@code cls}) whose state refused
     * the free: double, interior or foreign ({@link SmallTier#freeError}).
     */
    public RuntimeException frontFreeError(long address, int cls) {
        return small.freeError("free", address, cls);
    }
}
