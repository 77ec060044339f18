package dev.hakmem.netty;

import static dev.hakmem.netty.Buffers.fill;
import static dev.hakmem.netty.Buffers.firstMismatch;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several threads allocating, writing, handing buffers to each other and releasing them, as an event
 * loop hands a request's buffer to a worker: every buffer holds its bytes until its last release, and
 * every block is freed exactly once (hakmem's live-block count is back to 0, and a second free would
 * have thrown). Small: a few seconds on two cores.
 */
class ConcurrentReleaseTest {
    private static final int THREADS = 4;
    private static final int BUFFERS_PER_THREAD = 2_000;

    private NativeAllocator memory;
    private HakmemByteBufAllocator alloc;

    @BeforeEach
    void open() {
        memory = Hakmem.create();
        alloc = new HakmemByteBufAllocator(memory);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    /** A buffer in flight: who made it (the pattern's seed) and how many bytes it holds. */
    private record Sent(ByteBuf buf, int seed, int length) {}

    @Test
    void buffersHandedBetweenThreadsAreReleasedOnceEach() throws Exception {
        BlockingQueue<Sent> exchange = new ArrayBlockingQueue<>(256);
        List<FutureTask<Integer>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            tasks.add(new FutureTask<>(() -> run(thread, exchange)));
        }
        List<Thread> threads = tasks.stream().map(task -> Thread.ofPlatform().start(task)).toList();
        for (Thread thread : threads) thread.join();
        int released = 0;
        for (FutureTask<Integer> task : tasks) {
            try {
                released += task.get();
            } catch (ExecutionException e) {
                throw new AssertionError("a worker failed", e.getCause());
            }
        }
        for (Sent left; (left = exchange.poll()) != null; released++) check(left).release();
        assertEquals(THREADS * BUFFERS_PER_THREAD, released, "every buffer made was released once");
        assertEquals(0, memory.stats().liveBlocks(), "every block was freed");
        assertEquals(0, memory.stats().bytesLive());
    }

    /**
     * Makes buffers of 1 B to 40 KiB (one in 500 of 300,000 bytes, a Large block), some grown after they
     * were filled, offers each to the other threads and releases whatever it takes from them.
     *
     * @return how many buffers this thread released
     */
    private int run(int thread, BlockingQueue<Sent> exchange) throws InterruptedException {
        SplittableRandom random = new SplittableRandom(thread * 7919L + 1);
        int released = 0;
        for (int i = 0; i < BUFFERS_PER_THREAD; i++) {
            int length = i % 500 == 0 ? 300_000 : 1 + random.nextInt(random.nextBoolean() ? 256 : 40_000);
            int seed = thread * BUFFERS_PER_THREAD + i;
            ByteBuf buf = alloc.directBuffer(random.nextBoolean() ? length : Math.max(1, length / 4));
            fill(buf.capacity(length), seed, 0, length); // sometimes a capacity change first
            Sent sent = new Sent(buf, seed, length);
            if (!exchange.offer(sent)) {
                check(sent).release();
                released++;
            }
            Sent taken = exchange.poll(0, TimeUnit.MILLISECONDS);
            if (taken != null) {
                check(taken).release();
                released++;
            }
        }
        return released;
    }

    private static ByteBuf check(Sent s) {
        int bad = firstMismatch(s.buf(), s.seed(), 0, s.length());
        if (bad != -1) throw new AssertionError("buffer " + s.seed() + " of " + s.length() + " bytes: byte " + bad + " changed");
        return s.buf();
    }

    /** Threads retaining and releasing one shared buffer at once: the count stays exact, one free at the end. */
    @Test
    void concurrentRetainAndReleaseFreeOnce() throws Exception {
        ByteBuf shared = alloc.directBuffer(1000);
        fill(shared, 9, 0, 1000);
        CountDownLatch start = new CountDownLatch(1);
        List<FutureTask<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            tasks.add(new FutureTask<>(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    shared.retain();
                    if (shared.getByte(i % 1000) != Buffers.pattern(9, i % 1000)) throw new AssertionError("byte " + (i % 1000));
                    shared.release();
                }
                return null;
            }));
        }
        List<Thread> threads = tasks.stream().map(task -> Thread.ofPlatform().start(task)).toList();
        start.countDown();
        for (Thread thread : threads) thread.join();
        for (FutureTask<Void> task : tasks) task.get();
        assertEquals(1, shared.refCnt());
        assertEquals(1, memory.stats().liveBlocks());
        shared.release();
        assertEquals(0, memory.stats().liveBlocks());
    }
}
