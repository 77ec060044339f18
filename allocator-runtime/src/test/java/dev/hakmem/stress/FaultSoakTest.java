package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.internal.ExactBudget;
import dev.hakmem.internal.os.FaultInjector;
import dev.hakmem.internal.os.FaultInjector.Call;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A soak of everything at once: {@value #CHAINS} chains of short-lived threads doing malloc, calloc,
 * mallocAligned, realloc and free over all tiers (Tiny, Mid, Large, Huge), a tenth of the frees remote
 * (blocks swapped through a shared exchange, so freed by another thread, often one that has ended),
 * under a memory limit the live set keeps running into, with every kind of OS call refused now and
 * then ({@link FaultInjector}, {@value #FAULT_PROBABILITY} each).
 *
 * <p>Thread churn: a thread does {@value #LIFETIME} operations, then starts its successor, hands it its
 * blocks and ends; so blocks are freed by threads that did not allocate them and whose allocating
 * thread has ended, and thread caches are abandoned all the time.
 *
 * <p>Checked: every block's pattern before it is freed (the stress pattern: every byte of blocks up to
 * 128 bytes, the first and last 8 of larger ones), no address handed out twice while live, calloc
 * memory zero, realloc keeping the block's first bytes, every failure an allocator OutOfMemoryError
 * from an allocating call (none from free). At the end every block is freed, nothing is live in any
 * tier, and, with the injector removed, the budget is exact after memory pressure ({@link
 * ExactBudget}): no leak.
 *
 * <p>Length: {@value #SHORT_OPS} operations by default (one to two seconds); 10^8 with
 * {@code -Dhakmem.stress.long=true}; {@code -Dhakmem.stress.soakOps=N} sets it. The figures (operations,
 * seconds, faults injected, OutOfMemoryErrors, peak committed bytes, threads) are printed on one line
 * starting {@code [stress] FaultSoakTest}.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class FaultSoakTest {
    static final long SHORT_OPS = 600_000, LONG_OPS = 100_000_000;
    static final int CHAINS = 4;
    static final int LIFETIME = 25_000;
    static final int SLOTS = 256, EXCHANGE = 64;
    static final double FAULT_PROBABILITY = 0.02;
    static final long MiB = 1L << 20;
    static final long LIMIT = 64 * MiB;

    static final AllocatorConfig CONFIG = AllocatorConfig.builder()
            .memoryLimit(LIMIT).largeRetainedBytes(8 * MiB).hugeRetainedBytes(8 * MiB).build();

    /** Operations left to hand out to threads; a thread takes {@value #LIFETIME} at a time. */
    final AtomicLong remaining = new AtomicLong();
    final AtomicLong threads = new AtomicLong(), ooms = new AtomicLong(), remoteFrees = new AtomicLong();
    final LongAccumulator peakCommitted = new LongAccumulator(Math::max, 0);
    /** Blocks in flight between threads (packed, 0 = empty): swapping one in and freeing the one taken out is a remote free. */
    final AtomicLongArray exchange = new AtomicLongArray(EXCHANGE);
    /**
     * Counted down by each chain's last thread. Waited for before {@code joinAll}: once every chain has
     * ended, every thread of the run has been started (a thread starts its successor before it ends).
     */
    final CountDownLatch chainsEnded = new CountDownLatch(CHAINS);
    /** The blocks of each chain's last thread, freed by the test at the end. */
    final ConcurrentLinkedQueue<long[]> leftovers = new ConcurrentLinkedQueue<>();
    /** Huge blocks freed (address to mapped size), for {@link ExactBudget}. */
    final Map<Long, Long> freedHuge = new ConcurrentHashMap<>();

    @AfterEach
    void noInjectorLeftInstalled() {
        FaultInjector left = FaultInjector.installed();
        if (left != null) left.close();
        assertNull(left, "the soak left a FaultInjector installed");
    }

    @Test
    void soak() {
        long ops = Long.getLong("hakmem.stress.soakOps", Stress.LONG ? LONG_OPS : SHORT_OPS);
        Stress.run("FaultSoakTest", run -> {
            FaultInjector injector = FaultInjector.builder(run.seed).failEveryKindWithProbability(FAULT_PROBABILITY).build();
            try (Stress.Session s = run.open(CONFIG)) {
                remaining.set(ops);
                Thread sampler = sampler(s);
                injector.install();
                try {
                    for (int c = 0; c < CHAINS; c++) start(s, new long[SLOTS], Stress.mix(run.seed + c), c, 0);
                    boolean ended = chainsEnded.await(run.deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    s.joinAll(); // fails with the stacks of threads still running at the deadline
                    assertTrue(ended, "chains did not end by the deadline (seed " + run.seed + ")");
                    sampler.interrupt();
                    sampler.join();
                    run.errors.assertNone();
                    for (long[] slots; (slots = leftovers.poll()) != null; ) {
                        for (long b : slots) if (b != 0) free(s, b);
                    }
                    for (int i = 0; i < EXCHANGE; i++) {
                        long b = exchange.getAndSet(i, 0);
                        if (b != 0) free(s, b);
                    }
                } finally {
                    injector.close();
                }
                long done = ops - Math.max(0, remaining.get());
                run.ops.addAndGet(done);
                run.report(String.format("%d chains, %,d threads; faults injected %,d (%s); OutOfMemoryErrors %,d; remote frees %,d; "
                                + "peak committed %s of a %s limit (sampled every 20 ms); process VmHWM %,d KiB",
                        CHAINS, threads.get(), injector.refused(), injector, ooms.get(), remoteFrees.get(),
                        Stress.mib(peakCommitted.get()), Stress.mib(LIMIT), Stress.vmHwmKiB()));
                s.assertAllFreed();
                ExactBudget.assertExact(s.alloc, LIMIT, CONFIG.addressSpace(), injector, freedHuge);
                assertTrue(done >= ops, "operations done " + done + " of " + ops);
                for (Call c : Call.values()) {
                    assertTrue(injector.refused(c) > 0 || injector.calls(c) < 500, // 0.98^500: 4e-5
                            "no " + c + " refused in " + injector.calls(c) + " calls: " + injector);
                }
            }
        });
    }

    /** Starts thread {@code generation} of chain {@code chain}, owning {@code slots}. */
    void start(Stress.Session s, long[] slots, long seed, int chain, int generation) {
        threads.incrementAndGet();
        s.start("soak-" + chain + "-" + generation, () -> {
            boolean handedOn = false;
            try {
                SplittableRandom rnd = new SplittableRandom(seed);
                long quota = Math.min(LIFETIME, remaining.getAndAdd(-LIFETIME));
                for (long i = 0; i < quota; i++) step(s, rnd, slots);
                if (quota == LIFETIME && remaining.get() > 0) {
                    start(s, slots, rnd.nextLong(), chain, generation + 1); // the successor inherits the blocks
                    handedOn = true;
                }
            } finally {
                if (!handedOn) { // the chain ends here (also when this thread failed: the failure is recorded)
                    leftovers.add(slots);
                    chainsEnded.countDown();
                }
            }
        });
    }

    /** One operation on a random slot: a remote swap, a realloc or free of its block, or an allocation into it. */
    void step(Stress.Session s, SplittableRandom rnd, long[] slots) {
        int i = rnd.nextInt(SLOTS);
        int r = rnd.nextInt(100);
        if (r < 10) {
            long theirs = exchange.getAndSet(rnd.nextInt(EXCHANGE), slots[i]);
            slots[i] = 0;
            if (theirs != 0) {
                free(s, theirs);
                remoteFrees.incrementAndGet();
            }
        } else if (slots[i] != 0) {
            slots[i] = r < 20 ? realloc(s, rnd, slots[i]) : free(s, slots[i]);
        } else {
            slots[i] = allocate(s, rnd, r);
        }
    }

    /** Frees a packed block after checking it; returns 0 (the empty slot). */
    long free(Stress.Session s, long block) {
        long p = address(block), size = size(block);
        long mapped = size > AllocatorConfig.LARGE_MAX ? s.alloc.usableSize(p) : 0;
        s.free(p, size);
        if (mapped > 0) freedHuge.put(p, mapped);
        return 0;
    }

    /** A new block of a random tier and kind, or 0 after an OutOfMemoryError. */
    long allocate(Stress.Session s, SplittableRandom rnd, int r) {
        long size = size(rnd);
        long p;
        try {
            if (r < 70) {
                p = s.alloc.malloc(size);
            } else if (r < 85 && (size <= AllocatorConfig.MID_MAX || r == 84)) { // zeroing Large and Huge blocks is slow: a fifteenth of them
                p = s.alloc.calloc(1, size);
                String nonZero = nonZero(p, size);
                if (nonZero != null) s.errors.add("calloc(1, " + size + ") = 0x" + Long.toHexString(p) + ": " + nonZero);
            } else {
                long alignment = 1L << (5 + (rnd.nextInt(10) == 0 ? rnd.nextInt(17) : rnd.nextInt(4))); // 32 B .. 256 B, a tenth up to 2 MiB
                p = s.alloc.mallocAligned(size, alignment);
                if ((p & (alignment - 1)) != 0) s.errors.add("mallocAligned(" + size + ", " + alignment + ") = 0x" + Long.toHexString(p));
            }
        } catch (OutOfMemoryError e) {
            oom(s, e);
            return 0;
        }
        s.allocated(p, size);
        return pack(p, size);
    }

    /** Reallocates a packed block to a random size, checking that its first bytes moved with it; returns the new block. */
    long realloc(Stress.Session s, SplittableRandom rnd, long block) {
        long p = address(block), size = size(block), newSize = size(rnd);
        long mapped = size > AllocatorConfig.LARGE_MAX ? s.alloc.usableSize(p) : 0;
        s.errors.checkBlock(p, size);
        s.run.live.remove(p);
        long q;
        try {
            q = s.alloc.realloc(p, newSize);
        } catch (OutOfMemoryError e) {
            oom(s, e);
            s.run.live.add(p); // the block is unchanged
            return block;
        }
        if (Math.min(size, newSize) >= 8 && Stress.ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, q)
                != Stress.mix(Stress.tag(s.run.seed, p, size))) {
            s.errors.add(String.format("realloc(0x%x, %d) of a %d-byte block = 0x%x lost its first 8 bytes", p, newSize, size, q));
        }
        if (q != p && mapped > 0) freedHuge.put(p, mapped);
        s.allocated(q, newSize);
        return pack(q, newSize);
    }

    void oom(Stress.Session s, OutOfMemoryError e) {
        ooms.incrementAndGet();
        String m = String.valueOf(e.getMessage());
        if (!m.contains("hakmem") && !m.contains("cannot allocate") && !m.contains("could not")) s.errors.add("an OutOfMemoryError not the allocator's: " + m);
    }

    /** Null if the bytes the stress pattern will cover are zero, else what is not. */
    static String nonZero(long p, long size) {
        if (size <= Stress.WHOLE) {
            for (long off = 0; off < size; off++) if (Stress.ALL.get(ValueLayout.JAVA_BYTE, p + off) != 0) return "byte " + off + " non-zero";
        } else {
            long first = Stress.ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p);
            long last = Stress.ALL.get(ValueLayout.JAVA_LONG_UNALIGNED, p + size - 8);
            if (first != 0 || last != 0) return "first or last 8 bytes non-zero";
        }
        return null;
    }

    /**
     * Sizes: Tiny 62%, Mid 35%, Large 2.9% (log-uniform), Huge 0.1%; Large and Huge sizes are whole
     * pages (see {@link #pack}).
     */
    static long size(SplittableRandom r) {
        int x = r.nextInt(1000);
        if (x < 620) return 1 + r.nextInt(AllocatorConfig.TINY_MAX);
        if (x < 970) return AllocatorConfig.TINY_MAX + 1 + r.nextInt(AllocatorConfig.MID_MAX - AllocatorConfig.TINY_MAX);
        if (x < 999) return (long) Math.exp(Math.log(9) + r.nextDouble() * (Math.log(512) - Math.log(9))) * 4096L;
        return (513 + r.nextInt(1024)) * 4096L;
    }

    /** Samples the committed bytes while the soak runs (a daemon thread, ended by an interrupt). */
    Thread sampler(Stress.Session s) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long c = s.alloc.stats().bytesCommitted();
                peakCommitted.accumulate(c);
                if (c > LIMIT) s.errors.add("committed " + c + " > limit " + LIMIT);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "soak-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }

    // A block as one long: the address in the low 47 bits, the size in the top 17: below 2^16 as is, else in pages with bit 16 set.

    static long pack(long address, long size) {
        long code = size < (1 << 16) ? size : (1 << 16) | (size >>> 12);
        if (decode(code) != size) throw new AssertionError("size " + size + " cannot be packed");
        return code << Stress.ADDRESS_BITS | address;
    }

    static long address(long packed) {
        return packed & ((1L << Stress.ADDRESS_BITS) - 1);
    }

    static long size(long packed) {
        return decode(packed >>> Stress.ADDRESS_BITS);
    }

    private static long decode(long code) {
        return (code & (1 << 16)) != 0 ? (code & 0xFFFF) << 12 : code;
    }
}
