package dev.hakmem.bench.mbench;

import dev.hakmem.bench.Blocks;
import dev.hakmem.bench.CrossThreadFrees;
import dev.hakmem.bench.OnceTornDownState;
import dev.hakmem.bench.TearDownOnce;
import dev.hakmem.bench.Xorshift32;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
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
 * mleak from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code mleak 5} and {@code mleak 50}), with
 * its own parameters (threadChurn follows its idea with other ones). One round starts
 * {@value #THREADS} platform threads at once and joins them; each thread callocs one block of
 * {@value #SIZE} bytes (16 words), swaps it into a random slot of a shared array of
 * {@value #TRANSFERS} slots, frees the block it took out (made by another thread, most likely one
 * that has exited) and exits. What it measures: thread start and exit with an allocator whose
 * per-thread state must be set up and given back, and blocks freed after their thread died.
 *
 * <p>The original runs {@code 100 * ITER} rounds ({@code mleak 5}: 500, {@code mleak 50}: 5000) in
 * one process, with the slots empty at the start (a swap may return nothing). Here the slots are
 * filled in the trial setup, so every thread frees exactly one block, and <b>one JMH invocation</b> is
 * {@value #ROUNDS} rounds ({@value #ROUNDS} times {@value #THREADS} thread lives, 10 to 50 ms here);
 * a trial runs a few hundred to a few thousand rounds, between the two originals. Thread start and join
 * are timed, as in the original, so the score says more about thread churn than about malloc. The slot
 * numbers and tags come from the xorshift32 of the other workloads, drawn by the JMH thread and
 * seeded with the original's {@code srand} seed {@code 0x1ce4e5b9} (not from C's {@code rand()}).
 * With {@code -t N} the JMH threads run their rounds on the same shared slots.
 *
 * <p><b>One op is one malloc or one free</b>: {@code 2 * }{@value #ROUNDS}{@code  * }{@value #THREADS}
 * per invocation.
 *
 * <p>Verification: a block is zeroed (calloc) and gets the two-byte stamp of {@link Blocks}, with
 * its tag kept next to it in the slot; whoever takes it out checks it before the free. The trial
 * teardown checks and frees the slots.
 */
@CrossThreadFrees
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Mleak {
    static final int THREADS = 10;
    static final int SIZE = 16 * 8;
    static final int TRANSFERS = 1000;
    static final int ROUNDS = 5;

    /** A block in a transfer slot, with the tag it was stamped with. */
    record Entry(long block, byte tag) {}

    /** The allocator, the transfer slots, and every JMH thread's random state. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        AtomicReferenceArray<Entry> transfer;
        int[] random;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads());
            end.expect(params);
        }

        /** Fills the transfer slots on the calling thread. */
        void init(BenchAllocator a, int threads) {
            allocator = a;
            random = new int[threads];
            for (int t = 0; t < threads; t++) random[t] = 0x1ce4e5b9 ^ (int) ((t + 1) * 2654435761L);
            transfer = new AtomicReferenceArray<>(TRANSFERS);
            for (int i = 0; i < TRANSFERS; i++) transfer.set(i, new Entry(calloc(peer, a, (byte) i), (byte) i));
            end = new TearDownOnce(() -> {
                try {
                    for (int i = 0; i < TRANSFERS; i++) {
                        Entry e = transfer.getAndSet(i, null);
                        if (e != null) Blocks.checkAndFree(allocator, peer, "mleak", e.block(), SIZE, e.tag());
                    }
                } finally {
                    allocator.close();
                }
            });
        }
    }

    /** malloc, zero every byte (calloc), stamp. */
    static long calloc(String peer, BenchAllocator a, byte tag) {
        long p = Blocks.malloc(a, peer, SIZE);
        for (int g = 1; g < SIZE - 1; g++) a.put(p, g, (byte) 0);
        Blocks.stamp(a, p, SIZE, tag);
        return p;
    }

    /** One thread's life: calloc a block, swap it into {@code slot}, check and free what came out. */
    static long leak(Shared s, int slot, byte tag) {
        long p = calloc(s.peer, s.allocator, tag);
        Entry old = s.transfer.getAndSet(slot, new Entry(p, tag));
        Blocks.checkAndFree(s.allocator, s.peer, "mleak", old.block(), SIZE, old.tag());
        return p;
    }

    /** {@code rounds} rounds of {@value #THREADS} threads started together and joined. */
    static long run(Shared s, int thread, int rounds) throws InterruptedException {
        long sum = 0;
        @SuppressWarnings("unchecked")
        FutureTask<Long>[] lives = new FutureTask[THREADS];
        Thread[] threads = new Thread[THREADS];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < THREADS; i++) {
                int x = s.random[thread] = Xorshift32.next(s.random[thread]);
                int slot = Integer.remainderUnsigned(x, TRANSFERS);
                byte tag = (byte) (x >>> 24);
                lives[i] = new FutureTask<>(() -> leak(s, slot, tag));
                threads[i] = Thread.ofPlatform().name("mleak-" + i).start(lives[i]);
            }
            for (Thread t : threads) t.join();
            for (FutureTask<Long> life : lives) sum += result(life);
        }
        return sum;
    }

    private static long result(FutureTask<Long> life) {
        try {
            return life.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * ROUNDS * THREADS)
    public long oneThread(Shared s, ThreadParams t) throws InterruptedException {
        return run(s, t.getThreadIndex(), ROUNDS);
    }
}
