package dev.hakmem.internal;

import static dev.hakmem.AllocatorConfig.LARGE_MAX;
import static dev.hakmem.AllocatorConfig.MID_MAX;
import static dev.hakmem.AllocatorConfig.MIN_ALIGNMENT;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.LeakReport;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import dev.hakmem.internal.diag.LeakSampler;
import dev.hakmem.internal.diag.StatsFormat;
import dev.hakmem.internal.huge.HugeTier;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.jfr.MisuseKind;
import dev.hakmem.internal.jfr.OpenAllocators;
import dev.hakmem.internal.large.LargeCache;
import dev.hakmem.internal.large.LargeTier;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.internal.small.LiveBlockCensus;
import dev.hakmem.internal.small.ProfileCounters;
import dev.hakmem.internal.small.SizeClasses;
import dev.hakmem.internal.small.SmallFront;
import dev.hakmem.internal.small.SmallTier;
import dev.hakmem.internal.small.ThreadCache;
import dev.hakmem.internal.small.ThreadCaches;
import dev.hakmem.internal.stats.StatsCollector;
import dev.hakmem.spi.FrontFactory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The allocator: routes each call to its tier. Tiny and Mid requests go to the {@link SmallFront}
 * (per-thread caches, the misuse checks, the counters), whose fast paths inline into {@code malloc}
 * and {@code free}; a free learns the block's tier, class and owning thread from one registry load,
 * decoded here once. Anything else is a named slow path in {@link LargeTier} or {@link HugeTier}.
 *
 * <p>At {@link #close()} it takes a last snapshot of its counters and makes the {@link LeakReport}
 * (what was live, per tier and class; the sampled allocation sites when leak sampling is on): they
 * are kept for {@link #stats()} and {@link #leakReport()} after close, and the report is logged when
 * anything was live. Leak sampling itself is not here: it wraps this allocator
 * ({@link dev.hakmem.internal.diag.SamplingAllocator}), so that the fast paths stay as they are without it.
 */
public final class HakmemAllocator implements NativeAllocator {
    private final boolean stats;
    private final MemoryBudget budget;
    private final Reservation reservation;
    private final ChunkRegistry registry;
    private final SizeClasses classes;
    private final SmallTier small;
    private final LargeTier large;
    private final HugeTier huge;
    private final Arena segmentArena = Arena.ofShared();
    private final ThreadCaches caches;
    private final SmallFront front;
    /**
     * The front's table of caches by thread id ({@link SmallFront#slots()}), held here and passed to its
     * fast paths: the chain of loads from this object to a malloc's block one shorter than through the
     * front's own field (see {@link SmallFront#mallocByGranule}).
     */
    private final ThreadCache[] slots;
    /** The allocation profile the caches count ({@link AllocatorConfig#profile()}), or null. */
    private final ProfileCounters profile;
    /** Requested bytes of Large and Huge blocks and of in-place reallocs (mallocs count in thread caches). */
    private final LongAdder bigRequested = new LongAdder();
    /** This allocator's JFR sink (id, misuse counts), held by every tier; see {@link dev.hakmem.internal.jfr}. */
    private final AllocatorEvents events;
    /**
     * Set once by {@link #close()} and read on every call. Deliberately not volatile: a volatile load
     * is an acquire barrier that stops the JIT from keeping the thread-cache lookup in registers
     * across calls in a loop (measured: Tiny malloc/free pair 2x slower). The contract still holds:
     * a call that happens-after {@code close()} (the program ordered them: same thread, a join, a lock,
     * a volatile handoff) sees the plain write. A call racing with {@code close()} may miss it; it then
     * completes or gets IllegalStateException, never a crash, because nothing it can touch goes away
     * under it (issue 14, item 6): its zeroing and copying go through segments whose arenas close
     * first, the reservation's system calls are counted in and out ({@link Reservation}), Huge mappings
     * enter the live set under the Huge tier's monitor ({@link HugeTier}), and the state maps the fast
     * paths write without any check stay mapped until the allocator is unreachable
     * ({@link ChunkRegistry#close()}; the fast paths keep it reachable with reachability fences).
     */
    private boolean closed;
    /**
     * The sites of sampled blocks when leak sampling is on, else null. Filled by the wrapper
     * {@code Hakmem.create} puts around this allocator ({@link dev.hakmem.internal.diag.SamplingAllocator}),
     * read at close; an allocator built directly has no wrapper, and its report names no sites.
     */
    private final LeakSampler sampler;
    /**
     * The leak report of close, with the snapshot taken then ({@link LeakReport#atClose()}); written
     * before {@link #closed}, so a call that sees {@code closed} sees it. Null before close, or when
     * making it failed.
     */
    private volatile LeakReport leakReport;

    public HakmemAllocator(AllocatorConfig config) {
        this(config, null);
    }

    /**
     * @param fronts creates each platform thread's generated storage for the first classes (a
     *     generated variant's, see {@link dev.hakmem.spi.FrontSupport}), or null for none
     */
    public HakmemAllocator(AllocatorConfig config, FrontFactory fronts) {
        if (config.profile() && fronts != null) { // refused before anything is mapped
            throw new IllegalArgumentException("profile: a generated variant's fronts count no profile; record a variant by "
                    + "wrapping it in AllocationRecorder.wrap instead");
        }
        if (config.leakSampling() > 0 && fronts != null) {
            throw new IllegalArgumentException("leakSampling: a generated variant's fronts sample no allocations; sample "
                    + "with the runtime's allocator (Hakmem.create with leakSampling) instead");
        }
        boolean checks = config.checks();
        this.sampler = config.leakSampling() > 0 ? new LeakSampler(config.leakSampling()) : null;
        this.stats = config.stats();
        this.budget = new MemoryBudget(config.memoryLimit());
        this.events = AllocatorEvents.create(budget);
        this.reservation = new Reservation(config.addressSpace(), budget);
        ChunkRegistry registry = null;
        try { // a failure from here on (the Java heap's, say) gives back what was mapped (issue 14, item 3)
            this.registry = registry = new ChunkRegistry(reservation.base(), reservation.size(), checks);
            this.classes = new SizeClasses(config);
            this.large = new LargeTier(reservation, budget, registry, config.largeRetainedBytes(), events);
            // A span the small tiers do not hold yet first takes what the Large tier keeps (SpanSource).
            this.small = new SmallTier(config, classes, reservation, budget, registry, this::reclaimIfThreadsChanged, this::cacheOfOwner,
                    events, this::yieldLarge);
            this.huge = new HugeTier(budget, config.hugeRetainedBytes(), events);
            budget.setReclaimer(this::releaseCachedMemory);
            budget.setLockSafeReclaimer(huge::releaseRetained); // from under an arena's lock: takes only the Huge tier's monitor
            // Only the Large tier gives chunks back to the reservation: the entirely free ones it keeps.
            reservation.setSpaceReclaimer(this::reclaimSpace);
            int[] capacities = new int[classes.count()], batches = new int[classes.count()];
            for (int c = 0; c < classes.count(); c++) {
                capacities[c] = config.cacheCapacity(c);
                batches[c] = config.batchSize(c);
            }
            this.profile = config.profile() ? new ProfileCounters(classes.count()) : null;
            this.caches = new ThreadCaches(classes, capacities, batches, this::drainCache, this::abandonCache, fronts, profile);
            this.front = new SmallFront(checks, stats, small, registry, caches, profile);
            this.slots = front.slots();
            OpenAllocators.register(this, events, config.memoryLimit()); // for the periodic statistics events
            caches.startReaping(huge::decay); // last: nothing after it can fail
        } catch (RuntimeException | Error e) {
            OpenAllocators.unregister(events);
            if (registry != null) registry.release();
            reservation.unmap();
            throw e;
        }
    }

    // ---------------------------------------------------------------- allocation

    @Override
    public long malloc(long size) {
        if (closed) throw closedError("malloc");
        if (Long.compareUnsigned(size, MID_MAX) <= 0) return front.mallocByGranule(slots, size); // one call site: see there
        return mallocBig("malloc", size, MIN_ALIGNMENT, false);
    }

    /** Large or Huge: sizes above Mid, or alignments the classes cannot serve. */
    private long mallocBig(String op, long size, long alignment, boolean zero) {
        return mallocBig(op, size, size, alignment, zero);
    }

    /**
     * {@link #mallocBig(String, long, long, boolean)} of a block of {@code room} bytes for a request of
     * {@code size} (at most {@code room}): the statistics and the allocation profile count the request.
     */
    private long mallocBig(String op, long size, long room, long alignment, boolean zero) {
        if (size < 0) throw Errors.negativeSize(op, size);
        long p;
        ThreadCache own = null;
        boolean fits = LargeTier.fits(room, alignment);
        try {
            if (fits) {
                own = caches.own();
                p = large.allocate(own == null ? null : own.largeCache(), room, alignment, zero);
            } else {
                p = huge.allocate(op, room, alignment, zero);
            }
        } catch (OutOfMemoryError e) {
            events.outOfMemory(e, size, fits ? Tier.LARGE : Tier.HUGE);
            throw e;
        }
        sampleBig(own, size, fits ? Tier.LARGE : Tier.HUGE); // Huge: no cache lookup (it would make one for the thread)
        if (stats) {
            if (own != null) own.addRequested(size); // no shared counter on the thread-cached path
            else bigRequested.add(size);
            if (profile != null) profile.bigMalloc(size);
        }
        return p;
    }

    /**
     * The allocation-sample step of a Large or Huge malloc of {@code size} bytes ({@link AllocatorEvents#sample}),
     * weighted through the calling thread's cache {@code own}, or by itself when there is none (a virtual
     * thread, or a Huge call, which does not look the cache up).
     */
    private void sampleBig(ThreadCache own, long size, Tier tier) {
        if (own == null) {
            events.sampleUnowned(size, size, tier);
        } else {
            own.setUnsampledBytes(events.sample(own.unsampledBytes(), size, size, tier, -1, size));
        }
    }

    @Override
    public long calloc(long count, long size) {
        if (closed) throw closedError("calloc");
        if (count < 0 || size < 0) throw new IllegalArgumentException("calloc(" + count + ", " + size + "): count and size must be >= 0");
        long total;
        try {
            total = Math.multiplyExact(count, size);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("calloc(" + count + ", " + size + "): count * size overflows a long");
        }
        if (total <= MID_MAX) {
            long p = front.malloc(classes.classOf(total), total);
            RawMemory.zero(reservation.memory(), p, total);
            return p;
        }
        return mallocBig("calloc", total, MIN_ALIGNMENT, true);
    }

    @Override
    public long mallocAligned(long size, long alignment) {
        if (closed) throw closedError("mallocAligned");
        if (size < 0) throw Errors.negativeSize("mallocAligned", size);
        if (alignment <= 0 || Long.bitCount(alignment) != 1) throw Errors.badAlignment("mallocAligned", size, alignment);
        if (alignment <= MIN_ALIGNMENT) return malloc(size);
        int cls = classes.classForAligned(size, alignment);
        if (cls >= 0) return front.malloc(cls, size);
        return mallocBig("mallocAligned", size, alignment, false);
    }

    @Override
    public long realloc(long address, long newSize) {
        if (closed) throw closedError("realloc", address);
        if (newSize < 0) {
            throw new IllegalArgumentException("realloc(" + Errors.hex(address) + ", " + newSize + "): size must be >= 0; the block is unchanged");
        }
        if (address == 0) return malloc(newSize);
        long usable;
        int kind = registry.kindOf(address);
        if (kind > 0) {
            int cls = kind - 1;
            small.checkAddress("realloc", address, cls);
            if (newSize <= MID_MAX && classes.classOf(newSize) == cls) {
                if (stats) bigRequested.add(newSize);
                if (profile != null) profile.reallocInPlace(cls, newSize); // a free and a malloc in the profile
                return address;
            }
            usable = classes.size(cls);
        } else {
            usable = usableSizeBig("realloc", address, kind);
            boolean sameTier = kind == ChunkRegistry.LARGE ? newSize > MID_MAX && newSize <= LARGE_MAX : newSize > LARGE_MAX;
            // Same tier and it fits, or a Large block that can take the free pages after it: no move.
            if (sameTier && (newSize <= usable ? newSize > usable / 2 : kind == ChunkRegistry.LARGE && large.growInPlace(ownLargeCache(), address, newSize))) {
                return resizedBig(address, newSize);
            }
            // A Huge block (usableSizeBig found it live there) that grows: remapped, not copied, if the OS can.
            if (kind != ChunkRegistry.LARGE && newSize > usable && newSize > LARGE_MAX) {
                long q = huge.grow(address, newSize);
                if (q != 0) return resizedBig(q, newSize);
            }
        }
        // A block that grows to a Large size and must move gets room to grow by half again in place: a
        // buffer grown by realloc usually grows again, and a move copies it (reallocGrowth: the copy
        // took a third of the profile; docs/BENCHMARKS-HISTORY.md, session 31). The room's pages are
        // touched only when written.
        long q = newSize > usable && newSize > MID_MAX && newSize <= LARGE_MAX
                ? mallocBig("realloc", newSize, Math.min(LARGE_MAX, newSize + (newSize >>> 1)), MIN_ALIGNMENT, false)
                : malloc(newSize);
        RawMemory.copy(memoryOf(address), address, memoryOf(q), q, Math.min(usable, newSize));
        free(address);
        return q;
    }

    /**
     * A Large or Huge block resized without a malloc and a free ({@code address}: where it is now):
     * counts the requested bytes, and a free and a malloc in the allocation profile; returns {@code address}.
     */
    private long resizedBig(long address, long newSize) {
        if (stats) bigRequested.add(newSize);
        if (profile != null) {
            profile.bigFree();
            profile.bigMalloc(newSize);
        }
        return address;
    }

    /**
     * The error for an address in the reservation where no block lives now: a double free (or use
     * after free) if a Large block was freed there or a small span holding it was given back to the
     * OS under memory pressure, else an address never handed out.
     */
    private RuntimeException forgottenBlockError(String op, long address) {
        // A call that passed the open check while close() ran may find the page table already cleared
        // (close gives the Large chunks back): that is the close, not a misuse (CloseRaceTest saw it
        // once in about 30 runs as an IllegalArgumentException from a racing realloc). A plain read, like
        // the open check, on a path that has made calls since that check.
        if (closed) return closedError(op, address);
        if (registry.wasReleasedSpan(address, 1L << SizeClasses.TINY_SLAB_SHIFT) || registry.wasReleasedSpan(address, 1L << SizeClasses.MID_SPAN_SHIFT)) {
            return events.misuse(Errors.doubleFree(op, address, "small block (its span was given back to the OS once every block in it was free)"),
                    MisuseKind.ofFreedBlock(op), op, address, null, -1, 0);
        }
        return large.forgottenBlockError(op, address);
    }

    /** The segment through which this allocator reaches its block at {@code address} ({@link RawMemory}). */
    private MemorySegment memoryOf(long address) {
        return reservation.contains(address) ? reservation.memory() : huge.memory();
    }

    // ---------------------------------------------------------------- free

    @Override
    public void free(long address) {
        // freeWithInfo's body, not a call of it: one inlining level fewer for the front's state access
        // (see SmallFront). The page table outlives close, so it may be read before the check.
        int info = registry.infoOf(address);
        if (closed) throw closedError("free", address);
        int kind = ChunkRegistry.kindOfInfo(info);
        if (kind > 0) { // tested here, not in the front: a Large free must not pay the front's lookup (midLargeMt)
            front.free(slots, address, info);
            return;
        }
        freeOther(address, kind);
    }

    /**
     * {@link #free(long)} of a block whose page info {@code info} the caller has already read (a generated
     * variant's free, for a block of a class without a generated front).
     */
    public void freeWithInfo(long address, int info) {
        if (closed) throw closedError("free", address);
        int kind = ChunkRegistry.kindOfInfo(info);
        if (kind > 0) { // tested here, not in the front: a Large free must not pay the front's lookup (midLargeMt)
            front.free(slots, address, info);
            return;
        }
        freeOther(address, kind);
    }

    /** Free of anything but a Tiny/Mid block; {@code kind} is {@link ChunkRegistry#kindOf} the address. */
    private void freeOther(long address, int kind) {
        if (address == 0) return;
        if (kind == ChunkRegistry.LARGE) {
            large.free(ownLargeCache(), address);
        } else if (registry.contains(address)) {
            throw forgottenBlockError("free", address);
        } else {
            huge.free(address);
        }
        if (profile != null) profile.bigFree();
    }

    /** The calling platform thread's Large cache (made if it has none), or null on a virtual thread. */
    private LargeCache ownLargeCache() {
        ThreadCache own = caches.own();
        return own == null ? null : own.largeCache();
    }

    @Override
    public void free(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        free(segment.address());
    }

    // ---------------------------------------------------------------- queries

    @Override
    public long usableSize(long address) {
        if (closed) throw closedError("usableSize", address);
        if (address == 0) return 0;
        int kind = registry.kindOf(address);
        if (kind > 0) {
            small.checkAddress("usableSize", address, kind - 1);
            return classes.size(kind - 1);
        }
        return usableSizeBig("usableSize", address, kind);
    }

    private long usableSizeBig(String op, long address, int kind) {
        if (kind == ChunkRegistry.LARGE) return large.usableSize(op, address);
        if (registry.contains(address)) throw forgottenBlockError(op, address);
        return huge.usableSize(op, address);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (closed) throw closedError("allocate");
        if (byteSize < 0) throw Errors.negativeSize("allocate", byteSize);
        if (byteAlignment <= 0 || Long.bitCount(byteAlignment) != 1) throw Errors.badAlignment("allocate", byteSize, byteAlignment);
        long p = byteAlignment <= MIN_ALIGNMENT ? malloc(byteSize) : mallocAligned(byteSize, byteAlignment);
        return MemorySegment.ofAddress(p).reinterpret(byteSize, segmentArena, null);
    }

    @Override
    public void releaseThreadCache() {
        if (closed) throw closedError("releaseThreadCache");
        ThreadCache own = caches.ownIfAny();
        if (own != null) drainCache(own);
    }

    @Override
    public long trim() {
        if (closed) throw closedError("trim");
        long before = budget.committed();
        releaseCachedMemory();
        return Math.max(0, before - budget.committed());
    }

    /**
     * The Tiny or Mid tier is about to grow the process by {@code bytes} (a span that is not resident):
     * the calling thread's Large cache goes back to the arenas (its blocks are freed memory kept for
     * the next Large blocks, as the arenas' free runs are), then the arenas give back up to
     * {@code bytes} of their free runs ({@link LargeTier#yieldRetained}). Runs on a thread that holds
     * no arena lock.
     */
    private void yieldLarge(long bytes) {
        flushOwnLargeCache();
        large.yieldRetained(bytes);
    }

    /**
     * The reservation's space reclaimer: the address space is used up. The calling thread's Large
     * cache goes back to the arenas first (up to 16 MiB of blocks that keep their chunks from being
     * entirely free), then the arenas give their entirely free chunks back ({@link LargeTier#reclaimSpace}).
     * Runs on a thread that holds no arena lock.
     */
    private long reclaimSpace() {
        flushOwnLargeCache();
        return large.reclaimSpace();
    }

    /** Gives the calling platform thread's Large cache back to the arenas (a virtual thread has none). */
    private void flushOwnLargeCache() {
        ThreadCaches all = caches;
        ThreadCache own = all == null ? null : all.ownIfAny(); // null only while this object is made
        if (own != null) large.flush(own.largeCacheIfAny());
    }

    /** Empties a cache whose thread lives on (its own call, memory pressure, or a stripe). */
    private void drainCache(ThreadCache tc) {
        large.flush(tc.largeCacheIfAny());
        small.drain(tc);
    }

    /** Empties the cache of an ended thread and makes its slabs shared; reported as {@code dev.hakmem.ThreadCacheReclaim}. */
    private void abandonCache(ThreadCache tc) {
        Object event = events.reclaiming();
        LargeCache lc = tc.largeCacheIfAny();
        long largeBlocks = lc == null ? 0 : lc.cachedBlocks(), largeBytes = lc == null ? 0 : lc.cachedBytes();
        large.abandon(lc);
        SmallTier.GivenBack small = this.small.abandon(tc);
        events.reclaimed(event, tc.owner(), small.blocks() + largeBlocks, small.bytes() + largeBytes);
    }

    /** After {@link #close()}: the snapshot taken at close (see {@link #leakReport}). */
    @Override
    public AllocatorStats stats() {
        if (closed) {
            LeakReport r = leakReport;
            if (r == null) throw closedError("stats"); // the snapshot at close failed (and was logged)
            return r.atClose();
        }
        return collectStats();
    }

    /**
     * Reclaims ended threads' caches first: the reaper may be emptying one (its Large blocks go back to
     * the arenas) while the collector reads the arenas' live counts and then the caches, and a block
     * read as live in its arena and then no longer found in the emptied cache was counted live twice
     * over (CountedMisuseTest's cross-thread double free of a Large block saw 8 live blocks for 7
     * once, in a fresh-clone run of the test suite). Reclaimed under the caches' monitor that the
     * reaper also takes ({@link ThreadCaches#settledSnapshot}; nothing is reclaimed once the caches are
     * closed), the threads that ended before this call are settled before anything is read.
     */
    private AllocatorStats collectStats() {
        return new StatsCollector(classes, small, large, huge, stats).collect(caches.settledSnapshot(), bigRequested.sum(), reservation, budget);
    }

    /** Empty until {@link #close()}, then the report it made. */
    @Override
    public Optional<LeakReport> leakReport() {
        return closed ? Optional.ofNullable(leakReport) : Optional.empty();
    }

    /** One line: open or closed, live bytes per tier, committed and resident bytes (costs a snapshot). */
    @Override
    public String toString() {
        if (!closed) return StatsFormat.oneLine("HakmemAllocator", false, collectStats());
        LeakReport r = leakReport;
        return r == null ? "HakmemAllocator[closed]" : StatsFormat.oneLine("HakmemAllocator", true, r.atClose());
    }

    /** The sites of sampled blocks, or null when leak sampling is off (for its wrapper). */
    public LeakSampler leakSampler() {
        return sampler;
    }

    /**
     * The leak report, made at close while the memory and the block states are still there: the
     * counters' live figures, or with stats off and checks on a census of the block states
     * ({@link LiveBlockCensus}); with both off, Tiny and Mid are not counted.
     */
    private LeakReport makeLeakReport() {
        AllocatorStats s = collectStats();
        boolean smallCounted = stats;
        if (!stats) {
            long[] live = LiveBlockCensus.count(registry, reservation.usedSpan(), classes);
            if (live != null) {
                s = StatsCollector.withSmallLive(s, live);
                smallCounted = true;
            }
        }
        return sampler == null || !sampler.fed() ? new LeakReport(s, smallCounted, 0, 0, List.of()) : sampler.report(s, smallCounted);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        // First what can refuse: the segments' arena cannot close while a native call holds one of its
        // segments. Then the allocator stays open, unchanged, and a later close completes (issue 14,
        // item 2: closed used to be set first, leaving an allocator that refused every call but kept
        // its mappings).
        try {
            segmentArena.close();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("close: a segment of this allocator is in use by a native call right now ("
                    + e.getMessage() + "); nothing was closed: close again once that call has returned", e);
        }
        LeakReport report = null;
        try {
            report = makeLeakReport();
            leakReport = report;
        } catch (RuntimeException | OutOfMemoryError e) { // a report must not stop the close: stats() after close then throws
            Log.get().log(System.Logger.Level.WARNING, "hakmem: close could not take the final snapshot; closing all the same", e);
        }
        closed = true;
        OpenAllocators.unregister(events);
        Object returning = events.returning();
        long committed = budget.committed();
        caches.close(); // no reclaim of ended threads' caches (the reaper's included) runs after this
        huge.close();
        reservation.unmap();
        registry.close();
        events.returned(returning, null, committed, "close");
        if (report != null && report.hasLeaks()) Log.get().log(System.Logger.Level.WARNING, report.toString());
    }

    /** The thread cache with owner id {@code id}, or null (SmallTier is built before the caches, hence the indirection). */
    private ThreadCache cacheOfOwner(int id) {
        return caches.owner(id);
    }

    /**
     * Before a small class takes new memory: reclaims ended threads' caches if threads came and went
     * (SmallTier is built before the caches, hence the indirection).
     */
    private boolean reclaimIfThreadsChanged() {
        return caches.reclaimIfThreadsChanged();
    }

    /**
     * Memory pressure (the budget is about to refuse a charge): gives back the memory the tiers keep
     * for reuse: the blocks of ended threads' caches, of this thread's cache and of idle virtual-thread
     * stripes, then Tiny/Mid slabs that are entirely free, freed Large pages and whole chunks, retained
     * Huge mappings.
     */
    private void releaseCachedMemory() {
        caches.reclaimDead();
        ThreadCache own = caches.ownIfAny();
        if (own != null) drainCache(own); // the calling thread's cache: its blocks may complete a slab or chunk
        caches.drainIdleStripes();
        small.releaseFreeSlabs(caches.liveAndStripes());
        large.releaseCache();
        huge.releaseRetained();
    }

    // ---------------------------------------------------------------- for the recorder (dev.hakmem.profile)

    /**
     * The usable size of the block {@link #malloc} returns for {@code size} when it is a Tiny or Mid
     * class's (a function of the size alone), else -1: then ask {@link #usableSize} of the block.
     */
    public long mallocUsableSize(long size) {
        return Long.compareUnsigned(size, MID_MAX) <= 0 ? classes.size(classes.classOf(size)) : -1;
    }

    /** The usable size of a block on a page of info {@code info} ({@link #pageInfo}) of a Tiny or Mid class, else -1. */
    public long smallUsableSize(int info) {
        int kind = ChunkRegistry.kindOfInfo(info);
        return kind > 0 ? classes.size(kind - 1) : -1;
    }

    /**
     * The allocation profile counted so far ({@link AllocatorConfig#profile()}), by this allocator's
     * classes; read racily, like {@link #stats()}. Also readable after {@link #close()}.
     *
     * @throws IllegalStateException when the profile is off
     */
    public ProfileCounters.Totals profileTotals() {
        if (profile == null) throw new IllegalStateException("this allocator counts no profile: build it with AllocatorConfig.builder().profile(true)");
        // Ended threads' caches publish their live counts (as the recorder's snapshots fold tallies); not
        // after close, when their blocks' memory is gone: then the counters are read as they are.
        return profile.totals(closed ? caches.snapshot() : caches.settledSnapshot());
    }

    /** Whether this allocator counts an allocation profile. */
    public boolean profiles() {
        return profile != null;
    }

    /** Block size of small class {@code cls}. */
    public int classSize(int cls) {
        return classes.size(cls);
    }

    // ---------------------------------------------------------------- for generated fronts (dev.hakmem.spi)

    /** The small-block front: the generated fronts' slow paths and checks ({@link dev.hakmem.spi.FrontSupport}). */
    public SmallFront smallFront() {
        return front;
    }

    /** The platform threads' caches and the virtual threads' stripes (for {@code FrontSupport}). */
    public ThreadCaches threadCaches() {
        return caches;
    }

    /** The registry of pages (for {@code FrontSupport}, whose page lookup is then one call shallower than {@link #pageInfo}). */
    public ChunkRegistry registry() {
        return registry;
    }

    /** Kind and owner of the page of {@code address} ({@link ChunkRegistry#infoOf}). */
    public int pageInfo(long address) {
        return registry.infoOf(address);
    }

    /** After {@link #close()}: whether the reservation is unmapped and no Huge mapping is left (tests). */
    public boolean unmappedAll() {
        return reservation.isUnmapped() && huge.mappedBytes() == 0;
    }

    /** Bytes of Huge mappings live or retained (tests). */
    public long hugeMappedBytes() {
        return huge.mappedBytes();
    }

    /** The owner id the registry records for the small block at {@code address}; 0 for a shared slab (tests). */
    public int slabOwnerOf(long address) {
        return ChunkRegistry.ownerOfInfo(registry.infoOf(address));
    }

    /** The base address of the Tiny/Mid slab holding {@code address} (tests). */
    public long slabBaseOf(long address) {
        return registry.slab(address).base();
    }

    /** Number of stripes virtual threads share ({@link ThreadCaches#stripeCount()}; tests). */
    public int stripeCount() {
        return caches.stripeCount();
    }

    /** Caches of platform threads not yet reclaimed (tests). */
    public int liveThreadCaches() {
        return caches.liveCaches();
    }

    /** This allocator's id in its JFR events ({@code allocatorId}), unique in the JVM. */
    public long jfrId() {
        return events.id();
    }

    /** This allocator's JFR sink (tests: its misuse counts). */
    public AllocatorEvents events() {
        return events;
    }

    /** Whether {@link #close()} has run (see {@code closed} for the ordering argument). */
    public boolean isClosed() {
        return closed;
    }

    private static IllegalStateException closedError(String op) {
        return new IllegalStateException(op + ": this allocator is closed");
    }

    private static IllegalStateException closedError(String op, long address) {
        return new IllegalStateException(op + "(" + Errors.hex(address) + "): this allocator is closed");
    }
}
