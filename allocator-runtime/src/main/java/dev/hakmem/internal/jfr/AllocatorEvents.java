package dev.hakmem.internal.jfr;

import dev.hakmem.Tier;
import dev.hakmem.internal.os.MemoryBudget;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import jdk.jfr.FlightRecorder;

/**
 * One allocator's sink for JFR events: its id, its misuse counts, and one method per event that
 * checks whether the event is wanted before it computes anything. The tiers hold it and call it on
 * their slow paths only (see the package description for the cost contract).
 *
 * <p>Until the JVM's Flight Recorder is initialized (a recording started by
 * {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or {@code new Recording()}), every method
 * returns after one volatile load ({@link FlightRecorder#isInitialized()}), before it touches an event
 * class: loading the first event class sets up JFR's metadata, which took 0.6 to 0.9 s on the
 * 2-core machine of the tests, a cost a program that never records must not pay.
 *
 * <p>Misuse counts are kept whether a recording runs or not (an atomic increment when a misuse is
 * refused, which then throws anyway), so that the periodic statistics of a recording started late
 * report every misuse since the allocator was made.
 *
 * <p>Thread-safety: every method may be called by any thread; the only state is the final id and the
 * atomic counters.
 */
public final class AllocatorEvents {
    private static final AtomicLong IDS = new AtomicLong();

    /** A sink for tiers built alone (tests): id 0, no budget (limit and committed read as -1), emits like any other. */
    public static AllocatorEvents unattached() {
        return new AllocatorEvents(0, null);
    }

    private final long id;
    /** The allocator's budget, read for the limit and the committed bytes when an allocation fails; null when unattached. */
    private final MemoryBudget budget;
    private final AtomicLongArray misuses = new AtomicLongArray(MisuseKind.values().length);

    private AllocatorEvents(long id, MemoryBudget budget) {
        this.id = id;
        this.budget = budget;
    }

    /** A sink with the next allocator id of this JVM (1, 2, ...) for the allocator whose budget is {@code budget}. */
    public static AllocatorEvents create(MemoryBudget budget) {
        return new AllocatorEvents(IDS.incrementAndGet(), budget);
    }

    /** This allocator's id in the events. */
    public long id() {
        return id;
    }

    /** Misuses of {@code kind} refused (or, racing double frees, caught) so far. */
    public long misuses(MisuseKind kind) {
        return misuses.get(kind.ordinal());
    }

    // ---------------------------------------------------------------- misuse

    /**
     * Counts a misuse and emits {@link MisuseEvent} for {@code error}, about to be thrown; returns it
     * unchanged, so that a site reads {@code throw events.misuse(Errors.x(...), ...)}.
     *
     * @param tier the block's tier, or null when unknown
     * @param sizeClass the Tiny/Mid class, or -1
     * @param blockSize the class's block size, or 0
     */
    public <E extends RuntimeException> E misuse(E error, MisuseKind kind, String op, long address, Tier tier, int sizeClass,
            long blockSize) {
        misuses.incrementAndGet(kind.ordinal());
        if (!FlightRecorder.isInitialized()) return error;
        MisuseEvent e = new MisuseEvent();
        if (e.shouldCommit()) {
            e.allocatorId = id;
            e.kind = kind.name();
            e.operation = op;
            e.address = address;
            e.tier = tier == null ? "" : tier.name();
            e.sizeClass = sizeClass;
            e.blockSize = blockSize;
            e.message = error.getMessage();
            e.commit();
        }
        return error;
    }

    /** A racing double free caught late (no exception): counted and emitted like {@link #misuse}. */
    public void racingDoubleFree(long address, Tier tier, int sizeClass, long blockSize, String message) {
        misuse(new IllegalStateException(message), MisuseKind.RACING_DOUBLE_FREE, "free", address, tier, sizeClass, blockSize);
    }

    // ---------------------------------------------------------------- memory

    /** Emits {@link OutOfMemoryEvent} for {@code error}, about to leave a malloc of {@code requested} bytes. */
    public void outOfMemory(OutOfMemoryError error, long requested, Tier tier) {
        if (!FlightRecorder.isInitialized()) return;
        OutOfMemoryEvent e = new OutOfMemoryEvent();
        if (!e.shouldCommit()) return;
        e.allocatorId = id;
        e.requestedSize = requested;
        e.tier = tier.name();
        e.memoryLimit = budget == null ? -1 : budget.limit();
        e.committed = budget == null ? -1 : budget.committed();
        e.message = error.getMessage();
        e.commit();
    }

    /** Emits {@link OsRefillEvent}: {@code tier} took {@code bytes} from the OS for a request of {@code requested}. */
    public void osRefill(Tier tier, long bytes, long requested, boolean newMapping) {
        if (!FlightRecorder.isInitialized()) return;
        OsRefillEvent e = new OsRefillEvent();
        if (!e.shouldCommit()) return;
        e.allocatorId = id;
        e.tier = tier.name();
        e.bytes = bytes;
        e.requestedSize = requested;
        e.newMapping = newMapping;
        e.commit();
    }

    /**
     * Begins a {@link MemoryReturnedEvent}; the caller gives the memory back, then ends it with
     * {@link #returned}. Null when the event is disabled (then {@link #returned} does nothing).
     */
    public Object returning() {
        if (!FlightRecorder.isInitialized()) return null;
        MemoryReturnedEvent e = new MemoryReturnedEvent();
        if (!e.isEnabled()) return null;
        e.begin();
        return e;
    }

