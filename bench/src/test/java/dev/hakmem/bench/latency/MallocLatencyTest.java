package dev.hakmem.bench.latency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.Xorshift32;
import dev.hakmem.bench.peers.Peers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The latency benchmarks' bodies without JMH, on glibc (always there): the steps, sizes and checks. */
class MallocLatencyTest {
    @Test
    void slotLoopsMallocAndFreeWithinTheirSizes() {
        for (boolean midLarge : new boolean[] {false, true}) {
            MallocLatency.SlotSteps s = new MallocLatency.SlotSteps("glibc", Peers.create("glibc"), midLarge);
            int occupied = 0;
            for (long p : s.slots) if (p != 0) occupied++;
            assertTrue(occupied > s.slots.length / 4 && occupied < s.slots.length, "the prefault leaves slots filled: " + occupied);
            List<Integer> sizes = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) sizes.add(s.size(Xorshift32.next(i + 1)));
            int min = sizes.stream().min(Integer::compare).orElseThrow(), max = sizes.stream().max(Integer::compare).orElseThrow();
            if (!midLarge) {
                assertEquals(16, min);
                assertEquals(1039, max);
            } else {
                assertEquals(8192, min);
                assertEquals(32768 + 2047, max);
            }
            for (int i = 0; i < 10_000; i++) assertTrue(s.step() != 0);
            s.close();
            for (long p : s.slots) assertEquals(0, p);
        }
    }

    @Test
    void aCorruptedBlockIsCaught() {
        MallocLatency.SlotSteps s = new MallocLatency.SlotSteps("glibc", Peers.create("glibc"), false);
        for (int i = 0; i < s.slots.length; i++) {
            if (s.slots[i] != 0) s.allocator.put(s.slots[i], 0, (byte) ~s.tags[i]);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            for (int i = 0; i < 100_000; i++) s.step();
        });
        assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        for (int i = 0; i < s.slots.length; i++) {
            if (s.slots[i] != 0) s.allocator.put(s.slots[i], 0, s.tags[i]);
        }
        s.close();
    }

    @Test
    void tinyHotPair() {
        MallocLatency.Tiny t = new MallocLatency.Tiny();
        t.peer = "glibc";
        t.setUp();
        MallocLatency b = new MallocLatency();
        for (int i = 0; i < 1000; i++) assertTrue(b.tinyHot(t) != 0);
        t.tearDown();
    }
}
