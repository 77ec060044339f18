package dev.hakmem.internal.small;

/**
 * One thread's caches, one {@link ClassCache} per small class, plus its counters. Reached through
 * {@link ThreadCaches} and touched only by its thread, until the thread has ended and
 * {@link ThreadCaches#reclaimDead()} drains it.
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
