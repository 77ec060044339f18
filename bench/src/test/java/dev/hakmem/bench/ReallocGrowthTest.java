package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import org.junit.jupiter.api.Test;

/**
 * reallocGrowth: its op count and sizes on a counting fake, cycles on hakmem, and its checks against a
 * broken allocator (one block for all) and a realloc that forgets to copy.
 */
class ReallocGrowthTest {

    private static ReallocGrowth growth(BenchAllocator a, String peer) {
        ReallocGrowth b = new ReallocGrowth();
        b.peer = peer;
        b.init(a);
        return b;
    }

    @Test
    void growthSequenceIsTheDefinedOne() {
        long s = ReallocGrowth.START, sum = 0;
        int grows = 0;
        while (s < ReallocGrowth.LIMIT) {
            s = ReallocGrowth.next(s);
            sum += s;
            grows++;
        }
        assertEquals(24, grows);
        assertEquals(266_269, s, "the last size");
        assertEquals(ReallocGrowth.BUFFERS * (1 + 24 + 1), ReallocGrowth.OPS);
    }

    /** The fake counts a realloc as a malloc of the new size and a free of the old block. */
    @Test
    void oneCycleOnTheFake() {
        long grownBytes = 0;
        for (long s = ReallocGrowth.START; s < ReallocGrowth.LIMIT; ) grownBytes += (s = ReallocGrowth.next(s));
        try (FakeAllocator a = new FakeAllocator(false)) {
            ReallocGrowth b = growth(a, "fake");
            b.cycle();
            int buffers = ReallocGrowth.BUFFERS;
            assertEquals(buffers * (1 + ReallocGrowth.GROWS), a.mallocs, "mallocs and reallocs");
            assertEquals(a.mallocs, a.frees, "reallocs and frees");
            assertEquals(buffers * (ReallocGrowth.START + grownBytes), a.bytes);
            assertEquals(0, a.live());
            b.cycle();
            assertEquals(2 * buffers * (1 + ReallocGrowth.GROWS), a.mallocs);
            assertEquals(0, a.live());
        }
    }

    @Test
    void cyclesOnHakmem() {
        ReallocGrowth b = growth(Peers.create("hakmem"), "hakmem");
        try {
            for (int i = 0; i < 300; i++) b.cycle(); // tags wrap around several times
        } finally {
            b.tearDown();
        }
    }

    @Test
    void throwsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true)) {
            ReallocGrowth b = growth(a, "fake");
            var e = assertThrows(IllegalStateException.class, b::cycle);
            assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        }
    }

    /** A realloc that moves the block without copying: the kept prefix is gone. */
    @Test
    void throwsWhenReallocLosesTheContent() {
        try (FakeAllocator fake = new FakeAllocator(false)) {
            BenchAllocator forgetful = new BenchAllocator() {
                @Override public long malloc(long size) { return fake.malloc(size); }
                @Override public void free(long block) { fake.free(block); }
                @Override public long realloc(long block, long size) {
                    long p = fake.malloc(size);
                    fake.free(block);
                    return p;
                }
                @Override public String name() { return "forgetful"; }
                @Override public void close() {}
            };
            ReallocGrowth b = growth(forgetful, "forgetful");
            var e = assertThrows(IllegalStateException.class, b::cycle);
            assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        }
    }
}
