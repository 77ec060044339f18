package dev.hakmem.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Measures one JMH fork's footprint: the peak RSS of the process over the fork's measurement
 * iterations, less the RSS the process had before the peer existed, and the peak of the workload's
 * live bytes over the same window. See {@link Footprint} for how the numbers reach the JSON.
 *
 * <p>Made in the trial setup before the peer is created, it records that RSS as the baseline, after
 * making {@value #YOUNG_WARMUP_BYTES} bytes of short-lived garbage: that cycles the Java heap's young
 * generation once, so its pages are resident in the baseline already, and the garbage the benchmark
 * makes later (thread objects, mostly) reuses them instead of counting as growth. The
 * window opens when the first measurement iteration starts: {@code VmHWM} is reset to the current
 * RSS ({@link ProcessMemory#resetPeak()}) and the live-bytes peak to the current live bytes; it closes
 * when the last measurement iteration ends, and {@code VmHWM} then is the window's peak RSS. Memory
 * the peer took earlier (in warm-up) and still holds is resident, so it counts. Where the peak cannot
 * be reset, {@code VmHWM} covers the whole fork, warm-up included (an upper bound); a line on the
 * fork's output says so.
 */
final class FootprintMeter {
    /** Short-lived garbage made before the baseline is read: more than the young generation holds. */
    static final int YOUNG_WARMUP_BYTES = 32 << 20;

    private final long baseline;
    private LiveBytes live;
    private int measurementIterations;
    private long peakRss, peakLive;
    /** Keeps the warm-up garbage from being optimized away. */
    static volatile Object sink;

    FootprintMeter() {
        for (int made = 0; made < YOUNG_WARMUP_BYTES; made += 16 << 10) sink = new byte[16 << 10];
        sink = null;
        baseline = ProcessMemory.rss();
    }

    /** Refuses {@code -t}: the workloads start their own threads; JMH runs one thread that drives them. */
    static void checkOneThread(BenchmarkParams params) {
        if (params.getThreads() != 1) {
            throw new IllegalArgumentException("footprint benchmarks start their own threads; run them with one JMH"
                    + " thread, not -t " + params.getThreads());
        }
    }

    /** The live bytes to watch; call once the workload exists. */
    void watch(LiveBytes liveBytes) {
        live = liveBytes;
    }

    long baseline() {
        return baseline;
    }

    /** Call when an iteration starts; opens the window at the first measurement iteration. */
    void iterationStarts(IterationParams iteration) {
        if (iteration.getType() != IterationType.MEASUREMENT || measurementIterations++ > 0) return;
        if (!ProcessMemory.resetPeak()) {
            System.out.println("footprint: cannot reset VmHWM through /proc/self/clear_refs; peakRssBytes"
                    + " is the peak since the fork started");
        }
        live.resetPeak();
    }

    /**
     * Call when an iteration ends. At the end of the fork's last measurement iteration this closes the
     * window, fixes {@link #peakRss()} and {@link #peakLive()}, prints them with the baseline on the
     * fork's output, and returns true.
     */
    boolean iterationEnds(IterationParams iteration) {
        if (iteration.getType() != IterationType.MEASUREMENT || measurementIterations != iteration.getCount()) {
            return false;
        }
        long hwm = ProcessMemory.peak();
        peakRss = Math.max(0, hwm - baseline);
        peakLive = live.peak();
        System.out.printf("footprint: baseline RSS %,d B, peak RSS %,d B (VmHWM), so peakRssBytes %,d; peakLiveBytes %,d%n",
                baseline, hwm, peakRss, peakLive);
        return true;
    }

    /** The window's peak RSS less the baseline (0 if the process somehow shrank below it). */
    long peakRss() {
        return peakRss;
    }

    /** The window's peak live bytes. */
    long peakLive() {
        return peakLive;
    }

}
