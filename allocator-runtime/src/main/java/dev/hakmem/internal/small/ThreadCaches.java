package dev.hakmem.internal.small;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Finds the calling thread's {@link ThreadCache} quickly.
 *
 * <p>{@code ThreadLocal.get()} costs about 3 ns here (a hash probe through a weak-reference
 * table), as much as the whole rest of a Tiny malloc. So the front first looks in a small direct-mapped
 * table indexed by {@code threadId & MASK}: one array load and one identity compare of the cache's
 * owner with {@code Thread.currentThread()}. Only when that misses (first call of a thread, or two
 * live threads whose ids collide) does it fall back to the {@code ThreadLocal}, and it then claims the
 * slot if the slot is empty or its owner has died.
 *
 * <p>Memory-ordering contract: {@code slots} entries are written with plain stores by the thread that
 * owns the cache and read with plain loads by any thread. A reader uses an entry only if the entry's
 * {@code owner} is the reader itself; {@code owner} is final, so a racy read sees it correctly
 * initialised (final-field semantics), and a thread only ever sees its own cache pass the test. A
 * lost race between two threads claiming one slot only costs the loser the slower path.
 */
public final class ThreadCaches {
    private static final int SLOTS = 1024;
    private static final int MASK = SLOTS - 1;

    private final ThreadCache[] slots = new ThreadCache[SLOTS];
    private final ThreadLocal<ThreadCache> local = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<ThreadCache> all = new ConcurrentLinkedQueue<>();
    private final int[] capacities, batches;

    public ThreadCaches(int[] capacities, int[] batches) {
        this.capacities = capacities.clone();
        this.batches = batches.clone();
    }

    /** The calling thread's cache. */
    public ThreadCache get() {
        Thread t = Thread.currentThread();
        ThreadCache tc = slots[(int) t.threadId() & MASK];
        if (tc != null && tc.owner() == t) return tc;
        return getSlow(t);
    }

    /** Every cache ever created (for statistics). */
    public Iterable<ThreadCache> all() {
        return all;
    }

    private ThreadCache getSlow(Thread t) {
        ThreadCache tc = local.get();
        if (tc == null) {
            tc = new ThreadCache(capacities, batches, t);
            local.set(tc);
            all.add(tc);
        }
        int slot = (int) t.threadId() & MASK;
        ThreadCache current = slots[slot];
        if (current == null || !current.owner().isAlive()) slots[slot] = tc;
        return tc;
    }
}
