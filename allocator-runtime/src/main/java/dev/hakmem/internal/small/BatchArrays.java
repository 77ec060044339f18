package dev.hakmem.internal.small;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Recycles the {@code long[]} arrays that carry batches of one class between threads, so that the
 * steady state of remote frees and of virtual-thread stripes makes no Java garbage per batch but the
 * {@link BatchStack.Batch} node (16-24 bytes; nodes cannot be reused, see {@link BatchStack}).
 *
 * <p>A batch's array is taken here by the thread that fills it (an outbox, a stripe's overflow) and
 * given back by the thread that empties it (whoever pops the batch and copies it out). Only arrays of
 * exactly the class's batch length are kept; any other is left to the garbage collector, and when
 * the pool is empty a new array is made, so the pool only ever saves work.
 *
 * <p>Concurrency: a fixed array of {@value #SLOTS} slots, each null or a free array, changed only by
 * CAS ({@code null -> array} to give, {@code array -> null} to take). There is no ABA hazard: a slot's
 * value is the pooled array itself, so a taker that wins its CAS holds an array that was free at that
 * instant, whatever happened to the slot in between. The CAS orders the giver's last use of the array
 * (a copy out) before the taker's first write. A thread starts probing at a slot derived from its id,
 * so threads mostly touch different slots.
 */
final class BatchArrays {
    static final int SLOTS = 16;

    private final int length;
    private final AtomicReferenceArray<long[]> slots = new AtomicReferenceArray<>(SLOTS);

    BatchArrays(int length) {
        this.length = length;
    }

    /** A free array of the batch length: a pooled one, or a new one. */
    long[] take() {
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int s = (start + i) & (SLOTS - 1);
            long[] a = slots.getPlain(s);
            if (a != null && slots.compareAndSet(s, a, null)) return a;
        }
        return new long[length];
    }

    /** Gives back an array nobody else holds any more (its content is not read again); others are dropped. */
    void give(long[] a) {
        if (a.length != length) return;
        int start = start();
        for (int i = 0; i < SLOTS; i++) {
            int s = (start + i) & (SLOTS - 1);
            if (slots.getPlain(s) == null && slots.compareAndSet(s, null, a)) return;
        }
    }

    private static int start() {
        return (int) (Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L >>> 60);
    }
}