    /**
     * Ends and commits a {@link MemoryReturnedEvent} begun by {@link #returning} ({@code started}, or
     * null: nothing), unless no byte was given back.
     *
     * @param tier the tier, or null for all of them (close)
     */
    public void returned(Object started, Tier tier, long bytes, String reason) {
        if (!(started instanceof MemoryReturnedEvent e) || bytes <= 0) return;
        e.end();
        if (!e.shouldCommit()) return;
        e.allocatorId = id;
        e.tier = tier == null ? "ALL" : tier.name();
        e.bytes = bytes;
        e.reason = reason;
        e.commit();
    }

    // ---------------------------------------------------------------- thread caches

    /** Begins a {@link ThreadCacheReclaimEvent}, or null when disabled; ended by {@link #reclaimed}. */
    public Object reclaiming() {
        if (!FlightRecorder.isInitialized()) return null;
        ThreadCacheReclaimEvent e = new ThreadCacheReclaimEvent();
        if (!e.isEnabled()) return null;
        e.begin();
        return e;
    }

    /** Ends and commits a {@link ThreadCacheReclaimEvent} begun by {@link #reclaiming} (or null: nothing). */
    public void reclaimed(Object started, Thread ended, long blocks, long bytes) {
        if (!(started instanceof ThreadCacheReclaimEvent e)) return;
        e.end();
        if (!e.shouldCommit()) return;
        e.allocatorId = id;
        e.endedThread = ended;
        e.blocks = blocks;
        e.bytes = bytes;
        e.commit();
    }

    // ---------------------------------------------------------------- allocation samples

    /**
     * Bytes a thread allocates on the sampled slow paths between two consultations of JFR, as a
     * power of two: {@code 1 << SAMPLE_STRIDE_SHIFT}, 4 MiB. Asking JFR costs an event object and,
     * while a recording runs, its throttler: asked at every Large malloc, that took a fifth of
     * midLargeMt's time under any recording (JDK's {@code default} and {@code profile} settings enable
     * the event too). So {@link #sample} only adds while the thread's unsampled bytes stay within one
     * stride, and asks when they cross into the next one, as JFR's own {@code jdk.ObjectAllocationSample}
     * asks only at TLAB refills. Why this large: a native allocator's blocks need not be written, so
     * bytes can be taken far faster than a heap's (midLargeMt takes hundreds of GB a second in 20 KiB
     * blocks); at 512 KiB the asks still cost a tenth of that benchmark's time under a recording.
     */
    public static final int SAMPLE_STRIDE_SHIFT = 22;

    /**
     * Unsampled bytes of the calls that have no thread cache to keep them in (virtual threads' Large
     * calls, Huge calls): {@link #sampleUnowned}. Atomic; those calls take a lock or a system call anyway.
     */
    private final AtomicLong unownedUnsampled = new AtomicLong();

    /**
     * The allocation-sample step of a slow path that took {@code bytes} for the calling thread, whose
     * unsampled bytes are {@code unsampled}: returns the new unsampled bytes, for the caller to keep.
     * While the sum stays within one {@linkplain #SAMPLE_STRIDE_SHIFT stride} that is all it does;
     * when it crosses into the next one it asks JFR: if {@link AllocationSampleEvent} is enabled and
     * the throttle lets a sample through, emits one weighted by the sum and returns 0; if the event is
     * disabled (or no recording ever ran) returns 0; if the throttle refuses, returns the sum, so the
     * next sample weighs everything since the last one.
     *
     * @param sizeClass the Tiny/Mid class, or -1
     */
    public long sample(long unsampled, long bytes, long requested, Tier tier, int sizeClass, long blockSize) {
        long weight = unsampled + bytes;
        if (weight >>> SAMPLE_STRIDE_SHIFT == unsampled >>> SAMPLE_STRIDE_SHIFT) return weight;
        return sampleNow(weight, requested, tier, sizeClass, blockSize);
    }

    /**
     * {@link #sample} for a call without a thread cache to keep its unsampled bytes in: they are
     * kept per allocator, in one atomic counter.
     */
    public void sampleUnowned(long bytes, long requested, Tier tier) {
        long unsampled = unownedUnsampled.getAndAdd(bytes);
        long weight = unsampled + bytes;
        if (weight >>> SAMPLE_STRIDE_SHIFT == unsampled >>> SAMPLE_STRIDE_SHIFT) return;
        long left = sampleNow(weight, requested, tier, -1, requested);
        unownedUnsampled.addAndGet(left - weight); // racing calls' bytes stay counted
    }

    /** Asks JFR for a sample weighing {@code weight} bytes: see {@link #sample}. */
    private long sampleNow(long weight, long requested, Tier tier, int sizeClass, long blockSize) {
        if (!FlightRecorder.isInitialized()) return 0;
        AllocationSampleEvent e = new AllocationSampleEvent();
        if (!e.isEnabled()) return 0;
        if (!e.shouldCommit()) return weight;
        e.allocatorId = id;
        e.requestedSize = requested;
        e.tier = tier.name();
        e.sizeClass = sizeClass;
        e.blockSize = blockSize;
        e.weight = weight;
        e.commit();
        return 0;
    }
}
