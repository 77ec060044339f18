package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Checks the benchmark bodies without JMH: that randomMixed is the docs/WORKLOADS.md loop (counts from an
 * independent unsigned 32-bit reference implementation of the C program) and that both workloads
 * throw when an allocator hands out overlapping memory, so a broken allocator cannot post a number.
 */
class WorkloadsTest {

    /**
     * Expected values from a Python transcription of docs/WORKLOADS.md with explicit {@code & 0xFFFFFFFF}
     * (cycles 100,000, seed 1234567): they pin the signed-int xorshift, the unsigned remainder, the
     * prefault seed and the fact that prefault blocks stay in their slots.
     */
    @Test
    void randomMixedMatchesTheReferenceLoop() {
        assertRandomMixed(256, 5062, 4938, 2_658_432, 50_004, 49_996, 26_468_146, 132);
        assertRandomMixed(8192, 6861, 3139, 3_593_303, 50_159, 49_841, 26_535_331, 4040);
    }

    private static void assertRandomMixed(int ws, long preMallocs, long preFrees, long preBytes,
                                          long mallocs, long frees, long bytes, long liveAfterLoop) {
        RandomMixed b = new RandomMixed();
        b.peer = "fake";
        b.ws = ws;
        b.cycles = 100_000;
        try (FakeAllocator a = new FakeAllocator(false)) {
            b.init(a);
            b.prefault();
            assertEquals(preMallocs, a.mallocs, "prefault mallocs");
            assertEquals(preFrees, a.frees, "prefault frees");
            assertEquals(preBytes, a.bytes, "prefault bytes");
            b.loop(b.cycles, RandomMixed.SEED);
            assertEquals(preMallocs + mallocs, a.mallocs, "mallocs");
            assertEquals(preFrees + frees, a.frees, "frees");
            assertEquals(preBytes + bytes, a.bytes, "bytes");
            assertEquals(liveAfterLoop, a.live(), "blocks left in slots");
            b.freeAll();
            assertEquals(0, a.live(), "run() ends with every slot freed");
        }
    }

    @Test
    void randomMixedRunLeavesNoBlocksAndRepeats() {
        RandomMixed b = new RandomMixed();
        b.peer = "fake";
        b.ws = 256;
        b.cycles = 20_000;
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
    void randomMixedThrowsOnOverlappingBlocks() {
        RandomMixed b = new RandomMixed();
        b.peer = "fake";
        b.ws = 256;
        b.cycles = 100_000;
        try (FakeAllocator a = new FakeAllocator(true)) {
            b.init(a);
            var e = assertThrows(IllegalStateException.class, () -> {
                b.prefault();
                b.run();
            });
            assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        }
    }

    @Test
    void tinyHotDoesOneLifoCycle() {
        TinyHot b = new TinyHot();
        b.peer = "fake";
        b.size = 64;
        try (FakeAllocator a = new FakeAllocator(false)) {
            b.init(a);
            b.cycle();
            assertEquals(TinyHot.BATCH, a.mallocs);
            assertEquals(TinyHot.BATCH, a.frees);
            assertEquals(TinyHot.BATCH * 64L, a.bytes);
            assertEquals(0, a.live());
        }
    }

    @Test
    void tinyHotThrowsOnOverlappingBlocks() {
        TinyHot b = new TinyHot();
        b.peer = "fake";
        b.size = 16;
        try (FakeAllocator a = new FakeAllocator(true)) {
            b.init(a);
            var e = assertThrows(IllegalStateException.class, b::cycle);
            assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        }
    }
}
