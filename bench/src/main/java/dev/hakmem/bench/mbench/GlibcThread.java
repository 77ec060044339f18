package dev.hakmem.bench.mbench;

import dev.hakmem.bench.Blocks;
import dev.hakmem.bench.OnceTornDownState;
import dev.hakmem.bench.TearDownOnce;
import dev.hakmem.bench.Xorshift32;
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
 * glibcThread from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code glibc-thread N}, glibc's
 * {@code benchtests/bench-malloc-thread.c}), at 1 and 2 threads (any {@code -t N} works): each
 * thread owns a working set of {@value #WS} slots; a step takes the next slot from a table of
 * {@value #OFFSETS} random slot numbers and the next size from a table of {@value #SIZE_TABLE} sizes
 * in [{@value #MIN_SIZE}, {@value #MAX_SIZE}] with an inverse-square distribution (mean about 36
 * bytes, a long tail), frees the slot's block and mallocs the new size into it, writing every byte.
 * The tables are shared by all threads and every thread starts at their beginning, as in the original.
 *
 * <p>The original runs each thread for 2 seconds (an alarm), starting from empty slots, and never
 * frees its working set. <b>One JMH invocation</b> is {@value #STEPS} steps of one thread; the slots
 * start empty and the blocks still in them are freed at the end of the invocation (timed), so every
 * malloc of the invocation is freed in it: {@code 2 * }{@value #STEPS} ops exactly. The table
 * positions carry over to the next invocation. The tables come from the xorshift32 of the other
 * workloads seeded with the original's {@code RAND_SEED} 88 (not from C's {@code rand()}).
 *
 * <p><b>One op is one malloc or one free.</b> Reported ops/s is the sum over threads. No block
 * leaves its thread.
 *
 * <p>Verification: every block gets the two-byte stamp of {@link Blocks} (the bytes between hold
 * their offset, as the original writes them), checked before its free.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class GlibcThread {
    static final int WS = 1024;
    static final int MIN_SIZE = 4, MAX_SIZE = 32768;
    static final int SIZE_TABLE = 8000;
    static final int OFFSETS = 4 * WS;
    static final int STEPS = 100_000;

    /** The original's tables: sizes with an inverse-square distribution, and slot numbers. */
    static final int[] SIZES = new int[SIZE_TABLE];
    static final short[] SLOTS = new short[OFFSETS];

    static {
        int x = 88;
        double minPow = 1.0 / MIN_SIZE, maxPow = 1.0 / MAX_SIZE;
        for (int i = 0; i < SIZE_TABLE; i++) {
            x = Xorshift32.next(x);
            double r = (x >>> 1) / (double) Integer.MAX_VALUE; // [0, 1]
            SIZES[i] = Math.clamp((long) (1.0 / ((maxPow - minPow) * r + minPow)), MIN_SIZE, MAX_SIZE);
        }
        for (int i = 0; i < OFFSETS; i++) {
            x = Xorshift32.next(x);
            SLOTS[i] = (short) Integer.remainderUnsigned(x, WS);
        }
    }

    /** The allocator and every JMH thread's working set. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        WorkingSet[] sets;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads());
            end.expect(params);
        }

        void init(BenchAllocator a, int threads) {
            allocator = a;
            sets = new WorkingSet[threads];
            for (int t = 0; t < threads; t++) sets[t] = new WorkingSet();
            end = new TearDownOnce(a::close);
        }
    }

    /** One thread's slots (empty between invocations) and its positions in the tables. */
    static final class WorkingSet {
        final long[] blocks = new long[WS];
        final int[] sizes = new int[WS];
        final byte[] tags = new byte[WS];
        int sizeIndex, slotIndex;
        byte tag;

        /**
         * {@code steps} steps, then frees what the slots still hold. The table positions live in locals
         * while it runs: the working sets are neighbours in memory, and fields written on every step
         * would share cache lines with another thread's.
         */
        long run(String peer, BenchAllocator a, int steps) {
            long sum = 0;
            int sizeAt = sizeIndex, slotAt = slotIndex;
            byte t = tag;
            for (int i = 0; i < steps; i++) {
                int slot = SLOTS[slotAt];
                slotAt = slotAt == OFFSETS - 1 ? 0 : slotAt + 1;
                int size = SIZES[sizeAt];
                sizeAt = sizeAt == SIZE_TABLE - 1 ? 0 : sizeAt + 1;
                if (blocks[slot] != 0) Blocks.checkAndFree(a, peer, "glibcThread", blocks[slot], sizes[slot], tags[slot]);
                long p = Blocks.malloc(a, peer, size);
                for (int g = 1; g < size - 1; g++) a.put(p, g, (byte) g);
                Blocks.stamp(a, p, size, ++t);
                blocks[slot] = p;
                sizes[slot] = size;
                tags[slot] = t;
                sum += p;
            }
            sizeIndex = sizeAt;
            slotIndex = slotAt;
            tag = t;
            for (int slot = 0; slot < WS; slot++) {
                if (blocks[slot] != 0) Blocks.checkAndFree(a, peer, "glibcThread", blocks[slot], sizes[slot], tags[slot]);
                blocks[slot] = 0;
            }
            return sum;
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * STEPS)
    public long oneThread(Shared s, ThreadParams t) {
        return s.sets[t.getThreadIndex()].run(s.peer, s.allocator, STEPS);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(2 * STEPS)
    public long twoThreads(Shared s, ThreadParams t) {
        return s.sets[t.getThreadIndex()].run(s.peer, s.allocator, STEPS);
    }
}
