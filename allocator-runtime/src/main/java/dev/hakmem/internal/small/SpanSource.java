package dev.hakmem.internal.small;

import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Hands out spans of one size (64 KiB Tiny slabs or 512 KiB Mid spans), aligned to their size, by
 * cutting 4 MiB chunks of the {@link Reservation}. The budget is charged per span in use, so a span
 * given back under memory pressure ({@link #releaseToOs}) stops counting at once.
 *
 * <p>Lock-free: free spans sit on a Treiber stack of immutable nodes (never reused after a pop, so
 * the garbage collector rules out ABA). When the stack is empty a new chunk is taken; its first span
 * is returned and the rest are pushed.
 *
 * <p>A span whose pages the OS refuses to take back ({@code madvise} fails in {@link #releaseToOs})
 * is still resident, so it stays charged: it is zeroed by hand (so that it reads as zero like any
 * span handed out) and kept on a second stack, of <em>resident</em> spans, which {@link #acquire}
 * hands out first, with no new charge. Every later {@link #releaseToOs} tries to give those back
 * again. Invariant: the budget holds {@link #spanSize} for every span handed out and every resident
 * span, and for nothing on the free stack.
 */
public final class SpanSource {
    private static final VarHandle HEAD, RESIDENT;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(SpanSource.class, "head", FreeSpan.class);
            RESIDENT = MethodHandles.lookup().findVarHandle(SpanSource.class, "resident", FreeSpan.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private record FreeSpan(long address, FreeSpan next) {}

    private final Reservation reservation;
    private final MemoryBudget budget;
    private final long spanSize;
    /** Top of the free-span stack. CAS only. Free spans are uncharged and hold no resident pages. */
    @SuppressWarnings("unused") private volatile FreeSpan head;
    /** Top of the stack of spans the OS refused to decommit. CAS only. They are charged, resident and zeroed. */
    @SuppressWarnings("unused") private volatile FreeSpan resident;

    public SpanSource(Reservation reservation, MemoryBudget budget, int spanShift) {
        this.reservation = reservation;
        this.budget = budget;
        this.spanSize = 1L << spanShift;
    }

    public long spanSize() { return spanSize; }

    /**
     * A span that reads as zero where never written, charged to the budget; throws OutOfMemoryError
     * naming {@code requested}.
     */
    public long acquire(long requested) {
        long kept = pop(RESIDENT);
        if (kept != 0) return kept; // charged since its decommit was refused
        budget.charge(requested, spanSize);
        try {
            long free = pop(HEAD);
            if (free != 0) return free;
            long chunk = reservation.acquireChunk(requested, false);
            // Once per chunk: push the other spans one by one (at most 63 uncontended CASes).
            for (long span = chunk + Reservation.CHUNK_SIZE - spanSize; span > chunk; span -= spanSize) push(span);
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
        push(span);
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
        push(RESIDENT, span);
    }

    /**
     * Offers every resident span (one the OS refused to decommit) to the OS again; those it takes are
     * uncharged and go onto the free stack, those it still refuses stay resident. Returns the bytes
     * uncharged. Run by every {@link #releaseToOs}; the memory-pressure path may call it as well.
     */
    public long releaseResident() {
        if (RESIDENT.getVolatile(this) == null) return 0; // the common case: one load, no write
        long released = 0;
        for (FreeSpan s = (FreeSpan) RESIDENT.getAndSet(this, null); s != null; s = s.next()) {
            if (reservation.decommit(s.address(), spanSize) == 0) {
                release(s.address());
                released += spanSize;
            } else {
                push(RESIDENT, s.address()); // already zero: nothing was written to it since
            }
        }
        return released;
    }

    private void push(long span) {
        push(HEAD, span);
    }

    /** Pushes {@code span} on the stack whose top {@code stack} points to. */
    private void push(VarHandle stack, long span) {
        FreeSpan top;
        do {
            top = (FreeSpan) stack.getVolatile(this);
        } while (!stack.compareAndSet(this, top, new FreeSpan(span, top)));
    }

    /** Pops the top of the stack whose top {@code stack} points to; 0 if it is empty (no span is at address 0). */
    private long pop(VarHandle stack) {
        FreeSpan top;
        while ((top = (FreeSpan) stack.getVolatile(this)) != null) {
            if (stack.compareAndSet(this, top, top.next())) return top.address();
        }
        return 0;
    }
}
