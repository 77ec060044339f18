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
 * requestResponse (defined here, issue 19): the buffer sizes of a request/response server, many
 * buffers of 2-16 KiB and a few large ones, on one thread. Each request's buffer is freed as soon as
 * its response is made; responses stay in flight (waiting for the socket) for the next
 * {@value #IN_FLIGHT} requests. On the Netty peers ({@code netty-pooled}, {@code netty-adaptive},
 * {@code netty-hakmem}) a malloc is {@code directBuffer(size, size)}, a write {@code setByte} and a
 * free {@code release()}: the three Netty allocators on the same {@code ByteBuf} code path.
 *
 * <p>Exact definition. {@code x} is a xorshift32 state ({@code x ^= x << 13; x ^= x >>> 17;
 * x ^= x << 5}), seeded 1234567 once per trial and carried across invocations. One invocation serves
 * {@value #REQUESTS} requests; request {@code i}:
 * <ol>
 *   <li>{@code x = xorshift32(x)}; malloc a request of {@code 2048 + x % 14337} bytes (unsigned
 *       remainder: 2-16 KiB, uniform) and mark it;</li>
 *   <li>{@code x = xorshift32(x)}; malloc a response: when {@code x % 64 == 0} a large one of
 *       {@code 65536 + (x >>> 6) % 983041} bytes (64 KiB to 1 MiB, about 1 in 64), else
 *       {@code 2048 + (x >>> 6) % 14337} bytes; mark it;</li>
 *   <li>check and free the request;</li>
 *   <li>slot {@code i % 64} of the in-flight ring: check and free the response there, if any, and put
 *       this response in its place.</li>
 * </ol>
 * After the last request the responses left in the ring are checked and freed, so an invocation ends
 * with nothing live and makes exactly {@code 2 * REQUESTS} mallocs and as many frees: <b>one op is one
 * malloc or one free</b>, {@value #OPS} per invocation.
 *
 * <p>Marks and checks, sampled as a protocol handler would touch a buffer (a header, the payload's
 * pages): a block's byte at offset 0, at every page-aligned offset and at its last byte gets
 * {@link #mark(int, long)} of the block's tag (the request number, times two, plus one for a
 * response); before every free the same bytes are checked, so overlapping blocks or a block freed
 * too early throw.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RequestResponse {
    static final int REQUESTS = 10_000;
    static final int OPS = 4 * REQUESTS;
    static final int IN_FLIGHT = 64;
    static final int SEED = 1234567;
    static final int SMALL_MIN = 2048, SMALL_SPAN = 16384 - 2048 + 1;
    static final int LARGE_MIN = 65536, LARGE_SPAN = (1 << 20) - 65536 + 1;
    static final int PAGE = 4096;

    @Param({"hakmem", "mimalloc", "netty-pooled", "netty-adaptive", "netty-hakmem"})
    public String peer;

    private BenchAllocator allocator;
    private final long[] ring = new long[IN_FLIGHT];
    private final long[] ringSize = new long[IN_FLIGHT];
    private final int[] ringTag = new int[IN_FLIGHT];
    private int x = SEED;
    private int served;

    @Setup(Level.Trial)
    public void setUp() {
        init(Peers.create(peer));
    }

    /**
     * The part of the setup that tests and {@link dev.hakmem.bench.tuning.WorkloadDriver} reuse to
     * drive invocations with their own allocator.
     */
    public void init(BenchAllocator a) {
        allocator = a;
    }

    /** Frees what an invocation that threw half-way left in the ring, then closes the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (allocator == null) return;
        try {
            for (int s = 0; s < IN_FLIGHT; s++) {
                if (ring[s] != 0) allocator.free(ring[s]);
                ring[s] = 0;
            }
        } finally {
            allocator.close();
        }
    }

    /** A request's size from its draw: 2-16 KiB. */
    static int requestSize(int draw) {
        return SMALL_MIN + Integer.remainderUnsigned(draw, SMALL_SPAN);
    }

    /** A response's size from its draw: 64 KiB - 1 MiB when {@code draw % 64 == 0}, else 2-16 KiB. */
    static int responseSize(int draw) {
        int rest = draw >>> 6;
        return (draw & 63) == 0 ? LARGE_MIN + Integer.remainderUnsigned(rest, LARGE_SPAN)
                : SMALL_MIN + Integer.remainderUnsigned(rest, SMALL_SPAN);
    }

    /** The byte written at {@code offset} of the block with {@code tag}. */
    static byte mark(int tag, long offset) {
        return (byte) (tag * 31 + offset + (offset >>> 12) * 7);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public long serve() {
        final BenchAllocator a = allocator;
        long checksum = 0;
        int state = x;
        for (int i = 0; i < REQUESTS; i++) {
            int tag = 2 * (served + i);
            state = Xorshift32.next(state);
            int requestSize = requestSize(state);
            long request = a.malloc(requestSize);
            fill(a, request, tag, requestSize);
            state = Xorshift32.next(state);
            int responseSize = responseSize(state);
            long response = a.malloc(responseSize);
            fill(a, response, tag + 1, responseSize);
            check(a, request, tag, requestSize);
            a.free(request);
            int slot = i & (IN_FLIGHT - 1);
            if (ring[slot] != 0) {
                check(a, ring[slot], ringTag[slot], ringSize[slot]);
                a.free(ring[slot]);
            }
            ring[slot] = response;
            ringSize[slot] = responseSize;
            ringTag[slot] = tag + 1;
            checksum += request ^ response;
        }
        for (int s = 0; s < IN_FLIGHT; s++) {
            if (ring[s] == 0) continue;
            check(a, ring[s], ringTag[s], ringSize[s]);
            a.free(ring[s]);
            ring[s] = 0;
        }
        x = state;
        served += REQUESTS;
        return checksum;
    }

    /** Marks offset 0, every page-aligned offset and the last byte. */
    private static void fill(BenchAllocator a, long p, int tag, long size) {
        for (long off = 0; off < size; off += PAGE) a.put(p, off, mark(tag, off));
        a.put(p, size - 1, mark(tag, size - 1));
    }

    private void check(BenchAllocator a, long p, int tag, long size) {
        for (long off = 0; off < size; off += PAGE) checkByte(a, p, tag, off, size);
        checkByte(a, p, tag, size - 1, size);
    }

    private void checkByte(BenchAllocator a, long p, int tag, long offset, long size) {
        byte got = a.get(p, offset);
        byte want = mark(tag, offset);
        if (got != want) {
            throw new IllegalStateException(String.format(
                    "%s: requestResponse verification failed at block 0x%x of %d bytes, offset %d: read %d, wrote %d",
                    peer, p, size, offset, got, want));
        }
    }
}
