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

/**
 * reallocGrowth from {@code docs/WORKLOADS.md} (defined by this project): growing buffers, the way a byte buffer, a
 * string builder or a vector grows with {@code realloc}. It measures whether an allocator grows a
 * block in place (or remaps it) or copies it into a new one, from the small classes up to mapped
 * blocks.
 *
 * <p>Exact definition. One JMH invocation is one cycle of {@value #BUFFERS} buffers grown in lockstep:
 * <ol>
 *   <li>{@code malloc(16)} for each buffer;</li>
 *   <li>{@value #GROWS} rounds; in each, every buffer in turn goes from size {@code s} to
 *       {@code s + s / 2} with {@code realloc} (16, 24, 36, 54, ... 177,513, 266,269 bytes: a buffer
 *       grows while it is smaller than 256 KiB);</li>
 *   <li>{@code free} of each buffer.</li>
 * </ol>
 * <b>One op is one malloc, realloc or free</b>: {@value #OPS} per invocation
 * ({@code BUFFERS * (1 + GROWS + 1)}). Four buffers rather than one, so that each buffer has live
 * neighbours (as in a program, where a buffer is rarely the only block of its size) and so that an
 * allocator handing out overlapping blocks is caught at the first check.
 *
 * <p>Writes and checks, sampled: a buffer's content is "filled" the way a buffer that is appended to
 * is, one byte per 4 KiB page: when a buffer grows from {@code s} to {@code n}, each page-aligned
 * offset in {@code [s, n)} and the last byte {@code n - 1} get the byte {@link #mark(int, int)} of the
 * buffer's tag and the offset (the new block of step 1 counts as growing from 0 to 16). So every page
 * of a buffer is written once and becomes resident, and a realloc that moves a buffer has that many
 * pages to copy. Before each realloc's new bytes are written, and before the free, three bytes of the
 * kept prefix are checked: offset 0, the last byte of the previous size, and the last page-aligned
 * offset below it. A realloc that loses or mixes up data, or blocks that overlap, throw. Tags change
 * with every invocation, so a stale block from an earlier cycle does not pass either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReallocGrowth {
    static final int BUFFERS = 4;
    static final int START = 16;
    static final int LIMIT = 256 << 10;
    static final int GROWS = 24;
    static final int OPS = BUFFERS * (1 + GROWS + 1);
    static final int PAGE = 4096;

    static {
        int grows = 0;
        for (long s = START; s < LIMIT; s = next(s)) grows++;
        if (grows != GROWS) throw new AssertionError("GROWS must be " + grows);
    }

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    private BenchAllocator allocator;
    private final long[] buffers = new long[BUFFERS];
    private final long[] sizes = new long[BUFFERS];
    private int cycle;

    @Setup(Level.Trial)
    public void setUp() {
        init(Peers.create(peer));
    }

    /** The part of the setup that tests reuse to drive cycles with their own allocator. */
    void init(BenchAllocator a) {
        allocator = a;
    }

    /** Frees the buffers of an invocation that threw half-way, then closes the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (allocator == null) return;
        try {
            for (int i = 0; i < BUFFERS; i++) {
                if (buffers[i] != 0) allocator.free(buffers[i]);
                buffers[i] = 0;
            }
        } finally {
            allocator.close();
        }
    }

    /** The growth rule: by half, like {@code ArrayList}. */
    static long next(long size) {
        return size + (size >> 1);
    }

    /** The byte written at {@code offset} of the buffer with {@code tag}. */
    static byte mark(int tag, long offset) {
        return (byte) (tag + offset + (offset >>> 12) * 7);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long cycle() {
        final BenchAllocator a = allocator;
        final long[] b = buffers, s = sizes;
        final int base = cycle++ * BUFFERS;
        long checksum = 0;
        for (int i = 0; i < BUFFERS; i++) {
            long p = a.malloc(START);
            if (p == 0) throw new IllegalStateException(peer + ": malloc(" + START + ") returned 0");
            fill(a, p, base + i, 0, START);
            b[i] = p;
            s[i] = START;
        }
        for (int round = 0; round < GROWS; round++) {
            for (int i = 0; i < BUFFERS; i++) {
                long old = s[i], n = next(old);
                long p = a.realloc(b[i], n);
                if (p == 0) throw new IllegalStateException(peer + ": realloc(" + n + ") returned 0");
                b[i] = p;
                check(a, p, base + i, old);
                fill(a, p, base + i, old, n);
                s[i] = n;
                checksum += p;
            }
        }
        for (int i = 0; i < BUFFERS; i++) {
            check(a, b[i], base + i, s[i]);
            a.free(b[i]);
            b[i] = 0;
        }
        return checksum;
    }

    /** Marks each page-aligned offset in {@code [from, to)} and the byte {@code to - 1}. */
    private static void fill(BenchAllocator a, long p, int tag, long from, long to) {
        for (long off = (from + PAGE - 1) & -PAGE; off < to; off += PAGE) a.put(p, off, mark(tag, off));
        a.put(p, to - 1, mark(tag, to - 1));
    }

    /** Checks three marked bytes of the first {@code size} bytes: 0, size - 1 and the last page below that. */
    private void check(BenchAllocator a, long p, int tag, long size) {
        checkByte(a, p, tag, 0, size);
        checkByte(a, p, tag, size - 1, size);
        checkByte(a, p, tag, (size - 1) & -PAGE, size);
    }

    private void checkByte(BenchAllocator a, long p, int tag, long offset, long size) {
        byte got = a.get(p, offset);
        byte want = mark(tag, offset);
        if (got != want) {
            throw new IllegalStateException(String.format(
                    "%s: reallocGrowth verification failed at block 0x%x (kept %d bytes), offset %d: read %d, wrote %d",
                    peer, p, size, offset, got, want));
        }
    }
}
