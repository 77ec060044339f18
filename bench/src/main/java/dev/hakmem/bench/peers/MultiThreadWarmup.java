package dev.hakmem.bench.peers;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Puts the JVM's compiled code of an allocator in the state a multi-threaded program leaves it in,
 * before a benchmark measures a fresh instance: a throwaway instance serves a second thread (its
 * first calls, a cache of its own, mallocs of every tier, frees of its own blocks) and frees half of
 * that thread's blocks on the calling thread while it still runs (frees another live thread owns).
 * A peer that frees only on the thread that malloc'ed ({@link BenchAllocator#freesOnAnyThread} false:
 * the free-list floor) gets the same warm-up with every block freed by the second thread.
 *
 * <p><b>Why.</b> The JIT compiles an allocator's fast paths from the profiles it gathers while the
 * code warms up, and those profiles, and the order in which methods get compiled, are the JVM's,
 * shared by every instance. A benchmark fork that runs nothing but its own loop has the loop compiled
 * first, with hakmem's methods inlined into it from profiles of that loop alone, and the JIT hoists
 * the lookups of the thread's cache and class out of it. A program has run the allocator elsewhere
 * before any one loop of it gets compiled. With this warm-up against without it, 3 interleaved rounds
 * of one fork each (medians; docs/BENCHMARKS.md, session 62), hakmem's tinyHot ran 137.2 M ops/s
 * instead of 490.0, skewed 117.7 instead of 171.5, larson with one thread 50.7 instead of 72.3, while
 * mimalloc's and tcmalloc's medians moved by at most 7%. What differs is the compiled loop: where the
 * profile has recorded a slow path of the malloc (a refill, a thread's first call), the loop holds a
 * call, and the JIT no longer hoists the cache lookups out of it.
 * The second thread is not what does it: tinyHot's own pattern run first on the benchmark's thread,
 * on a throwaway instance, slowed tinyHot as much (scratch switches, docs/BENCHMARKS-HISTORY.md,
 * session 61). {@link Peers#create} runs it before the JVM's first peer unless
 * {@code -Dhakmem.bench.warmup=none} ({@link #enabled}): every peer, hakmem, its variants, the Java peers and the C allocators alike, is
 * measured in the state of a running program. The C allocators' own code is compiled ahead of time and
 * does not change with it; their downcalls' Java side does, as every Java peer's code does.
 *
 * <p>It runs once per JVM (the profiles it leaves are the JVM's); later calls return at once, whatever
 * allocator they would warm up. A JMH fork makes one peer, so each fork warms up its own.
 */
public final class MultiThreadWarmup {
    /**
     * Blocks the second thread mallocs; it frees every other one, the calling thread the rest (for a
     * peer that frees only on its own thread, the second thread frees them all).
     */
    static final int BLOCKS = 6_000;
    /** The largest request: past Tiny and Mid into the Large tier. */
    static final int MAX_SIZE = 40_000;

    /**
     * What one warm-up did: blocks the second thread malloc'ed, freed itself, and left to the calling
     * thread to free while it still ran.
     */
    public record Done(int malloced, int freedByOwner, int freedByOtherThread) {}

    private static Done done;

    /** The system property that turns the warm-up off ({@value #NONE}) or on ({@value #SERVED}, the default). */
    public static final String PROPERTY = "hakmem.bench.warmup";
    /** {@link #PROPERTY}'s values. */
    public static final String SERVED = "served", NONE = "none";

    private MultiThreadWarmup() {}

    /**
     * Whether {@link Peers#create} runs the warm-up: {@code -Dhakmem.bench.warmup} is {@value #SERVED}
     * or not set; {@value #NONE} measures each fork's best case instead, the loop compiled before the
     * allocator's slow paths were seen.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static boolean enabled() {
        String value = System.getProperty(PROPERTY, SERVED);
        return switch (value) {
            case SERVED -> true;
            case NONE -> false;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected " + SERVED + " (the default) or " + NONE);
        };
    }

    /**
     * Runs the warm-up on an instance from {@code create} (closed afterwards), unless one already ran
     * in this JVM; returns what the first one did.
     */
    public static synchronized Done once(Supplier<? extends BenchAllocator> create) {
        if (done == null) done = run(create);
        return done;
    }

    /** What the JVM's warm-up did, or null if none ran (for tests). */
    static synchronized Done done() {
        return done;
    }

    /** Forgets that a warm-up ran, so that the next {@link #once} runs one again (for tests). */
    static synchronized void forget() {
        done = null;
    }

    /** One warm-up on a new instance from {@code create}, closed at the end. */
    static Done run(Supplier<? extends BenchAllocator> create) {
        try (BenchAllocator a = create.get()) {
            long[] blocks = new long[BLOCKS];
            CountDownLatch ownHalfFreed = new CountDownLatch(1), othersFreed = new CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            int[] made = new int[1], freedBySecond = new int[1]; // read after the latch: ordered by it
            boolean crossThread = a.freesOnAnyThread();
            Thread second = Thread.ofPlatform().name("hakmem-bench-warmup").start(() -> {
                try {
                    int r = 0x2545F491;
                    for (int i = 0; i < BLOCKS; i++) {
                        r ^= r << 13;
                        r ^= r >>> 17;
                        r ^= r << 5;
                        // half Tiny sizes, half spread over Tiny, Mid and Large
                        int size = 1 + Integer.remainderUnsigned(r >>> 1, (r & 1) == 0 ? 1024 : MAX_SIZE);
                        blocks[i] = a.malloc(size);
                        if (blocks[i] == 0) throw new IllegalStateException(a.name() + ": warm-up malloc(" + size + ") returned 0");
                        made[0] = i + 1;
                    }
                    for (int i = 0; i < BLOCKS; i += crossThread ? 2 : 1) {
                        a.free(blocks[i]);
                        freedBySecond[0]++;
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                } finally {
                    ownHalfFreed.countDown();
                }
                uninterruptibly(othersFreed::await); // alive while the calling thread frees the rest
            });
            int freedHere = 0;
            try {
                uninterruptibly(ownHalfFreed::await);
                if (failure[0] == null && crossThread) {
                    for (int i = 1; i < BLOCKS; i += 2) {
                        a.free(blocks[i]);
                        freedHere++;
                    }
                } else if (freedBySecond[0] == 0) { // a malloc failed: give back what was made before the close
                    for (int i = 0; i < made[0]; i++) a.free(blocks[i]);
                }
            } finally {
                othersFreed.countDown();
                uninterruptibly(second::join);
            }
            if (failure[0] != null) throw new IllegalStateException(a.name() + ": the multi-thread warm-up failed", failure[0]);
            return new Done(made[0], freedBySecond[0], freedHere);
        }
    }

    /** A wait that may be interrupted: {@code CountDownLatch::await}, {@code Thread::join}. */
    private interface Wait {
        void run() throws InterruptedException;
    }

    /** Runs {@code wait} to its end through interrupts, then restores the interrupt status if there was one. */
    private static void uninterruptibly(Wait wait) {
        boolean interrupted = false;
        while (true) {
            try {
                wait.run();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
