package dev.hakmem.bench.suite;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How fast each CPU of this machine runs one thread, now: the calling thread is pinned to each CPU in
 * turn ({@code sched_setaffinity}) and times the same integer loop there, over a few interleaved
 * passes; the line it prints gives each CPU's speed relative to the fastest.
 *
 * <p>Why: the 2-CPU shared VMs this project is measured on do not always give both CPUs the same
 * speed. On 2026-12-08 the same loop took 1.55 s on cpu0 and 2.57 s on cpu1, and larson's worker
 * threads, which the scheduler puts on the CPUs in turn, alternated between about 14 and 25 ns per
 * operation for every allocator; a few minutes later both CPUs ran alike
 * (docs/BENCHMARKS-HISTORY.md, session 68). Such a machine gives a fork the speed of the CPU its
 * threads happened to run on, which no number of forks of one run can tell from the allocator's own.
 * The main job runs this check at its start, after each headline round and at its end, and puts the
 * lines in the report, so that a reader knows whether the run's numbers were taken on CPUs that ran
 * alike.
 *
 * <p>Usage: {@code CpuSpeedCheck [label]}: prints {@code <label>: cpu0 1.00, cpu1 0.61 (...)}. Where it
 * cannot pin a thread (no {@code sched_setaffinity}, as off Linux, or a pin refused) it prints that it
 * cannot tell, and why, and exits 0: the check informs, it never stops a run.
 */
public final class CpuSpeedCheck {
    /** Passes over the CPUs; each CPU's figure is the median of its passes. */
    static final int PASSES = 5;
    /** Iterations of the loop per timing (about 10-20 ms on the machines here). */
    static final int LOOP = 20_000_000;
    /** Bytes of a {@code cpu_set_t} (1024 CPUs), as glibc defines it. */
    static final int CPU_SET_BYTES = 128;
    /** Below this speed relative to the fastest CPU, the line says the CPUs did not run alike. */
    static final double ALIKE = 0.9;
    /** Where the loops' results go, so that the JIT keeps the loops (a volatile write it cannot drop). */
    private static volatile long sink;

    /** The measured nanoseconds of each CPU's passes. */
    record Speeds(List<Integer> cpus, long[][] nanos) {
        /** The median of each CPU's passes. */
        double[] medians() {
            double[] m = new double[cpus.size()];
            for (int i = 0; i < m.length; i++) {
                long[] sorted = nanos[i].clone();
                Arrays.sort(sorted);
                int n = sorted.length;
                m[i] = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            }
            return m;
        }

        /** Each CPU's speed relative to the fastest (1.0 for the fastest). */
        double[] relative() {
            return relative(medians());
        }

        private static double[] relative(double[] m) {
            double best = Arrays.stream(m).min().orElseThrow();
            double[] r = new double[m.length];
            for (int i = 0; i < m.length; i++) r[i] = best / m[i];
            return r;
        }

        /** The printed line: the CPUs' relative speeds, their medians, and a verdict. */
        String line(String label) {
            double[] m = medians(), r = relative(m);
            StringJoiner speeds = new StringJoiner(", "), times = new StringJoiner(", ");
            for (int i = 0; i < r.length; i++) {
                speeds.add(String.format(Locale.ROOT, "cpu%d %.2f", cpus.get(i), r[i]));
                times.add(String.format(Locale.ROOT, "%.1f", m[i] / 1e6));
            }
            double slowest = Arrays.stream(r).min().orElseThrow();
            String verdict = slowest < ALIKE
                    ? String.format(Locale.ROOT, "the CPUs did not run alike: the slowest at %.2fx the fastest", slowest)
                    : "the CPUs ran alike (within " + Math.round((1 - ALIKE) * 100) + "%)";
            return String.format(Locale.ROOT, "%s: %s (median ms per loop: %s); %s", label, speeds, times, verdict);
        }
    }

    private CpuSpeedCheck() {}

    public static void main(String[] args) {
        String label = args.length > 0 ? String.join(" ", args) : "cpu speeds";
        Affinity affinity = Affinity.lookup();
        if (affinity == null) {
            System.out.println(label + ": cannot tell (no sched_setaffinity on this system)");
            return;
        }
        try {
            System.out.println(measure(affinity, PASSES, LOOP).line(label));
        } catch (IllegalStateException e) { // a pin refused (a container's CPU set changed under it, say)
            System.out.println(label + ": cannot tell (" + e.getMessage() + ")");
        }
    }

