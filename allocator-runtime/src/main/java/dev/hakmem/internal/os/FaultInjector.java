package dev.hakmem.internal.os;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Makes {@link OsMemory}'s system calls fail on purpose, so that tests can exercise every caller's
 * real error handling: the code that runs when the kernel refuses {@code mmap}, {@code munmap},
 * {@code mprotect} or {@code madvise}, which no ordinary test reaches.
 *
 * <p>How a refusal looks: exactly like the kernel's. The system call is not made, and the
 * {@link OsMemory} method returns what it returns when the kernel says no: {@code mmap} an empty
 * {@link OsMemory.Result} with the errno, the others the errno. Nothing throws, so callers cannot tell
 * an injected refusal from a real one; the errno is {@link #ENOMEM} unless set per kind
 * ({@link Builder#errno}). A refused {@code munmap} or {@code madvise} leaves the memory as it was
 * (mapped, resident), as the kernel's would.
 *
 * <p>Which calls fail, per kind of call ({@link Call}), counted from {@link #install}: the calls with
 * the given numbers ({@link Builder#failNth}, 1 = the first call of that kind), and each other call
 * with a probability ({@link Builder#failWithProbability}). The coin of call {@code n} of kind
 * {@code k} is a hash of (seed, k, n), so a single-threaded program that makes the same calls sees
 * the same refusals for the same seed; with several threads the numbering follows the order the calls
 * reach the injector.
 *
 * <p>Scope: one injector at a time is installed for the whole JVM (every allocator in it), through a
 * static volatile field that {@link OsMemory} reads once per call: these are slow-path system calls,
 * never on a malloc or free fast path, and with no injector installed the cost is that one load.
 * Install it in a test with try-with-resources, so it is removed however the test ends (other test
 * classes run in the same JVM afterwards):
 *
 * <pre>{@code
 * try (FaultInjector f = FaultInjector.builder(seed).failWithProbability(Call.MADVISE, 0.1).install()) {
 *     ... // every madvise fails with probability 0.1
 * }
 * }</pre>
 *
 * <p>What was refused: the injector keeps the first {@value #KEPT} refusals ({@link #refusals}), so
 * that a test can check what became of memory the OS kept (a range whose {@code munmap} was refused
 * is still mapped: is it still accounted for?).
 *
 * <p>Thread safety: the configuration is immutable; the counters are atomic and the list of refusals
 * is guarded by its monitor, so any thread may make OS calls while the injector is installed.
 */
public final class FaultInjector implements AutoCloseable {
    /** The errno of an injected refusal unless set otherwise: "out of memory or address space". */
    public static final int ENOMEM = 12;

    /** The kinds of system call that can be made to fail. */
    public enum Call {
        /** {@code mmap}: {@link OsMemory#reserve}, {@link OsMemory#map}. */
        MMAP,
        /** {@code munmap}: {@link OsMemory#unmap}, and the trimming of over-sized aligned mappings. */
        MUNMAP,
        /** {@code mprotect}: {@link OsMemory#commit}, and the commit of {@link OsMemory#map} beyond a page of alignment. */
        MPROTECT,
        /** {@code madvise(MADV_DONTNEED)}: {@link OsMemory#decommit}. */
        MADVISE
    }

    private static final int KINDS = Call.values().length;
    /** Refusals kept for {@link #refusals}; later ones are counted only. */
    private static final int KEPT = 100_000;

    /**
     * One refused call: its kind, and the range it was asked to act on ({@code mmap}: address 0 and
     * the bytes it was to map).
     */
    public record Refusal(Call call, long address, long size) {}

    /** The installed injector, or null. Read once per OS call by {@link #refusal}. */
    private static volatile FaultInjector installed;

    private final long seed;
    /** Per kind: the sorted call numbers that fail. */
    private final long[][] nth;
    /** Per kind: a call fails when its 53-bit coin is below this (0: never by chance). */
    private final long[] threshold;
    private final int[] errno;
    private final AtomicLongArray calls = new AtomicLongArray(KINDS);
    private final AtomicLongArray refused = new AtomicLongArray(KINDS);
    private final List<Refusal> refusals = new ArrayList<>();

    private FaultInjector(Builder b) {
        this.seed = b.seed;
        this.nth = new long[KINDS][];
        for (int k = 0; k < KINDS; k++) {
            nth[k] = Arrays.copyOf(b.nth[k], b.nthCount[k]);
            Arrays.sort(nth[k]);
        }
        this.threshold = b.threshold.clone();
        this.errno = b.errno.clone();
    }

    /** A builder of an injector whose coins are drawn from {@code seed}; it refuses nothing until told to. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /**
     * The errno with which the injector installed now refuses this call of kind {@code call} on
     * {@code size} bytes at {@code address}, or 0 when the call is to be made (always, with none
     * installed). Counts the call. For {@link OsMemory}.
     */
    static int refusal(Call call, long address, long size) {
        FaultInjector f = installed;
        return f == null ? 0 : f.decide(call, address, size);
    }

    /** The injector installed now, or null. */
    public static FaultInjector installed() {
        return installed;
    }

    private int decide(Call call, long address, long size) {
        int k = call.ordinal();
        long n = calls.incrementAndGet(k);
        boolean fail = Arrays.binarySearch(nth[k], n) >= 0
                || threshold[k] > 0 && (mix(seed ^ mix(n * KINDS + k)) >>> 11) < threshold[k];
        if (!fail) return 0;
        refused.incrementAndGet(k);
        synchronized (refusals) {
            if (refusals.size() < KEPT) refusals.add(new Refusal(call, address, size));
        }
        return errno[k];
    }

    /**
     * Installs this injector for the whole JVM, counting calls from zero.
     *
     * @throws IllegalStateException if an injector is installed already (a test that did not remove its own)
     */
    public FaultInjector install() {
        synchronized (FaultInjector.class) {
            if (installed != null) throw new IllegalStateException("a FaultInjector is installed already: " + installed);
            for (int k = 0; k < KINDS; k++) {
                calls.set(k, 0);
                refused.set(k, 0);
            }
            synchronized (refusals) {
                refusals.clear();
            }
            installed = this;
        }
        return this;
    }

    /** Removes this injector if it is the one installed; OS calls are made as usual from then on. Idempotent. */
    @Override
    public void close() {
        synchronized (FaultInjector.class) {
            if (installed == this) installed = null;
        }
    }

    /** Calls of kind {@code call} that reached this injector while it was installed. */
    public long calls(Call call) {
        return calls.get(call.ordinal());
    }

    /** Calls of kind {@code call} that this injector refused. */
    public long refused(Call call) {
        return refused.get(call.ordinal());
    }

    /** The refused calls of kind {@code call}, in order (the first {@value #KEPT} of every kind together). */
    public List<Refusal> refusals(Call call) {
        synchronized (refusals) {
            return refusals.stream().filter(r -> r.call() == call).toList();
        }
    }

    /** Calls of every kind that this injector refused. */
    public long refused() {
        long sum = 0;
        for (int k = 0; k < KINDS; k++) sum += refused.get(k);
        return sum;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FaultInjector{seed=").append(seed);
        for (Call c : Call.values()) {
            int k = c.ordinal();
            sb.append(", ").append(c).append(": refused ").append(refused.get(k)).append(" of ").append(calls.get(k));
        }
        return sb.append('}').toString();
    }

    /** SplitMix64 finaliser. */
    private static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /** Configures a {@link FaultInjector}; {@link #install} builds and installs it. */
    public static final class Builder {
        private final long seed;
        private final long[][] nth = new long[KINDS][4];
        private final int[] nthCount = new int[KINDS];
        private final long[] threshold = new long[KINDS];
        private final int[] errno = new int[KINDS];

        private Builder(long seed) {
            this.seed = seed;
            Arrays.fill(errno, ENOMEM);
        }

        /** Call number {@code n} (1 = the first) of kind {@code call} fails; may be given several times. */
        public Builder failNth(Call call, long n) {
            if (n < 1) throw new IllegalArgumentException("failNth: call numbers start at 1, got " + n);
            int k = call.ordinal();
            if (nthCount[k] == nth[k].length) nth[k] = Arrays.copyOf(nth[k], nth[k].length * 2);
            nth[k][nthCount[k]++] = n;
            return this;
        }

        /** Each call of kind {@code call} fails with probability {@code p} (0 to 1), drawn from the seed. */
        public Builder failWithProbability(Call call, double p) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("failWithProbability: 0 <= p <= 1, got " + p);
            threshold[call.ordinal()] = (long) Math.ceil(p * (1L << 53));
            return this;
        }

        /** {@link #failWithProbability} for every kind of call. */
        public Builder failEveryKindWithProbability(double p) {
            for (Call c : Call.values()) failWithProbability(c, p);
            return this;
        }

        /** The errno of refused calls of kind {@code call} (default {@link #ENOMEM}); must not be 0. */
        public Builder errno(Call call, int errno) {
            if (errno <= 0) throw new IllegalArgumentException("errno: must be positive, got " + errno);
            this.errno[call.ordinal()] = errno;
            return this;
        }

        /** The injector, not installed. */
        public FaultInjector build() {
            return new FaultInjector(this);
        }

        /** {@link #build} and {@link FaultInjector#install}. */
        public FaultInjector install() {
            return build().install();
        }
    }
}
