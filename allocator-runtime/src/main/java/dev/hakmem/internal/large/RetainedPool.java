package dev.hakmem.internal.large;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The tier-wide retained limit ({@code AllocatorConfig.largeRetainedBytes}) as a pool that the
 * arenas borrow from: an arena may keep as many dirty free bytes as its <em>allowance</em>, and grows
 * its allowance by taking bytes from here when a free would pass it.
 *
 * <p>Why not a fixed share per arena: the tier used to split the limit evenly (64 MiB over the 4
 * arenas of a 2-processor machine is 16 MiB each), so a single thread, which only ever uses its own
 * arena, could cache a quarter of the limit. A working set of a few dozen blocks of up to 2 MiB
 * passes that all the time, and every free then decommitted runs or gave back a whole chunk that the
 * next allocations faulted in again (a madvise every few operations, a page fault on nearly every
 * touch: ten times slower than an allocator that keeps the pages). Borrowing lets one busy arena
 * use the whole limit while keeping the total bounded.
 *
 * <p>Thread caches borrow too ({@link LargeCache#borrowed}: room for cached blocks beyond their base),
 * but only while at least half the limit is left here, so the arenas can always get half of it.
 *
 * <p>Invariant: {@link #available} plus the allowances of all arenas and the caches' borrowed bytes
 * is the limit, since every change is a transfer between the pool and one arena's allowance (made
 * under that arena's lock) or one cache's borrowed bytes (made by the cache's owner). An arena
 * keeps its dirty free bytes within its allowance whenever its lock is free, so the tier as a whole
 * never keeps more than the limit.
 *
 * <p>Fairness: an arena that cannot grow to its {@link #fairShare} (the pool is lent out) asks the
 * tier to shrink the arenas holding more than the fair share down to it, which puts the excess back
 * here for the next free of the asking arena to take.
 *
 * <p>Thread safety: {@link #available} is changed only by atomic read-modify-write operations; it
 * guards no other memory (the pages behind an allowance are the owning arena's, under its lock), so
 * no ordering beyond atomicity is needed. It is touched only when an allowance changes, not in the
 * steady state, so it needs no padding against false sharing.
 */
final class RetainedPool {
    private static final VarHandle AVAILABLE;

    static {
        try {
            AVAILABLE = MethodHandles.lookup().findVarHandle(RetainedPool.class, "available", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long limit;
    private final long fairShare;
    @SuppressWarnings("unused") // through AVAILABLE
    private volatile long available;

    RetainedPool(long limit, int arenas) {
        this.available = limit;
        this.limit = limit;
        this.fairShare = limit / arenas;
    }

    /** Takes up to {@code wanted} bytes out of the pool; returns how many it got (possibly 0). */
    long take(long wanted) {
        long have, got;
        do {
            have = (long) AVAILABLE.getVolatile(this);
            got = Math.min(have, wanted);
            if (got <= 0) return 0;
        } while (!AVAILABLE.compareAndSet(this, have, have - got));
        return got;
    }

    /** Puts {@code bytes} of an allowance back. */
    void give(long bytes) {
        if (bytes > 0) AVAILABLE.getAndAdd(this, bytes);
    }

    /** The retained limit: the pool's size. */
    long limit() { return limit; }

    /** The limit over the arena count: what every arena can count on keeping. */
    long fairShare() { return fairShare; }

    /** Bytes no arena has borrowed (a snapshot). */
    long available() { return (long) AVAILABLE.getVolatile(this); }
}
