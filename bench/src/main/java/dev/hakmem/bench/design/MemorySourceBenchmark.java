package dev.hakmem.bench.design;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The design choice behind the runtime's memory source: how to get a 4 MiB chunk from the OS, use a
 * little of it (one 64 KiB slab), and give it back. Compares a private anonymous {@code mmap} +
 * {@code munmap} (what the runtime's os box does) with {@code Arena.ofConfined()} and
 * {@code Arena.ofShared()} allocating the same chunk (which zeroes all of it) and closing.
 *
 * <p>Not a peer comparison: it measures the two candidate mechanisms directly, with the same touch
 * pattern, so the cost of zeroing memory nobody uses shows up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MemorySourceBenchmark {
    private static final long CHUNK = 4L << 20;
    private static final MethodHandle MMAP, MUNMAP;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MMAP = linker.downcallHandle(libc.findOrThrow("mmap"), FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MUNMAP = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG));
    }

    /** Bytes of the chunk written per use: one slab's worth, or the whole chunk. */
    @Param({"65536", "4194304"})
    public long touched;

    @Benchmark
    public long mmapMunmap() throws Throwable {
        long p = (long) MMAP.invokeExact(0L, CHUNK, 3, 0x22, -1, 0L); // PROT_READ|WRITE, MAP_PRIVATE|ANONYMOUS
        if (p == -1L) throw new IllegalStateException("mmap failed");
        touch(p);
        int rc = (int) MUNMAP.invokeExact(p, CHUNK);
        return p + rc;
    }

    @Benchmark
    public long arenaConfined() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(CHUNK, 4096);
            touch(s.address());
            return s.address();
        }
    }

    @Benchmark
    public long arenaShared() {
        try (Arena a = Arena.ofShared()) {
            MemorySegment s = a.allocate(CHUNK, 4096);
            touch(s.address());
            return s.address();
        }
    }

    private void touch(long p) {
        for (long off = 0; off < touched; off += 4096) ALL.set(ValueLayout.JAVA_BYTE, p + off, (byte) 1);
    }
}
