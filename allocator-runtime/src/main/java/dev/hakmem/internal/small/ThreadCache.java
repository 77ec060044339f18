package dev.hakmem.internal.small;

/**
 * One thread's caches, one {@link ClassCache} per small class, plus its counters. Reached through a
 * {@code ThreadLocal} and touched only by its thread (a dead thread's cache may be drained by
 * another thread once {@link Thread#isAlive()} has returned false, which orders it after the
 * thread's last action).
 */
public final class ThreadCache {
    public final ClassCache[] byClass;
    /** Cumulative bytes asked for by this thread (statistics; plain). */
    public long requestedBytes;
    private final Thread owner;

    public ThreadCache(int[] capacities, int[] batches, Thread owner) {
        this.byClass = new ClassCache[capacities.length];
        for (int c = 0; c < capacities.length; c++) byClass[c] = new ClassCache(capacities[c], batches[c]);
        this.owner = owner;
    }

    public Thread owner() { return owner; }
}
