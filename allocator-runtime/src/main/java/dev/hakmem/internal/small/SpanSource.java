package dev.hakmem.internal.small;

import dev.hakmem.Tier;
import dev.hakmem.internal.jfr.AllocatorEvents;
import dev.hakmem.internal.os.AddressStack;
import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import java.util.function.LongConsumer;

/**
 * Hands out spans of one size (64 KiB Tiny slabs or 512 KiB Mid spans), aligned to their size, by
 * cutting 4 MiB chunks of the {@link Reservation}. The budget is charged per span in use, so a span
 * given back under memory pressure ({@link #releaseToOs}) stops counting at once.
 *
 * <p>Lock-free: free spans sit on an {@link AddressStack}. When the stack is empty a new chunk is taken; its first span
 * is returned and the rest are pushed.
 *
 * <p>A span whose pages the OS refuses to take back ({@code madvise} fails in {@link #releaseToOs})
 * is still resident, so it stays charged: it is zeroed by hand (so that it reads as zero like any
 * span handed out) and kept on a second stack, of <em>resident</em> spans, which {@link #acquire}
 * hands out first, with no new charge. Every later {@link #releaseToOs} tries to give those back
 * again. Invariant: the budget holds {@link #spanSize} for every span handed out and every resident
 * span, and for nothing on the free stack.
 *
 * <p>Memory is reused across tiers before the process grows: a span from the free stack or a fresh
 * chunk is memory the process does not hold yet, so before handing one out the source asks the Large
 * tier to give back as many of the free bytes it keeps resident for reuse (its retained cache, up to
 * {@code AllocatorConfig.largeRetainedBytes}) to the OS ({@code beforeGrowth}). A native allocator gets
 * this for free, its small pages and large blocks being carved from one page heap; here the tiers'
 * memory is apart, and without it a program whose small blocks grow while its large ones shrink holds
 * both peaks at once (mstress: 5-7 MiB of freed Large blocks kept beside 10-14 MiB of live blocks at
 * the peak of committed memory, docs/BENCHMARKS-HISTORY.md, session 64). The Large tier pays with page
 * faults when it grows again, which its retained cache was there to spare; it only loses what the
 * small tiers took, and a program whose small tiers do not grow keeps the whole cache.
 */
public final class SpanSource {
    private final Reservation reservation;
    private final MemoryBudget budget;
    private final long spanSize;
    /** Free spans: uncharged, holding no resident pages. */
    private final AddressStack free = new AddressStack();
    /** Spans the OS refused to decommit: charged, resident and zeroed. */
    private final AddressStack resident = new AddressStack();
    /** Where a span charged anew is reported ({@code dev.hakmem.OsRefill}), as a span of {@link #tier}. */
    private final AllocatorEvents events;
    private final Tier tier;
    /**
     * Called with {@link #spanSize} before a span that is not resident is handed out (the process is
     * about to grow by that much), so that memory other tiers keep free but resident is given back
     * first ({@code LargeTier#yieldRetained}): see the class description.
     */
    private final LongConsumer beforeGrowth;

    /** A source reporting to a sink of its own (tests): its spans are named Tiny. */
    public SpanSource(Reservation reservation, MemoryBudget budget, int spanShift) {
        this(reservation, budget, spanShift, AllocatorEvents.unattached(), Tier.TINY, bytes -> {});
    }

    /**
     * @param events where spans charged anew are reported, as spans of {@code tier}
     * @param beforeGrowth told the bytes before a span that is not resident is handed out; it may take
     *        locks of the Large tier's arenas, never of this tier
     */
    public SpanSource(Reservation reservation, MemoryBudget budget, int spanShift, AllocatorEvents events, Tier tier,
            LongConsumer beforeGrowth) {
        this.reservation = reservation;
        this.budget = budget;
        this.spanSize = 1L << spanShift;
        this.events = events;
        this.tier = tier;
        this.beforeGrowth = beforeGrowth;
    }

    public long spanSize() { return spanSize; }

    /**
     * A span that reads as zero where never written, charged to the budget; throws OutOfMemoryError
     * naming {@code requested}.
     */
    public long acquire(long requested) {
        long kept = resident.pop();
        if (kept != 0) return kept; // charged since its decommit was refused
        beforeGrowth.accept(spanSize);
        budget.charge(requested, spanSize);
        try {
            long reused = free.pop();
            if (reused != 0) {
                events.osRefill(tier, spanSize, requested, false);
                return reused;
            }
            long chunk = reservation.acquireChunk(requested, false);
            // Once per chunk: push the other spans one by one (at most 63 uncontended CASes).
            for (long span = chunk + Reservation.CHUNK_SIZE - spanSize; span > chunk; span -= spanSize) free.push(span);
            events.osRefill(tier, spanSize, requested, true);
            return chunk;
        } catch (RuntimeException | Error e) {
            budget.release(spanSize);
            throw e;
        }
    }

    /**
     * Returns a span that was acquired and never written. (If it was a resident span, its pages stay
     * resident on the free stack, uncharged, until it is next released to the OS: they read as zero,
     * and this happens only after a refused decommit and a lost race for a fresh slab.)
     */
    public void release(long span) {
        free.push(span);
        budget.release(spanSize);
    }

    /**
     * Returns a span whose blocks are all free: its pages go back to the OS and it is uncharged. If the
     * OS refuses, it stays charged and resident, is zeroed and kept for {@link #acquire} (see the class
     * description); spans kept so before are offered to the OS again first.
     */
    public void releaseToOs(long span) {
        releaseResident();
        int rc = reservation.decommit(span, spanSize);
        if (rc == 0) {
            release(span);
            return;
        }
        RefusedReleases.report("a free span stays resident and charged, zeroed by hand, and is reused first", span, spanSize, rc);
        RawMemory.zero(reservation.memory(), span, spanSize);
        resident.push(span);
    }

    /**
     * Offers every resident span (one the OS refused to decommit) to the OS again; those it takes are
     * uncharged and go onto the free stack, those it still refuses stay resident. Returns the bytes
     * uncharged. Run by every {@link #releaseToOs}; the memory-pressure path may call it as well.
     */
    public long releaseResident() {
        if (resident.isEmpty()) return 0; // the common case: one load, no write
        long released = 0;
        for (long span : resident.takeAll()) {
            if (reservation.decommit(span, spanSize) == 0) {
                release(span);
                released += spanSize;
            } else {
                resident.push(span); // already zero: nothing was written to it since
            }
        }
        return released;
    }
}
