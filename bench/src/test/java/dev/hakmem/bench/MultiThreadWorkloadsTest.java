package dev.hakmem.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs small instances of the multithreaded workloads (xmalloc, larson, cacheScratch) without JMH:
 * on the real hakmem peer, on a {@link FakeAllocator} that counts calls and remote frees, and on a
 * broken fake that hands out one block for every malloc, where each workload's verification must
 * throw.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MultiThreadWorkloadsTest {


    private static void assertVerificationFails(Executable body) {
        var e = assertThrows(IllegalStateException.class, body);
        assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
    }

    // xmalloc

    @Test
    void xmallocConsumerThreadFreesEveryBlock() {
        FakeAllocator a = new FakeAllocator(false);
        BatchPipe pipe = new BatchPipe("fake", a, 64, 4);
        pipe.startConsumer();
        try (pipe) {
            for (int i = 0; i < 50; i++) pipe.produce(() -> false);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(50 * 64, a.mallocs);
        assertEquals(a.mallocs, a.frees, "close() frees what is still queued");
        assertEquals(a.frees, a.remoteFrees, "every free is remote");
        assertEquals(0, a.live());
    }

    @Test
    void xmallocOnHakmemWithTheWorkloadsQueue() throws InterruptedException {
        BatchPipe pipe = new BatchPipe("hakmem", Peers.create("hakmem"), Xmalloc.BATCH, Xmalloc.QUEUE);
        pipe.startConsumer();
        try (pipe) {
            for (int i = 0; i < 2 * Xmalloc.QUEUE; i++) pipe.produce(() -> false);
        }
        assertEquals(2L * Xmalloc.QUEUE * Xmalloc.BATCH, pipe.made());
    }

    /**
     * The scaling run's shape ({@code -t 4}): two pipes on one allocator, each with its own consumer.
     * The teardown empties and checks both, and closes the allocator once, after both.
     */
    @Test
    void xmallocPipesShareOneAllocatorAndAllAreEmptiedBeforeItCloses() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        Xmalloc.Pipe state = new Xmalloc.Pipe();
        state.peer = "fake";
        state.init(a, 2, true);
        Concurrently.run(2, i -> {
            try {
                for (int k = 0; k < 3; k++) state.pipes[i].produce(() -> false);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        state.finishAll();
        assertEquals(2L * 3 * Xmalloc.BATCH, a.mallocs);
        assertEquals(a.mallocs, a.frees, "every pipe emptied");
        assertEquals(a.frees, a.remoteFrees, "every free is remote");
        assertThrows(IllegalStateException.class, () -> a.malloc(8), "the allocator is closed after the pipes");
    }

    /** The twoThreads shape: producer and consumer are callers, as JMH's group threads are. */
    @Test
    void xmallocGroupShapeOnHakmem() throws InterruptedException {
        BatchPipe pipe = new BatchPipe("hakmem", Peers.create("hakmem"), 512, 8);
        AtomicBoolean stop = new AtomicBoolean();
        try (pipe) {
            Concurrently.run(2, role -> {
                try {
                    for (int i = 0; i < 100; i++) {
                        if (role == 0) pipe.produce(stop::get);
                        else assertTrue(pipe.consume(stop::get), "a batch for every produce");
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        assertEquals(100 * 512, pipe.made());
    }

    @Test
    void xmallocSidesGiveUpAfterStopInsteadOfHanging() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        BatchPipe pipe = new BatchPipe("fake", a, 8, 1);
        try (pipe) {
            assertFalse(pipe.consume(() -> true), "empty queue + stop: no batch, no hang");
            pipe.produce(() -> true); // fills the queue
            pipe.produce(() -> true); // full queue + stop: kept aside
        }
        assertEquals(16, a.frees, "close() freed the queued and the kept-aside batch");
        assertEquals(0, a.live());
    }

    @Test
    void xmallocThrowsOnOverlappingBlocks() {
        BatchPipe pipe = new BatchPipe("fake", new FakeAllocator(true), 64, 4);
        assertTrue(overlappingBlocksFail(pipe).contains("xmalloc"), "xmalloc's pipe names xmalloc");
    }

    @Test
    void aPipeOfAnotherWorkloadNamesThatWorkloadWhenACheckFails() {
        BatchPipe pipe = new BatchPipe("largeHandoff", "fake", new FakeAllocator(true), 64, 4, BatchPipe.SIZE);
        String message = overlappingBlocksFail(pipe);
        assertTrue(message.contains("largeHandoff") && !message.contains("xmalloc"), message);
    }

    /** Runs {@code pipe} on blocks that overlap until its consumer's check fails; returns the failure's message. */
    private static String overlappingBlocksFail(BatchPipe pipe) {
        pipe.startConsumer();
        var e = assertThrows(IllegalStateException.class, () -> {
            try (pipe) {
                for (int i = 0; i < 20; i++) pipe.produce(() -> false);
            }
        });
        assertTrue(e.getMessage().contains("verification failed"), e.getMessage());
        return e.getMessage();
    }

    // larson

    private static Larson.Shared larson(BenchAllocator a, String peer, int threads, int slots) {
        Larson.Shared s = new Larson.Shared();
        s.peer = peer;
        s.init(a, threads, slots);
        return s;
    }

    @Test
    void larsonHandsTheSlotsToFreshThreads() throws InterruptedException {
        FakeAllocator a = new FakeAllocator(false);
        Larson.Shared s = larson(a, "fake", 2, 100);
        Concurrently.run(2, t -> {
            try {
                for (int life = 0; life < 3; life++) Larson.handOff(s, s.slots[t], 2000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        for (Larson.Slots slots : s.slots) {
            for (int size : slots.sizes) assertTrue(size >= Larson.MIN_SIZE && size <= Larson.MAX_SIZE, "size " + size);
        }
        s.tearDown();
        assertEquals(2 * 100 + 2 * 3 * 2000, a.mallocs);
        assertEquals(a.mallocs, a.frees);
        assertEquals(0, a.live());
        // each life frees (nearly) every slot's inherited block first, then its own blocks
        assertTrue(a.remoteFrees >= 2 * 3 * 90 && a.remoteFrees < a.frees / 4, "remote frees: " + a.remoteFrees);
    }

    /**
     * The random sequence is the workload's definition (docs/WORKLOADS.md): per step a xorshift32 value
     * picks the victim, the next one the new block's size and tag. Recomputed here from that definition,
     * so a change to how the benchmark keeps its random state cannot change the workload unnoticed.
     */
    @Test
    void larsonFollowsItsDefinitionsRandomSequence() {
        FakeAllocator a = new FakeAllocator(false);
        Larson.Shared s = larson(a, "fake", 1, 16);
        Larson.Slots slots = s.slots[0];
        slots.run("fake", a, 500);

        int x = 4141 ^ (int) 2654435761L;
        int[] sizes = new int[16];
        for (int i = 0; i < sizes.length; i++) sizes[i] = Larson.MIN_SIZE + Integer.remainderUnsigned(x = xorshift32(x), 993);
        for (int step = 0; step < 500; step++) {
            int victim = Integer.remainderUnsigned(x = xorshift32(x), sizes.length);
            sizes[victim] = Larson.MIN_SIZE + Integer.remainderUnsigned(x = xorshift32(x), 993);
        }
        assertArrayEquals(sizes, slots.sizes);
        assertEquals(x, slots.x, "the state the next life starts from");
        s.tearDown();
        assertEquals(0, a.live());
    }

    private static int xorshift32(int x) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x;
    }

    @Test
    void larsonOnHakmem() throws InterruptedException {
        Larson.Shared s = larson(Peers.create("hakmem"), "hakmem", 2, Larson.SLOTS);
        try {
            Concurrently.run(2, t -> {
                try {
                    for (int life = 0; life < 3; life++) Larson.handOff(s, s.slots[t], 10 * Larson.SLOTS);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            s.tearDown();
        }
    }

    @Test
    void larsonThrowsOnOverlappingBlocks() {
        try (FakeAllocator a = new FakeAllocator(true)) {
            Larson.Shared s = larson(a, "fake", 1, 100);
            assertVerificationFails(() -> Larson.handOff(s, s.slots[0], 1000));
        }
    }

    // cacheScratch

    private static CacheScratch.Shared cacheScratch(BenchAllocator a, String peer, int threads) {
        CacheScratch.Shared s = new CacheScratch.Shared();
        s.peer = peer;
        s.size = 8;
        s.init(a, threads);
        return s;
    }

    /** Two iterations as JMH runs them: hand out, each worker frees its object and scratches. */
    private static void cacheScratchIterations(CacheScratch.Shared s, int threads, int cycles) throws Exception {
        for (int iteration = 0; iteration < 2; iteration++) {
            s.handOut();
            Concurrently.run(threads, t -> {
                s.takeAndFree(t);
                for (int i = 0; i < cycles; i++) CacheScratch.scratch(s.peer, s.allocator, s.size, 0x55 * t);
            });
            s.collect();
        }
    }

    @Test
    void cacheScratchWorkersFreeTheMainThreadsObjects() throws Exception {
        FakeAllocator a = new FakeAllocator(false);
        CacheScratch.Shared s = cacheScratch(a, "fake", 2);
        cacheScratchIterations(s, 2, 100);
        s.tearDown();
        assertEquals(2 * (2 + 2 * 100), a.mallocs);
        assertEquals(a.mallocs, a.frees);
        assertEquals(2 * 2, a.remoteFrees, "only the handed-out objects are freed remotely");
        assertEquals(0, a.live());
    }

    @Test
    void cacheScratchOnHakmem() throws Exception {
        CacheScratch.Shared s = cacheScratch(Peers.create("hakmem"), "hakmem", 2);
        try {
            cacheScratchIterations(s, 2, 10_000);
        } finally {
            s.tearDown();
        }
    }

    @Test
    void cacheScratchThrowsOnOverlappingBlocks() throws Exception {
        CacheScratch.Shared s = cacheScratch(new FakeAllocator(true), "fake", 2);
        try {
            s.handOut();
            assertVerificationFails(() -> s.takeAndFree(0));
        } finally {
            s.tearDown();
        }
    }
}
