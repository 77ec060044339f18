package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * cacheScratch from {@code docs/WORKLOADS.md} (mimalloc-bench's cache-scratch, Hoard's
 * false-sharing test), at 1 and 2 threads.
 *
 * <p>Before every iteration (warm-up and measurement alike) a "main thread" (a platform thread that
 * lives for the trial and otherwise idles) mallocs one {@code size}-byte object per JMH thread, back
 * to back, so they share a cache line; then each JMH thread, in its own iteration setup, checks and
 * frees its object. From there each invocation mallocs an object of the same size, writes every byte
 * {@value #REPS} times (each write followed by a read, as cache-scratch does; opaque accesses, so the
 * JIT keeps them all), checks the last values and frees it. An allocator that gives a thread back
 * the block it just freed (the one sharing a line with the other thread's) makes the two threads
 * write the same cache line: the 2-thread score then falls far below twice the 1-thread score.
 *
 * <p><b>One op is one object's life</b> (one malloc, {@code REPS * size} writes and reads, one
 * free), not one allocator call. The score is summed over threads; per thread, divide by the thread
 * count. {@code size} is 8 by default; {@code -p size=16} runs 16-byte objects.
 */
@CrossThreadFrees
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CacheScratch {
    static final int REPS = 100;

    /** The allocator, the main thread and the objects it hands out. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        @Param({"8"})
        public int size;

        BenchAllocator allocator;
        private ExecutorService main;
        private long[] handed;
        TearDownOnce end;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads());
            end.expect(params);
        }

        void init(BenchAllocator a, int threads) {
            if (size < 2) throw new IllegalArgumentException("size must be at least 2: " + size);
            allocator = a;
            handed = new long[threads];
            main = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("cache-scratch-main").daemon().unstarted(r));
            end = new TearDownOnce(() -> {
                main.shutdownNow();
                allocator.close();
            });
        }

        /** The main thread mallocs one object per worker, back to back, and stamps each. */
        @Setup(Level.Iteration)
        public void handOut() throws InterruptedException, ExecutionException {
            main.submit(() -> {
                for (int i = 0; i < handed.length; i++) {
                    handed[i] = Blocks.malloc(allocator, peer, size);
                    Blocks.stamp(allocator, handed[i], size, (byte) (0xA0 + i));
                }
            }).get();
        }

        /** Checks and frees worker {@code i}'s object; call on the worker's thread. */
        void takeAndFree(int i) {
            long p = handed[i];
            handed[i] = 0;
            if (p != 0) Blocks.checkAndFree(allocator, peer, "cacheScratch", p, size, (byte) (0xA0 + i));
        }

        /**
         * Frees objects no worker took (only when fewer threads ran than were counted); after the last
         * iteration, runs the trial's teardown (see {@link TearDownOnce}).
         */
        @TearDown(Level.Iteration)
        public void collect() {
            for (int i = 0; i < handed.length; i++) takeAndFree(i);
            end.iterationEnded();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            end.runOnce();
        }
    }

    /** A JMH thread's side: takes its object at the start of every iteration. */
    @State(Scope.Thread)
    public static class Worker {
        int salt;

        @Setup(Level.Iteration)
        public void takeObject(Shared s, ThreadParams t) {
            salt = 0x55 * t.getThreadIndex();
            s.takeAndFree(t.getThreadIndex());
        }
    }

    @Benchmark
    @Threads(1)
    public long oneThread(Shared s, Worker w) {
        return scratch(s.peer, s.allocator, s.size, w.salt);
    }

    @Benchmark
    @Threads(2)
    public long twoThreads(Shared s, Worker w) {
        return scratch(s.peer, s.allocator, s.size, w.salt);
    }

    /** One object's life; {@code salt} makes each thread's bytes differ from the other's. */
    static long scratch(String peer, BenchAllocator a, int size, int salt) {
        long p = Blocks.malloc(a, peer, size);
        long sum = 0;
        for (int j = 0; j < REPS; j++) {
            for (int k = 0; k < size; k++) {
                a.putOpaque(p, k, (byte) (salt + j + k));
                sum += a.getOpaque(p, k);
            }
        }
        for (int k = 0; k < size; k++) {
            byte want = (byte) (salt + REPS - 1 + k);
            byte got = a.get(p, k);
            if (got != want) {
                throw new IllegalStateException(String.format(
                        "%s: cacheScratch verification failed at block 0x%x (size %d): byte %d is %d, wrote %d",
                        peer, p, size, k, got, want));
            }
        }
        a.free(p);
        return sum;
    }
}
