package dev.hakmem.bench;

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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;

/**
 * skewedFootprint: the resident memory a layout of size classes costs for the {@link Skewed} size
 * mix. One invocation mallocs {@value #BLOCKS} blocks with skewed's sizes (same RNG and centres; each
 * block stamped at both ends), so about 38 MB are live at the peak, then checks and frees them all in
 * allocation order. ops = 2 x BLOCKS. It reports {@code peakRssBytes} and {@code peakLiveBytes} like
 * {@link Footprint} (same meter, same JVM options): a layout whose classes fit the sizes needs fewer
 * resident bytes per live byte.
 */
@LongWarmup(millis = LongWarmup.CLIMBING_MILLIS)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmn4m"}, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class SkewedFootprint {
    static final int BLOCKS = 400_000;

    /** The peer, its blocks and the meter. */
    @State(Scope.Benchmark)
    public static class Run {
        @Param({"hakmem", "hakmem-gen", "hakmem-gen-tuned", "mimalloc"})
        public String peer;

        FootprintMeter meter;
        BenchAllocator allocator;
        LiveBytes live;
        final long[] blocks = new long[BLOCKS]; // made before the meter reads its baseline
        final int[] sizes = new int[BLOCKS];
        int x = Skewed.SEED;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            FootprintMeter.checkOneThread(params);
            meter = new FootprintMeter(); // before the peer exists
            allocator = Peers.createUnwarmed(peer); // no warm-up: its memory would count (Peers.createUnwarmed)
            live = new LiveBytes(LiveBytes.FLUSH_AT);
            meter.watch(live);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (allocator != null) allocator.close();
        }
    }

    /** The footprint counters (see {@link Footprint} for their meaning in the JSON). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counters {
        public double peakRssBytes;
        public double peakLiveBytes;
        private FootprintMeter meter;

        @Setup(Level.Iteration)
        public void begin(Run run, IterationParams iteration) {
            meter = run.meter;
            meter.iterationStarts(iteration);
        }

        @TearDown(Level.Iteration)
        public void end(IterationParams iteration) {
            if (!meter.iterationEnds(iteration)) return;
            peakRssBytes = meter.peakRss();
            peakLiveBytes = meter.peakLive();
        }
    }

    @Benchmark
    @OperationsPerInvocation(2 * BLOCKS)
    public long holdAndRelease(Run run, Counters counters) {
        final BenchAllocator a = run.allocator;
        final long[] p = run.blocks;
        final int[] s = run.sizes;
        LiveBytes.Local live = run.live.local();
        int r = run.x;
        long sum = 0;
        for (int i = 0; i < BLOCKS; i++) {
            r = Xorshift32.next(r);
            int size = Skewed.size(r);
            long q = Blocks.malloc(a, run.peer, size);
            Blocks.stamp(a, q, size, (byte) i);
            live.malloced(size);
            p[i] = q;
            s[i] = size;
        }
        run.x = r;
        live.flush();
        for (int i = 0; i < BLOCKS; i++) {
            Blocks.checkAndFree(a, run.peer, "skewedFootprint", p[i], s[i], (byte) i);
            live.freed(s[i]);
            sum += p[i];
        }
        live.flush();
        return sum;
    }
}
