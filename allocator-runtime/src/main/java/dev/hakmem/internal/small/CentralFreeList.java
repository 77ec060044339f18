package dev.hakmem.internal.small;

import dev.hakmem.internal.PaddedLock;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.small.BatchStack.Batch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The shared side of one size class: a pool of free blocks of shared slabs, the shared slabs being
 * carved, and the source of every new slab of the class.
 *
 * <p>Shared slabs are those no live thread or stripe owns: slabs carved for mallocs without a cache
 * (a virtual thread that found every stripe busy), and the slabs of threads that have ended. Their free blocks sit in the {@link BatchStack} {@code pool}; a
 * cache that overflows or runs dry exchanges a whole batch with it (one CAS to push; a pop is one CAS
 * under a lock that only poppers take). Slabs owned by a
 * platform thread or a stripe never put blocks here while their owner lives (see {@link SmallTier}).
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@code pool}: see {@link BatchStack}. Pushes are lock-free; pops and the pressure path's
 *       take of the whole chain hold {@code popLock}, so nodes popped here can be recycled.</li>
 *   <li>{@code carving}: the shared slab new blocks are claimed from, replaced by CAS when
 *       exhausted; a thread that loses the race gives its slab back and retries. Claims within a slab
 *       are a CAS on the slab's carve counter ({@link Slab#claim}).</li>
 *   <li>{@code orphans}: ended threads' slabs, each with the free blocks its owner held: see
 *       {@link OrphanedSlabs} (its own monitor, and one getAndSet per slab's orphans).</li>
 *   <li>{@code slabs}: statistics, updated with atomic adds.</li>
 * </ul>
 */
public final class CentralFreeList {
    private static final VarHandle CARVING, SLABS;

    static {
        try {
            var l = MethodHandles.lookup();
            CARVING = l.findVarHandle(CentralFreeList.class, "carving", Slab.class);
            SLABS = l.findVarHandle(CentralFreeList.class, "slabs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int sizeClass;
    private final int blockSize;
    /**
     * Whether an ended thread's slab whose carved blocks are all free goes back to the OS at its
     * reclaim ({@link #orphanAbandoned}) rather than waiting, with its blocks, for a thread of this
     * class: Mid classes only. A Mid span is 512 KiB: mstress's threads free all their Mid blocks
     * before they end, and the spans waiting in their classes for the next phase's threads held 7 MB
     * more resident at its peak (61.7 against 54.4 MB in session 34's runs). A Tiny slab is 64 KiB, and
     * threadChurn's short lives leave dozens of them, each with a few blocks carved: given back one
     * {@code madvise} each (with the other core's TLB flushed) and faulted in again by the next life,
     * they cost threadChurn with platform threads a third of its speed (6.1 against 4.3 M ops/s), for
     * no gain in its resident memory.
     */
    private final boolean releaseEndedFreeSlabs;
    private final int blocksPerSpan;
    private final long magic;
    private final SpanSource spans;
    private final ChunkRegistry registry;
    private final int granuleShift;
    /** The class's batch size: every batch pushed here holds at most this many blocks. */
    private final int batch;
    private final BooleanSupplier beforeCarve;
    private final BatchStack pool = new BatchStack();
    /**
     * Taken by every thread that removes nodes from {@code pool} ({@link #popInto}, and the pressure
     * path's {@code takeAll}) or from the given-back nodes ({@link #takeNode}), never by pushers. With removals serialised, the node a popper read as
     * the head cannot leave the stack before its CAS, so the CAS from that node to its successor is
     * never fooled by the node coming back (the ABA hazard of a lock-free pop with recycled nodes).
     * So the pool's nodes can be recycled like inbox nodes, and a batch moved through the pool makes
     * no Java garbage. The lock covers one CAS and is taken once per batch refill or outbox node.
     */
    final PaddedLock popLock = new PaddedLock() {};
    /**
     * Inbox nodes given back by the owners that emptied them, for senders to fill again. Pushed node
     * by node without a lock, popped one at a time under {@link #popLock} ({@link #takeNode}), so
     * reusing them has no ABA hazard (see {@link BatchStack.Batch}); unbounded, so it holds as many as
     * are ever in flight at once.
     *
     * <p>Why one at a time: senders used to take the whole chain as their own spares and keep it as
     * long as they lived, so a sender that found it empty meanwhile made new nodes, and the total
     * only grew: in mstress, whose threads live one phase each, 12,600 nodes (7 MB of Java heap, every
     * byte resident) after 100 phases, for the few dozen ever in flight at once.
     */
    private final BatchStack returnedNodes = new BatchStack();
    /** Fully carved slabs of ended threads with the free blocks their owner held ({@link OrphanedSlabs}). */
    private final OrphanedSlabs orphans = new OrphanedSlabs();

    @SuppressWarnings("unused") private volatile Slab carving;
    @SuppressWarnings("unused") private volatile long slabs;

    /**
     * @param beforeCarve run when the list is empty, before fresh memory is taken; returns whether it
     *     may have pushed blocks here (then the list is tried again)
     */
    public CentralFreeList(int sizeClass, int batch, SizeClasses classes, SpanSource spans, ChunkRegistry registry,
            BooleanSupplier beforeCarve) {
        this.releaseEndedFreeSlabs = !classes.isTiny(sizeClass);
        this.batch = batch;
        this.sizeClass = sizeClass;
        this.blockSize = classes.size(sizeClass);
        this.blocksPerSpan = classes.blocksPerSpan(sizeClass);
        this.magic = classes.magic(sizeClass);
        this.spans = spans;
        this.registry = registry;
        this.granuleShift = classes.granuleShift(sizeClass);
        this.beforeCarve = beforeCarve;
    }

    /**
     * For a cache without an id or a caller without a cache: fills {@code dst[0..)} (which must
     * hold a batch) with at least one free block and returns how many: a whole batch if one is pooled,
     * else at most {@code carveAtMost} blocks carved from a shared slab, new if need be. Throws
     * OutOfMemoryError naming {@code requested}.
     *
     * <p>A caller that keeps one block and pushes the rest back (a malloc without a cache) passes
     * {@code carveAtMost = 1}: such callers can pile up by the hundred while the pool is empty (virtual
     * threads that found every stripe held by a thread parked on the pop lock), and if each carved a
     * batch, all but one block of each batch would be fresh memory nobody asked for.
     */
    public int refill(long[] dst, int carveAtMost, long requested) {
        int n = popInto(dst);
        if (n > 0) return n;
        // Before carving fresh memory, let ended threads' caches give their blocks back.
        if (beforeCarve() && (n = popInto(dst)) > 0) return n;
        while (poolOrphans()) {
            if ((n = popInto(dst)) > 0) return n;
        }
        return carveShared(dst, carveAtMost, requested, true);
    }

    /**
     * For an owning cache: like {@link #refill} but never takes a new span (the owner carves its own
     * slab instead); returns 0 when there is nothing shared to hand out.
     */
    public int refillFromShared(long[] dst, int max) {
        int n = popInto(dst);
        return n > 0 ? n : carveShared(dst, max, 0, false);
    }

    /** Runs the before-carve hook: whether ended threads' blocks may have arrived. */
    public boolean beforeCarve() {
        return beforeCarve.getAsBoolean();
    }

    /**
     * Takes ownership of {@code blocks[0..count)} (the array must not be used by the caller again);
     * {@code count} must not exceed the class's batch size (a refill copies a whole batch).
     */
    public void push(long[] blocks, int count) {
        pool.push(blocks, count);
    }

    /**
     * Takes {@code node} (its blocks set, of at most the batch size, and its array no other node's):
     * pushes it whole, to be recycled by the thread that pops it.
     */
    void pushNode(Batch node) {
        pool.push(node); // never closed
    }

    /** Pushes every batch of a chain (taken from another stack). */
    public void pushAll(Batch chain) {
        for (Batch b = chain; b != null; b = b.next()) pool.push(b.blocks(), b.count());
    }

    /** The class's batch size. */
    public int batch() { return batch; }

    /**
     * For a shared cache, which owns no slab: pools the orphans of one orphaned slab that has some (the
     * slab stays shared). Returns false when there is none.
     */
    private boolean poolOrphans() {
        Slab s = orphans.pollWithBlocks();
        if (s == null) return false;
        long[] o = orphans.take(s);
        if (o != null) pushOrphans(s, o);
        // A slab still being carved stays listed, without orphans, for a platform thread to carve on:
        // the shared side never carves an orphaned slab (so a thread may claim one on a free).
        if (s.carved() < s.capacity()) orphan(s, Slab.NO_ORPHANS);
        return true;
    }

    /**
     * Pushes {@code blocks[from..to)} in recycled nodes ({@link #takeNode}) of the class's batch size,
     * each whole ({@link #pushNode}); copies: the array stays the caller's. For a cache's steady
     * overflow, whose nodes the mallocs that pop them recycle; one-off batches (an ended thread's cache,
     * a pressure release) go through {@link #pushInBatches} instead (see {@link Batch#recyclable}).
     */
    void pushInNodes(long[] blocks, int from, int to) {
        for (int i = from; i < to; ) {
            Batch node = takeNode();
            int n = Math.min(batch, to - i);
            System.arraycopy(blocks, i, node.blocks(), 0, n);
            node.setCount(n);
            pushNode(node);
            i += n;
        }
    }

    /** Pushes {@code blocks[0..n)} in batches of the class's size (copies: the array stays the caller's). */
    void pushInBatches(long[] blocks, int n) {
        for (int i = 0; i < n; i += batch) pool.push(Arrays.copyOfRange(blocks, i, Math.min(n, i + batch)), Math.min(batch, n - i));
    }

    /**
     * For an owning cache {@code owner} about to take a new slab: claims the oldest orphaned slab
     * ({@link OrphanedSlabs}) and returns it, its orphans still attached for the caller to take
     * ({@link #takeOrphans}); null if none could be claimed.
     */
    Slab adoptOrphaned(int owner) {
        Slab s;
        while ((s = orphans.poll()) != null) {
            if (registry.claim(s, spans.spanSize(), owner)) return s;
        }
        return null;
    }

    /**
     * Detaches the orphans of {@code slab} (just claimed by the caller), or null if it has none: an
     * orphan bitmap for the caller to empty with {@link Slab#drainOrphans}.
     */
    long[] takeOrphans(Slab slab) {
        return slab.hasOrphans() ? orphans.take(slab) : null;
    }

    /**
     * The free blocks {@code blocks[0..n)} of this class that an ended thread's cache held, its slabs now
     * shared and marked {@link Slab#abandoning}: those of such a slab stay with it, set in its
     * {@link Slab#abandonBits} for {@link #orphanAbandoned} to offer; the others are pooled. Reorders
     * {@code blocks[0..n)}.
     *
     * <p>No sort and no copy: each block's bit is set in its slab's bitmap as the blocks come (the
     * last slab looked up is remembered, so a run of one slab's blocks costs one registry lookup). A sort
     * of the ended thread's blocks, which lie in runs, took Java's merge path, whose buffer is as long
     * as the array.
     */
    void giveBackEnded(long[] blocks, int n) {
        int pooled = 0; // the blocks to pool, compacted to the front of blocks
        Slab last = null;
        long[] lastBits = null; // null: last is not an ended owner's slab, its blocks are pooled
        for (int i = 0; i < n; i++) {
            long p = blocks[i];
            Slab s = last != null && last.holds(p) ? last : registry.slab(p); // as Spill.markRun: a block in a cache keeps its slab registered
            if (s != last) {
                last = s;
                lastBits = s != null && keptWithSlab(s)
                        ? (s.abandonBits != null ? s.abandonBits : (s.abandonBits = s.newOrphanBits()))
                        : null;
            }
            if (lastBits != null) {
                s.markOrphan(lastBits, p);
            } else {
                blocks[pooled++] = p;
            }
        }
        pushInBatches(blocks, pooled);
    }

    /**
     * As {@link #giveBackEnded}, for the free blocks of one slab given as {@code bits}, an orphan bitmap
     * of {@code s} that the caller gives up: kept with the slab if it is an ended owner's (merged into the
     * bitmap the reclaim fills, or that bitmap itself if it has none yet), else pooled in batches.
     */
    void giveBackEndedBits(Slab s, long[] bits) {
        if (!keptWithSlab(s)) {
            pushOrphans(s, bits);
            return;
        }
        long[] mine = s.abandonBits;
        if (mine == null) {
            s.abandonBits = bits;
            return;
        }
        Slab.mergeOrphans(mine, bits);
    }

    /** Whether the ended thread's free blocks of {@code s} stay with it as orphans: it is that thread's, being reclaimed, and not given back. */
    private static boolean keptWithSlab(Slab s) {
        return s.abandoning && !s.released();
    }

    /**
     * After {@link #giveBackEnded} of every class: offers {@code s}, a slab of this class that an ended
     * thread owned, with the free blocks found for it, or, with none, if it is not carved to its end
     * (the one the thread was carving): whoever takes it carves the rest, where a partly carved slab
     * nobody may carve would strand its rest for good. A Mid slab all of whose carved blocks were found
     * here goes back to the OS instead ({@link #releaseWhole}). A fully carved slab without free
     * blocks here is all live or elsewhere; its first free claims it. Clears the slab's marks.
     */
    void orphanAbandoned(Slab s) {
        long[] bits = s.abandonBits;
        s.abandoning = false;
        s.abandonBits = null;
        if (bits != null) {
            if (releaseEndedFreeSlabs && Slab.orphanCount(bits) == s.carved() && releaseWhole(s)) return;
            orphan(s, bits);
        } else if (!s.released() && s.carved() < s.capacity()) {
            orphan(s, Slab.NO_ORPHANS);
        }
    }

    /**
     * An ended owner's slab {@code s} whose carved blocks are all among its orphans (none live, none
     * anywhere else: every block is in one place at a time) is nobody's: sealed, so nobody carves its
     * rest; unregistered, which clears its block states; and its span goes back to the OS
     * ({@link SpanSource#releaseToOs}), free for any class of the tier to take again. Returns false,
     * changing nothing, if it could not be sealed. A free of one of its addresses from now on is
     * refused (the registry names the span as given back).
     */
    private boolean releaseWhole(Slab s) {
        if (!s.seal(s.carved())) return false;
        s.markReleased();
        registry.unregister(s.base(), spans.spanSize());
        spans.releaseToOs(s.base());
        SLABS.getAndAdd(this, -1L);
        return true;
    }

    /** Offers {@code slab} with its orphan bitmap {@code bits}; pools them if it was claimed meanwhile. */
    private void orphan(Slab slab, long[] bits) {
        long[] back = orphans.offer(slab, bits, registry::isShared);
        if (back != null) pushOrphans(slab, back);
    }

    /**
     * Pools the orphans of {@code slab} in {@code bits} (a detached bitmap, emptied), in batches. The
     * count is read once, before the first drain: the drain that empties the bitmap hands it to the
     * slab as its spare, and another thread may take and fill it at once, so it is not read again.
     */
    private void pushOrphans(Slab slab, long[] bits) {
        for (int left = Slab.orphanCount(bits); left > 0; ) {
            long[] b = new long[batch];
            int n = slab.drainOrphans(bits, b, 0, batch);
            pool.push(b, n);
            left -= n;
        }
    }

    /** Pops one pooled batch into {@code dst} and recycles its node; returns its size, 0 if none. */
    private int popInto(long[] dst) {
        Batch b = popOne(pool);
        if (b == null) return 0;
        int n = b.count();
        System.arraycopy(b.blocks(), 0, dst, 0, n);
        recycleNode(b); // popped under the lock: this thread holds it alone
        return n;
    }

    /**
     * An empty inbox node for an outbox: a given-back one, else a new one; either way its array holds
     * exactly the class's batch ({@link #recycleNode} keeps no other), which {@code SmallTier.freeRemote}
     * relies on to fill it without a bounds test of its own.
     */
    Batch takeNode() {
        Batch b = popOne(returnedNodes);
        return b != null ? b : new Batch(new long[batch], 0, null, true);
    }

    /**
     * Pops one node of {@code stack} (the pool or the given-back nodes) under {@link #popLock}: with one
     * popper at a time, a node popped here may be recycled without an ABA hazard ({@link BatchStack.Batch}).
     */
    private Batch popOne(BatchStack stack) {
        popLock.lock();
        try {
            return stack.popBatch();
        } finally {
            popLock.unlock();
        }
    }

    /**
     * Recycles a node whose blocks were copied out, which the caller took off its stack (an inbox's
     * whole chain, or one node of the pool under its pop lock) and holds alone, and whose array no
     * other node or stack holds; one-off nodes ({@link Batch#recyclable}) are dropped.
     */
    void recycleNode(Batch b) {
        if (b.recyclable && b.blocks().length == batch) returnedNodes.push(b);
    }

    /** Free blocks pooled here and held by orphaned slabs (not counting thread caches). */
    public long cachedBlocks() { return pool.blocks() + orphans.blocks(); }

    /** Slabs (spans) of this class in use, shared or owned. */
    public long slabs() { return (long) SLABS.getVolatile(this); }

    /**
     * A new slab owned by thread cache {@code owner}, registered as such: only that thread hands out
     * its blocks.
     */
    public Slab newOwnedSlab(long requested, int owner) {
        Slab s = newSlab(requested, owner);
        SLABS.getAndAdd(this, 1L);
        return s;
    }


    private int carveShared(long[] dst, int max, long requested, boolean mayTakeNewSpan) {
        while (true) {
            Slab s = (Slab) CARVING.getVolatile(this);
            int n;
            if (s != null && (n = s.claimInto(dst, max)) > 0) return n;
            if (!mayTakeNewSpan) return 0;
            Slab next = newSlab(requested, 0);
            if (CARVING.compareAndSet(this, s, next)) {
                SLABS.getAndAdd(this, 1L);
            } else {
                registry.unregister(next.base(), spans.spanSize());
                spans.release(next.base());
            }
        }
    }

    /** Memory pressure, shared pool only: see {@link #releaseFreeSlabs(List, List)}. */
    public long releaseFreeSlabs() {
        return releaseFreeSlabs(List.of(), List.of());
    }

    /**
     * Memory pressure: gives back to the OS every slab all of whose carved blocks are on this class's
     * free stacks: the shared pool, the orphaned slabs' orphans and the given owners' inboxes and
     * spills (none live, none in a thread cache), whether or not the slab was carved to its end ({@link Slab#seal}). Other threads may push and pop meanwhile: this takes each stack's whole content at once,
     * and holds the lock of each spill it counts (a spill whose owner holds it right now is skipped),
     * so every block it counts is in its hands; it gives the rest back to the stack it came from (or to
     * the pool, if that stack was closed meanwhile) and leaves the rest in the spills. Returns the
     * bytes released.
     */
    public long releaseFreeSlabs(List<BatchStack> inboxes, List<Spill> spills) {
        List<BatchStack> origins = new ArrayList<>(inboxes.size() + 1);
        origins.add(pool);
        origins.addAll(inboxes);
        List<Batch> taken = new ArrayList<>(origins.size());
        Map<Slab, int[]> freeBlocks = new HashMap<>();
        for (BatchStack origin : origins) {
            Batch chain = takeAll(origin);
            taken.add(chain);
            for (Batch b = chain; b != null; b = b.next()) countBySlab(b.blocks(), b.count(), freeBlocks, registry);
        }
        Map<Slab, long[]> orphaned = new HashMap<>();
        for (Slab s : orphans.takeAll()) {
            long[] o = orphans.take(s);
            if (o == null) continue;
            orphaned.put(s, o);
            freeBlocks.computeIfAbsent(s, k -> new int[1])[0] += Slab.orphanCount(o);
        }
        List<Spill> locked = new ArrayList<>(spills.size());
        Set<Slab> released = new HashSet<>();
        try {
            for (Spill s : spills) {
                if (!s.tryLock()) continue; // its owner is moving a batch: those blocks count as cached
                locked.add(s);
                s.countInto(freeBlocks, registry);
            }
            // A slab whose carved blocks are all here is free, carved to the end or not (issue 14, item 1:
            // the first malloc of a class carves a batch, and a slab left part-carved used to stay charged
            // forever). Sealing it first stops anyone from carving more of it meanwhile.
            freeBlocks.forEach((s, free) -> {
                int carved = s.carved();
                if (free[0] == carved && s.seal(carved)) released.add(s);
            });
            if (!released.isEmpty()) for (Spill s : locked) s.removeIn(released, registry);
        } finally {
            for (Spill s : locked) s.unlock();
        }
        for (int o = 0; o < origins.size(); o++) giveBack(taken.get(o), origins.get(o), released);
        orphaned.forEach((s, o) -> {
            if (!released.contains(s)) orphan(s, o);
        });
        for (Slab s : released) {
            s.markReleased();
            registry.unregister(s.base(), spans.spanSize());
            spans.releaseToOs(s.base());
            SLABS.getAndAdd(this, -1L);
        }
        return released.size() * spans.spanSize();
    }

    /** {@code origin}'s whole chain; for the pool, under the pop lock (see {@link #popLock}). */
    private Batch takeAll(BatchStack origin) {
        if (origin != pool) return origin.takeAll();
        popLock.lock();
        try {
            return pool.takeAll();
        } finally {
            popLock.unlock();
        }
    }

    /** Adds one to {@code freeBlocks} of the slab of each of {@code blocks[0..n)}. */
    static void countBySlab(long[] blocks, int n, Map<Slab, int[]> freeBlocks, ChunkRegistry registry) {
        for (int i = 0; i < n; i++) freeBlocks.computeIfAbsent(registry.slab(blocks[i]), k -> new int[1])[0]++;
    }

    /** Pushes the blocks of {@code chain} that are not in a released slab back onto {@code origin}. */
    private void giveBack(Batch chain, BatchStack origin, Set<Slab> released) {
        long[] keep = new long[batch]; // no pushed batch may exceed what a cache refill takes
        int kept = 0;
        for (Batch b = chain; b != null; b = b.next()) {
            for (int i = 0; i < b.count(); i++) {
                long p = b.blocks()[i];
                if (!released.isEmpty() && released.contains(registry.slab(p))) continue;
                keep[kept++] = p;
                if (kept == keep.length) {
                    if (!origin.push(keep, kept)) pool.push(keep, kept);
                    keep = new long[batch];
                    kept = 0;
                }
            }
        }
        if (kept > 0 && !origin.push(keep, kept)) pool.push(keep, kept);
    }

    private Slab newSlab(long requested, int owner) {
        long base = spans.acquire(requested);
        Slab slab = new Slab(base, sizeClass, blockSize, blocksPerSpan, magic);
        try {
            registry.registerSlab(slab, spans.spanSize(), granuleShift, owner);
        } catch (OutOfMemoryError e) { // the OS refused the chunk's block states: the span goes back, uncharged
            spans.release(base);
            throw new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: " + e.getMessage());
        }
        return slab;
    }

    /** The span size of this class's slabs. */
    public long spanSize() {
        return spans.spanSize();
    }
}
