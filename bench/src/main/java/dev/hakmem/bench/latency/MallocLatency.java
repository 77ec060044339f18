package dev.hakmem.bench.latency;

import dev.hakmem.bench.Xorshift32;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * mallocLatency: the time of single allocator calls, for percentiles rather than throughput (JMH's
 * {@link Mode#SampleTime}: it times a sample of individual invocations and reports their
 * distribution; the report shows p50, p99, p99.9 and the maximum per peer). Run only with {@code
 * ./build.sh bench --latency}: the default run leaves this package out.
 *
 * <p>Three invocations, one step each of the workloads of {@code docs/WORKLOADS.md}:
 * <ul>
 *   <li>{@code tinyHot}: {@code malloc(16)}, the first and last byte written and checked, {@code
 *       free}: tinyHot's pair with a batch of 1;</li>
 *   <li>{@code randomMixed}: one iteration of randomMixed's slot loop (ws 8192, sizes 16-1039, the
 *       size from the slot's draw): a malloc or a free, after an untimed prefault of 1,000,000
 *       iterations with seed {@code 1234567 + 0xDEADBEEF};</li>
 *   <li>{@code midLargeMt}: one iteration of midLargeMt's slot loop on one thread (ws 2048, {@code sz
 *       = (1 << (13 + r % 3)) + (r & 0x7FF)}, 8-34 KiB, seed {@code 42 ^ 2654435761}), same prefault.</li>
 * </ul>
 * Every block's first byte (and tinyHot's last) is checked before its free. A sampled invocation
 * includes the timer's own cost (two {@code System.nanoTime()} calls, about 20-30 ns here), the same
 * for every peer: compare peers, not absolute nanoseconds. The slots are freed at the trial's end.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MallocLatency {
    /** Untimed slot-loop iterations before the first sample. */
    static final int PREFAULT = 1_000_000;

    /** The peer of one benchmark; a state of its own per benchmark so each trial makes only its own. */
    @State(Scope.Thread)
    public static class Tiny {
        @Param({"hakmem", "glibc", "mimalloc", "tcmalloc"})
        public String peer;
        BenchAllocator allocator;
        byte tag;

        @Setup(Level.Trial)
        public void setUp() {
            allocator = Peers.create(peer);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (allocator != null) allocator.close();
        }
    }

    /**
     * A slot loop over {@code ws} slots, one {@link #step} per invocation: randomMixed's (ws 8192,
     * {@code 16 + (r & 0x3FF)} from the slot's draw) or midLargeMt's for thread 0 (ws 2048, {@code
     * (1 << (13 + r % 3)) + (r & 0x7FF)}). A plain object, not a JMH state, so both states share it.
     */
    static final class SlotSteps implements AutoCloseable {
        final String peer;
        final BenchAllocator allocator;
        final boolean midLarge;
        final long[] slots;
        final byte[] tags;
        int x;

        SlotSteps(String peer, BenchAllocator allocator, boolean midLarge) {
            this.peer = peer;
            this.allocator = allocator;
            this.midLarge = midLarge;
            slots = new long[midLarge ? 2048 : 8192];
            tags = new byte[slots.length];
            int seed = midLarge ? (int) (42 ^ 2654435761L) : 1234567;
            x = seed + 0xDEADBEEF;
            for (int i = 0; i < PREFAULT; i++) step();
            x = seed;
        }

        /** The block size for the draw {@code r}. */
        int size(int r) {
            return midLarge ? (1 << (13 + Integer.remainderUnsigned(r, 3))) + (r & 0x7FF) : 16 + (r & 0x3FF);
        }

        /** One slot-loop iteration: a checked free or a malloc; returns the block's address. */
        long step() {
            int r = Xorshift32.next(x);
            x = r;
            int idx = Integer.remainderUnsigned(r, slots.length);
            long p = slots[idx];
            if (p != 0) {
                byte got = allocator.get(p, 0);
                if (got != tags[idx]) {
                    throw new IllegalStateException(String.format("%s: mallocLatency verification failed at 0x%x: read %d, wrote %d",
                            peer, p, got, tags[idx]));
                }
                allocator.free(p);
                slots[idx] = 0;
                return p;
            }
            long q = allocator.malloc(size(r));
            if (q == 0) throw new IllegalStateException(peer + ": malloc returned 0");
            allocator.put(q, 0, (byte) r);
            tags[idx] = (byte) r;
            slots[idx] = q;
            return q;
        }

        /** Frees every block left in the slots and closes the allocator. */
        @Override
        public void close() {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != 0) allocator.free(slots[i]);
                slots[i] = 0;
            }
            allocator.close();
        }
    }

    /** randomMixed's slot loop for one peer. */
    @State(Scope.Thread)
    public static class Mixed {
        @Param({"hakmem", "glibc", "mimalloc", "tcmalloc"})
        public String peer;
        SlotSteps steps;

        @Setup(Level.Trial)
        public void setUp() {
            steps = new SlotSteps(peer, Peers.create(peer), false);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (steps != null) steps.close();
        }
    }

    /** midLargeMt's slot loop (thread 0) for one peer. */
    @State(Scope.Thread)
    public static class MidLarge {
        @Param({"hakmem", "glibc", "mimalloc", "tcmalloc"})
        public String peer;
        SlotSteps steps;

        @Setup(Level.Trial)
        public void setUp() {
            steps = new SlotSteps(peer, Peers.create(peer), true);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (steps != null) steps.close();
        }
    }

    /** malloc(16), write and check both ends, free. */
    @Benchmark
    public long tinyHot(Tiny s) {
        BenchAllocator a = s.allocator;
        byte t = ++s.tag;
        long p = a.malloc(16);
        if (p == 0) throw new IllegalStateException(s.peer + ": malloc(16) returned 0");
        a.put(p, 0, t);
        a.put(p, 15, (byte) ~t);
        if (a.get(p, 0) != t || a.get(p, 15) != (byte) ~t) {
            throw new IllegalStateException(String.format("%s: mallocLatency tinyHot verification failed at 0x%x", s.peer, p));
        }
        a.free(p);
        return p;
    }

    /** One iteration of randomMixed's slot loop. */
    @Benchmark
    public long randomMixed(Mixed s) {
        return s.steps.step();
    }

    /** One iteration of midLargeMt's slot loop (one thread). */
    @Benchmark
    public long midLargeMt(MidLarge s) {
        return s.steps.step();
    }
}
