package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
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
 * larson from {@code docs/WORKLOADS.md} (server-like, with thread hand-off), at 1 and 2
 * threads, with mimalloc-bench's parameters ({@code larson 5 8 1000 5000 100 4141 N}): each JMH
 * thread owns {@value #SLOTS} slots, pre-filled in the trial setup by the thread that runs it (the
 * "main thread"); one step frees a random slot and mallocs a size uniform in [8, 1000] into it.
 *
 * <p>The hand-off: one JMH invocation is one worker thread's life. The JMH thread starts a fresh
 * platform thread that runs {@value #ROUNDS} rounds of {@value #SLOTS} steps ({@value #STEPS} steps,
 * as larson's {@code num_rounds * chperthread}) on the slots and joins it; the next invocation's
 * thread inherits the slots. So in every life the first free of each slot (about {@value #SLOTS} of
 * the {@value #STEPS} frees, as in larson) is of a block that another, by now finished, thread
 * allocated; the rest free the thread's own blocks. Thread start and join are timed (tens of
 * microseconds against a life of {@value #STEPS} steps). The random state travels with the slots, as larson's {@code rgen} does;
 * the generator is the xorshift32 of the other workloads (not larson's lran2), seeded from 4141 per
 * thread.
 *
 * <p><b>One op is one malloc or one free</b>: a step is two ops, an invocation
 * {@code 2 * }{@value #STEPS}. (larson itself prints steps per second, half this number.)
 *
 * <p>Verification: every malloc writes two bytes (the first and last, {@link Blocks}; larson writes
 * the first two), checked before the block is freed. The trial teardown checks and frees all slots.
 */
@CrossThreadFrees
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Larson {
    static final int SLOTS = 5000;
    static final int ROUNDS = 100;
    static final int STEPS = ROUNDS * SLOTS;
    static final int MIN_SIZE = 8, MAX_SIZE = 1000;

    /** The allocator and every JMH thread's slots. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        Slots[] slots;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads(), SLOTS);
            end.expect(params);
        }

        /** Creates and fills {@code threads} slot sets on the calling thread. */
        void init(BenchAllocator a, int threads, int slotsPerThread) {
            allocator = a;
            slots = new Slots[threads];
            for (int t = 0; t < threads; t++) {
                slots[t] = new Slots(slotsPerThread, 4141 ^ (int) ((t + 1) * 2654435761L));
                slots[t].fill(peer, a);
            }
            end = new TearDownOnce(() -> {
                try {
                    for (Slots s : slots) s.freeAll(peer, allocator);
                } finally {
                    allocator.close();
                }
            });
        }
    }

    /** One thread's slots: the blocks, their sizes and stamps, and the random state. */
    static final class Slots {
        final long[] blocks;
        final int[] sizes;
        final byte[] tags;
        int x;

        Slots(int n, int seed) {
            blocks = new long[n];
            sizes = new int[n];
            tags = new byte[n];
            x = seed == 0 ? 1 : seed;
        }

        /** Mallocs a block of the size random value {@code r} picks into {@code slot}, stamped with {@code r}. */
        private long put(String peer, BenchAllocator a, int slot, int r) {
            int size = MIN_SIZE + Integer.remainderUnsigned(r, MAX_SIZE - MIN_SIZE + 1);
            long p = Blocks.malloc(a, peer, size);
            Blocks.stamp(a, p, size, (byte) r);
            blocks[slot] = p;
            sizes[slot] = size;
            tags[slot] = (byte) r;
            return p;
        }

        void fill(String peer, BenchAllocator a) {
            for (int i = 0; i < blocks.length; i++) {
                x = Xorshift32.next(x);
                put(peer, a, i, x);
            }
        }

        /**
         * One thread's life: {@code steps} times, free a random slot and malloc into it. The random
         * state lives in a local while it runs. The slot sets are neighbours in memory, and wherever
         * the garbage collector has just copied them, a field written on every step can share a cache
         * line with another thread's: larson with two threads then ran at half speed from one
         * collection to the next, whichever peer it was measuring (docs/BENCHMARKS-HISTORY.md, session 48).
         */
        long run(String peer, BenchAllocator a, int steps) {
            long sum = 0;
            int r = x;
            for (int i = 0; i < steps; i++) {
                r = Xorshift32.next(r);
                int victim = Integer.remainderUnsigned(r, blocks.length);
                Blocks.checkAndFree(a, peer, "larson", blocks[victim], sizes[victim], tags[victim]);
                r = Xorshift32.next(r);
                sum += put(peer, a, victim, r);
            }
            x = r;
            return sum;
        }

        void freeAll(String peer, BenchAllocator a) {
            for (int i = 0; i < blocks.length; i++) {
                if (blocks[i] != 0) Blocks.checkAndFree(a, peer, "larson", blocks[i], sizes[i], tags[i]);
                blocks[i] = 0;
            }
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * STEPS)
    public long oneThread(Shared s, ThreadParams t) throws InterruptedException {
        return handOff(s, s.slots[t.getThreadIndex()], STEPS);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(2 * STEPS)
    public long twoThreads(Shared s, ThreadParams t) throws InterruptedException {
        return handOff(s, s.slots[t.getThreadIndex()], STEPS);
    }

    /** Runs {@code steps} steps on a new platform thread, which inherits the slots, and joins it. */
    static long handOff(Shared s, Slots slots, int steps) throws InterruptedException {
        FutureTask<Long> life = new FutureTask<>(() -> slots.run(s.peer, s.allocator, steps));
        Thread.ofPlatform().name("larson-worker").start(life).join();
        try {
            return life.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }
}
