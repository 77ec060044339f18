package dev.hakmem.internal.small;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.Errors;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The Tiny and Mid tiers: the slow paths behind the thread caches, and the misuse checks.
 *
 * <p>The fast paths (pop from / push to a {@link ClassCache}) live in the allocator front so that
 * they inline into {@code malloc} and {@code free}; everything rare is here, in named methods that are
 * deliberately kept out of the fast path: {@link #refillAndPop} when a cache is empty,
 * {@link #flushAndPush} when it is full.
 *
 * <p>Tiny and Mid share this machinery and differ only in their classes, span sizes (64 KiB slabs vs
 * 512 KiB spans, see {@link SizeClasses}) and cache settings. Freed Tiny and Mid memory stays with
 * its class for reuse (in thread caches and the {@link CentralFreeList}s); under memory pressure,
 * slabs whose blocks are all back in the shared lists are returned to the OS
 * ({@link #releaseFreeSlabs}).
 */
public final class SmallTier {
    private final SizeClasses classes;
    private final ChunkRegistry registry;
    private final CentralFreeList[] centrals;

    /** @param beforeCarve see {@link CentralFreeList}: reclaims ended threads' caches, says if it did */
    public SmallTier(AllocatorConfig config, SizeClasses classes, Reservation reservation, MemoryBudget budget,
            ChunkRegistry registry, BooleanSupplier beforeCarve) {
        this.classes = classes;
        this.registry = registry;
        SpanSource tinySpans = new SpanSource(reservation, budget, SizeClasses.TINY_SLAB_SHIFT);
        SpanSource midSpans = new SpanSource(reservation, budget, SizeClasses.MID_SPAN_SHIFT);
        this.centrals = new CentralFreeList[classes.count()];
        for (int c = 0; c < centrals.length; c++) {
            centrals[c] = new CentralFreeList(c, config.batchSize(c), classes, classes.isTiny(c) ? tinySpans : midSpans, registry,
                    beforeCarve);
        }
    }

    public SizeClasses classes() { return classes; }

    /** Slow path of malloc: {@code cc} (class {@code cls}) is empty. Refills a batch and pops one. */
    public long refillAndPop(ClassCache cc, int cls, long requested) {
        if (cc.blocks.length == 0) cc.blocks = new long[cc.capacity];
        int n = centrals[cls].refill(cc.blocks, cc.batch, requested);
        cc.count = n - 1;
        return cc.blocks[n - 1];
    }

    /** Slow path of free: {@code cc} is full (or not yet used). Flushes its oldest batch, then pushes. */
    public void flushAndPush(ClassCache cc, int cls, long address) {
        if (cc.blocks.length == 0) {
            cc.blocks = new long[cc.capacity];
        } else {
            int b = cc.batch;
            long[] out = Arrays.copyOf(cc.blocks, b);
            System.arraycopy(cc.blocks, b, cc.blocks, 0, cc.count - b);
            cc.count -= b;
            centrals[cls].push(out, b);
        }
        cc.blocks[cc.count++] = address;
    }

    /**
     * A malloc without any cache (a virtual thread that found every stripe busy): takes one batch
     * from the class's central list (or carves one), keeps one block and pushes the rest back.
     */
    public long mallocDirect(int cls, long requested) {
        ClassCache tmp = new ClassCache(centralBatch(cls), centralBatch(cls));
        long p = refillAndPop(tmp, cls, requested);
        if (tmp.count > 0) centrals[cls].push(Arrays.copyOf(tmp.blocks, tmp.count), tmp.count);
        return p;
    }

    /** A free without any cache: the block goes to the class's central list as a batch of one. */
    public void freeDirect(long address, int cls) {
        centrals[cls].push(new long[] {address}, 1);
    }

    private int centralBatch(int cls) {
        return centrals[cls].batch();
    }

    /** Moves every block of a thread's caches to the shared lists (thread exit, or before a reset). */
    public void drain(ThreadCache tc) {
        for (int c = 0; c < tc.byClass.length; c++) {
            ClassCache cc = tc.byClass[c];
            for (int i = 0; i < cc.count; i += cc.batch) {
                int n = Math.min(cc.batch, cc.count - i);
                centrals[c].push(Arrays.copyOfRange(cc.blocks, i, i + n), n);
            }
            cc.count = 0;
        }
    }

    /**
     * Memory pressure: returns to the OS every slab and span whose blocks are all in the shared lists.
     * Returns the bytes released.
     */
    public long releaseFreeSlabs() {
        long released = 0;
        for (CentralFreeList list : centrals) released += list.releaseFreeSlabs();
        return released;
    }

    /** Checks on: records that the block at {@code address} of class {@code cls} (just taken from a cache) is live. */
    public void markLive(long address, int cls) {
        registry.states(address)[ChunkRegistry.stateIndex(address, classes.granuleShift(cls))] = Slab.LIVE;
    }

    /**
     * Checks on: validates that {@code address} (on a page of class {@code cls}) starts a live
     * block and marks it freed, atomically. Throws, changing nothing, for an interior or
     * never-allocated address (IllegalArgumentException) or a block already free
     * (IllegalStateException).
     *
     * <p>Fast path: a granule-alignment test and one CAS on the state byte. Only a block start's
     * granule is ever {@code LIVE}, so a CAS that succeeds proves the address starts a live block; a
     * failure is diagnosed in {@link #freeError}.
     */
    public void markFreed(String op, long address, int cls) {
        int shift = classes.granuleShift(cls);
        if ((address & ((1L << shift) - 1)) == 0) {
            byte refused = Slab.casFreed(registry.states(address), ChunkRegistry.stateIndex(address, shift));
            if (refused == Slab.LIVE) return;
        }
        throw freeError(op, address, cls);
    }

    /** Checks on: validates that {@code address} starts a live block of class {@code cls}. */
    public void checkLive(String op, long address, int cls) {
        int shift = classes.granuleShift(cls);
        if ((address & ((1L << shift) - 1)) == 0
                && Slab.state(registry.states(address), ChunkRegistry.stateIndex(address, shift)) == Slab.LIVE) {
            return;
        }
        throw freeError(op, address, cls);
    }

    /** What the {@code what} of an error names: "TINY block of class 3 (64 bytes)". */
    public String describe(int cls) {
        return Errors.block(classes.tier(cls), cls, classes.size(cls));
    }

    /** Free blocks held in thread caches and shared lists of the given classes, in bytes. */
    public long cachedBytes(int fromClass, int toClass, Iterable<ThreadCache> caches) {
        long bytes = 0;
        for (int c = fromClass; c < toClass; c++) {
            long blocks = centrals[c].cachedBlocks();
            for (ThreadCache tc : caches) blocks += tc.byClass[c].count;
            bytes += blocks * classes.size(c);
        }
        return bytes;
    }

    /** Slabs carved for class {@code cls}. */
    public long slabs(int cls) {
        return centrals[cls].slabs();
    }

    /** Names what is wrong with an address on a page of class {@code cls} that is not a live block. */
    private RuntimeException freeError(String op, long address, int cls) {
        Slab s = registry.slab(address);
        int i = s.indexOf(address);
        long start = s.blockAddress(i);
        if (i >= s.capacity()) {
            return Errors.notAllocated(op, address, "in the unused tail of a " + classes.tier(cls) + " span of class " + cls
                    + " (" + classes.size(cls) + "-byte blocks)");
        }
        if (start != address) return Errors.interior(op, address, start, describe(cls));
        byte state = Slab.state(registry.states(address), ChunkRegistry.stateIndex(address, classes.granuleShift(cls)));
        if (state == Slab.FREED) return Errors.doubleFree(op, address, describe(cls));
        return Errors.notAllocated(op, address, "no block was ever allocated at this address (" + describe(cls) + " slot)");
    }
}
