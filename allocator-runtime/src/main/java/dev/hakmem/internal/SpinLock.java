package dev.hakmem.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A test-and-set lock without padding, for objects that one thread uses almost alone (an owner's
 * spill, which other threads lock only under memory pressure or to reclaim it): a lock that threads
 * take at the same time belongs in a {@link PaddedLock}. Unpadded, a spill is 32 bytes instead of 160,
 * which counts where there is one per size class and thread: a platform thread's cache is 16.6 KB of
 * Java heap instead of 22.2 KB (docs/BENCHMARKS-HISTORY.md, session 31).
 *
 * <p>The lock word is the inherited {@link AtomicInteger}'s value (1 while a thread holds the lock),
 * which gives this class its int and its memory-ordering operations without a field or a
 * {@code VarHandle} of its own; nothing else may change it.
 *
 * <p>Memory-ordering contract: taking the lock is a CAS 0 -> 1 (volatile, so acquire), releasing it
 * a release store of 0; everything a holder wrote is visible to the next holder. Not reentrant, not
 * fair, not interruptible: meant for short critical sections that never wait for another lock.
 */
@SuppressWarnings("serial") // never serialised
public abstract class SpinLock extends AtomicInteger {
    /** Takes the lock if it is free; never blocks. */
    public final boolean tryLock() {
        return getOpaque() == 0 && compareAndSet(0, 1);
    }

    /** Takes the lock, waiting as long as it takes ({@link #backOff}). */
    public final void lock() {
        for (int round = 0; !tryLock(); round++) backOff(round);
    }

    /** Releases the lock (taken by this or, for hand-offs, another thread). */
    public final void unlock() {
        setRelease(0);
    }

    /** The wait after the {@code round}-th failed attempt to take a lock: spins briefly, then yields, then parks for short intervals. */
    static void backOff(int round) {
        if (round < 64) Thread.onSpinWait();
        else if (round < 128) Thread.yield();
        else LockSupport.parkNanos(20_000);
    }
}
