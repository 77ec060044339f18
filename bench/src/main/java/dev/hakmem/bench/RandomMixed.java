package dev.hakmem.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * randomMixed from {@code shared/design/workloads.md} (hakmem's bench_random_mixed), ported
 * faithfully so its numbers compare with hakmem's C results.
 *
 * <p>How one run of the C program maps onto JMH:
 * <ul>
 *   <li>One JMH invocation is one run of the program: {@link #run()} performs {@link #cycles}
 *       iterations of the slot loop and then frees every remaining slot. Both are timed; only the
 *       {@code cycles} iterations are counted ({@code @OperationsPerInvocation(DEFAULT_CYCLES)}), as in C,
 *       where throughput = cycles / seconds.</li>
 *   <li>The untimed prefault ({@code cycles / 10} iterations with seed {@code seed + 0xDEADBEEF})
 *       is {@link #prefault()}, a {@code Level.Invocation} setup. JMH excludes invocation-level
 *       setup from the measured time in throughput mode; an invocation lasts 0.1-1 s, so the
 *       timestamp overhead that JMH warns about for this level is negligible. The slots are not
 *       emptied after the prefault.</li>
 *   <li>Every invocation restarts from the same seeds, so each replays the same sequence; unlike a
 *       fresh C process the allocator is already warm from earlier invocations (that is what JMH
 *       warm-up is for).</li>
 * </ul>
 * {@code cycles} is a parameter, but {@code @OperationsPerInvocation} is a compile-time constant
 * ({@link #DEFAULT_CYCLES}); to run another count, pass JMH's {@code -opi} with the same value, e.g.
 * {@code RandomMixed -p cycles=2000000 -opi 2000000}. The trial setup refuses a mismatch, so a
 * wrong op count can never be reported.
 *
 * <p>Verification: the byte written at {@code p[0]} ({@code (byte) r}) is kept in an on-heap array
 * next to the slot and compared before every free, including the final ones; a mismatch throws.
 * The slot arrays are plain Java arrays, never allocated through the allocator under test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RandomMixed {
    /** hakmem's default cycle count; with the peers measured here one invocation takes 0.1-1 s. */
    static final int DEFAULT_CYCLES = 10_000_000;
    static final int SEED = 1234567;
    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 1039;

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    /** Timed iterations per invocation (one run of the C program); see the class comment for -opi. */
    @Param({"" + DEFAULT_CYCLES})
    public int cycles;

    /** Working-set slots. */
    @Param({"8192", "256"})
    public int ws;

    private BenchAllocator allocator;
    private long[] slots;
    /** The byte written at p[0] of the block in the same slot. */
    private byte[] tags;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        if (params.getOpsPerInvocation() != cycles) {
            throw new IllegalArgumentException("randomMixed counts cycles=" + cycles + " ops per invocation but JMH"
                    + " would count " + params.getOpsPerInvocation() + "; pass -opi " + cycles + " as well");
        }
        init(Peers.create(peer));
    }

    /** The part of the setup that tests reuse to drive the loop with their own allocator. */
    void init(BenchAllocator a) {
        if (ws <= 0) throw new IllegalArgumentException("ws must be positive: " + ws);
        if (cycles <= 0) throw new IllegalArgumentException("cycles must be positive: " + cycles);
        allocator = a;
        slots = new long[ws];
        tags = new byte[ws];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (allocator == null) return;
        freeAll(); // only non-empty if an invocation threw half-way
        allocator.close();
    }

    /** The untimed warm-up of the C program: cycles/10 iterations, slots left as they are. */
    @Setup(Level.Invocation)
    public void prefault() {
        loop(cycles / 10, SEED + 0xDEADBEEF);
    }

    @Benchmark
    @OperationsPerInvocation(DEFAULT_CYCLES)
    public long run() {
        long checksum = loop(cycles, SEED);
        return checksum + freeAll();
    }

    /**
     * The slot loop of workloads.md: the same {@code r} picks the slot and the size. Returns a
     * checksum of the addresses handed out so the work has an observable result.
     */
    long loop(int iterations, int seed) {
        final BenchAllocator a = allocator;
        final long[] s = slots;
        final byte[] t = tags;
        final int n = ws;
        int x = seed;
        long checksum = 0;
        for (int i = 0; i < iterations; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            int idx = Integer.remainderUnsigned(x, n);
            long p = s[idx];
            if (p != 0) {
                verify(p, t[idx], idx);
                a.free(p);
                s[idx] = 0;
            } else {
                int sz = Math.clamp(16 + (x & 0x3FF), MIN_SIZE, MAX_SIZE);
                p = a.malloc(sz);
                if (p == 0) throw new IllegalStateException(peer + ": malloc(" + sz + ") returned 0");
                byte b = (byte) x;
                a.put(p, 0, b);
                t[idx] = b;
                s[idx] = p;
                checksum += p;
            }
        }
        return checksum;
    }

    /** Frees (after verifying) every occupied slot; not counted as ops. */
    long freeAll() {
        final long[] s = slots;
        long checksum = 0;
        for (int idx = 0; idx < s.length; idx++) {
            long p = s[idx];
            if (p != 0) {
                verify(p, tags[idx], idx);
                allocator.free(p);
                s[idx] = 0;
                checksum ^= p;
            }
        }
        return checksum;
    }

    private void verify(long p, byte expected, int idx) {
        byte actual = allocator.get(p, 0);
        if (actual != expected) {
            throw new IllegalStateException(String.format(
                    "%s: randomMixed verification failed at slot %d, block 0x%x: read %d, wrote %d",
                    peer, idx, p, actual, expected));
        }
    }
}
