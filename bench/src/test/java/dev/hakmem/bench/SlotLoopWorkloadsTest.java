package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * midGap and large, the workloads that share randomMixed's slot loop ({@link SlotLoop}): their counts
 * against an independent transcription of docs/WORKLOADS.md in unsigned 64-bit arithmetic (itself pinned to
 * the Python numbers of {@link WorkloadsTest}), their runs on a counting fake and on hakmem, and their
 * verification against a broken allocator and one that loses writes.
 */
class SlotLoopWorkloadsTest {

    /** The slot loop of docs/WORKLOADS.md, written without the implementation's int tricks. */
    private static final class Reference {
        private static final long M = 0xFFFFFFFFL;
        final boolean[] used;
        final boolean secondDraw;
        final LongUnaryOperator size;
        long mallocs, frees, bytes, minSize = Long.MAX_VALUE, maxSize, below256k;

        Reference(int ws, boolean secondDraw, LongUnaryOperator size) {
            used = new boolean[ws];
            this.secondDraw = secondDraw;
            this.size = size;
        }

        static long xorshift(long x) {
            x ^= (x << 13) & M;
            x ^= x >>> 17;
            x ^= (x << 5) & M;
            return x;
        }

        void run(int cycles, long seed) {
            long x = seed & M;
            for (int i = 0; i < cycles; i++) {
                x = xorshift(x);
                int idx = (int) (x % used.length);
                if (used[idx]) {
                    frees++;
                    used[idx] = false;
                } else {
                    if (secondDraw) x = xorshift(x);
                    long sz = size.applyAsLong(x);
                    mallocs++;
                    bytes += sz;
                    minSize = Math.min(minSize, sz);
                    maxSize = Math.max(maxSize, sz);
                    if (sz < 256 << 10) below256k++;
                    used[idx] = true;
                }
            }
        }

        int live() {
            int n = 0;
            for (boolean u : used) if (u) n++;
            return n;
        }
    }

    private static final long PREFAULT_SEED = (SlotLoop.SEED + SlotLoop.PREFAULT_SALT) & 0xFFFFFFFFL;

    /** The reference reproduces WorkloadsTest's Python numbers for randomMixed, so it can judge the others. */
    @Test
    void referenceReproducesRandomMixedsPythonNumbers() {
        Reference r = new Reference(256, false, x -> Math.min(16 + (x & 0x3FF), 1039));
        r.run(10_000, PREFAULT_SEED);
        assertEquals(5062, r.mallocs);
        assertEquals(4938, r.frees);
        assertEquals(2_658_432, r.bytes);
        r.run(100_000, SlotLoop.SEED);
        assertEquals(5062 + 50_004, r.mallocs);
        assertEquals(4938 + 49_996, r.frees);
        assertEquals(132, r.live());
    }

    /** Runs the prefault and the loop of {@code b} on a fake and compares every count with the reference. */
    private static Reference assertMatchesReference(SlotLoop b, int ws, int cycles, LongUnaryOperator size) {
        Reference r = new Reference(ws, true, size);
        try (FakeAllocator a = new FakeAllocator(false)) {
            initFor(b, a);
            b.loop(cycles / 10, SlotLoop.SEED + SlotLoop.PREFAULT_SALT);
            r.run(cycles / 10, PREFAULT_SEED);
            assertEquals(r.mallocs, a.mallocs, "prefault mallocs");
            assertEquals(r.frees, a.frees, "prefault frees");
            assertEquals(r.bytes, a.bytes, "prefault bytes");
            b.loop(cycles, SlotLoop.SEED);
            r.run(cycles, SlotLoop.SEED);
            assertEquals(r.mallocs, a.mallocs, "mallocs");
            assertEquals(r.frees, a.frees, "frees");
            assertEquals(r.bytes, a.bytes, "bytes");
            assertEquals(r.live(), a.live(), "blocks left in slots");
            assertEquals(r.live(), b.occupied());
            b.freeAll();
            assertEquals(0, a.live(), "the invocation ends with every slot freed");
            assertEquals(a.mallocs, a.frees);
        }
        return r;
    }

    private static void initFor(SlotLoop b, BenchAllocator a) {
        if (b instanceof MidGap m) m.init(a);
        else ((Large) b).init(a);
    }

    private static MidGap midGap(int cycles) {
        MidGap b = new MidGap();
        b.peer = "fake";
        b.cycles = cycles;
        return b;
    }

    private static Large large(int cycles) {
        Large b = new Large();
        b.peer = "fake";
        b.cycles = cycles;
        return b;
    }

    private static void assertVerificationFails(Executable body) {
        var e = assertThrows(IllegalStateException.class, body);
        assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
    }

    // midGap

