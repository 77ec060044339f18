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
 * randomMixed from {@code docs/WORKLOADS.md} (hakmem's bench_random_mixed), ported
 * faithfully so its numbers compare with hakmem's C results.
 *
 * <p>How one run of the C program maps onto JMH:
 * <ul>
 *   <li>One JMH invocation is one run of the program: {@link #run()} performs {@link #cycles}
 *       iterations of the slot loop and then frees every remaining slot. Both are timed; only the
 *       {@code cycles} iterations are counted ({@code @OperationsPerInvocation(DEFAULT_CYCLES)}), as in C,
 *       where throughput = cycles / seconds.</li>
 *   <li>The untimed prefault ({@code cycles / 10} iterations with seed {@code seed + 0xDEADBEEF})
 *       is {@link #prefault()}, a {@code Level.Invocation} setup. JMH excludes invocation-level
 *       setup from the measured time in throughput mode; an invocation lasts 0.1-1 s, so the
 *       timestamp overhead that JMH warns about for this level is negligible. The slots are not
 *       emptied after the prefault.</li>
 *   <li>Every invocation restarts from the same seeds, so each replays the same sequence; unlike a
 *       fresh C process the allocator is already warm from earlier invocations (that is what JMH
 *       warm-up is for).</li>
 * </ul>
 * {@code cycles} is a parameter, but {@code @OperationsPerInvocation} is a compile-time constant
 * ({@link #DEFAULT_CYCLES}); to run another count, pass JMH's {@code -opi} with the same value, e.g.
 * {@code RandomMixed -p cycles=2000000 -opi 2000000}. The trial setup refuses a mismatch, so a
 * wrong op count can never be reported.
 *
 * <p>The loop itself ({@link SlotLoop}) is shared with {@link MidGap} and {@link Large}. Verification:
 * the byte written at {@code p[0]} ({@code (byte) r}) is kept in an on-heap array next to the slot and
 * compared before every free, including the final ones; a mismatch throws.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RandomMixed extends SlotLoop {
    /** hakmem's default cycle count; with the peers measured here one invocation takes 0.1-1 s. */
    static final int DEFAULT_CYCLES = 10_000_000;
    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 1039;

    @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
    public String peer;

    /** Timed iterations per invocation (one run of the C program); see the class comment for -opi. */
    @Param({"" + DEFAULT_CYCLES})
    public int cycles;

    /** Working-set slots. */
    @Param({"8192", "256"})
    public int ws;

    public RandomMixed() {
        super("randomMixed", false, false);
    }

    /** The size rule of bench_random_mixed: from the slot's own draw. */
    @Override
    int size(int r) {
        return Math.clamp(16 + (r & 0x3FF), MIN_SIZE, MAX_SIZE);
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        checkOpsPerInvocation("randomMixed", params, cycles);
        init(Peers.create(peer));
    }

    /** The part of the setup that tests reuse to drive the loop with their own allocator. */
    void init(BenchAllocator a) {
        start(peer, a, ws, cycles);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stop(); // frees what an invocation that threw half-way left behind
    }

    /** The untimed warm-up of the C program: cycles/10 iterations, slots left as they are. */
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
