package dev.hakmem.internal.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock-free stack of addresses behind the reservation's and the span sources' free lists. */
class AddressStackTest {

    @Test
    void popsLastInFirstOutAndTakesAllTopFirst() {
        AddressStack s = new AddressStack();
        assertTrue(s.isEmpty());
        assertEquals(0, s.pop(), "empty: 0");
        s.push(16);
        s.push(32);
        s.push(48);
        assertEquals(48, s.pop());
        assertArrayEquals(new long[] {32, 16}, s.takeAll());
        assertTrue(s.isEmpty());
        assertArrayEquals(new long[0], s.takeAll());
    }

    /** Threads push and pop at once: every address pushed is popped exactly once. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noAddressIsLostOrPoppedTwiceUnderRaces() throws InterruptedException {
        AddressStack s = new AddressStack();
        int threads = 4, each = 100_000;
        BitSet[] seen = new BitSet[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            seen[t] = new BitSet();
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= each; i++) {
                    s.push((long) id * each + i);
                    long p = s.pop();
                    if (p != 0) {
                        synchronized (seen[id]) {
                            seen[id].set((int) p);
                        }
                    }
                }
            }));
        }
        for (Thread w : workers) w.join();
        BitSet all = new BitSet();
        int popped = 0;
        for (BitSet b : seen) {
            popped += b.cardinality();
            all.or(b);
        }
        for (long p : s.takeAll()) {
            popped++;
            all.set((int) p);
        }
        assertEquals(threads * each, popped, "an address was lost or popped twice");
        assertEquals(threads * each, all.cardinality(), "an address was lost");
    }
}
