package dev.hakmem.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import org.junit.jupiter.api.Test;

class AllocatorConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        AllocatorConfig d = AllocatorConfig.defaults();
        assertArrayEquals(new int[] {16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024},
                d.tinyClasses());
        assertArrayEquals(new int[] {1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192, 10240, 12288, 14336,
                16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536}, d.midClasses());
        assertEquals(512, d.cacheCapacity(0));
        assertEquals(128, d.batchSize(0)); // 16 B
        assertEquals(128, d.batchSize(7)); // 128 B, the largest class with a batch of 128
        assertEquals(32, d.batchSize(8)); // 160 B
        assertEquals(512, d.cacheCapacity(19));
        assertEquals(32, d.batchSize(19)); // 1 KiB
        assertEquals(8, d.batchSize(20));
        assertEquals(4, d.batchSize(39));
        assertEquals(128, d.cacheCapacity(20));
        assertEquals(64, d.cacheCapacity(39));
        assertTrue(d.checks());
        assertTrue(d.stats());
        assertFalse(d.profile());
        assertEquals(Long.MAX_VALUE, d.memoryLimit());
        assertEquals(64L << 30, d.addressSpace());
        assertEquals(64L << 20, d.largeRetainedBytes());
        assertEquals(64L << 20, d.hugeRetainedBytes());
    }

    @Test
    void aProfileNeedsStatsAndNoGeneratedFronts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AllocatorConfig.builder().stats(false).profile(true).build());
        assertTrue(e.getMessage().contains("stats"), e.getMessage());
        AllocatorConfig profiled = AllocatorConfig.builder().profile(true).build();
        e = assertThrows(IllegalArgumentException.class, () -> new HakmemAllocator(profiled, (core, id) -> null));
        assertTrue(e.getMessage().contains("AllocationRecorder.wrap"), e.getMessage());
        try (HakmemAllocator plain = new HakmemAllocator(AllocatorConfig.defaults())) {
            assertThrows(IllegalStateException.class, plain::profileTotals, "no profile without profile(true)");
        }
    }

    @Test
    void roundTripsThroughItsBuilder() {
        AllocatorConfig c = AllocatorConfig.builder().tinyClasses(32, 64, 256, 1024).classCache(64, 512, 64).checks(false)
                .stats(false).memoryLimit(1L << 30).addressSpace(1L << 30).largeRetainedBytes(0).hugeRetainedBytes(1 << 20).build();
        assertEquals(c, c.toBuilder().build());
        AllocatorConfig profiled = c.toBuilder().stats(true).profile(true).build();
        assertEquals(profiled, profiled.toBuilder().build());
        assertNotEquals(profiled, profiled.toBuilder().profile(false).build());
        assertEquals(512, c.cacheCapacity(1));
        assertEquals(64, c.batchSize(1));
    }

    @Test
    void badSettingsAreRejectedWithTheReason() {
        assertMessage(() -> AllocatorConfig.builder().tinyClasses(16, 40, 1024), "multiples of 16");
        assertMessage(() -> AllocatorConfig.builder().tinyClasses(32, 16, 1024), "ascending");
        assertMessage(() -> AllocatorConfig.builder().tinyClasses(16, 512), "must be 1024");
        assertMessage(() -> AllocatorConfig.builder().tinyClasses(), "at least one");
        assertMessage(() -> AllocatorConfig.builder().midClasses(2048, 65536), "25%");
        assertMessage(() -> AllocatorConfig.builder().midClasses(1280, 1300, 65536), "multiples of 256");
        assertMessage(() -> AllocatorConfig.builder().midClasses(1280, 1536, 32768), "must be 65536");
        assertMessage(() -> AllocatorConfig.builder().tinyCache(8, 16), "batch <= capacity");
        assertMessage(() -> AllocatorConfig.builder().tinyCache(100_000, 16), "65536");
        assertMessage(() -> AllocatorConfig.builder().memoryLimit(1000), "4 MiB");
        assertMessage(() -> AllocatorConfig.builder().addressSpace((64L << 20) + 1), "multiple of 4 MiB");
        assertMessage(() -> AllocatorConfig.builder().largeRetainedBytes(-1), ">= 0");
        assertMessage(() -> AllocatorConfig.builder().classCache(100, 8, 4).build(), "no Tiny or Mid class has size 100");
    }

    private static void assertMessage(Runnable r, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
