package dev.hakmem.bench.design;

import dev.hakmem.bench.ProcessMemory;
import dev.hakmem.bench.Xorshift32;
import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * larson's thread hand-off, measured for memory as well as speed (issue 15): does the allocator's
 * footprint stay flat while threads hand their blocks to successors and end, life after life? Not in
 * the main job (a design benchmark): it explains the larson numbers, which measure speed only.
 *
 * <p>Two lineages of threads, as larson with two threads: each lineage has {@value #SLOTS} slots of
 * blocks of 8-1000 bytes; one invocation runs one life of each lineage at once, a fresh platform thread
 * per lineage that makes {@value #STEPS} steps (free a random slot, malloc into it, writing the first
 * byte) and ends; the next invocation's threads inherit the slots. So every free of a life's first
 * touch of a slot is of a block an ended thread allocated.
 *
 * <p>Reported besides ops/s (one op = one malloc or one free): {@code rssMB}, the process's resident
 * memory above what it had before the peer was created (after one cycle of the young generation), read
 * when each iteration ends (about 5 MB of blocks are live throughout, and the JVM's own growth is in it
 * for every peer alike; hakmem's Java objects per thread life, a new thread cache's arrays, are too). An allocator
 * whose footprint grows with every life shows it growing from iteration to iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class LarsonFootprint {
    static final int SLOTS = 5000, STEPS = 500_000, LINEAGES = 2;

    @Param({"hakmem", "mimalloc", "tcmalloc", "jemalloc"})
    public String peer;

    BenchAllocator allocator;
    long baselineRss;
    final long[][] blocks = new long[LINEAGES][SLOTS];
    final int[] seeds = new int[LINEAGES];

    /** Keeps the young-generation warm-up's garbage from being optimized away. */
    static volatile Object sink;

    @Setup(Level.Trial)
    public void setUp() {
        // As the main job's footprint meter does: cycle the Java heap's young generation once before the
        // baseline, so that the garbage every peer's run makes (thread objects) reuses resident pages.
        for (int made = 0; made < 32 << 20; made += 16 << 10) sink = new byte[16 << 10];
        sink = null;
        baselineRss = ProcessMemory.rss();
        allocator = Peers.createUnwarmed(peer); // no warm-up: its memory would count (Peers.createUnwarmed)
        for (int l = 0; l < LINEAGES; l++) {
            seeds[l] = 4141 ^ (l + 1) * 0x9E3779B9;
            for (int i = 0; i < SLOTS; i++) blocks[l][i] = malloc(l);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (long[] lineage : blocks) for (long p : lineage) allocator.free(p);
        allocator.close();
    }

    /** Resident memory above the baseline when the iteration ends, in MB. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Memory {
        public double rssMB;

        @TearDown(Level.Iteration)
        public void end(LarsonFootprint run) {
            rssMB = (ProcessMemory.rss() - run.baselineRss) / 1e6;
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINEAGES * 2 * STEPS)
    public long oneLifeEach(Memory memory) throws InterruptedException {
        Thread[] lives = new Thread[LINEAGES];
        for (int l = 0; l < LINEAGES; l++) {
            int lineage = l;
            lives[l] = Thread.ofPlatform().start(() -> live(lineage));
        }
        for (Thread t : lives) t.join();
        return blocks[0][0];
    }

    private void live(int l) {
        long[] slots = blocks[l];
        for (int k = 0; k < STEPS; k++) {
            int victim = Integer.remainderUnsigned(next(l), SLOTS);
            if (allocator.get(slots[victim], 0) != 42) throw new IllegalStateException(peer + ": a live block was overwritten");
            allocator.free(slots[victim]);
            slots[victim] = malloc(l);
        }
    }

    private long malloc(int l) {
        long p = allocator.malloc(8 + Integer.remainderUnsigned(next(l), 993));
        allocator.put(p, 0, (byte) 42);
        return p;
    }

    /** xorshift32 of lineage {@code l}: only that lineage's thread of the moment uses it. */
    private int next(int l) {
        return seeds[l] = Xorshift32.next(seeds[l]);
    }
}
