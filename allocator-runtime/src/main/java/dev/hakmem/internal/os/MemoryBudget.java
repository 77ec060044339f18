package dev.hakmem.internal.os;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the bytes an allocator holds from the OS (committed chunks plus Huge mappings) against its
 * memory limit.
 *
 * <p>Ordering: {@code committed} is an {@link AtomicLong}; a charge is a CAS loop, so concurrent
 * charges never overshoot the limit together.
 */
public final class MemoryBudget {
    private final long limit;
    private final AtomicLong committed = new AtomicLong();
    private volatile Runnable reclaimer = () -> {};
    private volatile Runnable lockSafeReclaimer = () -> {};

    public MemoryBudget(long limit) {
        this.limit = limit;
    }

    /** Charges {@code bytes}; false (and nothing charged) if that would pass the limit. */
    public boolean tryCharge(long bytes) {
        while (true) {
            long c = committed.get();
            long n = c + bytes;
            if (n < c || n > limit) return false;
            if (committed.compareAndSet(c, n)) return true;
        }
    }

    /**
     * Sets what {@link #charge} runs when the limit is reached: something that gives cached memory
     * back (and {@link #release}s it), such as dropping freed Large pages and retained Huge mappings.
     * It may run on any allocating thread and must not charge.
     */
    public void setReclaimer(Runnable reclaimer) {
        this.reclaimer = reclaimer;
    }

    /**
     * Charges {@code bytes} needed for a request of {@code requested} bytes; when that would pass the
     * limit, first lets the reclaimer give cached memory back, then tries once more. Throws
     * {@link OutOfMemoryError} (nothing charged) if it still does not fit.
     */
    public void charge(long requested, long bytes) {
        if (tryCharge(bytes)) return;
        reclaimer.run();
        if (!tryCharge(bytes)) throw limitError(requested, bytes);
    }

    /**
     * Sets what {@link #tryChargeOrReclaim} runs when the limit is reached: something that gives cached
     * memory back while the caller holds a tier's lock, so it must take none of those locks (the Huge
     * tier's retained mappings, under that tier's own monitor).
     */
    public void setLockSafeReclaimer(Runnable reclaimer) {
        this.lockSafeReclaimer = reclaimer;
    }

    /**
     * {@link #tryCharge}, for a caller holding a tier's lock: when {@code bytes} would pass the limit,
     * first lets the lock-safe reclaimer give memory back ({@link #setLockSafeReclaimer}), then tries
     * once more. False, nothing charged, if it still does not fit.
     */
    public boolean tryChargeOrReclaim(long bytes) {
        if (tryCharge(bytes)) return true;
        lockSafeReclaimer.run();
        return tryCharge(bytes);
    }

    /** Gives back bytes charged before. */
    public void release(long bytes) {
        committed.addAndGet(-bytes);
    }

    public long committed() { return committed.get(); }

    public long limit() { return limit; }

    /** The error for a request of {@code requested} bytes that needed {@code needed} more bytes from the OS. */
    public OutOfMemoryError limitError(long requested, long needed) {
        return new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: it needs " + needed
                + " more bytes from the OS, but the memory limit is " + limit + " bytes and " + committed()
                + " are committed (AllocatorConfig.memoryLimit)");
    }
}
