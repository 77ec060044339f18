package dev.hakmem.internal.small;

import dev.hakmem.internal.registry.ChunkRegistry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The shared pool of one size class: free blocks in batches, plus the slab being carved.
 *
 * <p>Thread caches exchange whole batches with this list: a cache that overflows pushes a batch, a
 * cache that runs dry pops one. A batch is an immutable node holding a {@code long[]} of block
 * addresses (out of band: nothing is written into the blocks), so a transfer costs one CAS per batch
 * rather than one per block, and frees from any thread, whichever thread allocated the block, reach
 * the other threads without a lock.
 *
 * <p>Memory-ordering contract:
 * <ul>
 *   <li>{@code head}: Treiber stack, CAS only. A node's fields are final and written before the CAS
 *       that publishes it (release); a pop reads them after the volatile read of the head (acquire).
 *       Nodes are never reused after a pop, so the garbage collector rules out ABA.</li>
 *   <li>{@code carving}: the slab new blocks are claimed from, replaced by CAS when exhausted; a
 *       thread that loses the race gives its fresh span back and retries. Claims within a slab are a
 *       CAS on the slab's carve counter ({@link Slab#claim}).</li>
 *   <li>{@code cachedBlocks}, {@code slabs}: statistics, updated with atomic adds.</li>
 * </ul>
 */
public final class CentralFreeList {
    private static final VarHandle HEAD, CARVING, CACHED, SLABS;

    static {
        try {
            var l = MethodHandles.lookup();
            HEAD = l.findVarHandle(CentralFreeList.class, "head", Batch.class);
            CARVING = l.findVarHandle(CentralFreeList.class, "carving", Slab.class);
            CACHED = l.findVarHandle(CentralFreeList.class, "cachedBlocks", long.class);
            SLABS = l.findVarHandle(CentralFreeList.class, "slabs", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** An immutable batch of free block addresses: {@code blocks[0..count)}. */
    private record Batch(long[] blocks, int count, Batch next) {}

    private final int sizeClass;
    private final int blockSize;
    private final int blocksPerSpan;
    private final long magic;
    private final SpanSource spans;
    private final ChunkRegistry registry;
    private final int granuleShift;
    /** The class's batch size: every batch pushed here holds at most this many blocks. */
    private final int batch;
    private final BooleanSupplier beforeCarve;

    @SuppressWarnings("unused") private volatile Batch head;
    @SuppressWarnings("unused") private volatile Slab carving;
    @SuppressWarnings("unused") private volatile long cachedBlocks;
    @SuppressWarnings("unused") private volatile long slabs;

    /**
     * @param beforeCarve run when the list is empty, before fresh blocks are carved; returns whether it
     *     may have pushed blocks here (then the list is tried again)
     */
    public CentralFreeList(int sizeClass, int batch, SizeClasses classes, SpanSource spans, ChunkRegistry registry,
            BooleanSupplier beforeCarve) {
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
     * Fills {@code dst[0..)} with at least one and at most {@code max} free blocks and returns how
     * many: a whole batch if one is pooled (the caller guarantees {@code max} is at least the batch
     * size it pushes), else newly carved blocks. Throws OutOfMemoryError naming {@code requested}.
     */
    public int refill(long[] dst, int max, long requested) {
        int n = pop(dst);
        if (n > 0) return n;
        // Before carving fresh memory, let ended threads' caches give their blocks back.
        if (beforeCarve.getAsBoolean() && (n = pop(dst)) > 0) return n;
        return carve(dst, max, requested);
    }

    private int pop(long[] dst) {
        Batch b;
        while ((b = (Batch) HEAD.getVolatile(this)) != null) {
            if (HEAD.compareAndSet(this, b, b.next())) {
                CACHED.getAndAdd(this, (long) -b.count());
                System.arraycopy(b.blocks(), 0, dst, 0, b.count());
                return b.count();
            }
        }
        return 0;
    }

    /**
     * Takes ownership of {@code blocks[0..count)} (the array must not be used by the caller again);
     * {@code count} must not exceed the class's batch size (a refill copies a whole batch).
     */
    public void push(long[] blocks, int count) {
        Batch top;
        do {
            top = (Batch) HEAD.getVolatile(this);
        } while (!HEAD.compareAndSet(this, top, new Batch(blocks, count, top)));
        CACHED.getAndAdd(this, (long) count);
    }

    /** The class's batch size. */
    public int batch() { return batch; }

    /** Free blocks pooled here (not counting thread caches). */
    public long cachedBlocks() { return (long) CACHED.getVolatile(this); }

    /** Slabs (spans) carved for this class so far. */
    public long slabs() { return (long) SLABS.getVolatile(this); }

    private int carve(long[] dst, int max, long requested) {
        while (true) {
            Slab s = (Slab) CARVING.getVolatile(this);
            if (s != null) {
                int start = s.claim(max);
                if (start >= 0) {
                    int n = Math.min(max, s.capacity() - start);
                    for (int i = 0; i < n; i++) dst[i] = s.blockAddress(start + i);
                    return n;
                }
            }
            Slab fresh = newSlab(requested);
            if (CARVING.compareAndSet(this, s, fresh)) {
                SLABS.getAndAdd(this, 1L);
            } else {
                registry.unregister(fresh.base(), spans.spanSize());
                spans.release(fresh.base());
            }
        }
    }

    /**
     * Memory pressure: gives back to the OS every slab all of whose blocks are pooled here (none live,
     * none in a thread cache), except the slab being carved. Other threads may push and pop meanwhile:
     * this takes the whole list at once, so every block it counts is in its hands, and pushes the
     * rest back. Returns the bytes released.
     */
    public long releaseFreeSlabs() {
        Batch all = (Batch) HEAD.getAndSet(this, (Batch) null);
        if (all == null) return 0;
        Map<Slab, BitSet> bySlab = new HashMap<>();
        long taken = 0;
        for (Batch b = all; b != null; b = b.next()) {
            taken += b.count();
            for (int i = 0; i < b.count(); i++) {
                long p = b.blocks()[i];
                Slab s = registry.slab(p);
                bySlab.computeIfAbsent(s, k -> new BitSet(k.capacity())).set(s.indexOf(p));
            }
        }
        CACHED.getAndAdd(this, -taken);
        Slab carvingNow = (Slab) CARVING.getVolatile(this);
        long released = 0;
        long[] keep = new long[batch]; // no pushed batch may exceed what a cache refill takes
        int kept = 0;
        for (Map.Entry<Slab, BitSet> e : bySlab.entrySet()) {
            Slab s = e.getKey();
            BitSet free = e.getValue();
            if (s != carvingNow && free.cardinality() == s.capacity()) {
                registry.unregister(s.base(), spans.spanSize());
                spans.releaseToOs(s.base());
                SLABS.getAndAdd(this, -1L);
                released += spans.spanSize();
                continue;
            }
            for (int i = free.nextSetBit(0); i >= 0; i = free.nextSetBit(i + 1)) {
                keep[kept++] = s.blockAddress(i);
                if (kept == keep.length) {
                    push(keep, kept);
                    keep = new long[batch];
                    kept = 0;
                }
            }
        }
        if (kept > 0) push(keep, kept);
        return released;
    }

    private Slab newSlab(long requested) {
        long base = spans.acquire(requested);
        Slab slab = new Slab(base, sizeClass, blockSize, blocksPerSpan, magic);
        registry.registerSlab(slab, spans.spanSize(), granuleShift);
        return slab;
    }
}
