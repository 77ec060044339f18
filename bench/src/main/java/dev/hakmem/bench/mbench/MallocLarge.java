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
 * mallocLarge from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code malloc-large}, from mimalloc
 * issue 447): huge blocks, a few live at a time, one thread. A step picks a slot uniformly among
 * {@value #SLOTS} and a size uniformly in [5 MiB, 25 MiB], mallocs the new block, writes it, and
 * then frees the block the slot held (the order of C++'s {@code unique_ptr} assignment).
 *
 * <p>The original has 20 slots and runs 2000 steps; its {@code make_unique<char[]>} zeroes every
 * byte. Scaled: {@value #SLOTS} slots, so that at most 9 blocks (225 MiB) are live, and the block is
 * written one byte per page (every page touched, as the zeroing does, without clearing the bytes
 * between). The slots are filled in the trial setup, so every step frees exactly one block. <b>One
 * JMH invocation</b> is {@value #STEPS} steps: a few milliseconds for an allocator that reuses its huge
 * blocks, up to about 100 ms for one that maps fresh memory every time (page faults). The xorshift32
 * of the other workloads, seeded with the original's 42, replaces its {@code mt19937}.
 *
 * <p><b>One op is one malloc or one free</b>: {@code 2 * }{@value #STEPS} per invocation. With
 * {@code -t N} every thread has its own slots (N times the memory), all filled by the setup thread.
 *
 * <p>Verification: byte {@code k * 4096} of a block holds {@code tag + k}, its last byte
 * {@code ~tag}; all are checked before the free. The trial teardown checks and frees the slots.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MallocLarge {
    static final int SLOTS = 8;
    static final int MIN_SIZE = 5 << 20, MAX_SIZE = 25 << 20;
    static final int STEPS = 12;

    /** The allocator and every JMH thread's slots. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        Slots[] slots;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            init(Peers.create(peer), params.getThreads(), SLOTS, MIN_SIZE, MAX_SIZE);
            end.expect(params);
        }

        /** Creates and fills {@code threads} slot sets on the calling thread (tests pass smaller sizes). */
        void init(BenchAllocator a, int threads, int slotsPerThread, int minSize, int maxSize) {
            allocator = a;
            slots = new Slots[threads];
            for (int t = 0; t < threads; t++) {
                slots[t] = new Slots(slotsPerThread, 42 + t, minSize, maxSize);
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

    /** One thread's huge blocks, their sizes and tags, and the random state. */
    static final class Slots {
        final long[] blocks;
        final int[] sizes;
        final byte[] tags;
        final int minSize, maxSize;
        int x;

        Slots(int n, int seed, int minSize, int maxSize) {
            this.minSize = minSize;
            this.maxSize = maxSize;
            blocks = new long[n];
            sizes = new int[n];
            tags = new byte[n];
            x = seed == 0 ? 1 : seed;
        }

        private int size(int r) {
            return minSize + Integer.remainderUnsigned(r, maxSize - minSize + 1);
        }

        void fill(String peer, BenchAllocator a) {
            for (int i = 0; i < blocks.length; i++) {
                int size = size(x = Xorshift32.next(x));
                byte tag = (byte) (x = Xorshift32.next(x));
                blocks[i] = make(peer, a, size, tag);
                sizes[i] = size;
                tags[i] = tag;
            }
        }

        /**
         * {@code steps} times: malloc a new block for a random slot, then free the slot's old one. The
         * random state lives in a local while it runs: the slot sets are neighbours in memory, and a
         * field written on every step could share a cache line with another thread's (see larson's).
         */
        long run(String peer, BenchAllocator a, int steps) {
            long sum = 0;
            int r = x;
            for (int i = 0; i < steps; i++) {
                int slot = Integer.remainderUnsigned(r = Xorshift32.next(r), blocks.length);
                int size = size(r = Xorshift32.next(r));
                byte tag = (byte) (r = Xorshift32.next(r));
                long p = make(peer, a, size, tag);
                checkAndFree(peer, a, blocks[slot], sizes[slot], tags[slot]);
                blocks[slot] = p;
                sizes[slot] = size;
                tags[slot] = tag;
                sum += p;
            }
            x = r;
            return sum;
        }

        void freeAll(String peer, BenchAllocator a) {
            for (int i = 0; i < blocks.length; i++) {
                if (blocks[i] != 0) checkAndFree(peer, a, blocks[i], sizes[i], tags[i]);
                blocks[i] = 0;
            }
        }
    }

    /** Mallocs {@code size} bytes and writes one byte per page and the last byte (which no page byte may be). */
    static long make(String peer, BenchAllocator a, int size, byte tag) {
        long p = Blocks.malloc(a, peer, size);
        for (long k = 0; k * Blocks.PAGE < size - 1; k++) a.put(p, k * Blocks.PAGE, (byte) (tag + k));
        a.put(p, size - 1, (byte) ~tag);
        return p;
    }

    /** Throws unless every byte {@link #make} wrote is still there; then frees the block. */
    static void checkAndFree(String peer, BenchAllocator a, long p, int size, byte tag) {
        for (long k = 0; k * Blocks.PAGE < size - 1; k++) {
            byte got = a.get(p, k * Blocks.PAGE);
            if (got != (byte) (tag + k)) {
                throw new IllegalStateException(String.format("%s: mallocLarge verification failed at block 0x%x"
                        + " (size %d), offset %d: read %d, wrote %d", peer, p, size, k * Blocks.PAGE, got, (byte) (tag + k)));
            }
        }
        byte last = a.get(p, size - 1);
        if (last != (byte) ~tag) {
            throw new IllegalStateException(String.format("%s: mallocLarge verification failed at block 0x%x"
                    + " (size %d), last byte: read %d, wrote %d", peer, p, size, last, (byte) ~tag));
        }
        a.free(p);
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * STEPS)
    public long oneThread(Shared s, ThreadParams t) {
        return s.slots[t.getThreadIndex()].run(s.peer, s.allocator, STEPS);
    }
}
