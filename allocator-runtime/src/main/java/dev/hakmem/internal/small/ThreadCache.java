package dev.hakmem.internal.small;

import dev.hakmem.internal.PaddedLock;
import dev.hakmem.internal.large.LargeCache;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.spi.ThreadFront;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;

/**
 * A cache per small class ({@link ClassCache}) plus counters. Either one platform thread's own
 * (touched only by that thread, until it has ended and {@link ThreadCaches#reclaimDead()} drains it),
 * or a stripe shared by virtual threads, used only while its lock ({@link PaddedLock#tryLock}) is held (then
 * {@link #owner()} is null). The lock's acquire and release order one holder's plain accesses before
 * the next holder's, so to the rest of the allocator a stripe is one more owner that never ends.
 *
 * <p>An owning cache (a platform thread's or a stripe) has an id above 0 and owns slabs: it alone
 * carves them ({@link #carving}) and hands out their blocks, so blocks of two threads never share a
 * cache line, and its frees of its own blocks take no atomic instruction ({@link BlockState}).
 * Blocks of its slabs freed by other threads come back through its {@link #inbox}, one lock-free
 * stack per class (see {@link BatchStack} for the ordering contract), which this thread drains when
 * its cache runs dry. Blocks it frees itself while a class's cache is full go to that class's
 * {@link #spill}, which allocates nothing per batch.
 */
public final class ThreadCache extends PaddedLock {
    final ClassCache[] byClass;
    /**
     * The Tiny classes' caches by the request's 16-byte granule: {@code byGranule[(size + 15) >>> 4]} is
     * {@code byClass[classOf(size)]} for {@code size <= TINY_MAX}. A malloc then finds its cache in one
     * load from the size instead of two (the class table's entry, then {@link #byClass}'s), one load
     * fewer in the chain from the size to the block that a malloc of a varying size waits on.
     * Built when a platform thread's cache is made ({@link ThreadCaches}), so that
     * {@link SmallFront#mallocByGranule} never finds it missing; null for stripes and the other
     * caches without an owner, which that method is never given. Owner-only, plain.
     */
    ClassCache[] byGranule;
    /**
     * The same for the Mid classes by the request's 256-byte granule: {@code midByGranule[(size + 255) >>> 8]}
     * is {@code byClass[classOf(size)]} for {@code TINY_MAX < size <= MID_MAX} ({@link SmallFront#mallocByGranule}).
     * Built with {@link #byGranule}, and null where it is. Owner-only, plain.
     */
    ClassCache[] midByGranule;
    /**
     * The page info of this cache's own slabs of its hot class ({@link HotClass}), or
     * {@link ChunkRegistry#NO_PAGE_INFO} when no class is hot: a free whose page info equals it is an
     * owner's free of {@link #hotClass}, told by one comparison. Owner-only, plain; written on slow paths
     * and by {@link HotClass#miss}'s judgements only.
     */
    int hotInfo = ChunkRegistry.NO_PAGE_INFO;
    /** {@code byClass[c]} of the hot class {@code c}, or null when none is ({@link #hotInfo}). */
    ClassCache hotClass;
    /** Frees that missed the hot class since the last judgement; found mixed by the last judgement; slow paths since ({@link HotClass}). */
    int hotMisses;
    boolean hotRefuted;
    int hotSlowPaths;
    /** Cumulative bytes asked for by this thread (statistics; plain). */
    long requestedBytes;
    /**
     * Bytes this cache took in refills since its last allocation sample, while the sample event was
     * enabled ({@link dev.hakmem.internal.jfr.AllocatorEvents#sample}); also those of its thread's
     * Large and Huge calls. Written on slow paths only, like {@link #requestedBytes} (owner-only, or
     * under a stripe's lock).
     */
    long unsampledBytes;
    /**
     * Request histogram of the allocation profile ({@link ProfileCounters#requestBucket}), written like
     * the statistics; null when the profile is off. Set before the cache is published.
     */
    long[] requests;
    /** A stripe's uses, counted under its lock ({@link ThreadCaches#lockStripe}); plain. */
    int stripeUses;
    /**
     * The platform thread whose cache this is, or null for a stripe. Set by the constructor, and
     * changed only by {@link #adopt}: by the adopting thread itself, under {@link ThreadCaches}' monitor
     * and this object's, once the previous owner has ended. Read plainly by anyone: a thread finds
     * itself here only after it wrote itself here (nobody else writes it), so a racy reader never takes
     * another thread's cache for its own; a stale read sees an ended thread, or, in theory for a cache
     * just published, null, which readers of other threads' caches treat as a live owner.
     */
    private Thread owner;
    /**
     * The owner id recorded in the registry for this cache's slabs (stripes have ids too); 0 only for a
     * platform thread's cache made while every id was taken, which then works with shared slabs.
     */
    final int id;
    /**
     * The owner that this cache's own slabs have in the registry: {@link #id}, or -1, which no page has,
     * for a cache without an id (whose blocks all come from shared slabs, owner 0). So the free path
     * tells "my slab" from "a shared slab" with one comparison.
     */
    final int ownSlabs;
    /**
     * Per class: free blocks of this cache's slabs, pushed by any thread; empty array when id is 0. An
     * element is made by the first sender to the class ({@link #inboxForSend}), so a thread pays only
     * for the inboxes other threads send to: made up front, one per class (52, 152 bytes each,
     * padded), they were 7 of the 18 KB of Java heap a platform thread's cache took
     * ({@code ThreadCacheSizeTest}; threadChurn with platform threads 8.7 B/op, 5.4 after). Elements go from null to an open stack (CAS) and then to
     * {@link #CLOSED_INBOX} (getAndSet, by the reclaimer), never back; read with acquire.
     */
    private final BatchStack[] inbox;
    /** What a reclaimed cache's inboxes become: a stack closed once and for all (pushes fail, takes find nothing). */
    static final BatchStack CLOSED_INBOX = new BatchStack();
    private static final VarHandle INBOX = MethodHandles.arrayElementVarHandle(BatchStack[].class);

