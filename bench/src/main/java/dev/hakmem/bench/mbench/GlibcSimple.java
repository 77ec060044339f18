package dev.hakmem.bench.mbench;

import dev.hakmem.bench.Blocks;
import dev.hakmem.bench.OnceTornDownState;
import dev.hakmem.bench.TearDownOnce;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * glibcSimple from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code glibc-simple}, glibc's
 * {@code benchtests/bench-malloc-simple.c}): the fixed-size fast path (glibc's tcache and
 * fastbins), one thread.
 *
 * <p>One round with {@code n} blocks of {@code size} bytes: malloc the {@code n} blocks, writing
 * every byte of each, then free the first half in allocation order (FIFO) and the second half in
 * reverse order (LIFO). The original runs, for each size 16, 32 and 64 and each {@code n} of 25,
 * 100, 400 and 1600, {@code 2,000,000 / n} rounds (2 million mallocs per pair), three times over
 * (main arena single-threaded, a thread arena, main arena multithreaded: a glibc distinction that a
 * JVM, never single-threaded, does not have). <b>One JMH invocation</b> runs the same twelve pairs with
 * {@value #BLOCKS} mallocs each ({@code BLOCKS / n} rounds): scaled 250 times down, so that an
 * invocation is a few milliseconds.
 *
 * <p><b>One op is one malloc or one free</b>: {@code 2 * 3 * 4 * }{@value #BLOCKS} per invocation.
 *
 * <p>Verification: every block gets the two-byte stamp of {@link Blocks} (the first and last byte; the
 * bytes between hold their offset, as the original writes them), checked before its free. Every
 * block is freed in the round that made it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GlibcSimple {
    static final int[] SIZES = {16, 32, 64};
    static final int[] COUNTS = {25, 100, 400, 1600};
    static final int MAX_COUNT = 1600;
    /** Mallocs per (size, count) pair and invocation; a multiple of every count. */
    static final int BLOCKS = 8000;
    static final int OPS = 2 * 3 * 4 * BLOCKS;

    /** The allocator and every JMH thread's array of blocks. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        long[][] arrays;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads());
            end.expect(params);
        }

        /** One array of {@value #MAX_COUNT} handles per JMH thread. */
        void init(BenchAllocator a, int threads) {
            allocator = a;
            arrays = new long[threads][MAX_COUNT];
            end = new TearDownOnce(a::close);
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(OPS)
    public long oneThread(Shared s, ThreadParams t) {
        return run(s.peer, s.allocator, s.arrays[t.getThreadIndex()]);
    }

    /** One invocation: every (size, count) pair, {@value #BLOCKS} mallocs each. */
    static long run(String peer, BenchAllocator a, long[] arr) {
        long sum = 0;
        for (int size : SIZES) {
            for (int n : COUNTS) {
                for (int r = 0, rounds = BLOCKS / n; r < rounds; r++) sum += round(peer, a, arr, size, n, r);
            }
        }
        return sum;
    }

    /** n mallocs of size bytes, every byte written; then the first half freed FIFO, the second LIFO. */
    static long round(String peer, BenchAllocator a, long[] arr, int size, int n, int r) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long p = Blocks.malloc(a, peer, size);
            for (int g = 1; g < size - 1; g++) a.put(p, g, (byte) g);
            Blocks.stamp(a, p, size, tag(i, r));
            arr[i] = p;
            sum += p;
        }
        for (int i = 0; i < n / 2; i++) Blocks.checkAndFree(a, peer, "glibcSimple", arr[i], size, tag(i, r));
        for (int i = n - 1; i >= n / 2; i--) Blocks.checkAndFree(a, peer, "glibcSimple", arr[i], size, tag(i, r));
        return sum;
    }

    private static byte tag(int i, int r) {
        return (byte) (i + 13 * r);
    }
}
