package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * One class's slabs of ended threads that still carry the free blocks their owner held: each slab
 * with its "orphans" ({@link Slab#takeOrphans}), waiting for one thread to take the slab and them
 * together. This is mimalloc's reclaim of abandoned pages, without writing into the blocks.
 *
 * <p>Why whole slabs: a thread that ends leaves live blocks in the hands of other threads (in larson,
 * of the thread that takes over its work) and free blocks in its cache. Pooled batch by batch, those
 * free blocks went to whichever thread refilled first, so two threads came to hold blocks of one slab:
 * the one that later claimed the slab received the other's frees as remote frees (a CAS each), piling
 * up blocks it did not need while the other carved new slabs (larson with two threads: a quarter of
 * all frees a CAS, and 49 MB committed for 5 MB live after 150 thread lives). Kept with their slab,
 * the free blocks go to the thread that claims it: the first one to free one of its live blocks
 * ({@link SmallTier#claimShared}), which is the thread that took over the ended thread's blocks; or,
 * when a thread is about to take a new slab, the first orphaned slab still unclaimed
 * ({@link #poll}). Either way one thread ends up owning the slab and all its free blocks.
 *
 * <p>Thread safety: the list is guarded by this object's monitor (taken only on slow paths: a thread's
 * end, a refill about to take a new slab, memory pressure). A slab is listed once it is shared, and its
 * orphans are detached with one getAndSet, so exactly one thread gets them, whatever races: a claimer
 * that got there first finds none, and the thread that attached them takes them back ({@link #offer}).
 * A listed slab whose orphans were taken is stale: dropped when met.
 */
final class OrphanedSlabs {
    private static final VarHandle BLOCKS;

    static {
        try {
            BLOCKS = MethodHandles.lookup().findVarHandle(OrphanedSlabs.class, "blocks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Orphaned slabs, oldest first; some may be stale (orphans taken). Guarded by {@code this}. */
    private final ArrayDeque<Slab> slabs = new ArrayDeque<>();
    /** The list's size at which stale entries are next swept out (amortises the sweep). */
    private int sweepAt = 64;
    /** Orphan blocks attached to listed slabs (statistics; atomic adds, may lag a concurrent change). */
    @SuppressWarnings("unused") private volatile long blocks;

    /**
     * Attaches {@code bits} (an orphan bitmap of the shared {@code slab}: {@link Slab#newOrphanBits},
     * given up) to the slab and lists it. Returns null if they stay attached (or a claimer took them),
     * or the bitmap, attached to nothing, if the slab has been claimed meanwhile and its claimer found
     * no orphans: the caller must then put its blocks elsewhere. ({@code shared} reads the slab's
     * registry entry volatile, after the attach; a claim CASes that entry before it takes orphans, so
     * either the claim is seen here or the claimer sees these.)
     */
    long[] offer(Slab slab, long[] bits, Predicate<Slab> shared) {
        slab.setOrphans(bits);
        BLOCKS.getAndAdd(this, (long) Slab.orphanCount(bits));
        synchronized (this) {
            slabs.add(slab);
            if (slabs.size() >= sweepAt) {
                slabs.removeIf(s -> !s.hasOrphans());
                sweepAt = Math.max(64, 2 * slabs.size());
            }
        }
        return shared.test(slab) ? null : take(slab);
    }

    /** Detaches {@code slab}'s orphans: the bitmap, or null if another thread took them. */
    long[] take(Slab slab) {
        long[] o = slab.takeOrphans();
        if (o != null) BLOCKS.getAndAdd(this, (long) -Slab.orphanCount(o));
        return o;
    }

    /** The oldest listed slab that still has its orphans, unlisted; null if none. The caller then claims it. */
    synchronized Slab poll() {
        Slab s;
        while ((s = slabs.poll()) != null) {
            if (s.hasOrphans()) return s;
        }
        return null;
    }

    /**
     * The oldest listed slab whose orphans hold at least one block, unlisted; null if none. For the
     * shared side, which wants blocks, not slabs (stale entries met are dropped).
     */
    synchronized Slab pollWithBlocks() {
        for (Iterator<Slab> it = slabs.iterator(); it.hasNext(); ) {
            Slab s = it.next();
            int n = s.orphanCount();
            if (n < 0) {
                it.remove();
            } else if (n > 0) {
                it.remove();
                return s;
            }
        }
        return null;
    }

    /** Unlists every slab (memory pressure takes them all, then {@link #offer}s back those it keeps). */
    synchronized List<Slab> takeAll() {
        List<Slab> all = new ArrayList<>(slabs);
        slabs.clear();
        return all;
    }

    /** Orphan blocks held (statistics; racy). */
    long blocks() {
        return (long) BLOCKS.getVolatile(this);
    }
}
