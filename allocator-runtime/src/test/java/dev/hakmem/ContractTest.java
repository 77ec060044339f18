package dev.hakmem;

import static dev.hakmem.TestMemory.KiB;
import static dev.hakmem.TestMemory.MiB;
import static dev.hakmem.TestMemory.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The functional contract of {@link NativeAllocator}, one property per test, over every tier. */
@ExtendWith(OomAsFailure.class)
class ContractTest {
    static final long[] SIZES = {
        0, 1, 8, 15, 16, 17, 31, 32, 33, 100, 128, 129, 500, 1000, 1023, 1024,               // Tiny
        1025, 1280, 1281, 4096, 5000, 10_000, 32 * KiB - 1, 32 * KiB, 32 * KiB + 1, 40_000,  // Mid
        64 * KiB - 1, 64 * KiB,
        64 * KiB + 1, 100_000, 1 * MiB, 2 * MiB - 1, 2 * MiB,                                // Large
        2 * MiB + 1, 3 * MiB, 5 * MiB + 123};                                                // Huge

    NativeAllocator alloc;

    /** Overridden by the Recorded* subclass to run every test through a recorder. */
    @BeforeEach
    void setUp() {
        alloc = Hakmem.create();
    }

    @AfterEach
    void tearDown() {
        alloc.close();
    }

    void assertPattern(long p, long len, long tag) {
        long mm = TestMemory.mismatch(p, len, tag);
        if (mm >= 0) fail(TestMemory.describeMismatch(p, mm, tag));
    }