    /**
     * Times {@code loop} iterations on each CPU the thread may run on, {@code passes} times, with the
     * thread's affinity put back as it was afterwards (also when a pin fails).
     */
    static Speeds measure(Affinity affinity, int passes, int loop) {
        byte[] before = affinity.get();
        List<Integer> cpus = cpusOf(before);
        long[][] nanos = new long[cpus.size()][passes];
        long results = 0;
        for (int i = 0; i < 3; i++) results += spin(loop); // compiled before it is timed
        try {
            for (int p = 0; p < passes; p++) {
                for (int i = 0; i < cpus.size(); i++) {
                    affinity.set(only(cpus.get(i)));
                    long start = System.nanoTime();
                    results += spin(loop);
                    nanos[i][p] = System.nanoTime() - start;
                }
            }
        } finally {
            affinity.set(before);
        }
        sink = results;
        return new Speeds(cpus, nanos);
    }

    /** A fixed amount of dependent integer work (xorshift steps) that the JIT cannot fold away. */
    static long spin(int n) {
        int x = 0x9E3779B9;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            sum += x;
        }
        return sum;
    }

    /** The CPUs set in a {@code cpu_set_t}, in increasing order. */
    static List<Integer> cpusOf(byte[] mask) {
        List<Integer> cpus = new ArrayList<>();
        for (int cpu = 0; cpu < mask.length * 8; cpu++) {
            if ((mask[cpu >>> 3] & (1 << (cpu & 7))) != 0) cpus.add(cpu);
        }
        return cpus;
    }

    /** A {@code cpu_set_t} holding only {@code cpu}. */
    static byte[] only(int cpu) {
        if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) throw new IllegalArgumentException("cpu " + cpu + " is beyond a cpu_set_t");
        byte[] mask = new byte[CPU_SET_BYTES];
        mask[cpu >>> 3] = (byte) (1 << (cpu & 7));
        return mask;
    }

    /** The calling thread's CPU affinity, through the C library's {@code sched_getaffinity}/{@code sched_setaffinity}. */
    @SuppressWarnings("restricted") // downcalls into the C library: the point of this class
    static final class Affinity {
        private static final FunctionDescriptor CALL = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        private final MethodHandle get, set;

        private Affinity(MethodHandle get, MethodHandle set) {
            this.get = get;
            this.set = set;
        }

        /** The two functions, or null where the C library has none (not Linux). */
        static Affinity lookup() {
            Linker linker = Linker.nativeLinker();
            var g = linker.defaultLookup().find("sched_getaffinity");
            var s = linker.defaultLookup().find("sched_setaffinity");
            if (g.isEmpty() || s.isEmpty()) return null;
            return new Affinity(linker.downcallHandle(g.get(), CALL), linker.downcallHandle(s.get(), CALL));
        }

        /** The calling thread's mask. */
        byte[] get() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mask = arena.allocate(CPU_SET_BYTES);
                int rc = call(get, mask);
                if (rc != 0) throw new IllegalStateException("sched_getaffinity failed (" + rc + ")");
                return mask.toArray(ValueLayout.JAVA_BYTE);
            }
        }

        /** Restricts the calling thread to the CPUs of {@code mask} (it moves there before this returns). */
        void set(byte[] mask) {
            if (mask.length != CPU_SET_BYTES) throw new IllegalArgumentException("a cpu_set_t has " + CPU_SET_BYTES + " bytes, not " + mask.length);
            try (Arena arena = Arena.ofConfined()) {
                int rc = call(set, arena.allocateFrom(ValueLayout.JAVA_BYTE, mask));
                if (rc != 0) throw new IllegalStateException("sched_setaffinity to cpus " + cpusOf(mask) + " failed (" + rc + ")");
            }
        }

        /** {@code function(0, sizeof(cpu_set_t), mask)} for the calling thread (pid 0); its return code. */
        private static int call(MethodHandle function, MemorySegment mask) {
            try {
                return (int) function.invokeExact(0, (long) CPU_SET_BYTES, mask);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }
}
