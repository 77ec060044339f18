package dev.hakmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One thread repeating the same hold-then-free cycle (the bench's skewedFootprint shape: a burst of
 * small blocks of a skewed size mix, all held, then all freed in allocation order) reaches a steady
 * state: the second cycle onwards reuses the first cycle's memory and allocates nothing on the Java
 * heap.
 *
 * <p>The Java-heap half is the regression this guards. A thread's frees beyond its cache's capacity
 * used to travel to its own inbox, one new node and one new {@code long[]} per batch (about 9 bytes
 * of Java heap per freed block); a hold-then-free cycle keeps those batches until the next cycle's
 * refills, so with a small young generation they were promoted and the old generation, hence the
 * process's RSS, grew by that much every cycle until a full collection (skewedFootprint: 7x the live
 * bytes after 7 one-second iterations, while the allocator's own committed bytes stayed flat). The
 * count is the JVM's per-thread allocated-bytes counter, read before and after the measured cycles:
 * it is exact for this thread and does not depend on timing or on the collector.
 */
class RepeatedCyclesTest {
    static final int BLOCKS = 60_000;
    static final int WARM_UP = 2, MEASURED = 5;
    static final int[] CENTRES = {24, 40, 72, 136, 264, 520};
    static final int[] WEIGHTS = {30, 25, 20, 12, 8, 5};
    /**
     * Java-heap bytes the measured cycles may allocate in all: room for the odd lazily initialised
     * object, far below what one cycle allocated before the fix (about 500 KiB for 60,000 blocks).
     */
    static final long HEAP_BOUND = 16 << 10;

    static final int[] CENTRE_OF = new int[100];
    final long[] blocks = new long[BLOCKS];

    @BeforeAll
    static void table() {
        int k = 0;
        for (int c = 0; c < CENTRES.length; c++) for (int w = 0; w < WEIGHTS[c]; w++) CENTRE_OF[k++] = CENTRES[c];
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void steadyCyclesReuseMemoryAndAllocateNothingOnTheJavaHeap() {
        ThreadMXBean threads = ManagementFactory.getPlatformMXBean(ThreadMXBean.class);
        assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "needs the JVM's per-thread allocated-bytes counter");
        try (NativeAllocator alloc = Hakmem.create()) {
            for (int i = 0; i < WARM_UP; i++) cycle(alloc);
            AllocatorStats warm = alloc.stats();
            long heap0 = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < MEASURED; i++) cycle(alloc);
            long heap = threads.getCurrentThreadAllocatedBytes() - heap0;
            AllocatorStats after = alloc.stats();

            String report = MEASURED + " cycles of " + BLOCKS + " blocks allocated " + heap + " bytes of Java heap;"
                    + " committed " + warm.bytesCommitted() + " -> " + after.bytesCommitted()
                    + ", Tiny slabs " + slabs(warm) + " -> " + slabs(after);
            System.out.println("RepeatedCyclesTest: " + report);
            assertEquals(0, after.liveBlocks(), report);
            assertEquals(slabs(warm), slabs(after), "a cycle of the same shape carved new slabs: " + report);
            assertEquals(warm.bytesCommitted(), after.bytesCommitted(), "committed memory grew: " + report);
            assertTrue(heap <= HEAP_BOUND, "expected at most " + HEAP_BOUND + " bytes of Java heap: " + report);
        }
    }

    /** One cycle: {@link #BLOCKS} mallocs (the same sizes every cycle), then every block freed, oldest first. */
    void cycle(NativeAllocator alloc) {
        int r = 1234567;
        for (int i = 0; i < BLOCKS; i++) {
            r ^= r << 13;
            r ^= r >>> 17;
            r ^= r << 5;
            blocks[i] = alloc.malloc(CENTRE_OF[Integer.remainderUnsigned(r >>> 8, 100)] - (r & 7));
        }
        for (int i = 0; i < BLOCKS; i++) alloc.free(blocks[i]);
    }

    static long slabs(AllocatorStats s) {
        long n = 0;
        for (AllocatorStats.ClassStats c : s.classes()) n += c.slabs();
        return n;
    }
}
