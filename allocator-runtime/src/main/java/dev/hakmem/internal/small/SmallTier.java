package dev.hakmem.internal.small;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Tier;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.Log;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.jfr.MisuseKind;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.spi.ThreadFront;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * The Tiny and Mid tiers: the slow paths behind the thread caches, and the misuse checks.
 *
 * <p>The fast paths (pop from / push to a {@link ClassCache}) live in the allocator front so that
 * they inline into {@code malloc} and {@code free}; everything rare is here, in named methods that are
 * deliberately kept out of the fast path: {@link #refillAndPop} when a cache is empty,
 * {@link #flushAndPush} when it is full, {@link #freeRemote} when the block belongs to another thread.
 *
 * <p>Ownership (no false sharing between threads): each platform thread's cache owns the slabs it
 * carves, and only the owner hands out their blocks. A thread that frees a block owned by another
 * collects it in its outbox and sends it, a batch at a time, to the owner's inbox (a lock-free
 * {@link BatchStack}); the owner drains its inbox when its cache runs dry. So two threads never hold
 * blocks of one cache line at the same time, unless those blocks come from shared slabs: slabs carved
 * for virtual threads (which share caches anyway) and slabs of threads that have ended
 * ({@link #abandon}). Shared slabs' free blocks circulate through the {@link CentralFreeList}s, which
 * every cache may draw from, so memory of ended threads is reused before new spans are taken; an ended
 * thread's fully carved slabs keep the free blocks it held, for the one thread that takes each slab
 * whole ({@link OrphanedSlabs}). Blocks a
 * thread frees itself beyond its cache stay with it, in its {@link Spill}s: a thread that holds many
 * blocks and frees them together, again and again, reuses the same memory and makes no Java garbage.
 *
 * <p>Tiny and Mid share this machinery and differ only in their classes, span sizes (64 KiB slabs vs
 * 512 KiB spans, see {@link SizeClasses}) and cache settings. Under memory pressure, slabs all of
 * whose blocks are on the shared lists or in owners' inboxes or spills are returned to the OS
 * ({@link #releaseFreeSlabs}).
 */
public final class SmallTier {
    /** The acceptor of entries no live owner drains: no cache has this id, so only shared pages accept. */
    private static final int NOT_AN_OWNER = -1;

    private final SizeClasses classes;
    private final ChunkRegistry registry;
    private final CentralFreeList[] centrals;
    /** Whether blocks have states ({@link BlockState}): then inbox entries are accepted one by one. */
    private final boolean checks;
    /** Where the slabs of the Tiny and of the Mid classes come from. */
    private final SpanSource tinySpans, midSpans;
    /** The thread cache of an owner id, or null: where an entry whose slab changed hands is forwarded. */
    private final IntFunction<ThreadCache> owners;
    /** Per class: racing double frees caught late (refused inbox entries, see {@link BlockState}). */
    private final AtomicLongArray lateDoubleFrees;
    /**
     * Held by {@link #abandon}, which marks the ended cache's slabs ({@link Slab#abandoning}) for the
     * length of the call: abandon runs under {@link ThreadCaches}' reclaim lock anyway, one cache at a
     * time; this lock keeps that from being an unchecked assumption. The free blocks themselves are
     * gathered in the ended cache's spills, not copied to lists of the reclaimer's.
     */
    private final Object abandonLock = new Object();
    /** The allocator's JFR sink: misuse, allocation samples at refills, slabs from and back to the OS. */
    private final AllocatorEvents events;
    /**
     * The most bytes an outbox batch collects before it is sent: {@value}, what a batch of the largest
     * Tiny classes holds. Per class the limit is {@link #outboxLimit}.
     */
    static final int OUTBOX_BYTES = 32 << 10;
    /**
     * Per class: how many blocks an outbox batch collects before {@link #freeRemote} sends it, the class's
     * batch or fewer, so that a batch holds at most {@link #OUTBOX_BYTES} (at least one block). Why: a block
     * in an outbox can be used by nobody, neither its owner nor the freeing thread, until its batch is
     * sent, and an outbox fills only as fast as its thread frees other threads' blocks of that class.
     * With the Mid classes' batch of 4, mstress (a 1000-slot array through which four threads free each
     * other's blocks) kept 12-21 blocks of each class from 14 to 64 KiB in outboxes at its peak, 1.7 MiB
     * of its 30 MiB resident; sent one or two at a time, such blocks cost one inbox push per 16-64 KiB,
     * nothing next to the pages the program writes in them. With the default batches only the classes
     * above 8 KiB send fewer than their batch.
     */
    private final int[] outboxLimit;

    /**
     * @param beforeCarve see {@link CentralFreeList}: reclaims ended threads' caches, says if it did
     * @param owners the thread cache of an owner id, or null ({@link ThreadCaches#owner})
     * @param events the allocator's JFR sink
     * @param beforeSpanGrowth told the bytes before a span that is not resident is handed out ({@link SpanSource})
     */
    public SmallTier(AllocatorConfig config, SizeClasses classes, Reservation reservation, MemoryBudget budget,
            ChunkRegistry registry, BooleanSupplier beforeCarve, IntFunction<ThreadCache> owners, AllocatorEvents events,
            LongConsumer beforeSpanGrowth) {
        this.events = events;
        this.classes = classes;
        this.owners = owners;
        this.registry = registry;
        this.checks = config.checks();
        this.lateDoubleFrees = new AtomicLongArray(classes.count());
        this.tinySpans = new SpanSource(reservation, budget, SizeClasses.TINY_SLAB_SHIFT, events, Tier.TINY, beforeSpanGrowth);
        this.midSpans = new SpanSource(reservation, budget, SizeClasses.MID_SPAN_SHIFT, events, Tier.MID, beforeSpanGrowth);
        this.centrals = new CentralFreeList[classes.count()];
        this.outboxLimit = new int[classes.count()];
        for (int c = 0; c < centrals.length; c++) {
            outboxLimit[c] = outboxLimit(config.batchSize(c), classes.size(c));
            centrals[c] = new CentralFreeList(c, config.batchSize(c), classes, classes.isTiny(c) ? tinySpans : midSpans, registry,
                    beforeCarve);
        }
    }

    /** Blocks of {@code size} bytes an outbox batch collects when the class's batch is {@code batch}: see {@link #outboxLimit}. */
    static int outboxLimit(int batch, int size) {
        return Math.max(1, Math.min(batch, OUTBOX_BYTES / size));
    }

    public SizeClasses classes() { return classes; }

    /**
     * What {@link #abandon} gave back of an ended thread's cache.
     *
     * @param blocks free blocks
     * @param bytes their bytes (block sizes)
     */
    public record GivenBack(long blocks, long bytes) {}

    /** The allocator's JFR sink. */
    public AllocatorEvents events() { return events; }

    /** Slow path of malloc: {@code cc} (class {@code cls} of {@code tc}) is empty. Refills a batch and pops one. */
    public long refillAndPop(ThreadCache tc, ClassCache cc, int cls, long requested) {
        if (tc.isFlat(cls)) return refillFlat(tc, cls, requested);
        cc.blocks = cc.arrayForRefill(cc.blocks, tc.id != 0);
        int n = fill(tc, cls, cc.blocks, cc.batch, requested);
        cc.count = n - 1;
        sampleRefill(tc, cls, n, requested);
        return cc.blocks[n - 1];
    }

    /**
     * The allocation sample of a refill of {@code n} blocks of class {@code cls} into {@code tc}
     * ({@link AllocatorEvents#sample}; the weight is kept in the cache, owner-only or under a stripe's
     * lock like the rest of it).
     */
    private void sampleRefill(ThreadCache tc, int cls, int n, long requested) {
        int size = classes.size(cls);
        tc.unsampledBytes = events.sample(tc.unsampledBytes, (long) n * size, requested, classes.tier(cls), cls, size);
    }

    /**
     * {@link #refillAndPop} for a class stored in a generated front: pops from the front if it holds a
     * block (a generic path such as calloc got here through the class's empty stub), else refills it.
     */
    private long refillFlat(ThreadCache tc, int cls, long requested) {
        ThreadFront f = tc.front;
        long[] b = f.blocks(cls);
        int held = f.count(cls);
        if (held > 0) {
            f.setCount(cls, held - 1);
            return b[held - 1];
        }
        ClassCache cc = tc.byClass[cls];
        long[] grown = cc.arrayForRefill(b, tc.id != 0);
        if (grown != b) f.setBlocks(cls, b = grown);
        int n = fill(tc, cls, b, cc.batch, requested);
        f.setCount(cls, n - 1);
        sampleRefill(tc, cls, n, requested);
        return b[n - 1];
    }

    /** Puts between 1 and {@code batch} free blocks of class {@code cls} into {@code dst[0..)}; returns how many. */
    private int fill(ThreadCache tc, int cls, long[] dst, int batch, long requested) {
        return tc.id == 0 ? centrals[cls].refill(dst, batch, requested) : refillOwned(tc, cls, dst, batch, requested);
    }

    /**
     * An owning cache's refill, cheapest memory first: blocks of its own slabs sent back by other
     * threads (its inbox), blocks it freed itself beyond its cache (its spill), then shared blocks (so
     * ended threads' memory is reused), then its own slab being carved, then a slab an ended thread
     * left with free blocks ({@link OrphanedSlabs}), and only then a new slab. So a new slab is taken
     * only when every free block this thread may hand out has been handed out.
     */
    private int refillOwned(ThreadCache tc, int cls, long[] dst, int batch, long requested) {
        CentralFreeList central = centrals[cls];
        int n;
        if ((n = reuse(tc, cls, dst, batch)) > 0) return n;
        Slab own = tc.carving[cls];
        if (own != null && (n = own.claimInto(dst, batch)) > 0) return n;
        if (central.beforeCarve() && (n = reuse(tc, cls, dst, batch)) > 0) return n;
        for (Slab orphaned; (orphaned = central.adoptOrphaned(tc.id)) != null; ) {
            takeOver(tc, orphaned, cls);
            // An ended thread's slab still being carved: this thread carves on (its own is carved out).
            if (orphaned.carved() < orphaned.capacity()) tc.carving[cls] = orphaned;
            if ((n = tc.spill[cls].take(dst, batch)) > 0) return n;
            if ((n = orphaned.claimInto(dst, batch)) > 0) return n;
        }
        Slab fresh = central.newOwnedSlab(requested, tc.id);
        tc.carving[cls] = fresh;
        addOwned(tc, fresh);
        return fresh.claimInto(dst, batch);
    }

    /** Free blocks an owning cache already has: its inbox, its spill, then the shared ones; how many went to {@code dst}. */
    private int reuse(ThreadCache tc, int cls, long[] dst, int batch) {
        int n;
        while ((n = takeInbox(tc, cls, dst)) > 0) {
            if (checks) n = accept(tc.id, cls, dst, n);
            if (n > 0) return n;
        }
        if ((n = tc.spill[cls].take(dst, spillTake(cls, dst.length, batch))) > 0) return n;
        return centrals[cls].refillFromShared(dst, batch);
    }

    /**
     * How many blocks a refill of a cache array of {@code length} takes from the spill: for a Mid class
     * as many as a flush sends there ({@link #flushOldest}: half the array), for a Tiny class a batch.
     * Measured (docs/BENCHMARKS-HISTORY.md, session 36): half for Mid made midLargeMt with two threads
     * 7% faster in two runs (its classes' batch is 4 blocks, so the cache ran dry again four
     * allocations after a refill); half for Tiny made skewedFootprint 8-9% faster but mstress 13-15%
     * slower, whose short-lived threads then refilled less often and so grew their caches' arrays,
     * which grow by refills ({@link ClassCache#arrayForRefill}), more slowly.
     */
    private int spillTake(int cls, int length, int batch) {
        return classes.isTiny(cls) ? batch : Math.max(batch, length >>> 1);
    }

    /**
     * The owner takes one batch of its inbox of class {@code cls} into {@code dst}: from the chain it
     * took before, else the whole inbox now (one getAndSet-style CAS); the emptied node is recycled.
     * Returns the batch's size, 0 when the inbox is empty.
     */
    private int takeInbox(ThreadCache tc, int cls, long[] dst) {
        BatchStack.Batch b = tc.pending[cls];
        if (b == null) {
            BatchStack in = tc.inbox(cls);
            if (in == null || (b = in.takeAll()) == null) return 0;
            tc.pendingBlocks[cls] = BatchStack.count(b);
        }
        tc.pending[cls] = b.next(); // before the node is recycled: its next is rewritten by its next push
        int n = b.count();
        System.arraycopy(b.blocks(), 0, dst, 0, n);
        tc.pendingBlocks[cls] -= n;
        centrals[cls].recycleNode(b);
        return n;
    }

    /**
     * Checks on: accepts the entries {@code blocks[0..n)} of class {@code cls} that arrived from other
     * threads (an inbox batch, or a batch whose owner no longer takes it), compacting the accepted ones
     * to the front; returns how many. {@code acceptor} is the id of the live owner draining its own
     * inbox, or {@link #NOT_AN_OWNER} for any other thread. An entry whose block is not {@link BlockState#REMOTE}, or whose
     * page now holds another class or another live owner's slab, is a phantom of a racing double free
     * (see {@link BlockState}): refused, counted and reported.
     */
    private int accept(int acceptor, int cls, long[] blocks, int n) {
        int kept = 0;
        for (int i = 0; i < n; i++) {
            long p = blocks[i];
            int verdict = accepts(acceptor, cls, p);
            if (verdict == ACCEPTED) {
                blocks[kept++] = p;
            } else if (verdict == REFUSED) {
                lateDoubleFree(cls, p);
            } // FORWARDED: now in its owner's inbox
        }
        return kept;
    }

    private static final int ACCEPTED = 0, REFUSED = 1, FORWARDED = 2;

    /**
     * Whether entry {@code p} is accepted here, refused as a phantom, or forwarded. Only the slab's
     * owner at the time of acceptance may accept an entry of an owned slab, because its acceptance is a
     * plain store that a CAS elsewhere could race with. An entry can reach another thread than that
     * owner: its slab changed hands after it was sent (the owner it was sent to ended and a live thread
     * {@linkplain #claimShared claimed} the slab), or the sender read an old owner id now reused by a
     * new thread. Such an entry goes on to the slab's owner's inbox; if that owner has ended, nobody
     * accepts with a plain store any more (unless a new thread adopts its cache, see
     * {@link #acceptForEnded}), so it is accepted here by CAS. Forwarding never makes a
     * block accepted twice: each {@code LIVE -> REMOTE} transition is consumed by one acceptance,
     * whichever of its entries (the real one or a phantom of a racing double free) gets there first.
     */
    private int accepts(int acceptor, int cls, long p) {
        while (true) {
            long a = stateAddress(p, cls);
            if (!BlockState.isRemote(a)) return REFUSED; // acquire: the page read below is the freer's
            int info = registry.infoOf(p);
            if (ChunkRegistry.kindOfInfo(info) != cls + 1) return REFUSED;
            int owner = ChunkRegistry.ownerOfInfo(info);
            if (owner == 0) return BlockState.acceptShared(a) ? ACCEPTED : REFUSED;
            if (owner == acceptor) {
                BlockState.acceptOwned(a);
                return ACCEPTED;
            }
            ThreadCache o = owners.apply(owner);
            if (o == null || o.id != owner) { // that owner has been reclaimed
                return BlockState.acceptShared(a) ? ACCEPTED : REFUSED;
            }
            int ended = acceptForEnded(o, a);
            if (ended >= 0) return ended;
            if (o.inboxForSend(cls).push(new long[] {p}, 1)) return FORWARDED;
            Thread.onSpinWait(); // its inbox closed: it is being reclaimed, its slabs becoming shared; look again
        }
    }

    /**
     * An entry of a slab owned by {@code o}, whose state is at {@code a}, met by another acceptor:
     * if {@code o}'s thread has ended, accepted here by CAS ({@link #ACCEPTED} or {@link #REFUSED}),
     * else -1 (the caller forwards it to {@code o}'s inbox). Under {@code o}'s monitor, which
     * {@link ThreadCache#adopt} takes too: an ended owner's cache can be adopted by a new thread
     * ({@link ThreadCaches}), which then accepts its inbox with plain stores, and this CAS must come
     * wholly before that (the adopter then reads the block as accepted and refuses a phantom of it)
     * or not at all (the cache is seen alive and the entry forwarded to it).
     */
    private static int acceptForEnded(ThreadCache o, long a) {
        if (!o.ended()) return -1; // the common case, without the monitor: a live owner stays live while this runs, or ends and is looked at again below next time
        synchronized (o) {
            if (!o.ended()) return -1;
            return BlockState.acceptShared(a) ? ACCEPTED : REFUSED;
        }
    }

    /** Counts and reports an inbox entry refused as a phantom (the 1st, 2nd, 4th, 8th, ... of a class are logged). */
    private void lateDoubleFree(int cls, long p) {
        long n = lateDoubleFrees.incrementAndGet(cls);
        String message = "free(" + Errors.hex(p) + "): double free caught late: " + describe(cls)
                + " was freed by two threads at the same time; the second free was ignored (" + n
                + " such frees of this class so far; AllocatorStats.racingDoubleFrees() counts them all)";
        if (Long.bitCount(n) == 1) Log.get().log(System.Logger.Level.WARNING, message);
        events.racingDoubleFree(p, classes.tier(cls), cls, classes.size(cls), message);
    }

    /** Racing double frees of class {@code cls} caught late so far (each also counted as a free by its caller). */
    public long lateDoubleFrees(int cls) {
        return lateDoubleFrees.get(cls);
    }

    /**
     * Slow path of free: {@code cc} is full (or not yet used). Moves its older half out (to the
     * owner's spill, where only it takes blocks from, or, for a cache without an id, its oldest batch to
     * the shared list: {@link #flushOldest}), then pushes.
     */
    public void flushAndPush(ThreadCache tc, ClassCache cc, int cls, long address) {
        if (tc.isFlat(cls)) {
            pushFlat(tc, cls, address);
            return;
        }
        if (cc.blocks.length == 0) {
            cc.blocks = cc.arrayForRefill(cc.blocks, tc.id != 0);
        } else {
            cc.count = flushOldest(tc, cls, cc.blocks, cc.count, cc.batch);
        }
        cc.blocks[cc.count++] = address;
    }

    /** Pushes onto a class stored in a generated front, in any state (unused, full or not). */
    private void pushFlat(ThreadCache tc, int cls, long address) {
        ThreadFront f = tc.front;
        long[] b = f.blocks(cls);
        int n = f.count(cls);
        if (b.length == 0) {
            f.setBlocks(cls, b = tc.byClass[cls].arrayForRefill(b, tc.id != 0));
        } else if (n == b.length) {
            n = flushOldest(tc, cls, b, n, tc.byClass[cls].batch);
        }
        b[n] = address;
        f.setCount(cls, n + 1);
    }

    /**
     * Sends the oldest blocks of {@code blocks[0..count)} away and shifts the rest down; returns the
     * new count. An owning cache keeps the older half in its spill (no Java garbage); a cache without
     * an id (a platform thread's made while every id was taken) sends the oldest {@code batch} to the
     * shared list as a new batch, a node's worth.
     *
     * <p>Why half and not a batch: the shift copies what stays. With a batch of 32 of a full cache of
     * 512, a thread freeing more blocks than its cache holds (skewedFootprint frees 400,000 in a row)
     * copied 480 addresses for every 32 it freed, and {@code arraycopy} took 9% of the run's time;
     * with half, each address sent away costs two copies, the one into the spill and the shift. The
     * newest half stays, so the blocks freed last are still handed out first; jemalloc's thread cache
     * flushes to a fraction of its capacity the same way. A refill takes half the cache back for a
     * Mid class, a batch for a Tiny one ({@link #spillTake}).
     */
    private int flushOldest(ThreadCache tc, int cls, long[] blocks, int count, int batch) {
        int n;
        if (tc.id == 0) {
            n = batch;
            centrals[cls].pushInNodes(blocks, 0, n);
        } else {
            n = Math.max(batch, count >>> 1);
            int own = tc.isStripe() ? poolShared(blocks, n, cls) : n;
            tc.spill[cls].put(blocks, 0, own, registry);
        }
        System.arraycopy(blocks, n, blocks, 0, count - n);
        return count - n;
    }

    /**
     * A stripe's overflow {@code blocks[0..n)} of class {@code cls}: pools the blocks of shared slabs,
     * in nodes of the class's batch, and moves the others (its own slabs') to the front; returns how
     * many those are.
     *
     * <p>Why: a stripe never ends, and what its spill holds only its own mallocs take. Shared slabs are
     * carved for mallocs that found every stripe busy; when stripes are contended for a long time, those
     * mallocs kept carving while the frees of their blocks, which wait for a stripe, filled stripes'
     * spills: one stripe under constant contention held 150-200 MB for 1 MB live
     * (docs/BENCHMARKS-HISTORY.md, session 45). Pooled, the blocks are what the next malloc without a
     * stripe takes ({@link #mallocDirect}). A stripe does not claim shared slabs either
     * ({@link #claimShared}), so their blocks stay shared.
     */
    private int poolShared(long[] blocks, int n, int cls) {
        int own = 0;
        for (int i = 0; i < n; i++) { // own slabs' blocks to the front, in their order; shared ones behind
            long p = blocks[i];
            Slab s = registry.slab(p);
            if (s == null || !registry.isShared(s)) {
                blocks[i] = blocks[own];
                blocks[own++] = p;
            }
        }
        centrals[cls].pushInNodes(blocks, own, n);
        return own;
    }

    /**
     * After an owning cache's free of a shared slab's block (its platform thread's; a stripe claims
     * nothing, see {@link #poolShared}): makes the slab the cache's own, with
     * the free blocks its ended owner left with it ({@link OrphanedSlabs}), if it is carved to its end,
     * or if it is an orphaned slab still being carved (listed with its orphans: nobody carves it) and
     * the cache has no slab of the class left to carve: then it carves on. A slab the shared side is
     * carving for mallocs without a cache (virtual threads that found every stripe busy) stays shared.
     */
    public void claimShared(ThreadCache tc, long address, int cls) {
        if (tc.isStripe()) return; // see poolShared
        Slab s = registry.slab(address);
        if (s == null) return;
        boolean partial = s.carved() < s.capacity();
        if (partial && !(s.hasOrphans() && carvedOut(tc.carving[cls]))) return;
        if (registry.claim(s, centrals[cls].spanSize(), tc.id)) {
            takeOver(tc, s, cls);
            if (partial) tc.carving[cls] = s;
        }
    }

    /**
     * Lists {@code s} among {@code tc}'s slabs, first dropping the ones given back to the OS since, once
     * in every doubling of the list: a stripe lives as long as the allocator, claiming slabs all along.
     */
    private static void addOwned(ThreadCache tc, Slab s) {
        if (tc.owned.size() >= 64 && Integer.bitCount(tc.owned.size()) == 1) tc.owned.removeIf(Slab::released); // amortised
        tc.owned.add(s);
    }

    /** Whether {@code carving} (a cache's slab being carved, or null) has nothing left to carve. */
    private static boolean carvedOut(Slab carving) {
        return carving == null || carving.carved() >= carving.capacity();
    }

    /** {@code tc} has just claimed {@code s}: lists it as its own and keeps its orphans, if any, in its spill. */
    private void takeOver(ThreadCache tc, Slab s, int cls) {
        addOwned(tc, s);
        long[] bits = centrals[cls].takeOrphans(s);
        if (bits != null) tc.spill[cls].putOrphans(s, bits);
    }

    /**
     * Free of a block owned by another thread's cache {@code owner} (null if the id no longer names a
     * cache: then the block is shared and stays here). The block joins the outbox of {@code cc}, whose
     * batch for that owner goes to the owner's inbox when full (the class's batch, or fewer blocks for
     * classes above 8 KiB: {@link #outboxLimit}); a batch for another owner is parked
     * meanwhile ({@link ClassCache#parkedNodes}). With checks on the
     * caller has made the block {@link BlockState#REMOTE} (or FREED, when {@code owner} is null).
     */
    public void freeRemote(ThreadCache tc, ClassCache cc, int cls, long address, ThreadCache owner) {
        if (owner == null) {
            if (cc.count < cc.blocks.length) {
                cc.blocks[cc.count++] = address;
            } else {
                flushAndPush(tc, cc, cls, address); // also the way into a generated front
            }
            return;
        }
        if (cc.outOwner != owner) switchOutbox(cc, cls, owner);
        if (cc.outNode == null) cc.outNode = centrals[cls].takeNode();
        long[] out = cc.outNode.blocks();
        out[cc.outCount++] = address;
        cc.outOwner = owner;
        if (cc.outCount >= outboxLimit[cls]) flushOutbox(cc, cls); // never past the node: outboxLimit <= batch == out.length (takeNode)
    }

    /**
     * A block of {@code owner} arrives while the outbox of {@code cc} fills a batch for another owner (or
     * none): parks the current batch, sending the oldest parked one if every slot is taken, and makes
     * {@code owner}'s parked batch, if it has one, the current one.
     */
    private void switchOutbox(ClassCache cc, int cls, ThreadCache owner) {
        int slot = cc.parkedOf(owner);
        BatchStack.Batch resumed = slot >= 0 ? cc.unpark(slot) : null;
        if (cc.outCount > 0) {
            if (cc.parkedOwners == null) { // the class's first batch to park
                cc.parkedOwners = new ThreadCache[ClassCache.PARKED];
                cc.parkedNodes = new BatchStack.Batch[ClassCache.PARKED];
            }
            if (slot < 0) slot = cc.parkedOf(null);
            if (slot < 0) {
                slot = cc.parkNext;
                cc.parkNext = (slot + 1) % ClassCache.PARKED;
                sendParked(cc, cls, slot);
            }
            cc.outNode.setCount(cc.outCount);
            cc.parkedNodes[slot] = cc.outNode;
            cc.parkedOwners[slot] = cc.outOwner;
        }
        cc.outNode = resumed;
        cc.outCount = resumed == null ? 0 : resumed.count();
        cc.outOwner = resumed == null ? null : owner;
    }

    /** Sends the batch parked in slot {@code slot} of {@code cc}'s outbox, if any, to its owner. */
    private void sendParked(ClassCache cc, int cls, int slot) {
        ThreadCache owner = cc.parkedOwners[slot];
        if (owner != null) sendRemote(owner, cls, cc.unpark(slot));
    }

    /** Sends the outbox's current batch, a node, to its owner ({@link #sendRemote}); the next remote free starts a new one. */
    private void flushOutbox(ClassCache cc, int cls) {
        if (cc.outCount == 0) return;
        BatchStack.Batch node = cc.outNode;
        node.setCount(cc.outCount);
        ThreadCache owner = cc.outOwner;
        cc.outNode = null;
        cc.outCount = 0;
        cc.outOwner = null;
        sendRemote(owner, cls, node);
    }

    /** Sends every batch of {@code cc}'s outbox, current and parked, to its owner. */
    private void flushOutboxes(ClassCache cc, int cls) {
        flushOutbox(cc, cls);
        if (cc.parkedOwners == null) return;
        for (int slot = 0; slot < ClassCache.PARKED; slot++) sendParked(cc, cls, slot);
    }

    /**
     * Gives {@code node}'s blocks, freed by other threads than their owner, to {@code owner}'s inbox
     * (the node pushed whole, recycled by the owner when it takes it); if the owner has ended (inbox
     * closed, or no cache), accepts them here and gives them, node and all, to the shared list.
     */
    private void sendRemote(ThreadCache owner, int cls, BatchStack.Batch node) {
        if (owner != null && owner.id != 0 && owner.inboxForSend(cls).push(node)) return;
        int kept = acceptHere(cls, node.blocks(), node.count());
        if (kept == 0) return;
        node.setCount(kept);
        centrals[cls].pushNode(node); // the node goes with its blocks, recycled where it is popped
    }

    /**
     * With checks on, accepts entries {@code blocks[0..n)} that no live owner will drain, by CAS
     * ({@link BlockState#acceptShared}): phantoms refused, entries of a slab that changed hands
     * forwarded ({@link #accepts}); the accepted ones compacted to the front. Returns how many.
     */
    private int acceptHere(int cls, long[] blocks, int n) {
        return checks ? accept(NOT_AN_OWNER, cls, blocks, n) : n;
    }

    /**
     * A malloc without any cache (a virtual thread that found every stripe busy): takes one batch
     * from the class's central list, keeps one block and pushes the rest back, or carves one block
     * alone ({@link CentralFreeList#refill}).
     */
    public long mallocDirect(int cls, long requested) {
        CentralFreeList central = centrals[cls];
        long[] blocks = new long[central.batch()];
        int n = central.refill(blocks, 1, requested);
        if (n > 1) central.push(Arrays.copyOf(blocks, n - 1), n - 1);
        return blocks[n - 1];
    }

    /**
     * A free without any cache: the block goes to its owner's inbox, or ({@code owner} null: a shared
     * block, already FREED) to the shared list.
     */
    public void freeDirect(long address, int cls, ThreadCache owner) {
        if (owner == null) {
            centrals[cls].push(new long[] {address}, 1);
        } else {
            sendRemote(owner, cls, new BatchStack.Batch(new long[] {address}, 1, null));
        }
    }

    /**
     * Empties a cache whose thread lives on (a stripe, or the calling thread's own cache under memory
     * pressure): outboxes go to their owners; an owning cache accepts its inbox and keeps it and its
     * cached blocks in its spills (a stripe included), a cache without an id gives its cached blocks
     * to the shared lists; either way where {@link #releaseFreeSlabs} can see them.
     */
    public void drain(ThreadCache tc) {
        for (int c = 0; c < tc.byClass.length; c++) {
            flushOutboxes(tc.byClass[c], c);
            if (tc.id != 0) acceptInbox(tc, c);
            emptyCache(tc, c, tc.id == 0);
        }
    }

    /** The calling thread's own cache: moves its inbox of class {@code c}, accepted, into its spill. */
    private void acceptInbox(ThreadCache tc, int c) {
        long[] batch = new long[tc.byClass[c].batch];
        for (int n; (n = takeInbox(tc, c, batch)) > 0; ) {
            if (checks) n = accept(tc.id, c, batch, n);
            tc.spill[c].put(batch, 0, n, registry);
        }
    }

    /**
     * Moves every cached block of class {@code c} (in the cache or its generated front) to the shared
     * list ({@code toShared}: a cache without an id) or to the cache's own spill.
     */
    private void emptyCache(ThreadCache tc, int c, boolean toShared) {
        ClassCache cc = tc.byClass[c];
        moveBlocks(cc.blocks, cc.count, tc, c, toShared);
        cc.count = 0;
        if (tc.isFlat(c)) {
            moveBlocks(tc.front.blocks(c), tc.front.count(c), tc, c, toShared);
            tc.front.setCount(c, 0);
        }
    }

    /** Moves {@code blocks[0..n)} of class {@code c} to the shared list or to {@code tc}'s spill (copies). */
    private void moveBlocks(long[] blocks, int n, ThreadCache tc, int c, boolean toShared) {
        if (toShared) {
            centrals[c].pushInBatches(blocks, n);
        } else {
            tc.spill[c].put(blocks, 0, n, registry);
        }
    }

    /**
     * Empties the cache of a thread that has ended, without its help. Per class: its outbox goes to
     * the owners; its inbox is closed (later sends are accepted by their senders, as an ended owner's,
     * and pooled) and its entries accepted; these, its spilled and its cached blocks are given back
     * ({@link CentralFreeList#giveBackEnded}) once its slabs are shared: each fully carved slab with the
     * free blocks it has here, as a whole ({@link OrphanedSlabs}), the other blocks to the shared pool.
     * The slab it was carving is orphaned too, for the thread that takes it to carve on.
     *
     * <p>Order: the slabs are made shared after the inbox is closed and before the blocks are given
     * back. A thread that frees a block of one of them meanwhile finds this owner ended and waits for
     * this reclaim ({@link SmallFront}'s remote free); one that claims a slab before its orphans are
     * attached finds none, and they are pooled instead.
     *
     * @return the free blocks given back and their bytes ({@code dev.hakmem.ThreadCacheReclaim})
     */
    public GivenBack abandon(ThreadCache tc) {
        synchronized (abandonLock) {
            return abandonLocked(tc);
        }
    }

    private GivenBack abandonLocked(ThreadCache tc) {
        int classCount = centrals.length;
        for (int c = 0; c < classCount; c++) {
            Spill gathered = tc.spill[c]; // the ended owner's: only this reclaimer puts blocks in it now
            flushOutboxes(tc.byClass[c], c);
            gatherAndRecycle(tc.pending[c], gathered, c);
            tc.pending[c] = null;
            tc.pendingBlocks[c] = 0;
            gatherAndRecycle(tc.closeInbox(c), gathered, c);
            giveBackOutboxNode(tc.byClass[c], c);
            emptyCache(tc, c, false);
        }
        for (Slab s : tc.owned) {
            registry.disown(s, centrals[s.sizeClass()].spanSize(), tc.id);
            s.abandoning = true;
        }
        long blocks = 0, bytes = 0;
        for (int c = 0; c < classCount; c++) {
            int n = tc.spill[c].giveBackEnded(centrals[c]);
            tc.spill[c].giveArrayBack(); // for other threads' spills (SpillArrays)
            blocks += n;
            bytes += (long) n * classes.size(c);
            tc.carving[c] = null;
        }
        for (Slab s : tc.owned) {
            if (s.abandoning) centrals[s.sizeClass()].orphanAbandoned(s); // a slab listed twice is offered once
        }
        tc.owned.clear();
        return new GivenBack(blocks, bytes);
    }

    /**
     * An ended thread's chain of inbox nodes of class {@code c}, taken whole (held by the reclaimer
     * alone): their entries, accepted, into {@code gathered}; the nodes to the class's given-back
     * nodes, for other threads' outboxes, instead of to the garbage collector.
     */
    private void gatherAndRecycle(BatchStack.Batch chain, Spill gathered, int c) {
        for (BatchStack.Batch b = chain; b != null; ) {
            BatchStack.Batch next = b.next(); // before the node is recycled: its next is rewritten by its next push
            gathered.put(b.blocks(), 0, acceptHere(c, b.blocks(), b.count()), registry);
            centrals[c].recycleNode(b);
            b = next;
        }
    }

    /** An ended thread's empty outbox node of class {@code c} goes to the class's given-back nodes. */
    private void giveBackOutboxNode(ClassCache cc, int c) {
        if (cc.outCount == 0 && cc.outNode != null) centrals[c].recycleNode(cc.outNode); // flushed before: empty
        cc.outNode = null;
    }

    /**
     * Memory pressure: returns to the OS every slab and span whose blocks are all on the shared lists
     * or in the spills of the {@code live} caches (with checks off, also in their inboxes). Returns the
     * bytes released.
     *
     * <p>With checks on, a live owner's inbox is left alone: its entries are accepted only by that
     * owner, because one of them may be a phantom of a racing double free whose block the owner holds
     * (see {@link BlockState}); counting it as free could release a slab with a block in use. The
     * calling thread has accepted its own inbox into its spills before ({@link #drain}).
     */
    public long releaseFreeSlabs(Iterable<ThreadCache> live) {
        Object tinyEvent = events.returning(), midEvent = events.returning(); // each spans the whole pass
        long tiny = tinySpans.releaseResident(), mid = midSpans.releaseResident(); // spans the OS kept before
        for (int c = 0; c < centrals.length; c++) {
            List<BatchStack> inboxes = new ArrayList<>();
            List<Spill> spills = new ArrayList<>();
            for (ThreadCache tc : live) {
                if (tc.id == 0) continue;
                BatchStack in = tc.inbox(c);
                if (!checks && in != null) inboxes.add(in);
                spills.add(tc.spill[c]);
            }
            long bytes = centrals[c].releaseFreeSlabs(inboxes, spills);
            if (classes.isTiny(c)) tiny += bytes;
            else mid += bytes;
        }
        events.returned(tinyEvent, Tier.TINY, tiny, "memory pressure");
        events.returned(midEvent, Tier.MID, mid, "memory pressure");
        return tiny + mid;
    }

    /**
     * Checks off: validates that {@code address} starts a block of class {@code cls} (not that it is
     * live: with checks off only double frees go undetected). Throws, changing nothing, for an interior
     * address or one in a span's unused tail.
     */
    public void checkBlockStart(String op, long address, int cls) {
        if (!classes.startsBlock(address, cls)) throw freeError(op, address, cls);
    }

    /**
     * Validates {@code address} on a page of class {@code cls} for a call other than free (realloc,
     * usableSize): with checks on, that it starts a live block ({@link #checkLive}); off, that it starts
     * a block ({@link #checkBlockStart}). Throws, changing nothing.
     */
    public void checkAddress(String op, long address, int cls) {
        if (checks) {
            checkLive(op, address, cls);
        } else {
            checkBlockStart(op, address, cls);
        }
    }

    /** Checks on: validates that {@code address} starts a live block of class {@code cls}. */
    private void checkLive(String op, long address, int cls) {
        if ((address & ((1L << classes.granuleShift(cls)) - 1)) == 0 && BlockState.read(stateAddress(address, cls)) == BlockState.LIVE) {
            return;
        }
        throw freeError(op, address, cls);
    }

    /** Address of the state byte of the block at {@code address} of class {@code cls} (checks on). */
    private long stateAddress(long address, int cls) {
        return registry.stateMap().address(address, classes.granuleShift(cls));
    }

    /** What the {@code what} of an error names: "TINY block of class 3 (64 bytes)". */
    public String describe(int cls) {
        return Errors.block(classes.tier(cls), cls, classes.size(cls));
    }

    /** Free blocks held in thread caches, outboxes, inboxes, spills and shared lists of the given classes, in bytes. */
    public long cachedBytes(int fromClass, int toClass, Iterable<ThreadCache> caches) {
        long bytes = 0;
        for (int c = fromClass; c < toClass; c++) {
            long blocks = centrals[c].cachedBlocks();
            for (ThreadCache tc : caches) {
                blocks += tc.byClass[c].count + tc.byClass[c].outBlocks() + (tc.isFlat(c) ? tc.front.count(c) : 0);
                if (tc.id != 0) blocks += tc.inboxBlocks(c) + tc.pendingBlocks[c] + tc.spill[c].blocks();
            }
            bytes += blocks * classes.size(c);
        }
        return bytes;
    }

    /** Slabs carved for class {@code cls}. */
    public long slabs(int cls) {
        return centrals[cls].slabs();
    }

    /** Names what is wrong with an address on a page of class {@code cls} that is not a live block. */
    RuntimeException freeError(String op, long address, int cls) {
        Slab s = registry.slab(address);
        int i = s.indexOf(address);
        long start = s.blockAddress(i);
        if (i >= s.capacity()) {
            return misuse(Errors.notAllocated(op, address, "in the unused tail of a " + classes.tier(cls) + " span of class " + cls
                    + " (" + classes.size(cls) + "-byte blocks)"), MisuseKind.NOT_ALLOCATED, op, address, cls);
        }
        if (start != address) return misuse(Errors.interior(op, address, start, describe(cls)), MisuseKind.INTERIOR_POINTER, op, address, cls);
        byte state = BlockState.read(stateAddress(address, cls));
        if (state == BlockState.FREED || state == BlockState.REMOTE) {
            return misuse(Errors.doubleFree(op, address, describe(cls)), MisuseKind.ofFreedBlock(op), op, address, cls);
        }
        return misuse(Errors.notAllocated(op, address, "no block was ever allocated at this address (" + describe(cls) + " slot)"),
                MisuseKind.NOT_ALLOCATED, op, address, cls);
    }

    /** Reports {@code error}, a misuse at {@code address} on a page of class {@code cls}, to the JFR sink; returns it. */
    private RuntimeException misuse(RuntimeException error, MisuseKind kind, String op, long address, int cls) {
        return events.misuse(error, kind, op, address, classes.tier(cls), cls, classes.size(cls));
    }
}
