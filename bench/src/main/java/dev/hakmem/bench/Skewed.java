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
 * skewed: request-scoped bursts of objects whose sizes cluster at a few values that are not powers
 * of two, the workload profile-guided tuning (issue 6) is proven on.
 *
 * <p>Definition. Sizes: a cluster centre from {@link #CENTRES} = 24, 40, 72, 136, 264, 520 bytes with
 * weights {@link #WEIGHTS} = 30, 25, 20, 12, 8, 5 %, minus a jitter of 0-7 bytes (so 17-24, 33-40,
 * ...). RNG: xorshift32 from seed 1234567; one draw per block: bits 8-31 modulo 100 pick the centre,
 * bits 0-2 the jitter. One cycle (one JMH invocation): {@link #BATCH} mallocs, each block stamped at
 * its first and last byte, then every block checked and freed in allocation order (FIFO, like a
 * request's objects released when it completes). ops per cycle = 2 x BATCH. The sequence continues
 * across cycles (the RNG state is kept), so cycles differ.
 *
 * <p>Why this shape: a burst of 1000 objects takes about 300 of the 17-24-byte class and 50 of the
 * 513-520-byte class before any comes back, deeper than the default caches (128 Tiny blocks), so a
 * generic layout refills and flushes through the central lists where a tuned one does not; and 136,
 * 264 and 520 land in the default classes 160, 320 and 640 (18-23% of the block unused) where a tuned
 * layout has 144, 272 and 528.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Skewed {
    static final int BATCH = 1000;
    static final int SEED = 1234567;
    static final int[] CENTRES = {24, 40, 72, 136, 264, 520};
    static final int[] WEIGHTS = {30, 25, 20, 12, 8, 5};
    /** Entry {@code k} of 100: the centre picked by a draw whose {@code (r >>> 8) % 100} is k. */
    private static final int[] CENTRE_OF = centreTable();

    @Param({"hakmem", "hakmem-gen", "hakmem-gen-tuned", "mimalloc"})
    public String peer;

    private BenchAllocator allocator;
    private final long[] blocks = new long[BATCH];
    private final int[] sizes = new int[BATCH];
    private int x = SEED;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        if (params.getOpsPerInvocation() != 2 * BATCH) {
            throw new IllegalArgumentException("skewed does " + 2 * BATCH + " ops per invocation, not -opi "
                    + params.getOpsPerInvocation() + "; run it without -opi");
        }
        start(Peers.create(peer));
    }

    /** The part of the setup that tests and the profile recorder reuse with their own allocator. */
    public void start(BenchAllocator a) {
        allocator = a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (allocator != null) allocator.close();
    }

    /** The size of the next block: a weighted centre minus a 0-7 byte jitter. */
    static int size(int r) {
        return CENTRE_OF[Integer.remainderUnsigned(r >>> 8, 100)] - (r & 7);
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long cycle() {
        final BenchAllocator a = allocator;
        final long[] p = blocks;
        final int[] s = sizes;
        int r = x;
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            r = Xorshift32.next(r);
            int size = size(r);
            long q = a.malloc(size);
            if (q == 0) throw new IllegalStateException(a.name() + ": malloc(" + size + ") returned 0");
            a.put(q, 0, (byte) i);
            a.put(q, size - 1, (byte) ~i);
            p[i] = q;
            s[i] = size;
        }
        x = r;
        for (int i = 0; i < BATCH; i++) {
            long q = p[i];
            byte first = a.get(q, 0), last = a.get(q, s[i] - 1);
            if (first != (byte) i || last != (byte) ~i) {
                throw new IllegalStateException(String.format(
                        "%s: skewed verification failed for block %d at 0x%x (size %d): read %d/%d, wrote %d/%d",
                        a.name(), i, q, s[i], first, last, (byte) i, (byte) ~i));
            }
            sum += q;
            a.free(q);
        }
        return sum;
    }

    private static int[] centreTable() {
        int[] table = new int[100];
        int k = 0;
        for (int c = 0; c < CENTRES.length; c++) {
            for (int w = 0; w < WEIGHTS[c]; w++) table[k++] = CENTRES[c];
        }
        if (k != 100) throw new AssertionError("weights must add up to 100: " + k);
        return table;
    }
}
