package dev.hakmem.bench.design;

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

/**
 * A buffer of several MiB grown by realloc, as a growable byte buffer does: whether the allocator
 * copies it at each growth or moves its mapping (glibc's realloc of a mapped chunk uses
 * {@code mremap}; hakmem's Huge blocks do since session 56). Not part of the suite's default
 * selection (a design check, like the rest of {@code bench.design}).
 *
 * <p>One invocation: malloc 4 MiB and write a byte on each of its pages; then {@value #GROWTHS}
 * times, realloc to 1.5 times the size, check the bytes at offset 0 and on the old last page, and
 * write a byte on each new page (so the new part is paid for as a program that fills it would); then
 * free. 4 MiB grows to about 230 MiB. An operation is one growth.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class HugeReallocGrowth {
    static final int GROWTHS = 10;
    static final long START = 4L << 20, PAGE = 4096;

    @Param({"hakmem", "glibc", "mimalloc", "tcmalloc", "jemalloc"})
    public String peer;

    private BenchAllocator allocator;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Peers.create(peer);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocator.close();
    }

    @Benchmark
    @OperationsPerInvocation(GROWTHS)
    public long grow() {
        BenchAllocator a = allocator;
        long size = START;
        long p = a.malloc(size);
        touch(a, p, 0, size);
        for (int i = 0; i < GROWTHS; i++) {
            long next = size + (size >> 1);
            p = a.realloc(p, next);
            if (a.get(p, 0) != 1 || a.get(p, (size - 1) & -PAGE) != 1) {
                throw new IllegalStateException(peer + ": realloc to " + next + " bytes lost the block's bytes");
            }
            touch(a, p, size, next);
            size = next;
        }
        a.free(p);
        return p;
    }

    /** Writes 1 on each page of {@code [p + from, p + to)} (from a page boundary of the block). */
    private static void touch(BenchAllocator a, long p, long from, long to) {
        for (long o = (from + PAGE - 1) & -PAGE; o < to; o += PAGE) a.put(p, o, (byte) 1);
    }
}
