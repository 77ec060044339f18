package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.internal.small.BatchStack.Batch;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The inbox / shared-pool stack under races: producers push batches (remote frees), a consumer pops
 * (the owner refilling), a "releaser" takes everything and pushes it back (memory pressure), and the
 * stack is closed while all that runs (the owner ended). Every block must end up in exactly one place:
 * popped, refused by the closed stack (still with its pusher), or returned by {@code close()}.
 */
class BatchStackTest {
    static final int PRODUCERS = 3;
    static final int PER_PRODUCER = 60_000;

    @Test
    void popsInLifoOrderOfBatchesAndCounts() {
        BatchStack s = new BatchStack();
        assertTrue(s.push(new long[] {1, 2}, 2));
        assertTrue(s.push(new long[] {3, 0, 0}, 1));
        assertEquals(3, s.blocks());
        long[] dst = new long[4];
        assertEquals(1, s.pop(dst));
        assertEquals(3, dst[0]);
        assertEquals(2, s.pop(dst));
        assertEquals(0, s.pop(dst));
        assertEquals(0, s.blocks());
        assertNull(s.close());
        assertFalse(s.push(new long[] {4}, 1), "a closed stack refuses pushes");
        assertEquals(0, s.pop(dst));
        assertNull(s.takeAll());
    }

    @RepeatedTest(5)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noBlockLostOrDuplicatedUnderRaces() throws Exception {
        BatchStack stack = new BatchStack();
        int total = PRODUCERS * PER_PRODUCER;
        BitSet[] seen = new BitSet[4]; // 0 popped, 1 refused, 2 taken and refused back, 3 returned by close
        List<List<Long>> found = new ArrayList<>();
        for (int i = 0; i < 4; i++) found.add(new ArrayList<>());
        AtomicBoolean producing = new AtomicBoolean(true);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<List<Long>> refused = new ArrayList<>();
        for (int t = 0; t < PRODUCERS; t++) {
            int id = t;
            List<Long> mine = new ArrayList<>();
            refused.add(mine);
            threads.add(new Thread(() -> {
                await(start);
                SplittableRandom r = new SplittableRandom(id);
                int next = id * PER_PRODUCER, end = next + PER_PRODUCER;
                while (next < end) {
                    int n = Math.min(end - next, 1 + r.nextInt(8));
                    long[] b = new long[8];
                    for (int i = 0; i < n; i++) b[i] = next + i;
                    if (!stack.push(b, n)) for (int i = 0; i < n; i++) mine.add(b[i]);
                    next += n;
                }
            }));
        }
        List<Long> popped = new ArrayList<>();
        Thread consumer = new Thread(() -> {
            await(start);
            long[] dst = new long[8];
            int n;
            while ((n = stack.pop(dst)) > 0 || producing.get()) {
                for (int i = 0; i < n; i++) popped.add(dst[i]);
            }
        });
        List<Long> releaserRefused = new ArrayList<>();
        Thread releaser = new Thread(() -> {
            await(start);
            while (producing.get()) {
                Batch all = stack.takeAll();
                for (Batch b = all; b != null; b = b.next()) {
                    long[] copy = java.util.Arrays.copyOf(b.blocks(), b.count());
                    if (!stack.push(copy, copy.length)) for (long p : copy) releaserRefused.add(p);
                }
            }
        });
        threads.forEach(Thread::start);
        consumer.start();
        releaser.start();
        start.countDown();
        Thread.sleep(5); // close while everyone is busy
        Batch remaining = stack.close();
        for (Thread t : threads) t.join();
        producing.set(false);
        consumer.join();
        releaser.join();

        BitSet all = new BitSet(total);
        int count = 0;
        List<Long> closedOut = new ArrayList<>();
        for (Batch b = remaining; b != null; b = b.next()) for (int i = 0; i < b.count(); i++) closedOut.add(b.blocks()[i]);
        List<List<Long>> places = new ArrayList<>(List.of(popped, releaserRefused, closedOut));
        places.addAll(refused);
        for (List<Long> place : places) {
            for (long p : place) {
                assertFalse(all.get((int) p), "block " + p + " found twice");
                all.set((int) p);
                count++;
            }
        }
        assertEquals(total, count, "every pushed block is accounted for exactly once");
        assertEquals(0, stack.blocks());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * An inbox with recycled nodes: producers push nodes taken from a shared queue of spares, one
     * consumer takes the whole stack at a time and gives each node back after reading it, as the
     * allocator's owners do. Every value pushed arrives exactly once (a node reused while still in the
     * stack, or an ABA on the pushes' CAS, would lose or duplicate values).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void recycledNodesOnATakeAllStackLoseAndDuplicateNothing() throws Exception {
        BatchStack inbox = new BatchStack();
        java.util.concurrent.ConcurrentLinkedQueue<Batch> nodes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        int producers = 3, perProducer = 200_000, batch = 4;
        BitSet seen = new BitSet(producers * perProducer);
        AtomicBoolean done = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger duplicated = new java.util.concurrent.atomic.AtomicInteger(-1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            int base = t * perProducer;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int v = 0; v < perProducer; v += batch) {
                    Batch node = nodes.poll();
                    if (node == null) node = new Batch(new long[batch], 0, null);
                    int n = Math.min(batch, perProducer - v);
                    for (int k = 0; k < n; k++) node.blocks()[k] = base + v + k;
                    node.setCount(n);
                    assertTrue(inbox.push(node));
                }
            }));
        }
        Thread consumer = Thread.ofPlatform().start(() -> {
            while (!done.get() || inbox.blocks() > 0) {
                for (Batch b = inbox.takeAll(), next; b != null; b = next) {
                    next = b.next();
                    for (int k = 0; k < b.count(); k++) {
                        int v = (int) b.blocks()[k];
                        if (seen.get(v)) duplicated.compareAndSet(-1, v);
                        seen.set(v);
                    }
                    nodes.add(b);
                }
            }
        });
        for (Thread t : threads) t.join();
        done.set(true);
        consumer.join();
        for (Batch b = inbox.takeAll(); b != null; b = b.next()) {
            for (int k = 0; k < b.count(); k++) seen.set((int) b.blocks()[k]);
        }
        assertEquals(-1, duplicated.get(), "a value arrived twice");
        assertEquals(producers * perProducer, seen.cardinality(), "values lost");
    }
}
