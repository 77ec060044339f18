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
 * tinyHot from {@code docs/WORKLOADS.md} (hakmem's bench_tiny_hot): the allocator's fastest
 * path, a thread-local LIFO of one size class.
 *
 * <p>One JMH invocation is one cycle: {@code batch} mallocs of {@code size} bytes, each block
 * stamped at its first and last byte, then the blocks freed in reverse order, each checked before
 * its free. Ops per invocation = {@code 2 * batch}, so the score is allocator operations per second.
 * The two stamped bytes catch blocks that overlap or are too short; a mismatch throws, so a broken
 * allocator produces an error instead of a number. The returned checksum keeps the JIT from
 * discarding the reads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TinyHot {
    /** Blocks per cycle; fixed by the workload definition (ops/invocation depends on it). */
    static final int BATCH = 100;

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    @Param({"16", "64"})
    public int size;

    private BenchAllocator allocator;
    private final long[] blocks = new long[BATCH];

    /** Refuses a global {@code -opi} override, which would scale this benchmark's score wrongly. */
    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        if (params.getOpsPerInvocation() != 2 * BATCH) {
            throw new IllegalArgumentException("tinyHot does " + 2 * BATCH + " ops per invocation, not -opi "
                    + params.getOpsPerInvocation() + "; run it without -opi");
        }
        init(Peers.create(peer));
    }

    /** The part of the setup that tests reuse to drive a cycle with their own allocator. */
    void init(BenchAllocator a) {
        if (size < 1) throw new IllegalArgumentException("size must be at least 1: " + size);
        allocator = a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (allocator != null) allocator.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long cycle() {
        final BenchAllocator a = allocator;
        final long[] p = blocks;
        final long last = size - 1;
        for (int i = 0; i < BATCH; i++) {
            long q = a.malloc(size);
            if (q == 0) throw new IllegalStateException(peer + ": malloc(" + size + ") returned 0");
            a.put(q, 0, (byte) i);
            a.put(q, last, (byte) ~i);
            p[i] = q;
        }
        long sum = 0;
        for (int i = BATCH - 1; i >= 0; i--) {
            long q = p[i];
            byte first = a.get(q, 0);
            byte end = a.get(q, last);
            if (first != (byte) i || end != (byte) ~i) {
                throw new IllegalStateException(String.format(
                        "%s: tinyHot verification failed for block %d at 0x%x (size %d): read %d/%d, wrote %d/%d",
                        peer, i, q, size, first, end, (byte) i, (byte) ~i));
            }
            sum += q;
            a.free(q);
        }
        return sum;
    }
}
