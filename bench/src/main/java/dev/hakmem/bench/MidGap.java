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
 * midGap from {@code docs/WORKLOADS.md} (hakmem's bench_mid_mt_gap, 1-8 KiB): the slot loop
 * of {@link RandomMixed} ({@link SlotLoop}) with {@code ws = 256} slots and sizes uniform in
 * [1024, 8192], the gap between the small classes that randomMixed exercises and midLargeMt's 8-32 KiB.
 *
 * <p>Exact definition: {@code x = xorshift32(x); idx = x % 256} (unsigned); an occupied slot is
 * checked and freed; an empty one draws again, {@code x = xorshift32(x)}, and gets a block of
 * {@code 1024 + x % 7169} bytes (unsigned remainder) whose first byte is set to {@code (byte) x}. The
 * size needs the second draw because the slot's draw already fixes its low bits ({@code x % 256}),
 * and randomMixed's {@code 16 + (r & 0x3FF)} cannot reach this range. Seeds, prefault and op
 * accounting are randomMixed's: seed 1234567; before each invocation an untimed prefault of
 * {@code cycles / 10} iterations from seed {@code 1234567 + 0xDEADBEEF}, slots not emptied; an
 * invocation runs {@code cycles} iterations and then frees every slot, timed but not counted, so
 * <b>one op is one iteration</b> of the loop (a malloc or a free).
 *
 * <p>{@code cycles} defaults to 1,000,000 (hakmem reported 41 M ops/s, so about 25 ms per
 * invocation; also short enough for the slowest peers to fit several invocations into a 1 s
 * iteration). Another value needs a matching {@code -opi}, e.g.
 * {@code MidGap -p cycles=10000000 -opi 10000000}; the trial setup refuses a mismatch.
 *
 * <p>Verification: the first byte of every block is checked against the value kept next to its slot
 * before every free; a mismatch throws.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MidGap extends SlotLoop {
    static final int DEFAULT_CYCLES = 1_000_000;
    static final int WS = 256;
    static final int MIN_SIZE = 1024;
    static final int MAX_SIZE = 8192;

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    /** Timed iterations per invocation; another value needs a matching {@code -opi}. */
    @Param({"" + DEFAULT_CYCLES})
    public int cycles;

    public MidGap() {
        super("midGap", true, false);
    }

    /** Uniform in [1024, 8192], from the second draw. */
    @Override
    int size(int r) {
        return MIN_SIZE + Integer.remainderUnsigned(r, MAX_SIZE - MIN_SIZE + 1);
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        checkOpsPerInvocation("midGap", params, cycles);
        init(Peers.create(peer));
    }

    /** The part of the setup that tests reuse to drive the loop with their own allocator. */
    void init(BenchAllocator a) {
        start(peer, a, WS, cycles);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stop();
    }

    /** Untimed: cycles/10 iterations from another seed, slots left as they are. */
    @Setup(Level.Invocation)
    public void prefault() {
        loop(cycles / 10, SEED + PREFAULT_SALT);
    }

    @Benchmark
    @OperationsPerInvocation(DEFAULT_CYCLES)
    public long run() {
        long checksum = loop(cycles, SEED);
        return checksum + freeAll();
    }
}
