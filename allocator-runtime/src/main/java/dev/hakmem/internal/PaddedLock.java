package dev.hakmem.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Padding before the lock word, so that two locks never share a cache line. {@code gapFill} takes the
 * 4 bytes after the compressed object header, which the JVM (since JDK 15) gives to a subclass's
 * {@code int} or reference otherwise: the lock word sat there, at offset 12, ahead of the padding.
 */
abstract class PaddedLockPadBefore {
    @SuppressWarnings("unused") private int gapFill;
    @SuppressWarnings("unused") private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The lock word of {@link PaddedLock}. */
abstract class PaddedLockWord extends PaddedLockPadBefore {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(PaddedLockWord.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while a thread holds the lock. */
    @SuppressWarnings("unused") private volatile int locked;

    /** Takes the lock if it is free; never blocks. */
    public final boolean tryLock() {
        return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    /** Takes the lock, waiting as long as it takes ({@link SpinLock#backOff}). */
    public final void lock() {
        if (!tryLock()) lockSlow();
    }

    private void lockSlow() {
        for (int round = 0; !tryLock(); round++) SpinLock.backOff(round);
    }

    /** Releases the lock (taken by this or, for hand-offs, another thread). */
    public final void unlock() {
        LOCKED.setRelease(this, 0);
    }
}

/**
 * A test-and-set lock word padded on both sides (JCTools style: superclass fields are laid out first,
 * so the chain keeps the word apart from neighbouring objects and from the subclass's own fields).
 * Subclasses are the objects the lock guards: a shared thread-cache stripe, a Large arena.
 *
 * <p>Memory-ordering contract: taking the lock is a CAS 0 -> 1 (volatile, so acquire), releasing it
 * a release store of 0; everything a holder wrote is visible to the next holder. Not reentrant, not
 * fair, not interruptible: meant for short critical sections that never wait for another lock.
 */
public abstract class PaddedLock extends PaddedLockWord {
    @SuppressWarnings("unused") private long p10, p11, p12, p13, p14, p15, p16, p17;
}