    @Test
    void midGapIsTheSlotLoopWithUniform1To8KiBFromASecondDraw() {
        Reference r = assertMatchesReference(midGap(100_000), MidGap.WS, 100_000,
                x -> 1024 + x % 7169);
        assertEquals(1024, r.minSize, 3, "sizes reach down to 1 KiB");
        assertEquals(8192, r.maxSize, 3, "sizes reach up to 8 KiB");
        assertTrue(r.maxSize <= 8192 && r.minSize >= 1024);
        assertEquals(4608, (double) r.bytes / r.mallocs, 40, "uniform: mean in the middle");
    }

    @Test
    void midGapRunRepeatsAndLeavesNothing() {
        MidGap b = midGap(20_000);
        try (FakeAllocator a = new FakeAllocator(false)) {
            b.init(a);
            b.prefault();
            b.run();
            long perInvocation = a.mallocs;
            assertEquals(0, a.live());
            b.prefault();
            b.run();
            assertEquals(2 * perInvocation, a.mallocs, "every invocation replays the same sequence");
            assertEquals(a.mallocs, a.frees);
        }
    }

    @Test
    void midGapOnHakmem() {
        MidGap b = midGap(200_000);
        b.peer = "hakmem";
        b.init(Peers.create("hakmem"));
        try {
            for (int i = 0; i < 3; i++) {
                b.prefault();
                b.run();
                assertEquals(0, b.occupied());
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void midGapThrowsOnOverlappingBlocks() {
        MidGap b = midGap(10_000);
        try (FakeAllocator a = new FakeAllocator(true, MidGap.MAX_SIZE)) {
            b.init(a);
            assertVerificationFails(() -> {
                b.prefault();
                b.run();
            });
        }
    }

    // large

    @Test
    void largeIsTheSlotLoopWithLogUniform32KiBTo2MiB() {
        // Few cycles: the fake keeps every block until it is closed.
        Reference r = assertMatchesReference(large(400), Large.WS, 400,
                x -> (long) Math.floor(32768 * StrictMath.pow(64, (x >> 8) / 16777216.0)));
        assertTrue(r.minSize >= 32 << 10 && r.maxSize < 2 << 20, r.minSize + ".." + r.maxSize);
        // log-uniform: the median is the geometric mean, 256 KiB
        assertEquals(0.5, (double) r.below256k / r.mallocs, 0.12, "half the blocks below 256 KiB");
    }

    /** The size rule itself over many draws: the bounds and the log-uniform quartiles. */
    @Test
    void largeSizesAreLogUniform() {
        Large b = large(1);
        int n = 100_000, below64k = 0, below256k = 0, below1m = 0;
        long min = Long.MAX_VALUE, max = 0;
        long x = 1;
        for (int i = 0; i < n; i++) {
            x = Reference.xorshift(x);
            int sz = b.size((int) x);
            min = Math.min(min, sz);
            max = Math.max(max, sz);
            if (sz < 64 << 10) below64k++;
            if (sz < 256 << 10) below256k++;
            if (sz < 1 << 20) below1m++;
        }
        assertTrue(min >= 32 << 10 && min < 33 << 10, "min " + min);
        assertTrue(max < 2 << 20 && max > 2040 << 10, "max " + max);
        assertEquals(n / 6.0, below64k, n / 100.0);
        assertEquals(n / 2.0, below256k, n / 100.0);
        assertEquals(n * 5 / 6.0, below1m, n / 100.0);
    }

    @Test
    void largeOnHakmem() {
        Large b = large(2_000);
        b.peer = "hakmem";
        b.init(Peers.create("hakmem"));
        try {
            for (int i = 0; i < 3; i++) {
                b.prefault();
                b.run();
                assertEquals(0, b.occupied());
            }
        } finally {
            b.tearDown();
        }
    }

    @Test
    void largeThrowsOnOverlappingBlocks() {
        Large b = large(1_000);
        try (FakeAllocator a = new FakeAllocator(true, Large.MAX_SIZE)) {
            b.init(a);
            assertVerificationFails(() -> {
                b.prefault();
                b.run();
            });
        }
    }

    /** Blocks whose writes past the first page are lost: only the last-page check can see it. */
    @Test
    void largeChecksTheLastPage() {
        Large b = large(200);
        try (FakeAllocator fake = new FakeAllocator(false)) {
            BenchAllocator lossy = new BenchAllocator() {
                @Override public long malloc(long size) { return fake.malloc(size); }
                @Override public void free(long block) { fake.free(block); }
                @Override public long realloc(long block, long size) { return fake.realloc(block, size); }
                @Override public void put(long block, long offset, byte value) {
                    if (offset < 4096) BenchAllocator.super.put(block, offset, value);
                }
                @Override public String name() { return "lossy"; }
                @Override public void close() {}
            };
            b.init(lossy);
            var e = assertThrows(IllegalStateException.class, () -> {
                b.prefault();
                b.run();
            });
            assertTrue(e.getMessage().contains("verification failed") && !e.getMessage().contains("offset 0:"), e.getMessage());
        }
    }
}
