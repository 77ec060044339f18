package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared helpers of the stress suite: run length, seeds, block patterns, error collection, and the
 * scaffolding every test shares, so that a test reads as its workload and its assertions:
 *
 * <pre>{@code
 * Stress.run("XyzTest", run -> {                  // seed, deadline, Errors, ops counter, live set
 *     try (Stress.Session s = run.open(config)) {  // the allocator; closed unless a thread still runs
 *         s.runAll(List.of(s.thread("xyz-0", () -> ...)));  // failures recorded, joined by the deadline
 *         s.assertAllFreed();                      // no failure, nothing live: test's set and allocator's stats
 *         run.report("...");
 *     }
 * });
 * }</pre>
 *
 * <p>Run length: SHORT by default (the whole package in well under a minute on 2 cores). With
 * {@code -Dhakmem.stress.long=true} (through surefire: {@code -Dhakmem.test.args=-Dhakmem.stress.long=true})
 * every iteration count is multiplied by {@link #FACTOR} (10, or {@code -Dhakmem.stress.factor=N}), which
 * takes the suite above 10 million allocator operations. Each test prints its operation count.
 *
 * <p>Seeds: random per run unless {@code -Dhakmem.stress.seed=N} is given; every test prints its seed
 * and every failure message contains it, so a failing run can be repeated.
 *
 * <p>Pattern: a block of {@code size} bytes at {@code address} gets a pattern derived from (seed,
 * address, size). Blocks of at most {@value #WHOLE} bytes are written completely; larger ones get their
 * first and last 8 bytes written. {@link #check} is called before every free.
 */
final class Stress {
    private Stress() {}

    static final boolean LONG = Boolean.getBoolean("hakmem.stress.long");
    static final int FACTOR = LONG ? Integer.getInteger("hakmem.stress.factor", 10) : 1;

    /** Blocks up to this size are patterned over every byte; larger blocks over the first and last 8. */
    static final int WHOLE = 128;

    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfLong LONG_U = ValueLayout.JAVA_LONG_UNALIGNED;

    /** Operations across the whole suite in this JVM (printed by each test as it ends). */
    static final AtomicLong SUITE_OPS = new AtomicLong();

    static long seed(String test) {
        Long fixed = Long.getLong("hakmem.stress.seed");
        long s = fixed != null ? fixed : mix(System.nanoTime() ^ test.hashCode());
        System.out.printf("[stress] %s: seed=%d (repeat with -Dhakmem.stress.seed=%d) mode=%s factor=%d%n",
                test, s, s, LONG ? "LONG" : "SHORT", FACTOR);
        return s;
    }

    /** SplitMix64 finaliser. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    static long tag(long seed, long address, long size) {
        return mix(seed ^ mix(address) ^ (size * 0x9E3779B97F4A7C15L));
    }

    /** Writes the pattern of (seed, address, size) into the block. */
    static void fill(long address, long size, long seed) {
        long t = tag(seed, address, size);
        if (size <= WHOLE) {
            long off = 0;
            for (; off + 8 <= size; off += 8) ALL.set(LONG_U, address + off, mix(t + off));
            for (; off < size; off++) ALL.set(ValueLayout.JAVA_BYTE, address + off, (byte) mix(t + off));
        } else {
            ALL.set(LONG_U, address, mix(t));
            ALL.set(LONG_U, address + size - 8, mix(t + size));
        }
    }

    /** Null if the block still holds its pattern, else a description of the first difference. */
    static String check(long address, long size, long seed) {
        long t = tag(seed, address, size);
        if (size <= WHOLE) {
            long off = 0;
            for (; off + 8 <= size; off += 8) {
                long got = ALL.get(LONG_U, address + off), want = mix(t + off);
                if (got != want) return describe(address, size, seed, off, want, got);
            }
            for (; off < size; off++) {
                byte got = ALL.get(ValueLayout.JAVA_BYTE, address + off), want = (byte) mix(t + off);
                if (got != want) return describe(address, size, seed, off, want & 0xFF, got & 0xFF);
            }
        } else {
            long got = ALL.get(LONG_U, address), want = mix(t);
            if (got != want) return describe(address, size, seed, 0, want, got);
            got = ALL.get(LONG_U, address + size - 8);
            want = mix(t + size);
            if (got != want) return describe(address, size, seed, size - 8, want, got);
        }
        return null;
    }

    private static String describe(long address, long size, long seed, long off, long want, long got) {
        return String.format("corrupted block 0x%x size %d (seed %d) at offset %d: expected 0x%x, found 0x%x [%s]",
                address, size, seed, off, want, got, Thread.currentThread());
    }

    /** Failures seen by worker threads; the test asserts that there are none. */
    static final class Errors {
        final long seed;
        final String test;
        final AtomicLong count = new AtomicLong();
        final ConcurrentLinkedQueue<String> first = new ConcurrentLinkedQueue<>();

        Errors(String test, long seed) {
            this.test = test;
            this.seed = seed;
        }

        void add(String message) {
            if (count.incrementAndGet() <= 20) {
                first.add(message);
                System.err.println("[stress] " + test + " FAILURE (seed " + seed + "): " + message);
            }
        }

        void add(Throwable e) {
            add(e.toString());
            if (count.get() <= 3) e.printStackTrace();
        }

        /** Checks the block and records a corruption. */
        void checkBlock(long address, long size) {
            String bad = Stress.check(address, size, seed);
            if (bad != null) add(bad);
        }

        void assertNone() {
            assertEquals(0, count.get(), () -> test + " (seed " + seed + "): " + count.get() + " failures, first: " + first);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** The workload and assertions of one stress test, given its {@link Run}. */
    interface Body {
        void run(Run run) throws Exception;
    }

    /**
     * Runs one stress test: picks and prints its seed, then runs {@code body} with a deadline of 60 s x
     * {@link #FACTOR}, so that a deadlock fails the test instead of hanging the build (the body runs in a
     * separate thread, which is interrupted).
     */
    static void run(String test, Body body) {
        Errors errors = new Errors(test, seed(test));
        Duration d = Duration.ofSeconds(60L * FACTOR);
        assertTimeoutPreemptively(d, () -> { body.run(new Run(errors)); return null; },
                () -> errors.test + " (seed " + errors.seed + ") exceeded " + d + " (deadlock?)");
    }

    /**
     * One run of a stress test: its name, seed and failures, the operation count it reports, the test's own
     * record of live blocks, and the deadline (50 s x {@link #FACTOR} from the start) by which its threads
     * must have ended.
     */
    static final class Run {
        final String test;
        final long seed;
        final Errors errors;
        final long start = System.nanoTime();
        final long deadline = start + TimeUnit.SECONDS.toNanos(50L * FACTOR);
        /** Operations done, for the report; the workload adds to it. */
        final AtomicLong ops = new AtomicLong();
        /**
         * Addresses malloc has returned and the test has not freed yet, across all the allocators of the run.
         * A malloc must add its address (so none is handed out twice while live); a free first removes it (so a
         * reissue can only come after the removal).
         */
        final Set<Long> live = ConcurrentHashMap.newKeySet();

        private Run(Errors errors) {
            this.test = errors.test;
            this.seed = errors.seed;
            this.errors = errors;
        }

        /** A session on a new allocator with the default configuration; close it (try-with-resources). */
        Session open() {
            return new Session(this, Hakmem.create());
        }

        /** A session on a new allocator configured by {@code config}; close it (try-with-resources). */
        Session open(AllocatorConfig config) {
            return new Session(this, Hakmem.create(config));
        }

        /** Prints the run's operation count ({@link #ops}), rate and {@code extra}. */
        void report(String extra) {
            report(ops.get(), extra);
        }

        /** Prints {@code ops} operations, their rate and {@code extra}. */
        void report(long ops, String extra) {
            long total = SUITE_OPS.addAndGet(ops);
            double s = (System.nanoTime() - start) / 1e9;
            System.out.printf("[stress] %s: %,d ops in %.2f s (%.2f M ops/s) mode=%s; suite ops so far %,d; %s%n",
                    test, ops, s, ops / s / 1e6, LONG ? "LONG" : "SHORT", total, extra);
        }
    }

    /**
     * An allocator under test and the threads of the run that use it. Threads made here run their body with
     * every throwable recorded in the run's {@link Errors} (an OutOfMemoryError or IllegalStateException from
     * the allocator too); {@link #join} waits for them until the run's deadline, and a thread still running
     * then fails the test with its stack. {@link #close} closes the allocator only if none of the threads
     * that were not joined is still running (else it leaks it rather than unmap memory in use).
     */
    static final class Session implements AutoCloseable {
        final Run run;
        final Errors errors;
        final NativeAllocator alloc;
        /** Threads made here and not joined yet. */
        private final Set<Thread> unjoined = ConcurrentHashMap.newKeySet();

        private Session(Run run, NativeAllocator alloc) {
            this.run = run;
            this.errors = run.errors;
            this.alloc = alloc;
        }

        /** A new, unstarted platform daemon thread named "stress-" + name that runs body, failures recorded. */
        Thread thread(String name, ThrowingRunnable body) {
            Thread t = new Thread(guarded(body), "stress-" + name);
            t.setDaemon(true);
            unjoined.add(t);
            return t;
        }

        /** A new, unstarted virtual thread named "stress-" + name that runs body, failures recorded. */
        Thread virtualThread(String name, ThrowingRunnable body) {
            Thread t = Thread.ofVirtual().name("stress-" + name).unstarted(guarded(body));
            unjoined.add(t);
            return t;
        }

        /** {@link #thread}, started. */
        Thread start(String name, ThrowingRunnable body) {
            Thread t = thread(name, body);
            t.start();
            return t;
        }

        /** Starts the threads, then {@link #join joins} them. */
        void runAll(Collection<Thread> threads) throws InterruptedException {
            threads.forEach(Thread::start);
            join(threads);
        }

        /** Joins every thread before the run's deadline; a thread still running then fails the test with its stack. */
        void join(Iterable<Thread> threads) throws InterruptedException {
            for (Thread t : threads) join(t);
        }

        void join(Thread t) throws InterruptedException {
            long left = run.deadline - System.nanoTime();
            // join(Duration)'s result, not isAlive(): a thread can already be TERMINATED (join returns true)
            // while isAlive() still answers true for a moment (the VM clears the native thread after the state)
            if (!t.join(Duration.ofNanos(Math.max(left, 0)))) {
                StringBuilder sb = new StringBuilder(t + " still running at the deadline (deadlock or livelock?)");
                for (StackTraceElement e : t.getStackTrace()) sb.append("\n    at ").append(e);
                String msg = sb.toString();
                System.err.println("[stress] " + errors.test + " seed " + errors.seed + ": " + msg);
                for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                    if (e.getKey().getName().startsWith("stress-")) {
                        System.err.println("  " + e.getKey() + " state " + e.getKey().getState());
                    }
                }
                throw new AssertionError(errors.test + " (seed " + errors.seed + "): " + msg);
            }
            unjoined.remove(t);
        }

        /** Joins every thread made here and not joined yet, including any made while this waits. */
        void joinAll() throws InterruptedException {
            while (!unjoined.isEmpty()) join(List.copyOf(unjoined));
        }

        /**
         * malloc, checked: the address must be non-null, 16-byte aligned and below 2^{@value Stress#ADDRESS_BITS}
         * (else the failure is recorded and the calling thread stops, as it cannot write the pattern); then
         * {@link #allocated}.
         */
        long malloc(long size) {
            long p = alloc.malloc(size);
            if (p == 0 || (p & 15) != 0 || p >>> ADDRESS_BITS != 0) {
                errors.add(String.format("malloc(%d) returned 0x%x (null, misaligned or beyond 47 bits)", size, p));
                throw new IllegalStateException("bad address 0x" + Long.toHexString(p));
            }
            allocated(p, size);
            return p;
        }

        /** Records a block malloc has just returned: its address must not be live already; writes its pattern. */
        void allocated(long address, long size) {
            if (!run.live.add(address)) {
                errors.add(String.format("DUPLICATE: malloc(%d) returned 0x%x, which is still live", size, address));
            }
            fill(address, size, run.seed);
        }

        /** Checks the block's pattern, takes it out of the live set and frees it. */
        void free(long address, long size) {
            errors.checkBlock(address, size);
            if (!run.live.remove(address)) errors.add(String.format("freeing 0x%x: not in the live set", address));
            alloc.free(address);
        }

        /** {@link #free} of a block {@link #pack packed} with its size. */
        void freePacked(long packed) {
            free(address(packed), size(packed));
        }

        /**
         * The end-of-test (or end-of-round) check, after every block has been freed: no worker failed, the
         * test's live set is empty, and the allocator agrees: no block or byte live in any tier, as many frees
         * as allocations, resident within committed.
         */
        void assertAllFreed() {
            errors.assertNone();
            assertTrue(run.live.isEmpty(), () -> run.live.size() + " blocks not freed (test bookkeeping), "
                    + errors.test + " (seed " + errors.seed + ")");
            AllocatorStats s = alloc.stats();
            String ctx = errors.test + " (seed " + errors.seed + ") stats " + s;
            assertEquals(0, s.liveBlocks(), () -> "liveBlocks at the end, " + ctx);
            assertEquals(0, s.bytesLive(), () -> "bytesLive at the end, " + ctx);
            assertEquals(s.allocations(), s.frees(), () -> "allocations != frees at the end, " + ctx);
            for (AllocatorStats.TierStats ts : s.tiers()) {
                assertEquals(0, ts.liveBlocks(), () -> ts.tier() + " liveBlocks at the end, " + ctx);
                assertEquals(0, ts.liveBytes(), () -> ts.tier() + " liveBytes at the end, " + ctx);
            }
            assertTrue(s.bytesResident() <= s.bytesCommitted(), () -> "resident > committed, " + ctx);
        }

        @Override
        public void close() {
            for (Thread t : unjoined) {
                if (t.getState() != Thread.State.TERMINATED) {
                    System.err.println("[stress] not closing the allocator: " + t + " still running");
                    return;
                }
            }
            alloc.close();
        }

        private Runnable guarded(ThrowingRunnable body) {
            return () -> {
                try {
                    body.run();
                } catch (Throwable e) {
                    errors.add(e);
                }
            };
        }
    }

    /** Bits of an address in a {@link #pack packed} block; user-space addresses fit (malloc checks it where it packs). */
    static final int ADDRESS_BITS = 47;

    /** A block as one long: its size in the top 17 bits, its address in the low {@value #ADDRESS_BITS}. */
    static long pack(long address, long size) {
        return size << ADDRESS_BITS | address;
    }

    static long address(long packed) {
        return packed & ((1L << ADDRESS_BITS) - 1);
    }

    static long size(long packed) {
        return packed >>> ADDRESS_BITS;
    }

    static long cachedSmall(AllocatorStats s) {
        return s.tier(Tier.TINY).cachedBytes() + s.tier(Tier.MID).cachedBytes();
    }

    /** Peak resident set of the whole process (VmHWM), for the report; -1 if unreadable. */
    static long vmHwmKiB() {
        return procStatusKiB("VmHWM:");
    }

    static long vmRssKiB() {
        return procStatusKiB("VmRSS:");
    }

    private static long procStatusKiB(String key) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(key)) return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report -1
        }
        return -1;
    }

    static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / 1048576.0);
    }
}
