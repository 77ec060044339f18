package dev.hakmem.bench.mbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.Concurrently;
import dev.hakmem.bench.FakeAllocator;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The mimalloc-bench workloads of {@code dev.hakmem.bench.mbench} without JMH: their op counts and
 * tables against the definitions, their runs on a {@link FakeAllocator} (every block freed by the end,
 * on which thread) and on hakmem, and their verification against a broken fake that hands out one
 * block for every malloc.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MbenchWorkloadsTest {


    private static void assertVerificationFails(Executable body) {
        var e = assertThrows(IllegalStateException.class, body);
        assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
    }

    private static void assertAllFreed(FakeAllocator a) {
        assertEquals(a.mallocs, a.frees, "every block freed");
        assertEquals(0, a.live());
    }

    // rptest

    private static Rptest.Shared rptest(BenchAllocator a, String peer, int threads) {
        Rptest.Shared s = new Rptest.Shared();
        s.peer = peer;
        s.init(a, threads);
        return s;
    }

    @Test
    void rptestCountsAndSizes() {
        int own = 0, cross = 0;
        for (int loop = 0; loop < Rptest.LOOPS; loop++) {
            int a = Rptest.allocCount(loop), f = Rptest.freeCount(loop);
            assertTrue(a >= 30 && a <= 99, "alloc count " + a);
            assertTrue(f >= 24 && f <= 79, "free count " + f);
            own += a;
            if (loop % 2 == 0) cross += a;
        }
        assertEquals(own, Rptest.OWN_MALLOCS);
        assertEquals(cross, Rptest.CROSS_MALLOCS);
        int[] sizes = Rptest.SIZES;
        assertTrue(Arrays.stream(sizes).allMatch(s -> s >= Rptest.MIN_SIZE && s <= Rptest.MAX_SIZE));
        double mean = Arrays.stream(sizes).average().orElseThrow();
        assertTrue(mean > 2200 && mean < 3200, "linear drop-off: mean about min + range / 6, not " + mean);
        long small = Arrays.stream(sizes).filter(s -> s < 4000).count(), large = Arrays.stream(sizes).filter(s -> s > 12000).count();
        assertTrue(small > 10 * large && large > 0, small + " below 4000, " + large + " above 12000");
    }

    @Test
    void rptestOneThreadFreesItsOwnBlocksInTheInvocation() {
        FakeAllocator a = new FakeAllocator(false);
        Rptest.Shared s = rptest(a, "fake", 1);
        s.workers[0].run("fake", a, s.workers, false, Rptest.CYCLE);
        assertEquals(Rptest.OWN_MALLOCS / 7, a.mallocs, "the mallocs of one cycle of loops");
        assertAllFreed(a);
        s.tearDown();
        assertEquals(0, a.remoteFrees);
    }

    @Test
    void rptestSendsEveryBatchToAnotherThread() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        Rptest.Shared s = rptest(a, "fake", 3);
        Concurrently.run(3, t -> s.workers[t].run("fake", a, s.workers, true, Rptest.CYCLE));
        s.tearDown(); // frees the batches that arrived after their receiver's last drain
        assertEquals(3L * (Rptest.OWN_MALLOCS + Rptest.CROSS_MALLOCS) / 7, a.mallocs);
        assertAllFreed(a);
        assertEquals(3L * Rptest.CROSS_MALLOCS / 7, a.remoteFrees, "exactly the batches are freed on other threads");
    }

    @Test
    void rptestWithOneThreadSendsItsBatchesToItself() {
        FakeAllocator a = new FakeAllocator(false);
        Rptest.Shared s = rptest(a, "fake", 1);
        s.workers[0].run("fake", a, s.workers, true, Rptest.CYCLE);
        assertEquals((Rptest.OWN_MALLOCS + Rptest.CROSS_MALLOCS) / 7, a.mallocs);
        assertAllFreed(a);
        assertEquals(0, a.remoteFrees);
    }

    @Test
    void rptestOnHakmemAtFourThreads() throws InterruptedException {
        Rptest.Shared s = rptest(Peers.create("hakmem"), "hakmem", 4);
        try {
            Concurrently.run(4, t -> {
                for (int i = 0; i < 2; i++) s.workers[t].run("hakmem", s.allocator, s.workers, true, Rptest.LOOPS);
            });
        } finally {
            s.tearDown();
        }
    }

    @Test
    void rptestThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true, Rptest.MAX_SIZE)) {
            Rptest.Shared s = rptest(a, "fake", 1);
            assertVerificationFails(() -> s.workers[0].run("fake", a, s.workers, false, 4));
        }
    }

    // glibcSimple

    @Test
    void glibcSimpleRunsEveryRoundAndFreesEveryBlock() {
        FakeAllocator a = new FakeAllocator(false);
        GlibcSimple.Shared s = new GlibcSimple.Shared();
        s.peer = "fake";
        s.init(a, 1);
        GlibcSimple.run("fake", a, s.arrays[0]);
        assertEquals(GlibcSimple.OPS / 2, a.mallocs);
        assertEquals((long) GlibcSimple.BLOCKS * GlibcSimple.COUNTS.length * (16 + 32 + 64), a.bytes);
        assertAllFreed(a);
        assertEquals(0, a.remoteFrees);
        assertEquals(a.peakLiveBytes, (long) GlibcSimple.MAX_COUNT * 64, "at most one round of 1600 blocks of 64 bytes live");
    }

    @Test
    void glibcSimpleOnHakmem() {
        GlibcSimple.Shared s = new GlibcSimple.Shared();
        s.peer = "hakmem";
        s.init(Peers.create("hakmem"), 1);
        for (int i = 0; i < 3; i++) GlibcSimple.run("hakmem", s.allocator, s.arrays[0]);
        s.tearDown();
    }

    @Test
    void glibcSimpleThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true)) {
            assertVerificationFails(() -> GlibcSimple.round("fake", a, new long[GlibcSimple.MAX_COUNT], 16, 25, 0));
        }
    }

    // glibcThread

    @Test
    void glibcThreadTables() {
        int[] sizes = GlibcThread.SIZES;
        assertTrue(Arrays.stream(sizes).allMatch(s -> s >= GlibcThread.MIN_SIZE && s <= GlibcThread.MAX_SIZE));
        double mean = Arrays.stream(sizes).average().orElseThrow();
        assertTrue(mean > 20 && mean < 80, "inverse square on [4, 32768]: mean about 4 ln 8192 = 36, not " + mean);
        assertTrue(Arrays.stream(sizes).filter(s -> s <= 8).count() > sizes.length / 3, "half of the mass is below 8");
        assertTrue(Arrays.stream(sizes).anyMatch(s -> s > 1024), "a tail");
        for (short slot : GlibcThread.SLOTS) assertTrue(slot >= 0 && slot < GlibcThread.WS);
        assertTrue(Arrays.stream(toInts(GlibcThread.SLOTS)).distinct().count() > 950, "the offsets reach most slots");
    }

    private static int[] toInts(short[] s) {
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = s[i];
        return out;
    }

    @Test
    void glibcThreadFreesEveryMallocOfTheInvocationOnItsThread() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        GlibcThread.Shared s = new GlibcThread.Shared();
        s.peer = "fake";
        s.init(a, 3);
        Concurrently.run(3, t -> {
            for (int i = 0; i < 2; i++) {
                s.sets[t].run("fake", a, 5000);
                assertTrue(Arrays.stream(s.sets[t].blocks).allMatch(p -> p == 0), "slots empty after an invocation");
            }
        });
        assertEquals(3 * 2 * 5000, a.mallocs);
        assertAllFreed(a);
        assertEquals(0, a.remoteFrees);
        s.tearDown();
    }

    @Test
    void glibcThreadOnHakmemAtFourThreads() throws InterruptedException {
        GlibcThread.Shared s = new GlibcThread.Shared();
        s.peer = "hakmem";
        s.init(Peers.create("hakmem"), 4);
        try {
            Concurrently.run(4, t -> s.sets[t].run("hakmem", s.allocator, GlibcThread.STEPS));
        } finally {
            s.tearDown();
        }
    }

    @Test
    void glibcThreadThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true, GlibcThread.MAX_SIZE)) {
            GlibcThread.Shared s = new GlibcThread.Shared();
            s.peer = "fake";
            s.init(a, 1);
            assertVerificationFails(() -> s.sets[0].run("fake", a, 5000));
        }
    }

    // mallocLarge

    private static MallocLarge.Shared mallocLarge(BenchAllocator a, String peer, int minSize, int maxSize) {
        MallocLarge.Shared s = new MallocLarge.Shared();
        s.peer = peer;
        s.init(a, 1, MallocLarge.SLOTS, minSize, maxSize);
        return s;
    }

    @Test
    void mallocLargeFreesOneBlockPerStep() {
        FakeAllocator a = new FakeAllocator(false);
        MallocLarge.Shared s = mallocLarge(a, "fake", 20_000, 100_000);
        assertEquals(MallocLarge.SLOTS, a.mallocs, "filled in the setup");
        s.slots[0].run("fake", a, 50);
        assertEquals(MallocLarge.SLOTS + 50, a.mallocs);
        assertEquals(50, a.frees, "one free per step");
        assertTrue(a.peakLiveBytes <= (MallocLarge.SLOTS + 1) * 100_000L, "at most one block more than the slots");
        for (int size : s.slots[0].sizes) assertTrue(size >= 20_000 && size <= 100_000, "size " + size);
        s.tearDown();
        assertAllFreed(a);
    }

    /** A block whose last byte starts a page: the page's byte and the last byte must not collide. */
    @Test
    void mallocLargeStampsEveryPageAndTheLastByte() {
        try (FakeAllocator a = new FakeAllocator(false)) {
            for (int size : new int[] {2, 4096, 4097, 4098, 3 * 4096 + 1, 3 * 4096}) {
                long p = MallocLarge.make("fake", a, size, (byte) 7);
                MallocLarge.checkAndFree("fake", a, p, size, (byte) 7);
            }
            assertAllFreed(a);
        }
    }

    @Test
    void mallocLargeOnHakmemWithItsSizes() {
        MallocLarge.Shared s = mallocLarge(Peers.create("hakmem"), "hakmem", MallocLarge.MIN_SIZE, MallocLarge.MAX_SIZE);
        try {
            s.slots[0].run("hakmem", s.allocator, 2 * MallocLarge.STEPS);
            for (int size : s.slots[0].sizes) assertTrue(size >= 5 << 20 && size <= 25 << 20, "size " + size);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void mallocLargeThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true, 100_000)) {
            MallocLarge.Shared s = mallocLarge(a, "fake", 20_000, 100_000);
            assertVerificationFails(() -> s.slots[0].run("fake", a, 10));
        }
    }

    // mleak

    private static Mleak.Shared mleak(BenchAllocator a, String peer, int threads) {
        Mleak.Shared s = new Mleak.Shared();
        s.peer = peer;
        s.init(a, threads);
        return s;
    }

    @Test
    void mleakEveryThreadLeavesOneBlockAndFreesAnother() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        Mleak.Shared s = mleak(a, "fake", 1);
        assertEquals(Mleak.TRANSFERS, a.mallocs, "slots filled in the setup");
        Mleak.run(s, 0, 3);
        assertEquals(Mleak.TRANSFERS + 3 * Mleak.THREADS, a.mallocs);
        assertEquals(3 * Mleak.THREADS, a.frees, "one free per thread");
        assertEquals(a.frees, a.remoteFrees, "a thread frees only blocks made by others");
        assertEquals((long) Mleak.TRANSFERS * Mleak.SIZE, a.liveBytes, "what is live is the slots");
        s.tearDown();
        assertAllFreed(a);
    }

    @Test
    void mleakOnHakmemFromTwoJmhThreads() throws InterruptedException {
        Mleak.Shared s = mleak(Peers.create("hakmem"), "hakmem", 2);
        try {
            Concurrently.run(2, t -> Mleak.run(s, t, Mleak.ROUNDS));
        } finally {
            s.tearDown();
        }
    }

    @Test
    void mleakThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true)) {
            Mleak.Shared s = mleak(a, "fake", 1);
            assertVerificationFails(() -> Mleak.run(s, 0, 3));
        }
    }
}