    static {
        CLOSED_INBOX.close();
    }
    /**
     * Per class: the rest of the chain the owner last took from its inbox (it takes the whole inbox at
     * once, so that inbox nodes can be recycled without ABA: see {@link BatchStack.Batch}), and the
     * blocks in it (statistics). Owner-only, plain; read by another thread only once the owner has
     * ended ({@link SmallTier#abandon}) or racily for statistics.
     */
    final BatchStack.Batch[] pending;
    final long[] pendingBlocks;
    /**
     * Per class: the blocks this thread freed beyond its cache, for its own refills (see {@link Spill}
     * for who else takes them); empty array when id is 0.
     */
    final Spill[] spill;
    /** Per class: the owned slab being carved (owner-only, plain). */
    final Slab[] carving;
    /**
     * Every slab this cache has taken (owner-only, plain; read after the owner ended, to disown
     * them). A slab given back under memory pressure stays listed: disowning it is a no-op.
     */
    final ArrayList<Slab> owned = new ArrayList<>();
    /**
     * A generated variant's storage for its first {@code front.flatClasses()} classes, or null. For those
     * classes the {@link #byClass} entries hold no blocks (their arrays stay empty, so the generic fast
     * paths always take the slow path, which uses the front); they keep the classes' settings and
     * outboxes. Set once, before the cache is published.
     */
    ThreadFront front;
    /**
     * This platform thread's cache of freed Large blocks, made on its first use ({@link #largeCache});
     * null until then and always for stripes. Owner-only, like the rest (see {@link LargeCache}).
     */
    private LargeCache large;

    public ThreadCache(int[] capacities, int[] batches, Thread owner) {
        this(capacities, batches, owner, 0);
    }

    /** An owned cache (id above 0) whose spills have arrays of their own ({@link SpillArrays}); for tests. */
    public ThreadCache(int[] capacities, int[] batches, Thread owner, int id) {
        this(capacities, batches, owner, id, new SpillArrays());
    }

    ThreadCache(int[] capacities, int[] batches, Thread owner, int id, SpillArrays spillArrays) {
        this.byClass = new ClassCache[capacities.length];
        for (int c = 0; c < capacities.length; c++) byClass[c] = new ClassCache(capacities[c], batches[c], c);
        this.owner = owner;
        this.id = id;
        this.ownSlabs = id != 0 ? id : -1;
        this.inbox = new BatchStack[id == 0 ? 0 : capacities.length];
        this.pending = new BatchStack.Batch[inbox.length];
        this.pendingBlocks = new long[inbox.length];
        this.spill = new Spill[inbox.length];
        for (int c = 0; c < spill.length; c++) spill[c] = new Spill(spillArrays);
        this.carving = new Slab[id == 0 ? 0 : capacities.length];
    }

    /** Class {@code c}'s inbox, or null if nobody has sent to it yet (acquire). */
    BatchStack inbox(int c) {
        return (BatchStack) INBOX.getAcquire(inbox, c);
    }

    /**
     * Class {@code c}'s inbox, made now if nobody has sent to it yet; {@link #CLOSED_INBOX} once the cache
     * is reclaimed, whose pushes fail as a closed inbox's do.
     */
    BatchStack inboxForSend(int c) {
        BatchStack b = inbox(c);
        if (b != null) return b;
        BatchStack made = new BatchStack();
        BatchStack won = (BatchStack) INBOX.compareAndExchange(inbox, c, (BatchStack) null, made);
        return won == null ? made : won;
    }

    /** Blocks in class {@code c}'s inbox, for statistics (0 if it has none): see {@link BatchStack#blocks}. */
    long inboxBlocks(int c) {
        BatchStack b = inbox(c);
        return b == null ? 0 : b.blocks();
    }

    /** The reclaimer: closes class {@code c}'s inbox for good and returns what it held (null if nothing). */
    BatchStack.Batch closeInbox(int c) {
        BatchStack b = (BatchStack) INBOX.getAndSet(inbox, c, CLOSED_INBOX);
        return b == null ? null : b.close();
    }

