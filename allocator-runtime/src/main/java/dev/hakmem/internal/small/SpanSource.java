package dev.hakmem.internal.small;

import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.OsMemory;
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
 */
public final class SpanSource {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(SpanSource.class, "head", FreeSpan.class);
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
        budget.charge(requested, spanSize);
        try {
            FreeSpan top;
            while ((top = (FreeSpan) HEAD.getVolatile(this)) != null) {
                if (HEAD.compareAndSet(this, top, top.next())) return top.address();
            }
            long chunk = reservation.acquireChunk(requested, false);
            // Once per chunk: push the other spans one by one (at most 63 uncontended CASes).
            for (long span = chunk + Reservation.CHUNK_SIZE - spanSize; span > chunk; span -= spanSize) push(span);
            return chunk;
        } catch (RuntimeException | Error e) {
            budget.release(spanSize);
            throw e;
        }
    }

    /** Returns a span that was acquired and never written. */
    public void release(long span) {
        push(span);
        budget.release(spanSize);
    }

    /** Returns a span whose blocks are all free: its pages go back to the OS. */
    public void releaseToOs(long span) {
        OsMemory.decommit(span, spanSize);
        release(span);
    }

    private void push(long span) {
        FreeSpan top;
        do {
            top = (FreeSpan) HEAD.getVolatile(this);
        } while (!HEAD.compareAndSet(this, top, new FreeSpan(span, top)));
    }
}
