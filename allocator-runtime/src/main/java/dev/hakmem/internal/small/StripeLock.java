package dev.hakmem.internal.small;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Padding before the lock word, so that two stripes' locks never share a cache line. */
abstract class StripeLockPadBefore {
    @SuppressWarnings("unused") private long p00, p01, p02, p03, p04, p05, p06, p07;
}

/**
 * The try-lock of a shared {@link ThreadCache} stripe (used by virtual threads), padded on both sides
 * (JCTools style: superclass fields are laid out first, so the chain keeps the lock word apart from
 * neighbouring objects and from the cache's own fields).
 *
 * <p>Memory-ordering contract: {@link #tryLock} is a CAS 0 -> 1 with acquire semantics (volatile),
 * {@link #unlock} a release store of 0; everything the holder wrote into the cache's plain fields is
 * visible to the next holder.
 */
abstract class StripeLock extends StripeLockPadBefore {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(StripeLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while a thread holds the stripe. */
    @SuppressWarnings("unused") private volatile int locked;

    /** Takes the lock if it is free; never blocks. */
    public final boolean tryLock() {
        return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    /** Releases the lock taken by {@link #tryLock}. */
    public final void unlock() {
        LOCKED.setRelease(this, 0);
    }
}

/** Padding after the lock word. */
abstract class StripeLockPadAfter extends StripeLock {
    @SuppressWarnings("unused") private long p10, p11, p12, p13, p14, p15, p16, p17;
}
