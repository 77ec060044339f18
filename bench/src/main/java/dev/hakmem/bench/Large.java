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
 * large from {@code docs/WORKLOADS.md} (32 KiB-2 MiB): the slot loop of {@link RandomMixed}
 * ({@link SlotLoop}) with {@code ws = 64} slots and sizes log-uniform in [32 KiB, 2 MiB], each block
 * touched in its first and last page. This is where allocators hand out whole pages or mappings, so
 * what counts is whether they reuse memory that is already mapped and resident or go back to the OS
 * (mmap/munmap, page faults) for every block.
 *
 * <p>Exact definition: {@code x = xorshift32(x); idx = x % 64} (unsigned); an occupied slot is
 * checked and freed; an empty one draws again, {@code x = xorshift32(x)}, and gets a block of
 * {@code floor(32768 * 64^((x >>> 8) / 2^24))} bytes (the top 24 bits of the draw as a fraction in
 * [0, 1); computed with {@link StrictMath#pow} so every JVM gets the same sizes: 32,768 to 2,097,151
 * bytes, the mean about 485 KiB, so the 32 or so live blocks hold about 15 MiB). The block's first
 * byte is set to {@code (byte) x} and its last byte to {@code (byte) ~x}: one write into the first
 * and one into the last page, which makes both resident. Seeds, prefault and op accounting are
 * randomMixed's: seed 1234567; before each invocation an untimed prefault of {@code cycles / 10}
 * iterations from seed {@code 1234567 + 0xDEADBEEF}, slots not emptied; an invocation runs
 * {@code cycles} iterations and then frees every slot, timed but not counted, so <b>one op is one
 * iteration</b> of the loop (a malloc or a free).
 *
 * <p>{@code cycles} defaults to 20,000 (a malloc here costs from well under a microsecond, for a
 * reused block, to tens of microseconds, for a fresh mapping with two page faults, so an invocation
 * takes a few to a few hundred milliseconds). Another value needs a matching {@code -opi}; the trial
 * setup refuses a mismatch.
 *
 * <p>Verification: both marked bytes are checked against the values kept next to the slot before
 * every free; a mismatch throws.
 */
@LongWarmup(millis = LongWarmup.CLIMBING_MILLIS)
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Large extends SlotLoop {
    static final int DEFAULT_CYCLES = 20_000;
    static final int WS = 64;
    static final int MIN_SIZE = 32 << 10;
    static final int MAX_SIZE = 2 << 20;

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    /** Timed iterations per invocation; another value needs a matching {@code -opi}. */
    @Param({"" + DEFAULT_CYCLES})
    public int cycles;

    public Large() {
        super("large", true, true);
    }

    /** Log-uniform in [32 KiB, 2 MiB), from the second draw. */
    @Override
    int size(int r) {
        return (int) (MIN_SIZE * StrictMath.pow((double) MAX_SIZE / MIN_SIZE, (r >>> 8) * 0x1p-24));
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        checkOpsPerInvocation("large", params, cycles);
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
