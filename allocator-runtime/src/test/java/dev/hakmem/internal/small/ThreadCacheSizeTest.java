package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.HakmemAllocator;
import org.junit.jupiter.api.Test;

/**
 * What a platform thread's cache costs on the Java heap when its first malloc makes it: its objects
 * are garbage once the thread has ended and its cache is reclaimed, so a program that starts many
 * threads (threadChurn) pays this per thread.
 */
class ThreadCacheSizeTest {
    @Test
    void aThreadsCacheTakesLittleJavaHeap() throws Exception {
        try (HakmemAllocator a = new HakmemAllocator(AllocatorConfig.defaults())) {
            CacheReaper.deregister(a.smallFront().caches());
            ThreadHeapBytes.ofEndedThread(() -> {}, () -> a.free(a.malloc(64))); // classes initialised, not measured
            a.smallFront().caches().reclaimDead();
            long bytes = ThreadHeapBytes.ofEndedThread(() -> {}, () -> a.free(a.malloc(64)));
            System.out.println("ThreadCacheSizeTest: a thread's cache took " + bytes + " bytes of Java heap");
            // 16.6 KB measured with 44 classes (JDK 25); 22 KB while each class's spill was a padded lock;
            // 18.2 KB with 52 classes while every class's inbox (152 bytes, padded) was made up front.
            assertTrue(bytes < 12_000, "a thread's cache took " + bytes + " bytes of Java heap");
        }
    }
}
