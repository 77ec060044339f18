package dev.hakmem.internal.small;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small pool of free objects handed between threads: the {@code long[]} arrays that carry batches
 * of one class to and from the shared pool (a virtual-thread stripe's overflow), so that those
 * transfers make less Java garbage. (Inbox nodes, which carry remote frees, are recycled without a
 * bound instead: {@link CentralFreeList#takeNodes}.) An object is taken by the thread that fills it
 * and given back by the thread that empties it (whoever pops the batch and copies it out). When the pool is empty, {@link #take} returns null and the
 * caller makes a new object; when it is full, a given object is left to the garbage collector; so the
 * pool only ever saves work.
 *
 * <p>Concurrency: a fixed array of {@value #SLOTS} slots, each null or a free object, changed only by
 * CAS ({@code null -> object} to give, {@code object -> null} to take). There is no ABA hazard: a
 * slot's value is the pooled object itself, so a taker that wins its CAS holds an object that was
 * free at that instant, whatever happened to the slot in between. The CAS orders the giver's last use
 * of the object before the taker's first. A thread starts probing at a slot derived from its id, so
 * threads mostly touch different slots.
 */
final class SlotPool<T> {
    static final int SLOTS = 16;

    private final AtomicReferenceArray<T> slots = new AtomicReferenceArray<>(SLOTS);

    /** A free pooled object, or null when there is none. */
    T take() {
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int s = (start + i) & (SLOTS - 1);
            T o = slots.getPlain(s);
            if (o != null && slots.compareAndSet(s, o, null)) return o;
        }
        return null;
    }

    /** Gives back an object nobody else holds any more; dropped when every slot is taken. */
    void give(T o) {
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int s = (start + i) & (SLOTS - 1);
            if (slots.getPlain(s) == null && slots.compareAndSet(s, null, o)) return;
        }
    }

    private static int start() {
        return (int) (Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L >>> 60);
    }
}
