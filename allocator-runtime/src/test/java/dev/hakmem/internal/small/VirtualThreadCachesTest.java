package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads share a fixed set of cache stripes, so the memory kept for caching does not grow
 * with the number of virtual threads.
 */
class VirtualThreadCachesTest {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    @Test
    @Timeout(120)
    void hundredThousandVirtualThreadsUseBoundedCaches() throws Exception {
        int threads = 100_000;
        try (NativeAllocator alloc = Hakmem.create()) {
            ConcurrentLinkedQueue<Long> leftovers = new ConcurrentLinkedQueue<>();
            AtomicInteger corrupt = new AtomicInteger();
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < threads; i++) {
                    int id = i;
                    executor.submit(() -> {
                        long a = alloc.malloc(64), b = alloc.malloc(64);
                        ALL.set(ValueLayout.JAVA_INT, a, id);
                        ALL.set(ValueLayout.JAVA_INT, b, ~id);
                        if (ALL.get(ValueLayout.JAVA_INT, a) != id || ALL.get(ValueLayout.JAVA_INT, b) != ~id) corrupt.incrementAndGet();
                        alloc.free(a);
                        leftovers.add(b); // freed later by another thread
                    });
                }
            }
            assertEquals(0, corrupt.get(), "blocks shared between threads");
            for (long b : leftovers) alloc.free(b);
            AllocatorStats stats = alloc.stats();
            assertEquals(0, stats.liveBlocks());
            AllocatorStats.ClassStats c64 = stats.classes().get(3);
            assertEquals(64, c64.size());
            assertEquals(2L * threads, c64.allocations());
            // Peak live here is ~100,000 blocks of 64 B (the leftovers) = 6.1 MiB = 98 slabs of 64 KiB.
            // One cache per virtual thread would carve a refill batch (128 blocks) per thread, up to
            // 100,000 x 128 x 64 B = 781 MiB, minus what reclamation of ended threads recovers. With the
            // stripes the carved memory is the peak live plus at most 64 stripes x a stripe's array
            // (two batches, 256 blocks: a stripe's array never grows).
            long bound = (threads * 64L + 64L * 256 * 64) / 65536 + 2;
            assertTrue(c64.slabs() <= bound, "slabs carved for 64 B: " + c64.slabs() + ", bound " + bound);
            long tinyCached = stats.tier(Tier.TINY).cachedBytes();
            assertTrue(tinyCached <= c64.slabs() * 65536, "cached " + tinyCached);
        }
    }
}
