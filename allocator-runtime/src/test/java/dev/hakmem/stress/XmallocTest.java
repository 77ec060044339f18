package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * xmalloc-test (docs/WORKLOADS.md "xmallocTest"), default configuration (checks on): 2, 4 or 8 producers
 * (so 4 threads, and oversubscribed 8 and 16 on a 2-core machine, issue 15) malloc batches of {@value #BATCH} blocks of {@value #SIZE} B, pattern every byte, and push each
 * batch through an {@link ArrayBlockingQueue} of {@value #QUEUE} batches to as many consumers,
 * which check every block and free it: every free is remote. The producer's caches are always empty and
 * the consumers' always full, so all traffic crosses the central free list.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class XmallocTest {
    static final int BATCH = 4096, SIZE = 64, QUEUE = 100;
    /** Batches all producers make together (the same total at every thread count). */
    static final int BATCHES = 300 * Stress.FACTOR;
    private static final long[] POISON = new long[0];

    final AtomicLong mallocs = new AtomicLong(), frees = new AtomicLong();

    @ParameterizedTest(name = "{0} producers and {0} consumers")
    @ValueSource(ints = {2, 4, 8})
    void xmalloc(int pairs) {
        final int batchesPerProducer = BATCHES / pairs;
        Stress.run("XmallocTest[" + 2 * pairs + " threads]", run -> {
            try (Stress.Session s = run.open()) {
                AllocatorStats before = s.alloc.stats();
                ArrayBlockingQueue<long[]> queue = new ArrayBlockingQueue<>(QUEUE);
                List<Thread> producers = new ArrayList<>(), consumers = new ArrayList<>();
                for (int i = 0; i < pairs; i++) {
                    producers.add(s.thread("xmalloc-producer-" + i, () -> {
                        long n = 0;
                        try {
                            for (int b = 0; b < batchesPerProducer; b++) {
                                long[] batch = new long[BATCH];
                                for (int k = 0; k < BATCH; k++) {
                                    long p = s.alloc.malloc(SIZE);
                                    if (p == 0 || (p & 15) != 0) s.errors.add(String.format("malloc(%d) returned 0x%x", SIZE, p));
                                    s.allocated(p, SIZE);
                                    batch[k] = p;
                                    n++;
                                }
                                queue.put(batch);
                            }
                        } finally {
                            mallocs.addAndGet(n);
                        }
                    }));
                }
                for (int i = 0; i < pairs; i++) {
                    consumers.add(s.thread("xmalloc-consumer-" + i, () -> {
                        long n = 0;
                        try {
                            for (long[] batch; (batch = queue.take()) != POISON; ) {
                                for (long p : batch) {
                                    s.free(p, SIZE);
                                    n++;
                                }
                            }
                        } finally {
                            frees.addAndGet(n);
                        }
                    }));
                }
                producers.forEach(Thread::start);
                consumers.forEach(Thread::start);
                s.join(producers);
                for (int i = 0; i < pairs; i++) queue.put(POISON);
                s.join(consumers);

                run.errors.assertNone();
                long expected = (long) pairs * batchesPerProducer * BATCH;
                assertEquals(expected, mallocs.get(), "mallocs (seed " + run.seed + ")");
                assertEquals(expected, frees.get(), "frees (seed " + run.seed + ")");
                AllocatorStats st = s.alloc.stats();
                assertEquals(expected, st.allocations() - before.allocations(), "allocator's allocation count (seed " + run.seed + ")");
                assertEquals(expected, st.frees() - before.frees(), "allocator's free count (seed " + run.seed + ")");
                s.assertAllFreed();
                // at most QUEUE batches in the queue + one being filled per producer + one being freed per consumer
                long inFlight = (long) (QUEUE + 2L * pairs) * BATCH * SIZE;
                // Remote frees must come back to the producers: committed memory is bounded by what can be
                // in flight (plus slack for blocks parked in caches and central lists), not by the total
                // allocated (75 MiB short, 750 MiB long). Measured: ~9 MiB.
                long total = expected * SIZE;
                assertTrue(st.bytesCommitted() <= inFlight + (16L << 20),
                        String.format("committed %s > in flight %s + 16 MiB (total allocated %s): remote frees not reused? (seed %d)",
                                Stress.mib(st.bytesCommitted()), Stress.mib(inFlight), Stress.mib(total), run.seed));
                run.report(mallocs.get() + frees.get(), String.format(
                        "max in flight %s, committed %s, resident %s, small cached %s, process VmHWM %,d KiB",
                        Stress.mib(inFlight), Stress.mib(st.bytesCommitted()), Stress.mib(st.bytesResident()),
                        Stress.mib(Stress.cachedSmall(st)), Stress.vmHwmKiB()));
            }
        });
    }
}