    @Test
    void everyBlockIs16ByteAlignedWithUsableSizeAtLeastItsSize() {
        List<Long> blocks = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (long size : SIZES) {
                long p = alloc.malloc(size);
                assertTrue(p != 0, "malloc(" + size + ") returned 0");
                assertEquals(0, p & 15, "malloc(" + size + ") = " + hex(p) + " is not 16-byte aligned");
                long u = alloc.usableSize(p);
                assertTrue(u >= size, "usableSize(" + hex(p) + ") = " + u + " < " + size);
                TestMemory.fill(p, u, p); // all usable bytes are usable
                blocks.add(p);
            }
        }
        for (long p : blocks) assertPattern(p, alloc.usableSize(p), p);
        for (long p : blocks) alloc.free(p);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void mallocZeroReturnsUniqueMinimalBlocks() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            long p = alloc.malloc(0);
            assertTrue(p != 0, "malloc(0) returned 0");
            assertEquals(0, p & 15, hex(p) + " not 16-byte aligned");
            assertTrue(seen.add(p), "malloc(0) returned " + hex(p) + " twice");
            assertTrue(alloc.usableSize(p) >= 0);
        }
        long r = alloc.realloc(0, 0);
        assertTrue(r != 0 && seen.add(r), "realloc(0, 0) must be a unique minimal block like malloc(0)");
        long c = alloc.calloc(0, 8);
        assertTrue(c != 0 && seen.add(c), "calloc(0, 8) must be a unique minimal block");
        long c2 = alloc.calloc(8, 0);
        assertTrue(c2 != 0 && seen.add(c2), "calloc(8, 0) must be a unique minimal block");
        assertEquals(seen.size(), alloc.stats().liveBlocks());
        for (long p : seen) alloc.free(p);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void freeOfZeroDoesNothing() {
        alloc.free(0);
        alloc.free(0);
        assertEquals(0, alloc.stats().liveBlocks());
        assertEquals(0, alloc.stats().frees());
    }

    @Test
    void callocZeroes() {
        for (long size : SIZES) {
            for (long count : new long[] {1, 3, 16}) {
                long elem = Math.max(1, size / count);
                long p = alloc.calloc(count, elem);
                long nz = TestMemory.firstNonZero(p, count * elem);
                if (nz >= 0) fail("calloc(" + count + ", " + elem + ") = " + hex(p) + ": byte " + nz + " is not zero");
                alloc.free(p);
            }
        }
    }

    /** Memory that was written and freed comes back zeroed from calloc, in every tier. */
    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {16, 48, 1000, 1024, 1025, 4000, 30_000, 32 * 1024, 40_000, 100_000, 1 << 20, 2 << 20, 3 << 20, 9 << 20})
    void callocZeroesReusedMemory(long size) {
        // Huge retained mappings let freed Huge memory be reused, so that path is exercised too.
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().hugeRetainedBytes(64 * MiB).build())) {
            int reused = 0;
            for (int round = 0; round < 4; round++) {
                long p = a.malloc(size);
                long u = a.usableSize(p);
                TestMemory.ALL.asSlice(p, u).fill((byte) 0xA5);
                a.free(p);
                long q = round % 2 == 0 ? a.calloc(1, size) : a.calloc(size, 1);
                long total = size;
                if (q == p) reused++;
                long nz = TestMemory.firstNonZero(q, total);
                if (nz >= 0) {
                    fail("calloc for " + total + " bytes at " + hex(q) + (q == p ? " (reusing the freed dirty block)" : "")
                            + ": byte " + nz + " is not zero");
                }
                a.free(q);
            }
            System.out.println("callocZeroesReusedMemory(" + size + "): reused the freed block " + reused + "/4 times");
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void reallocOfZeroIsMalloc() {
        long p = alloc.realloc(0, 500);
        assertTrue(p != 0 && (p & 15) == 0);
        assertTrue(alloc.usableSize(p) >= 500);
        TestMemory.fill(p, 500, 1);
        assertEquals(1, alloc.stats().liveBlocks());
        alloc.free(p);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void reallocToZeroReturnsAMinimalBlock() {
        long p = alloc.malloc(5000);
        long q = alloc.realloc(p, 0);
        assertTrue(q != 0, "realloc(p, 0) must return a minimal block, not 0");
        assertEquals(1, alloc.stats().liveBlocks(), "realloc(p, 0) leaves exactly one block");
        alloc.free(q);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    /** Grow through every tier and shrink back, checking the kept prefix at each step. */
    @Test
    void reallocGrowsAndShrinksAcrossTiersKeepingContent() {
        long[] steps = {1, 17, 100, 1024, 1025, 5000, 32 * KiB, 32 * KiB + 1, 300_000, 2 * MiB - 1, 2 * MiB, 2 * MiB + 1,
            7 * MiB, 2 * MiB + 1, 2 * MiB, 1 * MiB, 32 * KiB + 1, 32 * KiB, 1025, 1024, 64, 16, 1, 0, 3 * MiB, 10};
        long p = alloc.malloc(steps[0]);
        long size = steps[0];
        long tag = 1;
        TestMemory.fill(p, size, tag);
        for (int i = 1; i < steps.length; i++) {
            long n = steps[i];
            long q = alloc.realloc(p, n);
            assertTrue(q != 0 && (q & 15) == 0, "realloc to " + n + " returned " + hex(q));
            assertTrue(alloc.usableSize(q) >= n);
            long kept = Math.min(size, n);
            long mm = TestMemory.mismatch(q, kept, tag);
            if (mm >= 0) fail("realloc(" + hex(p) + ", " + n + ") from " + size + " lost content: " + TestMemory.describeMismatch(q, mm, tag));
            assertEquals(1, alloc.stats().liveBlocks(), "after realloc " + size + " -> " + n);
            p = q;
            size = n;
            tag = i + 1;
            TestMemory.fill(p, size, tag);
        }
        alloc.free(p);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    /** A realloc within the block's size class (at most its usable size) returns the same address. */
    @ParameterizedTest(name = "size {0}")
    @ValueSource(longs = {1, 16, 100, 1000, 1300, 5000, 30_000, 40_000, 100_000, 1_000_000, 3_000_000})
    void reallocWithinTheSizeClassStaysInPlace(long size) {
        long p = alloc.malloc(size);
        long usable = alloc.usableSize(p);
        TestMemory.fill(p, size, 5);
        long q = alloc.realloc(p, usable);
        assertEquals(hex(p), hex(q), "realloc(p, usableSize(p)=" + usable + ") of a " + size + "-byte block moved it");
        assertPattern(q, size, 5);
        long r = alloc.realloc(q, size);
        assertEquals(hex(p), hex(r), "realloc back to " + size + " within the same class moved the block");
        if (size > 1) {
            long s = alloc.realloc(r, size - 1);
            // size - 1 may fall into a smaller class for sizes on a class boundary; only check when it does not
            if (s != r) assertTrue(alloc.usableSize(s) < usable, "realloc to size - 1 moved the block without changing class");
            r = s;
        }
        assertPattern(r, size - (size > 1 ? 1 : 0), 5);
        alloc.free(r);
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void mallocAlignedAlignsEveryPowerOfTwo() {
        List<String> failures = new ArrayList<>();
        for (int shift = 0; shift <= 23; shift++) { // 1 .. 8 MiB (above 2 MiB: Huge)
            long alignment = 1L << shift;
            for (long size : new long[] {0, 1, 16, 100, 1024, 5000, 40_000, 2 * MiB, 3 * MiB}) {
                String call = "mallocAligned(" + size + ", " + alignment + ")";
                try {
                    long p = alloc.mallocAligned(size, alignment);
                    if (p == 0 || (p & (Math.max(16, alignment) - 1)) != 0) failures.add(call + " = " + hex(p) + ": misaligned");
                    else if (alloc.usableSize(p) < size) failures.add(call + ": usableSize " + alloc.usableSize(p) + " < size");
                    else {
                        TestMemory.fill(p, size, p);
                        if (TestMemory.mismatch(p, size, p) >= 0) failures.add(call + ": content not kept");
                        alloc.free(p);
                    }
                } catch (Throwable t) {
                    failures.add(call + " threw " + t);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failing cases: " + String.join("; ", failures));
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void allocateReturnsExactlySizedAlignedSegments() {
        List<String> failures = new ArrayList<>();
        for (long size : new long[] {0, 1, 17, 1000, 5000, 100_000, 3 * MiB}) {
            for (long alignment : new long[] {1, 2, 8, 16, 64, 4096, 65536, 2 * MiB, 4 * MiB}) {
                String call = "allocate(" + size + ", " + alignment + ")";
                try {
                    MemorySegment s = alloc.allocate(size, alignment);
                    assertEquals(size, s.byteSize(), call + ".byteSize()");
                    assertEquals(0, s.address() & (alignment - 1), call + " at " + hex(s.address()));
                    assertEquals(0, s.address() & 15, call + ": segment not 16-byte aligned");
                    assertTrue(s.scope().isAlive());
                    if (size > 0) {
                        s.fill((byte) 0x5A);
                        assertEquals((byte) 0x5A, s.get(ValueLayout.JAVA_BYTE, size - 1));
                        assertThrows(IndexOutOfBoundsException.class, () -> s.get(ValueLayout.JAVA_BYTE, size));
                    }
                    assertTrue(alloc.usableSize(s.address()) >= size);
                    alloc.free(s);
                } catch (Throwable t) {
                    failures.add(call + ": " + t);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failing cases: " + String.join("; ", failures));
        assertEquals(0, alloc.stats().liveBlocks());
    }

    @Test
    void segmentAllocatorDefaultMethodsWork() {
        SegmentAllocator sa = alloc;
        MemorySegment hello = sa.allocateFrom("hello");
        assertEquals("hello", hello.getString(0));
        assertEquals(6, hello.byteSize());
        MemorySegment longs = sa.allocate(ValueLayout.JAVA_LONG, 10);
        assertEquals(80, longs.byteSize());
        assertEquals(0, longs.address() % 8);
        for (int i = 0; i < 10; i++) longs.setAtIndex(ValueLayout.JAVA_LONG, i, i * 1_000_000_007L);
        for (int i = 0; i < 10; i++) assertEquals(i * 1_000_000_007L, longs.getAtIndex(ValueLayout.JAVA_LONG, i));
        MemorySegment ints = sa.allocateFrom(ValueLayout.JAVA_INT, 1, 2, 3);
        assertEquals(12, ints.byteSize());
        assertEquals(3, ints.getAtIndex(ValueLayout.JAVA_INT, 2));
        MemorySegment one = sa.allocate(ValueLayout.JAVA_DOUBLE);
        assertEquals(8, one.byteSize());
        assertEquals(4, alloc.stats().liveBlocks());
        alloc.free(hello);
        alloc.free(longs);
        alloc.free(ints);
        alloc.free(one);
        assertEquals(0, alloc.stats().liveBlocks());
        assertEquals("hello", ((SegmentAllocator) alloc).allocateFrom("hello").getString(0)); // and again after frees
    }

    @Test
    void freeOfSegmentFreesIt() {
        MemorySegment s = alloc.allocate(4000, 16);
        long before = alloc.stats().frees();
        alloc.free(s);
        assertEquals(0, alloc.stats().liveBlocks());
        assertEquals(before + 1, alloc.stats().frees());
        // the block is freed: with checks on, asking for its usable size is a use-after-free
        assertThrows(IllegalStateException.class, () -> alloc.usableSize(s.address()));
    }

    @Test
    void statsCountBlocksPerTierAndClass() {
        AllocatorConfig cfg = AllocatorConfig.defaults();
        AllocatorStats s0 = alloc.stats();
        assertEquals(Tier.values().length, s0.tiers().size());
        for (Tier t : Tier.values()) assertEquals(t, s0.tier(t).tier());
        assertEquals(cfg.classCount(), s0.classes().size());
        for (int i = 0; i < cfg.classCount(); i++) {
            assertEquals(i, s0.classes().get(i).index());
            assertEquals(cfg.classSize(i), s0.classes().get(i).size());
            assertEquals(i < cfg.tinyClasses().length ? Tier.TINY : Tier.MID, s0.classes().get(i).tier());
        }
        long[] sizes = {100, 5000, 100_000, 3 * MiB};
        Tier[] tiers = {Tier.TINY, Tier.MID, Tier.LARGE, Tier.HUGE};
        long[] ps = new long[sizes.length];
        long usableSum = 0;
        for (int i = 0; i < sizes.length; i++) {
            ps[i] = alloc.malloc(sizes[i]);
            TestMemory.touchPages(ps[i], sizes[i]);
            usableSum += alloc.usableSize(ps[i]);
        }
        AllocatorStats s = alloc.stats();
        assertEquals(4, s.liveBlocks());
        assertEquals(4, s.allocations());
        assertEquals(0, s.frees());
        assertEquals(100 + 5000 + 100_000 + 3 * MiB, s.bytesRequested());
        assertEquals(usableSum, s.bytesLive(), "bytesLive is the usable bytes of the live blocks");
        for (int i = 0; i < 4; i++) {
            AllocatorStats.TierStats ts = s.tier(tiers[i]);
            assertEquals(1, ts.liveBlocks(), tiers[i] + " live blocks");
            assertEquals(1, ts.allocations(), tiers[i] + " allocations");
            assertEquals(alloc.usableSize(ps[i]), ts.liveBytes(), tiers[i] + " live bytes");
        }
        AllocatorStats.ClassStats c112 = classOfSize(s, 112);
        assertEquals(1, c112.liveBlocks());
        assertEquals(1, c112.allocations());
        assertTrue(c112.slabs() >= 1);
        AllocatorStats.ClassStats c5120 = classOfSize(s, 5120);
        assertEquals(1, c5120.liveBlocks());
        assertEquals(Tier.MID, c5120.tier());
        assertTrue(s.bytesCommitted() >= s.bytesLive(), "committed " + s.bytesCommitted() + " < live " + s.bytesLive());
        assertTrue(s.bytesReserved() >= s.bytesCommitted());
        assertTrue(s.bytesResident() <= s.bytesCommitted());
        assertTrue(s.bytesResident() >= 3 * MiB, "the touched Huge block is resident: " + s.bytesResident());
        for (long p : ps) alloc.free(p);
        AllocatorStats e = alloc.stats();
        assertEquals(0, e.liveBlocks());
        assertEquals(0, e.bytesLive());
        assertEquals(4, e.frees());
        for (Tier t : tiers) {
            assertEquals(0, e.tier(t).liveBlocks());
            assertEquals(1, e.tier(t).frees());
            assertEquals(0, e.tier(t).liveBytes());
        }
        assertEquals(1, classOfSize(e, 112).frees());
        assertEquals(0, classOfSize(e, 112).liveBlocks());
    }

    /** bytesRequested: "cumulative bytes asked for by malloc, calloc, realloc and aligned allocations", in place or not. */
    @Test
    void bytesRequestedCountsEveryRequest() {
        long p = alloc.malloc(100);
        assertEquals(100, alloc.stats().bytesRequested(), "after malloc(100)");
        p = alloc.realloc(p, 110); // same class: in place
        assertEquals(210, alloc.stats().bytesRequested(), "after an in-place realloc(p, 110)");
        p = alloc.realloc(p, 5000); // moves to Mid
        assertEquals(5210, alloc.stats().bytesRequested(), "after a moving realloc(p, 5000)");
        long q = alloc.calloc(10, 10);
        long r = alloc.mallocAligned(100, 4096);
        assertEquals(5410, alloc.stats().bytesRequested(), "after calloc(10, 10) and mallocAligned(100, 4096)");
        long big = alloc.malloc(100_000);
        big = alloc.realloc(big, 90_000); // Large, in place
        assertEquals(195_410, alloc.stats().bytesRequested(), "after Large malloc(100000) and in-place realloc(90000)");
        for (long x : new long[] {p, q, r, big}) alloc.free(x);
    }

    static AllocatorStats.ClassStats classOfSize(AllocatorStats s, int size) {
        return s.classes().stream().filter(c -> c.size() == size).findFirst().orElseThrow();
    }

    /** With stats off the Tiny and Mid operation counters stay zero; Large, Huge and memory figures are reported. */
    @Test
    void statsOffReportsNoSmallOperationCountersButMemory() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().stats(false).build())) {
            long p = a.malloc(100), m = a.malloc(5000), q = a.malloc(100_000);
            a.free(p);
            AllocatorStats s = a.stats();
            assertEquals(0, s.tier(Tier.TINY).allocations());
            assertEquals(0, s.tier(Tier.TINY).frees());
            assertEquals(0, s.tier(Tier.MID).allocations());
            for (AllocatorStats.ClassStats c : s.classes()) assertEquals(0, c.allocations(), "class " + c.size());
            assertEquals(1, s.tier(Tier.LARGE).allocations(), "Large is counted under its lock even with stats off");
            assertTrue(s.bytesCommitted() > 0, "memory figures are always reported");
            assertTrue(s.bytesReserved() > 0);
            a.free(m);
            a.free(q);
            assertEquals(0, a.stats().tier(Tier.LARGE).liveBlocks());
        }
    }

    @Test
    void checksOffStillAllocatesCorrectly() {
        try (NativeAllocator a = Hakmem.create(AllocatorConfig.builder().checks(false).build())) {
            List<long[]> blocks = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long size = SIZES[i % SIZES.length];
                if (size > 2 * MiB && i > SIZES.length) continue;
                long p = a.malloc(size);
                assertEquals(0, p & 15);
                TestMemory.fill(p, size, p);
                blocks.add(new long[] {p, size});
                if (i % 3 == 0) {
                    long[] b = blocks.remove(blocks.size() / 2);
                    assertPattern(b[0], b[1], b[0]);
                    a.free(b[0]);
                }
            }
            for (long[] b : blocks) {
                assertPattern(b[0], b[1], b[0]);
                a.free(b[0]);
            }
            assertEquals(0, a.stats().liveBlocks());
        }
    }

    @Test
    void createRejectsNullConfig() {
        assertThrows(NullPointerException.class, () -> Hakmem.create(null));
    }

    @Test
    void distinctAllocatorsAreIndependent() {
        try (NativeAllocator other = Hakmem.create()) {
            long p = alloc.malloc(64);
            long q = other.malloc(64);
            assertNotEquals(p, q);
            // a block of one allocator is foreign to the other
            assertThrows(IllegalArgumentException.class, () -> other.free(p));
            assertEquals(1, alloc.stats().liveBlocks());
            alloc.free(p);
            other.free(q);
        }
    }
}
