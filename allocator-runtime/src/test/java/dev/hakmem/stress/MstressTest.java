package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * mimalloc's test-stress (workloads.md "mstress"), default configuration (checks on).
 *
 * <p>{@value #THREADS} threads, re-created in each of {@value #PHASES} phases. Each step allocates 8-128 B
 * (1% of the time x100, 0.1% x1000, i.e. up to 128,000 B: Tiny, Mid and Large), writes the pattern, then
 * with 66% chance frees a random block of its own, and with 25% chance swaps one of its blocks into a
 * shared {@value #TRANSFER}-slot {@link AtomicLongArray}; the block that comes out (made by another thread,
 * often one that has ended) is checked and freed by this thread. A thread's remaining blocks survive the
 * phase and are handed to a thread of the next phase. Every block is checked before it is freed; every
 * address must be unique among live blocks; at the end nothing is live.
 */
class MstressTest {
    static final int THREADS = 4;
    static final int PHASES = 5;
    static final int STEPS_PER_THREAD_PHASE = 30_000 * Stress.FACTOR;
    static final int TRANSFER = 1000;
    /** Blocks a thread keeps at most; beyond it every step frees one (bounds the footprint of long runs). */
    static final int OWN_CAP = 10_000;
    /** Addresses are packed with their size: size in the top 17 bits, address in the low 47. */
    static final int ADDR_BITS = 47;
    static final long ADDR_MASK = (1L << ADDR_BITS) - 1;

    final AtomicLong ops = new AtomicLong();
    final AtomicLong remoteFrees = new AtomicLong();
    final AtomicLong liveBytes = new AtomicLong();
    final AtomicLong peakLiveBytes = new AtomicLong();
    final Set<Long> live = ConcurrentHashMap.newKeySet();

    /** A thread's own blocks (packed), with O(1) removal of a random element. */
    static final class Own {
        long[] blocks = new long[1024];
        int n;

        void add(long b) {
            if (n == blocks.length) blocks = java.util.Arrays.copyOf(blocks, n * 2);
            blocks[n++] = b;
        }

        long removeAt(int i) {
            long b = blocks[i];
            blocks[i] = blocks[--n];
            return b;
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void mstress() throws Exception {
        long seed = Stress.seed("MstressTest");
        Stress.Errors errors = new Stress.Errors("MstressTest", seed);
        Stress.within(60, errors, () -> run(seed, errors));
    }

    void run(long seed, Stress.Errors errors) throws Exception {
        long start = System.nanoTime();
        NativeAllocator alloc = Hakmem.create();
        List<Thread> all = new ArrayList<>();
        long peakCommitted = 0, peakResident = 0;
        try {
            AtomicLongArray transfer = new AtomicLongArray(TRANSFER);
            Own[] carried = new Own[THREADS];
            for (int t = 0; t < THREADS; t++) carried[t] = new Own();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50L * Stress.FACTOR);
            for (int phase = 0; phase < PHASES; phase++) {
                Own[] next = new Own[THREADS];
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int id = t;
                    Own inherited = carried[(t + 1) % THREADS]; // survivors go to another index, too
                    long threadSeed = Stress.mix(seed + phase * 1000L + t);
                    Thread th = Stress.platform("mstress-p" + phase + "-t" + t, Stress.guarded(errors, () -> {
                        next[id] = work(alloc, inherited, transfer, new SplittableRandom(threadSeed), errors);
                    }));
                    threads.add(th);
                    all.add(th);
                }
                threads.forEach(Thread::start);
                Stress.joinAll(threads, deadline, errors);
                for (int t = 0; t < THREADS; t++) carried[t] = next[t] != null ? next[t] : new Own();
                AllocatorStats s = alloc.stats();
                peakCommitted = Math.max(peakCommitted, s.bytesCommitted());
                peakResident = Math.max(peakResident, s.bytesResident());
                System.out.printf("[stress] MstressTest phase %d: live blocks %,d (allocator %,d), live requested %s, "
                                + "allocator bytesLive %s, committed %s, resident %s%n",
                        phase, live.size(), s.liveBlocks(), Stress.mib(liveBytes.get()), Stress.mib(s.bytesLive()),
                        Stress.mib(s.bytesCommitted()), Stress.mib(s.bytesResident()));
                assertEquals(live.size(), s.liveBlocks(), "live blocks after phase " + phase + " (seed " + seed + ")");
                errors.assertNone();
            }
            // the main thread frees the survivors and the transfer slots: cross-thread again
            long mainOps = 0;
            for (Own o : carried) {
                while (o.n > 0) {
                    freeChecked(alloc, o.removeAt(o.n - 1), errors);
                    mainOps++;
                }
            }
            for (int i = 0; i < TRANSFER; i++) {
                long b = transfer.getAndSet(i, 0);
                if (b != 0) {
                    freeChecked(alloc, b, errors);
                    mainOps++;
                }
            }
            ops.addAndGet(mainOps);
            errors.assertNone();
            assertTrue(live.isEmpty(), "test bookkeeping: live set not empty");
            Stress.assertNoLeak(alloc, errors);
            assertTrue(remoteFrees.get() > 0, "no cross-thread frees happened");
            Stress.report("MstressTest", ops.get(), start, String.format(
                    "cross-thread frees %,d, peak live requested %s, peak committed %s, peak resident (allocator) %s, "
                            + "process VmHWM %,d KiB, VmRSS %,d KiB",
                    remoteFrees.get(), Stress.mib(peakLiveBytes.get()), Stress.mib(peakCommitted),
                    Stress.mib(peakResident), Stress.vmHwmKiB(), Stress.vmRssKiB()));
        } finally {
            Stress.closeIfQuiet(alloc, all);
        }
    }

    Own work(NativeAllocator alloc, Own own, AtomicLongArray transfer, SplittableRandom rnd, Stress.Errors errors) {
        long n = 0, remote = 0;
        for (int step = 0; step < STEPS_PER_THREAD_PHASE; step++) {
            long size = 8 + rnd.nextInt(121);
            int r = rnd.nextInt(1000);
            if (r == 0) size *= 1000;
            else if (r <= 10) size *= 100;
            own.add(mallocChecked(alloc, size, errors));
            n++;
            if (own.n > OWN_CAP || rnd.nextInt(100) < 66) {
                freeChecked(alloc, own.removeAt(rnd.nextInt(own.n)), errors);
                n++;
            }
            if (own.n > 0 && rnd.nextInt(100) < 25) {
                long out = transfer.getAndSet(rnd.nextInt(TRANSFER), own.removeAt(rnd.nextInt(own.n)));
                if (out != 0) {
                    freeChecked(alloc, out, errors);
                    n++;
                    remote++;
                }
            }
        }
        ops.addAndGet(n);
        remoteFrees.addAndGet(remote);
        return own;
    }

    long mallocChecked(NativeAllocator alloc, long size, Stress.Errors errors) {
        long p = alloc.malloc(size);
        if (p == 0 || (p & 15) != 0 || (p & ~ADDR_MASK) != 0) {
            errors.add(String.format("malloc(%d) returned 0x%x (null, misaligned or beyond 47 bits)", size, p));
            throw new IllegalStateException("bad address");
        }
        if (!live.add(p)) errors.add(String.format("malloc(%d) returned 0x%x, which is still live", size, p));
        long u = alloc.usableSize(p);
        if (u < size) errors.add(String.format("usableSize(0x%x) = %d < %d", p, u, size));
        Stress.fill(p, size, errors.seed);
        long lb = liveBytes.addAndGet(size);
        for (long peak = peakLiveBytes.get(); lb > peak && !peakLiveBytes.compareAndSet(peak, lb); peak = peakLiveBytes.get()) { }
        return (size << ADDR_BITS) | p;
    }

    void freeChecked(NativeAllocator alloc, long packed, Stress.Errors errors) {
        long p = packed & ADDR_MASK, size = packed >>> ADDR_BITS;
        errors.checkBlock(p, size);
        if (!live.remove(p)) errors.add(String.format("freeing 0x%x: not in the live set (test bookkeeping)", p));
        liveBytes.addAndGet(-size);
        alloc.free(p);
    }
}
