package dev.hakmem.internal.small;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Tier;
import org.junit.jupiter.api.Test;

class SizeClassesTest {
    private final SizeClasses defaults = new SizeClasses(AllocatorConfig.defaults());
    private final SizeClasses custom = new SizeClasses(AllocatorConfig.builder()
            .tinyClasses(48, 96, 512, 1024).midClasses(1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168,
                    8192, 10240, 12288, 14336, 16384, 20480, 24576, 28672, 32768, 40960, 49152, 57344, 65536).build());

    @Test
    void everySizeMapsToTheSmallestClassThatHoldsIt() {
        for (SizeClasses sc : new SizeClasses[] {defaults, custom}) {
            for (int size = 0; size <= AllocatorConfig.MID_MAX; size++) {
                int c = sc.classOf(size);
                assertTrue(sc.size(c) >= size, "class of " + size + " too small");
                if (c > 0) assertTrue(sc.size(c - 1) < size, "class of " + size + " is not the smallest: " + sc.size(c - 1));
                assertEquals(size <= AllocatorConfig.TINY_MAX ? Tier.TINY : Tier.MID, sc.tier(c), "tier of " + size);
            }
        }
    }

    @Test
    void classOfIsMonotonicAndRoundTrips() {
        int prev = 0;
        for (int size = 0; size <= AllocatorConfig.MID_MAX; size++) {
            int c = defaults.classOf(size);
            assertTrue(c >= prev, "not monotonic at " + size);
            prev = c;
        }
        for (int c = 0; c < defaults.count(); c++) assertEquals(c, defaults.classOf(defaults.size(c)), "round trip of class " + c);
    }

    @Test
    void midClassesWasteAtMostAQuarter() {
        for (int size = AllocatorConfig.TINY_MAX + 1; size <= AllocatorConfig.MID_MAX; size++) {
            int block = defaults.size(defaults.classOf(size));
            assertTrue((block - size) * 4 <= block, size + " -> " + block);
        }
    }

    @Test
    void magicDivisionIsExactForEveryOffsetOfEverySpan() {
        for (SizeClasses sc : new SizeClasses[] {defaults, custom}) {
            for (int c = 0; c < sc.count(); c++) {
                long magic = sc.magic(c);
                int size = sc.size(c);
                for (long off = 0; off < sc.spanSize(c); off++) {
                    long q = (off * magic) >>> SizeClasses.MAGIC_SHIFT;
                    if (q != off / size) throw new AssertionError("class " + c + " offset " + off + ": " + q + " != " + off / size);
                }
            }
        }
    }

    @Test
    void alignedRequestsPickAClassWhoseBlocksAreAligned() {
        for (long align = 32; align <= (1 << 19); align <<= 1) {
            for (long size : new long[] {0, 1, 100, 1000, 5000, 32768}) {
                int c = defaults.classForAligned(size, align);
                if (c < 0) {
                    for (int k = 0; k < defaults.count(); k++) {
                        assertTrue(defaults.size(k) < size || defaults.size(k) % align != 0, "missed class " + k);
                    }
                    continue;
                }
                assertTrue(defaults.size(c) >= size);
                assertEquals(0, defaults.size(c) % align, "class size " + defaults.size(c) + " for align " + align);
            }
        }
        assertEquals(64, defaults.size(defaults.classForAligned(10, 64)));
        assertEquals(40960, defaults.size(defaults.classForAligned(40000, 64)));
        assertEquals(-1, defaults.classForAligned(70000, 64));
    }
}
