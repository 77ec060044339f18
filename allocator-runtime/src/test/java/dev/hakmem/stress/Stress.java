package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
import dev.hakmem.Tier;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared helpers of the stress suite: run length, seeds, block patterns, error collection and the
 * end-of-test leak check.
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

    /** Runs r, recording any throwable (an OutOfMemoryError or IllegalStateException from the allocator too). */
    static Runnable guarded(Errors errors, ThrowingRunnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable e) {
                errors.add(e);
            }
        };
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Joins every thread before the deadline; a thread still running then fails the test with its stack. */
    static void joinAll(Iterable<Thread> threads, long deadlineNanos, Errors errors) throws InterruptedException {
        for (Thread t : threads) joinOne(t, deadlineNanos, errors);
    }

    static void joinOne(Thread t, long deadlineNanos, Errors errors) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
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
    }

    /**
     * Runs the body of a test with a deadline of {@code shortSeconds * FACTOR}: a deadlock fails the test
     * instead of hanging the build (the body runs in a separate thread, which is interrupted).
     */
    static void within(long shortSeconds, Errors errors, ThrowingRunnable body) {
        Duration d = Duration.ofSeconds(shortSeconds * FACTOR);
        assertTimeoutPreemptively(d, () -> { body.run(); return null; },
                () -> errors.test + " (seed " + errors.seed + ") exceeded " + d + " (deadlock?)");
    }

    /** Closes the allocator only if none of the threads that used it is still running (else leaks it). */
    static void closeIfQuiet(NativeAllocator alloc, Iterable<Thread> threads) {
        for (Thread t : threads) {
            if (t.getState() != Thread.State.TERMINATED) {
                System.err.println("[stress] not closing the allocator: " + t + " still running");
                return;
            }
        }
        alloc.close();
    }

    static Thread platform(String name, Runnable r) {
        Thread t = new Thread(r, "stress-" + name);
        t.setDaemon(true);
        return t;
    }

    /** The end-of-test leak check: after every block has been freed no block or byte may be live. */
    static void assertNoLeak(NativeAllocator alloc, Errors errors) {
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

    static void report(String test, long ops, long startNanos, String extra) {
        long total = SUITE_OPS.addAndGet(ops);
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("[stress] %s: %,d ops in %.2f s (%.2f M ops/s) mode=%s; suite ops so far %,d; %s%n",
                test, ops, s, ops / s / 1e6, LONG ? "LONG" : "SHORT", total, extra);
    }

    static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / 1048576.0);
    }
}
