package dev.hakmem.bench.design;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * tinyHot's cycle (100 mallocs of 16 bytes, then their frees, last first) called the way applications
 * call an allocator: through {@code depth} methods of their own between the loop and hakmem, with the
 * raw API ({@code raw}: {@code malloc}/{@code free}, one byte written per block) or the segment API
 * ({@code segment}: {@code SegmentAllocator.allocate(16)} and {@code free(MemorySegment)}, one byte
 * written). JMH's own stub calls the benchmark method, so the loop is one level below the compiled
 * method, where an application's hot loop is often the compiled method itself. A design benchmark,
 * not in the main job.
 *
 * <p>Why: C2 inlines at most {@code MaxInlineLevel} (15) calls deep from the method it compiles, and a
 * malloc or free of hakmem ends in {@code java.lang.foreign}'s access to a block's state byte, whose
 * own checks take about 8 of those levels. Every level between the application's loop and that access
 * counts, the application's included; one too many and the access becomes a call, several times
 * slower than the whole inlined free. The workloads of the suite call hakmem through one adapter
 * method ({@code BenchAllocator}), so they cannot show where that cliff is for an application: this
 * benchmark does. (A native allocator's downcall is one call whatever the depth.)
 *
 * <p>Score: operations (mallocs and frees) per second, as tinyHot's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CallDepth {
    static final int BATCH = 100;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** Methods of the application's own between its loop and hakmem. */
    @Param({"0", "1", "2", "3", "4"})
    public int depth;

    private NativeAllocator allocator;
    private final long[] addresses = new long[BATCH];
    private final MemorySegment[] segments = new MemorySegment[BATCH];

    @Setup(Level.Trial)
    public void setUp() {
        if (depth < 0 || depth > 4) throw new IllegalArgumentException("depth is 0 to 4, not " + depth);
        allocator = Hakmem.create();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        allocator.close();
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long raw() {
        NativeAllocator a = allocator;
        long[] p = addresses;
        int d = depth;
        for (int i = 0; i < BATCH; i++) {
            long q = d == 0 ? a.malloc(16) : d == 1 ? malloc1(a) : d == 2 ? malloc2(a) : d == 3 ? malloc3(a) : malloc4(a);
            ALL.set(ValueLayout.JAVA_BYTE, q, (byte) i);
            p[i] = q;
        }
        long sum = 0;
        for (int i = BATCH - 1; i >= 0; i--) {
            long q = p[i];
            sum += q;
            if (d == 0) a.free(q); else if (d == 1) free1(a, q); else if (d == 2) free2(a, q); else if (d == 3) free3(a, q); else free4(a, q);
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(2 * BATCH)
    public long segment() {
        NativeAllocator a = allocator;
        MemorySegment[] s = segments;
        int d = depth;
        for (int i = 0; i < BATCH; i++) {
            MemorySegment m = d == 0 ? a.allocate(16) : d == 1 ? allocate1(a) : d == 2 ? allocate2(a) : d == 3 ? allocate3(a) : allocate4(a);
            m.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
            s[i] = m;
        }
        long sum = 0;
        for (int i = BATCH - 1; i >= 0; i--) {
            MemorySegment m = s[i];
            sum += m.get(ValueLayout.JAVA_BYTE, 0);
            if (d == 0) a.free(m); else if (d == 1) free1(a, m); else if (d == 2) free2(a, m); else if (d == 3) free3(a, m); else free4(a, m);
            s[i] = null;
        }
        return sum;
    }

    // The application's own methods: each one level.
    private static long malloc1(NativeAllocator a) { return a.malloc(16); }
    private static long malloc2(NativeAllocator a) { return malloc1(a); }
    private static long malloc3(NativeAllocator a) { return malloc2(a); }
    private static long malloc4(NativeAllocator a) { return malloc3(a); }
    private static void free1(NativeAllocator a, long p) { a.free(p); }
    private static void free2(NativeAllocator a, long p) { free1(a, p); }
    private static void free3(NativeAllocator a, long p) { free2(a, p); }
    private static void free4(NativeAllocator a, long p) { free3(a, p); }
    private static MemorySegment allocate1(NativeAllocator a) { return a.allocate(16); }
    private static MemorySegment allocate2(NativeAllocator a) { return allocate1(a); }
    private static MemorySegment allocate3(NativeAllocator a) { return allocate2(a); }
    private static MemorySegment allocate4(NativeAllocator a) { return allocate3(a); }
    private static void free1(NativeAllocator a, MemorySegment m) { a.free(m); }
    private static void free2(NativeAllocator a, MemorySegment m) { free1(a, m); }
    private static void free3(NativeAllocator a, MemorySegment m) { free2(a, m); }
    private static void free4(NativeAllocator a, MemorySegment m) { free3(a, m); }
}
