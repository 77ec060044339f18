package dev.hakmem.internal.small;

import dev.hakmem.internal.PaddedLock;

/**
 * A cache per small class ({@link ClassCache}) plus counters. Either one platform thread's own
 * (touched only by that thread, until it has ended and {@link ThreadCaches#reclaimDead()} drains it),
 * or a stripe shared by virtual threads, used only while its lock ({@link PaddedLock#tryLock}) is held (then
 * {@link #owner()} is null).
 */
public final class ThreadCache extends PaddedLock {
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

    /** Adds {@code other}'s counters to this one's (for reclaimed caches). */
    void addCounters(ThreadCache other) {
        requestedBytes += other.requestedBytes;
        for (int c = 0; c < byClass.length; c++) {
            byClass[c].allocations += other.byClass[c].allocations;
            byClass[c].frees += other.byClass[c].frees;
        }
    }

    /** A counters-only copy (no blocks). */
    ThreadCache copyCounters() {
        int[] caps = new int[byClass.length], batches = new int[byClass.length];
        for (int c = 0; c < byClass.length; c++) {
            caps[c] = byClass[c].capacity;
            batches[c] = byClass[c].batch;
        }
        ThreadCache copy = new ThreadCache(caps, batches, owner);
        copy.addCounters(this);
        return copy;
    }
}
