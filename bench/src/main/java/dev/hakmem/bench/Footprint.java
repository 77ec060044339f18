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
 * Footprint runs from {@code docs/WORKLOADS.md}: {@link Mstress mstress} and
 * {@link ThreadChurn threadChurn} (platform and virtual threads), each reporting the peak RSS of the
 * process next to the peak live bytes the workload requested, so that an allocator that is fast
 * because it never gives memory back has to show it.
 *
 * <p>Benchmarks (the primary score is throughput, like the other workloads):
 * <ul>
 *   <li>{@code Footprint.mstress}: one invocation is one phase of {@value #MSTRESS_THREADS} fresh
 *       platform threads of {@value #MSTRESS_STEPS} steps each; one op is one step (a malloc with its
 *       random free and swap).</li>
 *   <li>{@code Footprint.threadChurn} with {@code threadKind=platform} or {@code virtual}: one
 *       invocation is {@value #CHURN_LIVES} thread lives, {@value #CHURN_CONCURRENT} at a time; one op
 *       is one malloc or free ({@code 2 * }{@value ThreadChurn#BLOCKS} per life).</li>
 * </ul>
 * Every free is checked first ({@link Blocks}); both workloads free blocks on threads other than the
 * ones that made them, so they run only with peers that allow that (like malloc).
 *
 * <p><b>The footprint numbers</b> are JMH secondary metrics, {@code @AuxCounters} of type
 * {@code EVENTS} named {@code peakRssBytes} and {@code peakLiveBytes}, in bytes ({@link FootprintMeter}):
 * <ul>
 *   <li>{@code peakRssBytes}: the highest RSS of the whole process ({@code VmHWM} in
 *       {@code /proc/self/status}, reset with {@code /proc/self/clear_refs} when the first measurement
 *       iteration starts) during the fork's measurement iterations, less the RSS the process had in the
 *       trial setup just before the peer was created. So it counts everything the peer keeps resident
 *       (pools, caches, metadata, whether on or off the Java heap, and memory kept since warm-up), plus
 *       what the JVM itself grows by during the trial (compiled code, thread stacks, its own native
 *       allocations, heap the benchmark touches). Measured with an allocator that holds no memory of
 *       its own (blocks from a pool made and touched before the baseline), that JVM part is about
 *       6-8 MB for threadChurn and 11-13 MB for mstress: the same for every peer, a floor under all the
 *       numbers. Nothing else is subtracted, so a peer that keeps memory it does not need shows it.</li>
 *   <li>{@code peakLiveBytes}: the highest sum of the sizes of the blocks the workload had requested
 *       and not yet freed, over the same window ({@link LiveBytes}).</li>
 * </ul>
 * JMH sums an {@code EVENTS} counter over threads, iterations and forks, so each fork reports its two
 * values only in its last measurement iteration; every other iteration reports 0. {@code rawData}
 * therefore shows per fork {@code [0, ..., 0, peak]}, and the report takes each fork's peak and
 * averages them over forks; the JSON's {@code score} is their sum over forks (read {@code rawData}
 * when looking at the JSON by hand). Run them with one JMH thread (the
 * trial setup refuses {@code -t}).
 *
 * <p>JVM options: the Serial collector with a 4 MB young generation, so that the benchmark's own
 * garbage (thread objects, mostly) cycles through a small space that is resident from the start (the
 * meter fills it once before it reads the baseline) instead of G1 spreading it over ever new regions
 * of a large heap, whose pages would count as growth (with G1's defaults the JVM part above was
 * 40-100 MB). The Java heap is not fixed or pre-touched, so what a Java peer keeps on the heap (hakmem's
 * metadata, for one) still shows as growth. They are given as {@code @Fork(jvmArgs)}, which
 * {@code -jvmArgsAppend} on the command line keeps (and {@code -jvmArgs} would replace).
 */
@CrossThreadFrees
@LongWarmup
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmn4m"}, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Threads(1)
public class Footprint {
    static final int MSTRESS_THREADS = 4;
    static final int MSTRESS_STEPS = 300_000;
    static final int CHURN_LIVES = 16;
    static final int CHURN_CONCURRENT = 4;

    /** mstress with its peer and meter. */
    @State(Scope.Benchmark)
    public static class Stress {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        FootprintMeter meter;
        BenchAllocator allocator;
        Mstress workload;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            FootprintMeter.checkOneThread(params);
            meter = new FootprintMeter(); // before the peer exists
            allocator = Peers.createUnwarmed(peer); // no warm-up: its memory would count (Peers.createUnwarmed)
            workload = new Mstress(peer, allocator, MSTRESS_THREADS, MSTRESS_STEPS, LiveBytes.FLUSH_AT);
            meter.watch(workload.live);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                workload.close();
            } finally {
                allocator.close();
            }
        }
    }

    /** threadChurn with its peer, thread kind and meter. */
    @State(Scope.Benchmark)
    public static class Churn {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        /** {@code platform} or {@code virtual} threads. */
        @Param({"platform", "virtual"})
        public String threadKind;

        FootprintMeter meter;
        BenchAllocator allocator;
        ThreadChurn workload;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws InterruptedException {
            FootprintMeter.checkOneThread(params);
            boolean virtual = switch (threadKind) {
                case "platform" -> false;
                case "virtual" -> true;
                default -> throw new IllegalArgumentException("threadKind is platform or virtual, not " + threadKind);
            };
            meter = new FootprintMeter(); // before the peer exists
            allocator = Peers.createUnwarmed(peer); // no warm-up: its memory would count (Peers.createUnwarmed)
            workload = new ThreadChurn(peer, allocator, virtual, CHURN_LIVES, CHURN_CONCURRENT, LiveBytes.FLUSH_AT);
            meter.watch(workload.live);
            // Platform threads only, and only with -Dhakmem.bench.plateau.maxMillis: there hakmem's ramp
            // outlasts quick mode's 1.5 s (Plateau); with virtual threads and on mstress every peer was
            // near its level by then. The meter's window opens later, at the first measurement iteration.
            if (!virtual) Plateau.warmUp(workload::run);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                workload.close();
            } finally {
                allocator.close();
            }
        }
    }

    /** mstress's footprint counters (see the class comment for their meaning in the JSON). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class StressFootprint {
        public double peakRssBytes;
        public double peakLiveBytes;
        private FootprintMeter meter;

        @Setup(Level.Iteration)
        public void begin(Stress run, IterationParams iteration) {
            meter = run.meter;
            meter.iterationStarts(iteration);
        }

        @TearDown(Level.Iteration)
        public void end(BenchmarkParams params, IterationParams iteration) {
            if (!meter.iterationEnds(iteration)) return;
            peakRssBytes = meter.peakRss();
            peakLiveBytes = meter.peakLive();
        }
    }

    /** threadChurn's footprint counters (see the class comment for their meaning in the JSON). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class ChurnFootprint {
        public double peakRssBytes;
        public double peakLiveBytes;
        private FootprintMeter meter;

        @Setup(Level.Iteration)
        public void begin(Churn run, IterationParams iteration) {
            meter = run.meter;
            meter.iterationStarts(iteration);
        }

        @TearDown(Level.Iteration)
        public void end(BenchmarkParams params, IterationParams iteration) {
            if (!meter.iterationEnds(iteration)) return;
            peakRssBytes = meter.peakRss();
            peakLiveBytes = meter.peakLive();
        }
    }

    @Benchmark
    @OperationsPerInvocation(MSTRESS_THREADS * MSTRESS_STEPS)
    public long mstress(Stress run, StressFootprint footprint) throws InterruptedException {
        return run.workload.phase();
    }

    @Benchmark
    @OperationsPerInvocation(CHURN_LIVES * 2 * ThreadChurn.BLOCKS)
    public long threadChurn(Churn run, ChurnFootprint footprint) throws InterruptedException {
        return run.workload.run();
    }
}