    /** The platform thread whose cache this is, or null for a stripe (and for counters-only caches). */
    public Thread owner() { return owner; }

    /**
     * Whether virtual threads share this cache under its lock (a stripe), rather than one platform
     * thread owning it: a stripe has no owner thread, never ends, claims no shared slab and has no hot
     * class or granule table. (Counters-only caches, such as the retired totals and the counts of
     * calls made without a cache, have no owner either and answer true; no path that asks gets one.)
     */
    boolean isStripe() { return owner == null; }

    /**
     * Whether this cache's thread has ended: never for a stripe, which lives as long as the
     * allocator. An ended thread stays ended, but its cache may be adopted by a new thread
     * ({@link #adopt}), and then it answers false again: a caller that acts on true without
     * {@link ThreadCaches}' monitor holds this object's ({@link SmallTier#acceptForEnded}), or only
     * reclaims under that monitor (which sees the adoption) before it acts.
     */
    boolean ended() {
        Thread o = owner;
        return o != null && !o.isAlive();
    }

    /**
     * Makes the calling thread the owner of this cache, whose owner has ended and which nobody has
     * reclaimed ({@link ThreadCaches#adoptEnded}): everything in it (blocks, spills, inbox, owned slabs,
     * id, counters) is the caller's from now on. Under {@link ThreadCaches}' monitor and, for
     * {@link SmallTier}'s acceptors that act on the belief that this owner has ended, this object's
     * ({@link SmallTier#acceptForEnded}).
     */
    void adopt(Thread caller) {
        synchronized (this) {
            owner = caller;
        }
        for (ClassCache cc : byClass) cc.run = 0; // the profile's runs of mallocs are per thread
    }

    /**
     * Whether some class's spill holds more blocks than the class's cache can ({@link ClassCache#capacity}):
     * its thread freed a burst of that class well beyond what it cycles through (mstress's threads free
     * everything they own just before they end), not the few batches a running thread's cache moves to
     * its spill and back (larson, threadChurn). Read by {@link ThreadCaches#adoptEnded} once the owner
     * has ended (exact then).
     */
    boolean spilledBurst() {
        for (int c = 0; c < spill.length; c++) {
            if (spill[c].blocks() > byClass[c].capacity) return true;
        }
        return false;
    }

    /** The generated front of this cache, or null. */
    public ThreadFront front() {
        return front;
    }

    /** This platform thread's Large cache, made now if it has none (owner only; never for a stripe). */
    public LargeCache largeCache() {
        LargeCache l = large;
        if (l == null) large = l = new LargeCache();
        return l;
    }

    /** The Large cache if one was made, else null (for the reclaimer once the owner ended, and statistics). */
    public LargeCache largeCacheIfAny() {
        return large;
    }

    /** Bytes not yet in an allocation sample ({@link #unsampledBytes}; owner only), for Large and Huge calls. */
    public long unsampledBytes() {
        return unsampledBytes;
    }

    /** Sets {@link #unsampledBytes} after an allocation-sample step (owner only). */
    public void setUnsampledBytes(long bytes) {
        unsampledBytes = bytes;
    }

    /** Adds {@code bytes} to the bytes this thread asked for (statistics; owner only). */
    public void addRequested(long bytes) {
        requestedBytes += bytes;
    }

    /** Whether class {@code cls} is stored in the generated {@link #front}. */
    boolean isFlat(int cls) {
        return front != null && cls < front.flatClasses();
    }

    /** Allocations of class {@code cls} counted by this cache and its front. */
    public long allocations(int cls) {
        return byClass[cls].allocations + (isFlat(cls) ? front.allocations(cls) : 0);
    }

    /** Frees of class {@code cls} counted by this cache and its front. */
    public long frees(int cls) {
        return byClass[cls].frees + (isFlat(cls) ? front.frees(cls) : 0);
    }

    /** Requested bytes counted by this cache and its front. */
    public long requested() {
        return requestedBytes + (front == null ? 0 : front.requestedBytes);
    }

    /** Adds {@code other}'s counters to this one's (for reclaimed caches). */
    void addCounters(ThreadCache other) {
        requestedBytes += other.requested();
        for (int c = 0; c < byClass.length; c++) {
            ClassCache mine = byClass[c], theirs = other.byClass[c];
            mine.allocations += other.allocations(c);
            mine.frees += other.frees(c);
            mine.burst = Math.max(mine.burst, theirs.burst);
            mine.peak = Math.max(mine.peak, theirs.peak);
        }
        if (other.large != null) largeCache().addCounters(other.large);
        if (other.requests != null) {
            if (requests == null) requests = ProfileCounters.newHistogram();
            for (int b = 0; b < requests.length; b++) requests[b] += other.requests[b];
        }
    }

    /** A counters-only copy (no blocks). */
    ThreadCache copyCounters() {
        int[] caps = new int[byClass.length], batches = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            caps[c] = byClass[c].capacity;
            batches[c] = byClass[c].batch;
        }
        ThreadCache copy = new ThreadCache(caps, batches, owner);
        copy.addCounters(this);
        return copy;
    }
}
