package dev.hakmem.bench.design;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.bench.Xorshift32;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Java heap allocated per allocator operation made on virtual threads (issue 15: "the steady state of
 * virtual-thread operations allocates no Java objects"), for {@code -prof gc}'s
 * {@code gc.alloc.rate.norm}. Not a peer comparison: hakmem's default allocator only.
 *
 * <p>Two JMH threads each run, per invocation, one virtual thread that makes {@value #OPS} operations
 * in rounds: malloc {@value #HELD} blocks of 16-1039 bytes (writing the first byte of each), then free
 * them all, newest first. A virtual thread uses one of the allocator's shared stripes, whose class
 * caches hold far fewer than {@value #HELD} blocks: so each round overflows them into the classes'
 * shared pools and refills them from there, batch by batch, which is the path that used to make a
 * Java object per batch. The virtual thread (about a kilobyte) is spread over the invocation's
 * operations: about 0.01 B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class VirtualThreadGarbage {
    static final int OPS = 204_800; // 25 rounds
    /** Blocks held per round: far beyond a stripe's class caches. */
    static final int HELD = 4096;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    NativeAllocator allocator;

    @Setup(Level.Trial)
    public void setUp() {
        allocator = Hakmem.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocator.close();
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(OPS)
    public long holdAndFreeOnAVirtualThread(Held held) throws InterruptedException {
        Thread t = Thread.ofVirtual().start(() -> held.sum = loop(allocator, held.blocks));
        t.join();
        return held.sum;
    }

    /** A JMH thread's array of held blocks, reused by each invocation's virtual thread. */
    @State(Scope.Thread)
    public static class Held {
        final long[] blocks = new long[HELD];
        long sum;
    }

    static long loop(NativeAllocator a, long[] held) {
        int x = (int) Thread.currentThread().threadId() | 1;
        long sum = 0;
        for (int round = 0; round < OPS / (2 * HELD); round++) {
            for (int i = 0; i < HELD; i++) {
                x = Xorshift32.next(x);
                long p = a.malloc(16 + (x & 0x3FF));
                ALL.set(ValueLayout.JAVA_BYTE, p, (byte) x);
                held[i] = p;
                sum += p;
            }
            for (int i = HELD - 1; i >= 0; i--) a.free(held[i]);
        }
        return sum;
    }
}
