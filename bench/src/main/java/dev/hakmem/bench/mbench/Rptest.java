package dev.hakmem.bench.mbench;

import dev.hakmem.bench.Blocks;
import dev.hakmem.bench.CrossThreadFrees;
import dev.hakmem.bench.OnceTornDownState;
import dev.hakmem.bench.TearDownOnce;
import dev.hakmem.bench.Xorshift32;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * rptest from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code rptest N 0 1 2 500 1000 100 8
 * 16000}, rpmalloc's benchmark by Mattias Jansson), at 1 and 2 threads (any {@code -t N} works).
 * Each thread owns {@value #SLOTS} slots. One loop: free up to {@code 0.8 * a'} slots, walking the
 * slots with stride {@value #FREE_STRIDE}; free every block another thread sent; malloc {@code a}
 * blocks into the slots, walking with stride {@value #ALLOC_STRIDE} and freeing what a slot held;
 * and on every second loop ({@code cross rate 2}) malloc another {@code a} blocks as a batch and
 * send it to the next other thread (round robin), which frees it at the start of its next loop. The
 * counts {@code a} and {@code a'} lie in [30, 99] (rptest's {@code op count} 100 times its tables of
 * 30-99 percent); here {@code a = 30 + (37 * loop) % 70} and {@code a' = 30 + (53 * loop) % 70},
 * which visit every value once per {@value #CYCLE} loops, so the count of mallocs per invocation is a
 * constant. Sizes come from a table of {@value #SIZE_TABLE} sizes in [{@value #MIN_SIZE},
 * {@value #MAX_SIZE}] with rptest's linear drop-off ({@code size mode 1}: {@code min + e(i+2) *
 * |w(i) + w(i+1) - 1|}, mean about 2.7 KB) built from the xorshift32 of the other workloads instead of
 * rptest's fixed random table; each thread starts at its own place in it, as rptest's threads do.
 * rptest's alignments (0, 8, 16 for small blocks) are left out: {@link BenchAllocator} has no
 * aligned malloc; the batch's pointer array is a Java array, not a block of the allocator.
 *
 * <p><b>One JMH invocation</b> is {@value #LOOPS} loops of one thread (rptest runs 2 iterations of
 * 500), after which the thread frees the blocks sent to it and its own slots, as rptest does at the
 * end of an iteration; batches that arrive later are freed in its next invocation (or at the end of
 * the trial). {@code oneThread} sends no batches (rptest sets the cross rate to 0 for one thread);
 * {@code twoThreads} does, also when run with {@code -t 1} (the batches then go to the thread
 * itself, so the op count stays the same).
 *
 * <p><b>One op is one malloc or one free.</b> Every malloc of an invocation is paired with one free:
 * of the thread's own blocks in the same invocation, of a batch by the receiving thread, which in the
 * steady state frees as many as it sends. So an invocation counts twice its mallocs:
 * {@code 2 * }{@value #OWN_MALLOCS} in {@code oneThread}, {@code 2 * (}{@value #OWN_MALLOCS}{@code +
 * }{@value #CROSS_MALLOCS}{@code )} in {@code twoThreads}. Reported ops/s is the sum over threads.
 *
 * <p>Verification: every block carries the sized stamp of {@link Blocks} (its size, a tag, a byte on
 * every page: rptest writes the size and every page too), checked against the slot's or the batch's
 * record before it is freed.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Rptest {
    static final int SLOTS = 1000;
    /** rptest's scatter strides: the first primes that do not divide the slot count. */
    static final int ALLOC_STRIDE = 7, FREE_STRIDE = 11;
    static final int MIN_SIZE = 8, MAX_SIZE = 16000;
    static final int SIZE_TABLE = 2000;
    /** Loops after which the per-loop counts repeat. */
    static final int CYCLE = 70;
    static final int LOOPS = 7 * CYCLE;
    /** Own mallocs per invocation: the sum of {@link #allocCount} over the loops (30..99 per cycle). */
    static final int OWN_MALLOCS = LOOPS / CYCLE * (CYCLE * 30 + CYCLE * (CYCLE - 1) / 2);
    /** Batch mallocs per invocation: {@link #allocCount} summed over the even loops (30 + 0, 2, .., 68 per cycle). */
    static final int CROSS_MALLOCS = LOOPS / CYCLE * (CYCLE / 2 * 30 + 2 * ((CYCLE / 2) * (CYCLE / 2 - 1) / 2));

    /** Sizes with rptest's linear drop-off. */
    static final int[] SIZES = new int[SIZE_TABLE];

    static {
        int x = 0x72707465; // "rpte"
        double range = MAX_SIZE - MIN_SIZE;
        long[] even = new long[SIZE_TABLE];
        for (int i = 0; i < SIZE_TABLE; i++) {
            x = Xorshift32.next(x);
            even[i] = Math.round(range * Integer.remainderUnsigned(x, 100_000) / 100_000.0);
        }
        for (int i = 0; i < SIZE_TABLE; i++) {
            double w0 = 1.0 - even[i] / range, w1 = 1.0 - even[(i + 1) % SIZE_TABLE] / range;
            SIZES[i] = MIN_SIZE + (int) (even[(i + 2) % SIZE_TABLE] * Math.abs(w0 + w1 - 1.0));
        }
    }

    /** Mallocs in loop {@code loop} (and the size of its batch). */
    static int allocCount(int loop) {
        return 30 + 37 * loop % CYCLE;
    }

    /** Slots the free walk of loop {@code loop} visits. */
    static int freeCount(int loop) {
        return (30 + 53 * loop % CYCLE) * 4 / 5;
    }

    /** The allocator and every JMH thread's slots and inbox. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        Worker[] workers;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads());
            end.expect(params);
        }

        void init(BenchAllocator a, int threads) {
            allocator = a;
            workers = new Worker[threads];
            for (int t = 0; t < threads; t++) workers[t] = new Worker(t);
            end = new TearDownOnce(() -> {
                try {
                    for (Worker w : workers) w.drain(peer, allocator);
                } finally {
                    allocator.close();
                }
            });
        }
    }

    /** Blocks one thread made for another, with their records; a link of the receiver's inbox. */
    static final class Batch {
        final long[] blocks;
        final int[] sizes;
        final byte[] tags;
        Batch next;

        Batch(int n) {
            blocks = new long[n];
            sizes = new int[n];
            tags = new byte[n];
        }
    }

    /** One thread's slots, walk positions, place in the size table, and inbox. */
    static final class Worker {
        final int index;
        final long[] blocks = new long[SLOTS];
        final int[] sizes = new int[SLOTS];
        final byte[] tags = new byte[SLOTS];
        /** Batches sent to this thread, newest first (rptest's lock-free list). */
        final AtomicReference<Batch> inbox = new AtomicReference<>();
        int allocIndex, freeIndex, sizeIndex, crossIndex;
        byte tag;

        Worker(int index) {
            this.index = index;
            sizeIndex = (index + 1) * 37 % SIZE_TABLE;
            crossIndex = index;
        }

        /** Mallocs {@code size} bytes, stamps the block and records it at {@code i}. */
        private static long make(String peer, BenchAllocator a, long[] blocks, int[] sizes, byte[] tags, int i, int size, byte t) {
            long p = Blocks.malloc(a, peer, size);
            Blocks.stampSized(a, p, size, t);
            blocks[i] = p;
            sizes[i] = size;
            tags[i] = t;
            return p;
        }

        private void freeSlot(String peer, BenchAllocator a, int i) {
            Blocks.checkSized(a, peer, "rptest", blocks[i], sizes[i], tags[i]);
            a.free(blocks[i]);
            blocks[i] = 0;
        }

        /** Frees every block of every batch sent to this thread so far. */
        void drain(String peer, BenchAllocator a) {
            for (Batch b = inbox.getAndSet(null); b != null; b = b.next) {
                for (int i = 0; i < b.blocks.length; i++) {
                    Blocks.checkSized(a, peer, "rptest", b.blocks[i], b.sizes[i], b.tags[i]);
                    a.free(b.blocks[i]);
                }
            }
        }

        void send(Batch b) {
            Batch head;
            do {
                head = inbox.get();
                b.next = head;
            } while (!inbox.compareAndSet(head, b));
        }

        /**
         * One invocation: {@code loops} loops ({@value #LOOPS}), then the inbox and the own slots are
         * emptied. The positions live in locals while it runs: the workers are neighbours in memory,
         * and fields written on every malloc would share cache lines with another thread's.
         */
        long run(String peer, BenchAllocator a, Worker[] all, boolean cross, int loops) {
            long sum = 0;
            int allocAt = allocIndex, freeAt = freeIndex, sizeAt = sizeIndex;
            byte t = tag;
            for (int loop = 0; loop < loops; loop++) {
                for (int k = freeCount(loop); k > 0; k--) {
                    if (blocks[freeAt] != 0) freeSlot(peer, a, freeAt);
                    freeAt = (freeAt + FREE_STRIDE) % SLOTS;
                }
                drain(peer, a);
                int n = allocCount(loop);
                for (int k = 0; k < n; k++) {
                    if (blocks[allocAt] != 0) freeSlot(peer, a, allocAt);
                    sum += make(peer, a, blocks, sizes, tags, allocAt, SIZES[sizeAt], ++t);
                    sizeAt = sizeAt == SIZE_TABLE - 1 ? 0 : sizeAt + 1;
                    allocAt = (allocAt + ALLOC_STRIDE) % SLOTS;
                }
                if (cross && loop % 2 == 0) {
                    Batch b = new Batch(n);
                    for (int k = 0; k < n; k++) {
                        sum += make(peer, a, b.blocks, b.sizes, b.tags, k, SIZES[sizeAt], ++t);
                        sizeAt = sizeAt == SIZE_TABLE - 1 ? 0 : sizeAt + 1;
                    }
                    crossIndex = (crossIndex + 1) % all.length;
                    if (all.length > 1 && crossIndex == index) crossIndex = (crossIndex + 1) % all.length;
                    all[crossIndex].send(b);
                }
            }
            allocIndex = allocAt;
            freeIndex = freeAt;
            sizeIndex = sizeAt;
            tag = t;
            drain(peer, a);
            for (int i = 0; i < SLOTS; i++) if (blocks[i] != 0) freeSlot(peer, a, i);
            return sum;
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * OWN_MALLOCS)
    public long oneThread(Shared s, ThreadParams t) {
        return s.workers[t.getThreadIndex()].run(s.peer, s.allocator, s.workers, false, LOOPS);
    }

    @Benchmark
    @Threads(2)
    @CrossThreadFrees
    @OperationsPerInvocation(2 * (OWN_MALLOCS + CROSS_MALLOCS))
    public long twoThreads(Shared s, ThreadParams t) {
        return s.workers[t.getThreadIndex()].run(s.peer, s.allocator, s.workers, true, LOOPS);
    }
}
