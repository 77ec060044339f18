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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * midLargeMt from {@code docs/WORKLOADS.md} (hakmem's bench_mid_large_mt, 8-32 KiB): per
 * thread 40,000 cycles of the slot loop over 2048 slots with seed {@code 42 ^ ((t+1) * 2654435761)}
 * and size {@code (1 << (13 + r % 3)) + (r & 0x7FF)}, at 1 and 2 threads (the machine has 2 cores;
 * hakmem ran 4). One invocation is one thread's whole run; the slots it still holds are freed at the
 * end of the invocation (timed, not counted). Reported ops/s is the sum over threads.
 *
 * <p>Verification: the byte written at {@code p[0]} is kept next to the slot and checked before
 * every free.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MidLargeMt {
    static final int CYCLES = 40_000;
    static final int WS = 2048;

    /** The allocator, shared by all benchmark threads. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            allocator = Peers.create(peer, Peers.LONG_BUMP_LAP); // blocks live through ~0.9 GB of mallocs: see BumpPeer
            end = new TearDownOnce(allocator::close);
            end.expect(params);
        }
    }

    /** One thread's slots and seed. */
    @State(Scope.Thread)
    public static class Slots {
        final long[] slots = new long[WS];
        final byte[] tags = new byte[WS];
        int seed;

        @Setup(Level.Trial)
        public void setUp(ThreadParams thread) {
            seed = (int) (42 ^ ((thread.getThreadIndex() + 1) * 2654435761L));
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(CYCLES)
    public long oneThread(Shared shared, Slots slots) {
        return run(shared, slots);
    }

    @Benchmark
    @Threads(2)
    @OperationsPerInvocation(CYCLES)
    @LongWarmup(millis = LongWarmup.CLIMBING_MILLIS) // hakmem's forks climbed through 270 ms of warm-up and 3 measurements (LongWarmup)
    public long twoThreads(Shared shared, Slots slots) {
        return run(shared, slots);
    }

    static long run(Shared shared, Slots state) {
        BenchAllocator a = shared.allocator;
        long[] s = state.slots;
        byte[] t = state.tags;
        int x = state.seed;
        long checksum = 0;
        for (int i = 0; i < CYCLES; i++) {
            x = Xorshift32.next(x);
            int idx = Integer.remainderUnsigned(x, WS);
            long p = s[idx];
            if (p != 0) {
                verify(a, shared.peer, p, t[idx]);
                a.free(p);
                s[idx] = 0;
            } else {
                int sz = (1 << (13 + Integer.remainderUnsigned(x, 3))) + (x & 0x7FF);
                p = a.malloc(sz);
                if (p == 0) throw new IllegalStateException(shared.peer + ": malloc(" + sz + ") returned 0");
                byte b = (byte) x;
                a.put(p, 0, b);
                t[idx] = b;
                s[idx] = p;
                checksum += p;
            }
        }
        for (int idx = 0; idx < WS; idx++) {
            long p = s[idx];
            if (p != 0) {
                verify(a, shared.peer, p, t[idx]);
                a.free(p);
                s[idx] = 0;
            }
        }
        return checksum;
    }

    private static void verify(BenchAllocator a, String peer, long p, byte expected) {
        byte actual = a.get(p, 0);
        if (actual != expected) {
            throw new IllegalStateException(String.format("%s: midLargeMt verification failed at block 0x%x: read %d, wrote %d",
                    peer, p, actual, expected));
        }
    }
}
