package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The slot pool that recycles batch arrays and nodes: reuse, a full pool, and that no object is ever held by two takers. */
class SlotPoolTest {

    @Test
    void aGivenObjectIsTakenAgain() {
        SlotPool<long[]> pool = new SlotPool<>();
        assertEquals(null, pool.take(), "an empty pool has nothing");
        long[] a = new long[32];
        pool.give(a);
        assertSame(a, pool.take(), "the array given back is reused");
        assertEquals(null, pool.take());
    }

    @Test
    void aFullPoolDropsWhatItCannotKeep() {
        SlotPool<long[]> pool = new SlotPool<>();
        List<long[]> given = new ArrayList<>();
        for (int i = 0; i < SlotPool.SLOTS + 5; i++) {
            long[] a = new long[4];
            given.add(a);
            pool.give(a);
        }
        java.util.Set<long[]> taken = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < SlotPool.SLOTS + 5; i++) {
            long[] t = pool.take();
            if (t != null) taken.add(t);
        }
        long reused = given.stream().filter(taken::contains).count();
        assertEquals(SlotPool.SLOTS, reused, "the pool keeps exactly its slots' worth");
    }

    /**
     * Threads take arrays, stamp them with their own id in every element, check the stamp is intact
     * after a pause, and give them back: an array handed to two takers at once would show another
     * thread's stamp.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noArrayIsEverHeldByTwoThreads() throws InterruptedException {
        SlotPool<long[]> pool = new SlotPool<>();
        AtomicReference<String> wrong = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 1; t <= 4; t++) {
            long id = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 200_000 && wrong.get() == null; round++) {
                    long[] a = pool.take();
                    if (a == null) a = new long[16];
                    java.util.Arrays.fill(a, id);
                    Thread.onSpinWait();
                    for (long v : a) {
                        if (v != id) wrong.compareAndSet(null, "thread " + id + " found " + v + " in an array it held");
                    }
                    pool.give(a);
                }
            }));
        }
        for (Thread t : threads) t.join();
        assertEquals(null, wrong.get());
    }
}
