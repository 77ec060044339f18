package dev.hakmem.internal.small;

import dev.hakmem.internal.os.CurrentCpu;
import dev.hakmem.internal.registry.ChunkRegistry;
import dev.hakmem.spi.FrontFactory;
import dev.hakmem.spi.ThreadFront;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Finds the calling thread's {@link ThreadCache} quickly, gives virtual threads a bounded set of
 * shared caches, and reclaims the caches of threads that have ended.
 *
 * <p>Virtual threads: one cache per virtual thread would make the memory kept in caches grow with the
 * number of threads (a million virtual threads, a million caches: Netty's complaint). Instead they
 * share {@code stripes}: a fixed number (one per processor, rounded up to a power of two, at least two)
 * of caches, each used under a try-lock for the length of one malloc or free ({@link #lockStripe}). The
 * memory cached for virtual threads is therefore bounded by {@code stripes x (sum over classes of
 * capacity x size)}, whatever the number of virtual threads: with the default classes and caches one
 * full cache holds at most 4,440,064 bytes (Tiny 819,200 + Mid 3,620,864), so 2 stripes on 2
 * processors keep at most 8.5 MiB, 8 stripes on 8 processors 34 MiB. A stripe is held for one call
 * only, and a processor runs one carrier at a time, so the stripe of the processor a thread runs on is
 * nearly always free at once; it is busy only when its holder lost the processor in the middle of a
 * call or moved to another processor since its hint was set, and then another stripe stands in.
 * Why not two stripes per processor, as before session 46: the spare stripes stood in often enough
 * (a busy moment each) that each carved its own slab of most classes and kept a batch of blocks in
 * each, memory neither processor's stripe could reuse: with threadChurn's virtual threads, 4 stripes on
 * 2 processors kept 3.9-4.1 MB resident and 7.4-7.7 MB committed, 2 stripes 2.4-2.7 and 4.1-4.3 MB,
 * with no malloc or free left without a stripe in either (docs/BENCHMARKS-HISTORY.md, session 46).
 * The one wait under a stripe is a
 * refill's turn at the shared pool's pop lock, which backs off by yielding the carrier: if the thread
 * holding the pop lock loses its processor, virtual threads holding every stripe can be parked there
 * while hundreds of others run, find no stripe, and malloc without a cache. Each of those carves only
 * the block it keeps ({@link CentralFreeList#refill}), so such a convoy costs time, not memory. Platform
 * threads keep a cache each, reclaimed when they end. Stripes own slabs as those caches do: each has an
 * owner id (1 to the number of stripes; platform threads' caches get the ids after them), listed in
 * {@link #byId} for the life of this object and never reclaimed ({@link ThreadCache#ended()} is false).
 * So each stripe also carves its own slab of each class it serves: the committed memory of the stripes
 * grows to at most {@code stripes x (64 KiB per Tiny class + 512 KiB per Mid class)} as they touch
 * classes, while only what is carved is resident (ThreadChurnTest with 150,000 virtual threads of
 * 16 B-4 KiB blocks: 10-21 MiB committed, 0.5-1.1 MiB resident; 5.7-6.4 and 2.3-3.1 MiB when the
 * stripes shared slabs).
 *
 * <p>{@code ThreadLocal.get()} costs about 3 ns here (a hash probe through a weak-reference table),
 * as much as the rest of a Tiny malloc. So the front first looks in a small direct-mapped table indexed
 * by {@code threadId & MASK}: one array load and one identity compare of the cache's owner with
 * {@code Thread.currentThread()}. When that misses (the first call of a thread, or a live thread whose
 * id is the same modulo the table's size holds the slot), the slow path looks in the thread's second
 * slot ({@link #secondSlot}, a hash of the whole id), and only then in the {@code ThreadLocal}; it
 * claims the first of the two slots that is empty or whose owner has ended. Why: with {@code n} live
 * threads, a new thread's first slot is held by a live one with a chance of about {@code n / 1024},
 * and such a thread went through the {@code ThreadLocal} on every call of its life (one larson worker
 * in about a thousand did, docs/BENCHMARKS-HISTORY.md, session 48); with the second slot it pays one
 * more table load on its calls, and the {@code ThreadLocal} only if both its slots are held, a chance
 * of about {@code (n / 1024)^2}.
 *
 * <p>One miss: {@link #own} tests the slot's cache and its owner in one compare (an empty slot
 * compares its owner as null), not as "not null, then the owner". A slot held by another thread's
 * cache is first met when thread ids wrap around the table, often long after the allocator's fast
 * path was compiled into its callers; as a second branch never seen taken, C2 had compiled that miss
 * as an uncommon trap, and each new thread that met it threw away the compiled caller: in threadChurn
 * 8-9 such traps per fork, its thread body (malloc and free inlined) compiled 3-5 times instead of 2-3,
 * and C2 spent about a third more time on the allocator's and the workload's methods (docs/BENCHMARKS-HISTORY.md, session
 * 66). One compare's miss is seen at the first call of the first thread, so it is compiled as a branch.
 * ({@link SmallFront}, "No trap".)
 *
 * <p>The quick slot ({@link #QUICK}, one entry past the direct-mapped ones), for programs that
 * allocate on one platform thread at a time: the cache of the thread that got one while the slot was
 * empty or its holder had ended, with that thread in {@link #quickOwner}. {@link #own} compares the
 * calling thread with {@code quickOwner} first, and for the holder the cache is then one load from
 * the table, with no thread id: the id takes three dependent loads ({@code Thread.currentThread()} is
 * two, its id a third) before the table's entry can be loaded. That is the chain a malloc waits on
 * after a mispredicted branch, the common case in a loop that mallocs or frees at random (issue 13).
 * A thread that ends and is followed by another hands the slot on: the newcomer claims it when it gets
 * its cache, if the holder has ended. The first time a thread gets a cache while the holder lives,
 * the slot is retired for good ({@link #quickRetired}): a program of several allocating threads
 * takes the direct-mapped slots as before, after one compare that always fails. (Kept for the
 * first of several threads, it cost midLargeMt with two threads 6-11% in four interleaved loops, the
 * cause not found; docs/BENCHMARKS-HISTORY.md, session 52.) It compares {@code quickOwner}, a field
 * nobody writes on a fast path, not the cache's own {@code owner}, whose cache line the holder's
 * slow paths write. A variant's lookup of its thread's front ({@link #ownFront}) takes the same quick
 * slot in {@code frontSlots}.
 *
 * <p>Ids: each platform thread's cache gets an id (1 to {@link ChunkRegistry#MAX_OWNER}) that the
 * registry records as the owner of its slabs, so a free finds the owner in the same load as the
 * class; {@link #owner(int)} maps it back to the cache. Ids of reclaimed caches are reused. If ever
 * more threads are alive than ids exist, a cache gets id 0 and works like a stripe (shared slabs).
 *
 * <p>Thread exit: a cache whose owner has ended is abandoned by another thread (its blocks and inbox
 * go to the central lists, its slabs become shared, its counters go to a "retired" total), without
 * the dead thread's help. That happens within about {@value CacheReaper#INTERVAL_MS} ms of the end
 * ({@link CacheReaper}, once {@link #startReaping} was called), and also every {@value #RECLAIM_EVERY}
 * new caches, before a class carves fresh memory while new threads have come since the last look,
 * and whenever the allocator is about to report {@code OutOfMemoryError} ({@link #reclaimDead()}). {@code Thread.isAlive()} returning false orders the
 * ended thread's last action before the drain (JLS 17.4.4), so the plain fields of its cache are
 * safely read. A new platform thread first looks for such a cache that nobody has reclaimed yet and
 * adopts it whole ({@link #adoptEnded}): its blocks, slabs and inbox serve the newcomer as they are,
 * and nothing is moved block by block.
 *
 * <p>Memory-ordering contract of {@code slots}: entries are written with plain stores and read with
 * plain loads by any thread. A reader uses an entry only if the entry's {@code owner} is the reader
 * itself. {@code owner} is written only by the thread it names (when it makes or adopts the cache),
 * so a racy read may see an older owner (one that has ended) or none, never the reader unless the
 * reader wrote it: a thread only ever sees its own cache pass the test. A lost race between two
 * threads claiming one slot only costs the loser the slower path. The quick slot is claimed and
 * emptied under this object's monitor, and read without it: see {@link #quickOwner}.
 */
public final class ThreadCaches {
    private static final int SLOT_BITS = 10;
    static final int SLOTS = 1 << SLOT_BITS;
    private static final int MASK = SLOTS - 1;
    private static final int RECLAIM_EVERY = 64;
    /** A stripe's holder checks that it runs on the stripe's processor once in this many uses of the stripe. */
    private static final int RECHECK_EVERY = 16;
    /** Pauses a virtual thread spends waiting for its processor's or its block's stripe before taking another. */
    private static final int SPINS = 16;

    /**
     * The quick slot: the index past the direct-mapped part of {@code slots}, where one platform
     * thread's cache sits, found by {@link #own} without the thread's id (see the class comment).
     */
    static final int QUICK = SLOTS;

    /** The caches by {@link #firstSlot} and {@link #secondSlot}, and the {@link #QUICK} slot's. */
    private final ThreadCache[] slots = new ThreadCache[SLOTS + 1];
    /**
     * The owner of the {@link #QUICK} slot's cache, or null: what {@link #own} compares the calling
     * thread with, rather than the cache's own {@code owner}, whose cache line the holder's slow paths
     * write (other threads' compares would miss on it). Written with {@code slots[QUICK]} and
     * {@code frontSlots[QUICK]}, after them, under this object's monitor ({@link #setQuick}); read
     * racily. A thread reads itself here only after it wrote itself here, and while it lives the slot
     * changes only to empty (retired by another thread, or {@code frontSlots} emptied by
     * {@link #close}), so it then finds its own cache in {@code slots[QUICK]}, or null and looks on.
     */
    private Thread quickOwner;
    /**
     * Set for good when a thread gets a cache while the quick slot's holder lives: from then on
     * nobody holds the slot (see the class comment). Written under this object's monitor, read racily
     * by {@link #claimQuick}.
     */
    private boolean quickRetired;
    /**
     * With generated fronts: {@code slots}' fronts, in the same places ({@link #ownFront}), so that a
     * variant finds its thread's front in as many loads as the generic front finds its cache; null
     * without fronts. Same memory-ordering contract as {@code slots}: {@link ThreadFront#owner()} is written
     * only by the thread it names.
     */
    private final ThreadFront[] frontSlots;
    /** Caches shared by virtual threads: a power of two, at least the processor count and at least two. */
    private final ThreadCache[] stripes;
    /**
     * By {@link #firstSlot}: the stripe of the processor a virtual thread with such an id ran on
     * when it last asked, tried first by {@link #lockStripe} instead of asking again. Plain, racy (two
     * threads whose ids collide share a hint, which costs at most a wrong first try); every value
     * written is a stripe's index.
     */
    private final int[] stripeHints = new int[SLOTS];
    /** Counters of operations made without a cache (all stripes busy). */
    private final AtomicLongArray directAllocations, directFrees;
    private final AtomicLong directRequested = new AtomicLong();
    private final ThreadLocal<ThreadCache> local = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<ThreadCache> live = new ConcurrentLinkedQueue<>();
    private final int[] capacities, batches;
    /** The size classes, whose index of each tier a new cache's granule tables are built from ({@link SizeClasses#granuleTable}). */
    private final SizeClasses classes;
    private final Consumer<ThreadCache> drain, abandon;
    private final FrontFactory fronts;
    /** The allocation profile, or null when it is off. */
    private final ProfileCounters profile;
    /**
     * Cache by id. The array reference is volatile (replaced, bigger, under this lock); entries are
     * written under this lock and read with plain loads: a thread looks up an id it read from the
     * registry for a block it was given, and the owner registered before carving that block, so the
     * entry happens-before the lookup. A stale or cleared entry (owner ended) reads as null or as the
     * id's next holder, and either only routes a free block to the shared lists or to another cache,
     * where it is just as free.
     */
    private volatile ThreadCache[] byId = new ThreadCache[64];
    /**
     * Live owned caches made without an id (more platform threads at once than there are ids); written
     * under this lock. While there are any, {@link #reclaimDeadIfAny} walks {@link #live}, else
     * {@link #byId}.
     */
    private volatile int unnumbered;
    /** Run by the reaper after each scan ({@link #startReaping}); written before the reaper can see this object. */
    private volatile Runnable afterEachScan;
    /** Ids of reclaimed caches, for reuse (guarded by this). */
    private final ArrayDeque<Integer> freeIds = new ArrayDeque<>();
    private int nextId = 1;
    /** Counters of reclaimed caches (guarded by this). */
    private final ThreadCache retired;
    /** Cache arrays of reclaimed caches for new ones (guarded by this). */
    private final SpareCacheArrays spareArrays;
    /** The arrays of the owned caches' spills ({@link Spill}), shared by all of them. */
    private final SpillArrays spillArrays = new SpillArrays();
    /** Set by {@link #close} (guarded by this): then nothing is reclaimed any more. */
    private boolean closed;
    /** Caches adopted by new threads ({@link #adoptEnded}); written under this lock. */
    private int adopted;
    /** Caches created since the last reclaim: written under this lock, read without it (volatile). */
    private volatile int createdSinceReclaim;

    /**
     * @param classes the size classes: a platform thread's cache gets its granule tables from them
     *     when it is made ({@link ThreadCache#byGranule})
     * @param drain empties a cache whose thread lives on (a stripe, or the caller's own cache under
     *     memory pressure)
     * @param abandon empties a cache whose thread has ended and makes its slabs shared
     * @param fronts creates the generated storage of each platform thread's cache (null: none)
     * @param profile the allocation profile the caches count in (null: none); then every cache gets a histogram
     */
    public ThreadCaches(SizeClasses classes, int[] capacities, int[] batches, Consumer<ThreadCache> drain,
            Consumer<ThreadCache> abandon, FrontFactory fronts, ProfileCounters profile) {
        this.classes = classes;
        this.fronts = fronts;
        this.frontSlots = fronts == null ? null : new ThreadFront[SLOTS + 1];
        this.profile = profile;
        this.capacities = capacities.clone();
        this.batches = batches.clone();
        this.drain = drain;
        this.abandon = abandon;
        this.retired = new ThreadCache(capacities, batches, null);
        this.spareArrays = new SpareCacheArrays(capacities.length);
        // one per processor, rounded up to a power of two, at least two (see the class comment)
        this.stripes = new ThreadCache[Integer.highestOneBit(Math.max(2, 2 * Runtime.getRuntime().availableProcessors() - 1))];
        if (stripes.length >= byId.length) byId = new ThreadCache[stripes.length + 64];
        for (int i = 0; i < stripes.length; i++) {
            int id = nextId++; // ids 1..stripes.length: stripes own slabs, like platform threads' caches
            stripes[i] = new ThreadCache(capacities, batches, null, id, spillArrays);
            byId[id] = stripes[i];
            if (profile != null) stripes[i].requests = ProfileCounters.newHistogram();
        }
        this.directAllocations = new AtomicLongArray(capacities.length);
        this.directFrees = new AtomicLongArray(capacities.length);
    }

    /** The calling platform thread's own cache, or null for a virtual thread (use {@link #lockStripe}). */
    public ThreadCache own() {
        return own(slots);
    }

    /**
     * {@link #own()} given {@code slots}, this object's table ({@link #slots()}), which a caller on the
     * fast path holds in a final field of its own: one dependent load fewer than through this object,
     * which counts wherever the JIT cannot keep the table in a register (a loop with a call in it).
     */
    ThreadCache own(ThreadCache[] slots) {
        Thread t = Thread.currentThread();
        ThreadCache tc;
        if (quickOwner == t && (tc = slots[QUICK]) != null) return tc; // null: retired since this thread read quickOwner
        tc = slots[firstSlot(t.threadId())];
        if ((tc != null ? tc.owner() : null) == t) return tc; // one compare for both misses: see the class comment, "One miss"
        return t.isVirtual() ? null : getSlow(t);
    }

    /**
     * The calling platform thread's cache if it has one, else null (and null on a virtual thread): for
     * calls that only empty it ({@code releaseThreadCache()}, {@code trim()}, memory pressure), which
     * must not give a thread that never allocated a cache of its own just to drain it.
     */
    public ThreadCache ownIfAny() {
        Thread t = Thread.currentThread();
        ThreadCache tc = ownedAt(firstSlot(t.threadId()), t);
        if (tc == null) tc = ownedAt(secondSlot(t.threadId()), t);
        if (tc != null) return tc;
        return t.isVirtual() ? null : local.get();
    }

    /** The table of caches by thread id, for {@link #own(ThreadCache[])}: the same array for this object's life. */
    ThreadCache[] slots() {
        return slots;
    }

    /**
     * The calling platform thread's generated front, or null (a virtual thread, or a cache without a
     * front): {@link #own}'s lookup in {@code frontSlots}, falling back to {@link #own}.
     */
    public ThreadFront ownFront() {
        return ownFront(frontSlots);
    }

    /**
     * {@link #ownFront()} given {@code frontSlots}, this object's table ({@link #frontSlots()}), which a
     * generated variant holds in a final field of its own, as {@link #own(ThreadCache[])} does for the
     * generic front: one dependent load fewer than through this object.
     */
    public ThreadFront ownFront(ThreadFront[] frontSlots) {
        Thread t = Thread.currentThread();
        ThreadFront f;
        if (quickOwner == t && (f = frontSlots[QUICK]) != null) return f; // null: no front, or closed
        f = frontSlots[firstSlot(t.threadId())];
        if ((f != null ? f.owner() : null) == t) return f; // one compare for both misses, as in own
        return ownFrontAfterMiss();
    }

    /**
     * The table of generated fronts by thread id (null without fronts), for a variant that holds it and
     * passes it to {@link #ownFront(ThreadFront[])} ({@code FrontSupport#ownFront(ThreadFront[])}): the same array for this
     * object's life. Entries are written plainly (when a thread gets its cache, when an ended thread's
     * cache is reclaimed, and all of them cleared at {@link #close}); a racy reader is safe because
     * {@link ThreadFront#owner()} is written only by the thread it names, so only the owner matches itself.
     */
    public ThreadFront[] frontSlots() {
        return frontSlots;
    }

    /**
     * The calling thread's front after its lookup in {@link #frontSlots} missed: null once closed (the
     * variant then takes the generic path, which throws), on a virtual thread, or for a cache without
     * a front; else the thread's front, its cache made if it had none.
     */
    private ThreadFront ownFrontAfterMiss() {
        if (closed) return null; // plain: written under this lock by close, which also cleared frontSlots
        ThreadCache tc = own();
        return tc == null ? null : tc.front;
    }

    /**
     * A stripe for the calling virtual thread, locked (the caller must {@link ThreadCache#unlock()} it
     * when its operation is done), or null when every stripe stayed busy for a few rounds: then the
     * caller goes to the central lists directly ({@link SmallTier#mallocDirect}). It never waits
     * longer, because a holder may be parked (a virtual thread blocked on a monitor in a slow path
     * gives up its carrier) and spinning threads would keep it from being scheduled again.
     *
     * <p>Which stripe: the one of the processor the thread runs on ({@link CurrentCpu}: stripe
     * {@code cpu}, wrapped, so a stripe's lock word and class caches stay in one processor's cache, as a
     * native allocator's per-carrier heap does; picked by a hash of the thread id, they moved between
     * the processors with the virtual threads, and the lock's CAS took 39% of threadChurn's time with
     * virtual threads). Asking for the processor is a downcall of about 3-4 ns, as much as the rest of
     * a Tiny malloc, so the answer is remembered in {@link #stripeHints} by thread id and asked again
     * only when the hinted stripe is busy, and once in {@value #RECHECK_EVERY} uses of a stripe, by
     * whichever thread holds it then, so that a thread that moved to another processor follows within
     * a few calls. Where the processor is unknown, the search starts at a hash of the thread id.
     */
    public ThreadCache lockStripe() {
        int slot = firstSlot(Thread.currentThread().threadId());
        ThreadCache s = stripes[stripeHints[slot]];
        if (s.tryLock()) {
            if ((++s.stripeUses & (RECHECK_EVERY - 1)) == 0) recheckHint(slot);
            return s;
        }
        return lockStripeSlow(slot);
    }

    /**
     * {@link #lockStripe} for a virtual thread's free of a block whose slab's owner id is {@code owner}:
     * the stripe that owns it, if that is a stripe and it is free, else any as {@link #lockStripe} picks.
     * Under its owner the free is a plain store and the block stays where its stripe hands it out
     * again; under another stripe it would travel as a remote free, in that stripe's outbox until a
     * batch for the owner fills, and a stripe's outbox is sent only when it fills (a stripe never ends):
     * blocks held there are memory that neither stripe can use (threadChurn with virtual threads kept
     * 4 MB more resident before frees went to the owner; docs/BENCHMARKS-HISTORY.md, session 32).
     */
    public ThreadCache lockStripeFor(int owner) {
        if (owner > 0 && owner <= stripes.length) {
            ThreadCache s = stripes[owner - 1];
            if (s.tryLock() || spinFor(s) != null) return s;
        }
        return lockStripe();
    }

    /**
     * Stripe {@code s}, locked after a short spin ({@value #SPINS} pauses, under a microsecond), or
     * null if it stayed busy. A stripe is held for one call, tens of nanoseconds, so a busy stripe is
     * nearly always free again at once; a holder that lost its processor or parked keeps it longer,
     * and then the caller moves on rather than waits.
     */
    private static ThreadCache spinFor(ThreadCache s) {
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (s.tryLock()) return s;
        }
        return null;
    }

    /**
     * Under a stripe's lock, once in {@value #RECHECK_EVERY} of its uses: if the processor the caller
     * runs on now is not the hinted stripe's, points the caller's hint at its processor's stripe.
     */
    private void recheckHint(int slot) {
        int cpu = CurrentCpu.get();
        if (cpu < 0) return;
        int home = stripeOf(cpu);
        if (stripeHints[slot] != home) stripeHints[slot] = home;
    }

    /** The index of processor {@code cpu}'s stripe: {@code cpu}, wrapped. */
    private int stripeOf(int cpu) {
        return cpu & (stripes.length - 1);
    }

    /**
     * {@link #lockStripe} when the hinted stripe is busy: from the processor's stripe on. The hint
     * becomes the processor's stripe, whichever stripe this call got: the next stripe is a stand-in for
     * a busy moment, and a thread that stayed on it would make it a second stripe carving memory for
     * one processor (each stripe owns its slabs).
     */
    private ThreadCache lockStripeSlow(int slot) {
        int cpu = CurrentCpu.get();
        int home = cpu >= 0 ? stripeOf(cpu) : (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 40) & (stripes.length - 1);
        if (stripeHints[slot] != home) stripeHints[slot] = home;
        ThreadCache own = spinFor(stripes[home]);
        if (own != null) return own;
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < stripes.length; i++) {
                ThreadCache s = stripes[(home + i) & (stripes.length - 1)];
                if (s.tryLock()) return s;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    /** The cache with owner id {@code id} (from the registry), or null if it has been reclaimed. */
    public ThreadCache owner(int id) {
        ThreadCache[] a = byId;
        return id < a.length ? a[id] : null;
    }

    /** The caches of threads not yet reclaimed (weakly consistent: caches may come and go). */
    public Iterable<ThreadCache> live() {
        return live;
    }

    /** {@link #live()} and the stripes: every cache that may hold blocks of its own slabs. */
    public Iterable<ThreadCache> liveAndStripes() {
        return () -> Stream.concat(live.stream(), Arrays.stream(stripes)).iterator();
    }

    /**
     * Counts a malloc made without a cache (every stripe busy) for statistics. Atomic: such calls come
     * from any thread.
     */
    public void countDirectMalloc(int cls, long requested) {
        directAllocations.incrementAndGet(cls);
        directRequested.addAndGet(requested);
    }

    /** Counts a free made without a cache. */
    public void countDirectFree(int cls) {
        directFrees.incrementAndGet(cls);
    }

    /** Memory pressure: moves the blocks of every stripe nobody holds to the shared lists. */
    public void drainIdleStripes() {
        for (ThreadCache s : stripes) {
            if (s.tryLock()) {
                try {
                    drain.accept(s);
                } finally {
                    s.unlock();
                }
            }
        }
    }

    /** Number of stripes shared by virtual threads. */
    public int stripeCount() {
        return stripes.length;
    }

    /** Stripe {@code i} (tests). */
    ThreadCache stripe(int i) {
        return stripes[i];
    }

    /**
     * {@link #snapshot()} after reclaiming the caches of threads that have ended ({@link #reclaimDead()}),
     * under one hold of the reclaim lock: what a thread that ended before the call left in its cache is
     * back in the tiers, and the reaper cannot be halfway through such a cache while the caller reads.
     */
    public synchronized List<ThreadCache> settledSnapshot() {
        reclaimDead();
        return snapshot();
    }

    /**
     * For statistics: the caches of threads not yet reclaimed, plus one holding the counters of all
     * reclaimed caches. Taken under the reclaim lock, so no cache is counted twice.
     */
    public synchronized List<ThreadCache> snapshot() {
        List<ThreadCache> all = new ArrayList<>(live);
        all.addAll(List.of(stripes));
        ThreadCache direct = new ThreadCache(capacities, batches, null);
        direct.requestedBytes = directRequested.get();
        for (int c = 0; c < capacities.length; c++) {
            direct.byClass[c].allocations = directAllocations.get(c);
            direct.byClass[c].frees = directFrees.get(c);
        }
        all.add(direct);
        all.add(retired.copyCounters());
        return all;
    }

    /**
     * Has the JVM's {@link CacheReaper} reclaim this allocator's caches of ended threads soon after
     * they end (within about {@value CacheReaper#INTERVAL_MS} ms), and run {@code afterEachScan} after
     * each of its scans of this allocator (the Huge tier's decay of retained mappings), until {@link #close}.
     */
    public void startReaping(Runnable afterEachScan) {
        this.afterEachScan = afterEachScan;
        CacheReaper.register(this);
    }

    /** The reaper's visit: {@link #reclaimDeadIfAny}, then the allocator's periodic task ({@link #startReaping}). */
    void reap() {
        reclaimDeadIfAny();
        Runnable task = afterEachScan;
        if (task != null) task.run();
    }

    /**
     * The allocator is closing: no reclaim runs once this returns (the reaper's included), and every
     * thread's generated front is taken out of {@code frontSlots}, so that a variant's lookup after
     * close misses and {@link #ownFrontAfterMiss} answers null: a variant tests whether its allocator
     * is open by that lookup alone, with no load of a flag of its own (see {@code FrontSupport#ownFront}).
     */
    public void close() {
        CacheReaper.deregister(this);
        synchronized (this) {
            closed = true;
            if (frontSlots != null) Arrays.fill(frontSlots, null);
        }
    }

    /**
     * The reaper's scan: reclaims if some cache's owner has ended (a walk over the live caches without
     * the lock otherwise). Returns how many were reclaimed.
     */
    int reclaimDeadIfAny() {
        if (unnumbered > 0) {
            for (ThreadCache tc : live) {
                if (tc.ended()) return reclaimDead();
            }
            return 0;
        }
        // Every owned cache has an id: the table by id lists them all, and walking it makes no
        // iterator (this runs before every span a class takes: about 0.9 MB of iterators in 30 phases
        // of mstress).
        for (ThreadCache tc : byId) {
            if (tc != null && tc.ended()) return reclaimDead(); // a stripe never has
        }
        return 0;
    }

    /** Caches of threads not yet reclaimed (tests). */
    public int liveCaches() {
        return live.size();
    }

    /** Drains and forgets the caches of ended threads; returns how many. */
    public synchronized int reclaimDead() {
        if (closed) return 0;
        int n = 0;
        for (Iterator<ThreadCache> it = live.iterator(); it.hasNext(); ) {
            ThreadCache tc = it.next();
            if (tc.owner().isAlive()) continue;
            abandon.accept(tc);
            if (profile != null) profile.retire(tc);
            retired.addCounters(tc);
            spareArrays.keep(tc);
            it.remove();
            if (tc.id != 0) { // only now may the id name another cache
                byId[tc.id] = null;
                freeIds.push(tc.id);
            } else {
                unnumbered--;
            }
            leaveSlots(tc);
            n++;
        }
        createdSinceReclaim = 0;
        return n;
    }

    /**
     * Before a class takes new memory: reclaims ended threads' caches, whose free blocks may be what
     * is missing. If threads were created since the last look, under the lock; otherwise only if a walk
     * over the live caches (no lock) finds an owner that has ended since, so a steady pool of threads
     * takes no lock on this path. The walk matters when a thread ends between two reclaims with none
     * started after it: its blocks would otherwise wait for the reaper while this thread takes new
     * slabs. Returns whether any cache was reclaimed.
     */
    public boolean reclaimIfThreadsChanged() {
        if (createdSinceReclaim == 0) return reclaimDeadIfAny() > 0;
        return reclaimDead() > 0;
    }

    /**
     * The cache of a thread that has ended and that nobody has reclaimed yet, made {@code t}'s
     * ({@link ThreadCache#adopt}, and its generated front, if any, {@link ThreadFront#followOwner}), or
     * null if there is none or this object is closed. Why: reclaiming an ended thread's cache takes
     * every block it holds one by one (to the shared lists, or marked in its slab's bitmap to go with
     * the slab), and the thread that comes next takes them back one by one; a new thread that adopts
     * the cache whole starts with the blocks, slabs and inbox the ended one left, and nothing is moved
     * (JFR put a quarter to a third of threadChurn's and mleak's samples in that reclaim; adopting
     * made mleak about 6% faster, threadChurn within the spread: docs/BENCHMARKS-HISTORY.md, session
     * 57). A cache is only adopted while it is unreclaimed, within about
     * {@value CacheReaper#INTERVAL_MS} ms of its owner's end; after that the reaper has given its
     * memory back to the tiers for every thread.
     *
     * <p>The look is a walk over the ids in use, one load and one {@code isAlive()} (a field read)
     * each, once per new platform thread: linear in the threads that hold a cache, as the reaper's
     * scan is (not measured beyond the benchmarks' few threads).
     *
     * <p>Not a cache with a burst in a spill ({@link ThreadCache#spilledBurst}: more blocks of a class
     * than the class's cache holds, as mstress's threads leave when they free all they own at their
     * end): such a cache is reclaimed instead, its blocks to every thread and its Mid spans whose
     * blocks are all free to the OS. Adopted, those blocks stayed with one thread: mstress's peak RSS
     * rose from 56 to 63 MB (docs/BENCHMARKS-HISTORY.md, session 57). A spill of a few batches is
     * what any running cache moves back and forth, and is adopted with the rest: when every spilled
     * block barred the adoption, most of larson's ended caches were reclaimed instead (about 100 of
     * 160 lives of a larson-like probe got a new cache), and a new thread's first malloc and free
     * took about 50 us in a warmed-up probe, 12 us with the adoption. Throughput moved within the
     * forks' spread (threadChurn with platform threads +7%, mleak -5%, larson the same;
     * docs/BENCHMARKS-HISTORY.md, session 60).
     *
     * <p>Under this monitor, so a cache is either adopted or reclaimed, never both. An owner that
     * has ended no longer stays ended: see {@link SmallTier#acceptForEnded} for the one place that
     * acts on "ended" without this monitor.
     */
    private synchronized ThreadCache adoptEnded(Thread t) {
        if (closed) return null;
        ThreadCache[] a = byId;
        for (int id = stripes.length + 1, end = Math.min(nextId, a.length); id < end; id++) {
            ThreadCache tc = a[id];
            if (tc == null || !tc.ended() || tc.spilledBurst()) continue;
            leaveSlots(tc); // its ended owner's: before the owner changes
            tc.adopt(t);
            if (tc.front != null) tc.front.followOwner(); // before getSlow puts it in frontSlots
            adopted++;
            return tc;
        }
        return null;
    }

    /** Caches adopted by new threads so far ({@link #adoptEnded}); read racily, by this package's tests. */
    int adoptedCaches() {
        return adopted;
    }

    private synchronized ThreadCache newOwnedCache(Thread t) {
        int id = freeIds.isEmpty() ? (nextId <= ChunkRegistry.MAX_OWNER ? nextId++ : 0) : freeIds.pop();
        ThreadCache tc = new ThreadCache(capacities, batches, t, id, spillArrays);
        // Before its first malloc: SmallFront's class comment, "No trap".
        tc.byGranule = classes.granuleTable(true, tc.byClass);
        tc.midByGranule = classes.granuleTable(false, tc.byClass);
        if (profile != null) tc.requests = ProfileCounters.newHistogram();
        if (fronts != null && id != 0) tc.front = fronts.create(tc, id); // published with tc below
        spareArrays.lend(tc);
        if (id != 0) {
            if (id >= byId.length) byId = Arrays.copyOf(byId, Math.max(id + 1, byId.length * 2));
            byId[id] = tc;
        } else {
            unnumbered++;
        }
        return tc;
    }

    /** A thread's first place in {@code slots} (and {@code frontSlots}): the low bits of its id. */
    static int firstSlot(long threadId) {
        return (int) threadId & MASK;
    }

    /**
     * A thread's second place in {@code slots} (and {@code frontSlots}), for when a live thread holds its
     * first ({@link #firstSlot}): the top bits of a multiplicative hash of the whole id, so two
     * threads that share a first slot (ids {@value #SLOTS} apart) get different second ones.
     */
    static int secondSlot(long threadId) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - SLOT_BITS));
    }

    /** {@code slots[slot]} if it is the cache of {@code t}, else null. */
    private ThreadCache ownedAt(int slot, Thread t) {
        ThreadCache tc = slots[slot];
        return tc != null && tc.owner() == t ? tc : null;
    }

    /** Puts {@code tc} in {@code slot} if the slot is free or its owner has ended; whether {@code tc} is there now. */
    private boolean claimSlot(int slot, ThreadCache tc) {
        ThreadCache current = slots[slot];
        if (current == tc) return true;
        Thread holder = current == null ? null : current.owner();
        if (holder != null && holder.isAlive()) return false;
        slots[slot] = tc;
        if (frontSlots != null) frontSlots[slot] = tc.front;
        return true;
    }

    /**
     * Under this monitor: takes {@code tc}, whose owner has ended (and which is reclaimed or adopted
     * now), out of the places its owner's id gave it, its two slots and the quick slot.
     */
    private void leaveSlots(ThreadCache tc) {
        long threadId = tc.owner().threadId();
        clearSlot(firstSlot(threadId), tc);
        clearSlot(secondSlot(threadId), tc);
        if (slots[QUICK] == tc) setQuick(null);
    }

    /** Empties {@code slot} if it holds {@code tc} (a reclaimed or adopted cache). */
    private void clearSlot(int slot, ThreadCache tc) {
        if (slots[slot] == tc) slots[slot] = null;
        if (frontSlots != null && tc.front != null && frontSlots[slot] == tc.front) frontSlots[slot] = null;
    }

    private ThreadCache getSlow(Thread t) {
        int second = secondSlot(t.threadId());
        ThreadCache found = ownedAt(second, t);
        if (found != null) return found;
        ThreadCache tc = local.get();
        if (tc == null) {
            tc = adoptEnded(t);
            if (tc == null) {
                tc = newOwnedCache(t);
                live.add(tc);
                boolean reclaim;
                synchronized (this) {
                    reclaim = ++createdSinceReclaim >= RECLAIM_EVERY;
                }
                if (reclaim) reclaimDead();
            }
            local.set(tc);
        }
        if (!claimSlot(firstSlot(t.threadId()), tc)) claimSlot(second, tc);
        claimQuick(tc);
        return tc;
    }

    /**
     * Gives {@code tc} the {@link #QUICK} slot if nobody holds it or its holder has ended: a racy look
     * first, so that a thread that comes here on every call (both its slots held by live threads) takes
     * no lock while the slot's holder lives. Runs on {@code tc}'s owner (from {@link #getSlow}), and only
     * that thread ever puts itself in {@link #quickOwner}, so past the racy look the holder, if any, is
     * another thread.
     */
    private void claimQuick(ThreadCache tc) {
        if (quickRetired || quickOwner == tc.owner()) return;
        synchronized (this) {
            if (closed || quickRetired) return;
            Thread holder = quickOwner;
            if (holder == null || !holder.isAlive()) {
                setQuick(tc);
            } else { // two threads allocate at once: the slot is retired
                setQuick(null);
                quickRetired = true;
            }
        }
    }

    /**
     * Puts {@code tc} (null: none) in the quick slot, with its front and, last, its owner (see
     * {@link #quickOwner}); under this object's monitor.
     */
    private void setQuick(ThreadCache tc) {
        slots[QUICK] = tc;
        if (frontSlots != null) frontSlots[QUICK] = tc == null ? null : tc.front;
        quickOwner = tc == null ? null : tc.owner();
    }
}
