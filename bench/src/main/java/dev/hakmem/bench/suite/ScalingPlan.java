package dev.hakmem.bench.suite;

import java.util.ArrayList;
import java.util.List;

/**
 * The scaling run ({@code ./build.sh bench --scaling}): throughput against threads for the workloads
 * whose threads share an allocator, xmalloc, larson, midLargeMt and cacheScratch, at
 * {@link #THREADS} benchmark threads, one JMH invocation per thread count.
 *
 * <p>How a thread count is run: 1 thread is each workload's {@code oneThread} benchmark; 2, 4 and 8
 * are its {@code twoThreads} benchmark under JMH's {@code -t} (2 is the benchmark's own count). For
 * xmalloc, {@code twoThreads} is a group of a producer and a consumer, so {@code -t 4} runs two such
 * pairs on one allocator; its {@code oneThread} is left out, since its background consumer makes it a
 * two-thread run that JMH would report as one. On a 2-core machine 4 and 8 threads are oversubscribed:
 * what those points show is how an allocator copes with threads preempted while they hold its locks or
 * caches, not how it scales on more cores (the report says so).
 *
 * <p>Only peers that free on any thread run (larson, xmalloc and cacheScratch free on other threads
 * than they allocated; midLargeMt follows along so that each chart has the same lines).
 */
final class ScalingPlan {
    /** Benchmark threads of the scaling run. */
    static final List<Integer> THREADS = List.of(1, 2, 4, 8);
    /** The workloads with a {@code oneThread} benchmark that really is one thread (not xmalloc's). */
    private static final List<String> AT_ONE_THREAD = List.of("Larson", "MidLargeMt", "CacheScratch");
    /** The workloads whose {@code twoThreads} benchmark runs at 2 threads and more. */
    private static final List<String> AT_MORE_THREADS = List.of("Xmalloc", "Larson", "MidLargeMt", "CacheScratch");

    private ScalingPlan() {}

    /** The benchmark names run at {@code threads} threads. */
    static List<String> benchmarks(int threads) {
        String method = threads == 1 ? "oneThread" : "twoThreads";
        return (threads == 1 ? AT_ONE_THREAD : AT_MORE_THREADS).stream().map(c -> "dev.hakmem.bench." + c + "." + method).toList();
    }

    /** The JMH regex selecting exactly {@link #benchmarks}. */
    static String regex(int threads) {
        return "^(" + String.join("|", benchmarks(threads).stream().map(b -> b.replace(".", "\\.")).toList()) + ")$";
    }

    /** The JMH runs and the expected results; {@code settings} gives forks and iterations of every run. */
    static Plan of(List<PeerStatus> peers, RunSettings settings) {
        List<String> anyThread = PeerStatus.anyThread(peers);
        List<String> sameThread = PeerStatus.sameThreadOnly(peers);
        List<Plan.Run> runs = new ArrayList<>();
        List<Plan.Expectation> expectations = new ArrayList<>();
        if (anyThread.isEmpty()) return new Plan(runs, expectations);
        for (int t : THREADS) {
            String group = "scaling-t" + t;
            List<String> args = new ArrayList<>(settings.jmhArgs());
            if (t > 2) args.addAll(List.of("-t", "" + t));
            runs.add(new Plan.Run(group, anyThread, regex(t), args));
            for (String benchmark : benchmarks(t)) expectations.add(new Plan.Expectation(benchmark, group, anyThread, sameThread));
        }
        return new Plan(runs, expectations);
    }

    /** Timed runs the plan makes with {@code peers} peers (one per benchmark, thread count and peer). */
    static int runCount(int peers) {
        int n = 0;
        for (int t : THREADS) n += benchmarks(t).size() * peers;
        return n;
    }
}
