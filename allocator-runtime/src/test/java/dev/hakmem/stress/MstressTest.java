package dev.hakmem.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hakmem.AllocatorStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * mimalloc's test-stress (docs/WORKLOADS.md "mstress"), default configuration (checks on).
 *
 * <p>4 threads, and oversubscribed 8 and 16 (on a 2-core machine: 4 to 8 threads per core, so threads
 * are preempted in the middle of every path, issue 15), re-created in each of {@value #PHASES} phases. Each step allocates 8-128 B
 * (1% of the time x100, 0.1% x1000, i.e. up to 128,000 B: Tiny, Mid and Large), writes the pattern, then
 * with 66% chance frees a random block of its own, and with 25% chance swaps one of its blocks into a
 * shared {@value #TRANSFER}-slot {@link AtomicLongArray}; the block that comes out (made by another thread,
 * often one that has ended) is checked and freed by this thread. A thread's remaining blocks survive the
 * phase and are handed to a thread of the next phase. Every block is checked before it is freed; every
 * address must be unique among live blocks; at the end nothing is live.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class MstressTest {
    static final int PHASES = 5;
    static final int STEPS_PER_THREAD_PHASE = 30_000 * Stress.FACTOR;
    static final int TRANSFER = 1000;
    /** Blocks a thread keeps at most; beyond it every step frees one (bounds the footprint of long runs). */
    static final int OWN_CAP = 10_000;

    final AtomicLong remoteFrees = new AtomicLong();
    final AtomicLong liveBytes = new AtomicLong();
    final AtomicLong peakLiveBytes = new AtomicLong();

    /** A thread's own blocks ({@link Stress#pack packed} with their sizes), with O(1) removal of a random element. */
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

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {4, 8, 16})
    void mstress(int threadCount) {
        Stress.run("MstressTest[" + threadCount + " threads]", run -> {
            try (Stress.Session s = run.open()) {
                long peakCommitted = 0, peakResident = 0;
                AtomicLongArray transfer = new AtomicLongArray(TRANSFER);
                Own[] carried = new Own[threadCount];
                for (int t = 0; t < threadCount; t++) carried[t] = new Own();
                for (int phase = 0; phase < PHASES; phase++) {
                    Own[] next = new Own[threadCount];
                    List<Thread> threads = new ArrayList<>();
                    for (int t = 0; t < threadCount; t++) {
                        int id = t;
                        Own inherited = carried[(t + 1) % threadCount]; // survivors go to another index, too
                        long threadSeed = Stress.mix(run.seed + phase * 1000L + t);
                        threads.add(s.thread("mstress-p" + phase + "-t" + t,
                                () -> next[id] = work(s, inherited, transfer, new SplittableRandom(threadSeed))));
                    }
                    s.runAll(threads);
                    for (int t = 0; t < threadCount; t++) carried[t] = next[t] != null ? next[t] : new Own();
                    AllocatorStats st = s.alloc.stats();
                    peakCommitted = Math.max(peakCommitted, st.bytesCommitted());
                    peakResident = Math.max(peakResident, st.bytesResident());
                    System.out.printf("[stress] MstressTest phase %d: live blocks %,d (allocator %,d), live requested %s, "
                                    + "allocator bytesLive %s, committed %s, resident %s%n",
                            phase, run.live.size(), st.liveBlocks(), Stress.mib(liveBytes.get()), Stress.mib(st.bytesLive()),
                            Stress.mib(st.bytesCommitted()), Stress.mib(st.bytesResident()));
                    assertEquals(run.live.size(), st.liveBlocks(), "live blocks after phase " + phase + " (seed " + run.seed + ")");
                    run.errors.assertNone();
                }
                // the main thread frees the survivors and the transfer slots: cross-thread again
                long mainOps = 0;
                for (Own o : carried) {
                    while (o.n > 0) {
                        freeChecked(s, o.removeAt(o.n - 1));
                        mainOps++;
                    }
                }
                for (int i = 0; i < TRANSFER; i++) {
                    long b = transfer.getAndSet(i, 0);
                    if (b != 0) {
                        freeChecked(s, b);
                        mainOps++;
                    }
                }
                run.ops.addAndGet(mainOps);
                s.assertAllFreed();
                assertTrue(remoteFrees.get() > 0, "no cross-thread frees happened");
                run.report(String.format(
                        "cross-thread frees %,d, peak live requested %s, peak committed %s, peak resident (allocator) %s, "
                                + "process VmHWM %,d KiB, VmRSS %,d KiB",
                        remoteFrees.get(), Stress.mib(peakLiveBytes.get()), Stress.mib(peakCommitted),
                        Stress.mib(peakResident), Stress.vmHwmKiB(), Stress.vmRssKiB()));
            }
        });
    }

    Own work(Stress.Session s, Own own, AtomicLongArray transfer, SplittableRandom rnd) {
        long n = 0, remote = 0;
        for (int step = 0; step < STEPS_PER_THREAD_PHASE; step++) {
            long size = 8 + rnd.nextInt(121);
            int r = rnd.nextInt(1000);
            if (r == 0) size *= 1000;
            else if (r <= 10) size *= 100;
            own.add(mallocChecked(s, size));
            n++;
            if (own.n > OWN_CAP || rnd.nextInt(100) < 66) {
                freeChecked(s, own.removeAt(rnd.nextInt(own.n)));
                n++;
            }
            if (own.n > 0 && rnd.nextInt(100) < 25) {
                long out = transfer.getAndSet(rnd.nextInt(TRANSFER), own.removeAt(rnd.nextInt(own.n)));
                if (out != 0) {
                    freeChecked(s, out);
                    n++;
                    remote++;
                }
            }
        }
        s.run.ops.addAndGet(n);
        remoteFrees.addAndGet(remote);
        return own;
    }

    /** {@link Stress.Session#malloc}, and the usable size must cover the request; returns the block packed with its size. */
    long mallocChecked(Stress.Session s, long size) {
        long p = s.malloc(size);
        long u = s.alloc.usableSize(p);
        if (u < size) s.errors.add(String.format("usableSize(0x%x) = %d < %d", p, u, size));
        long lb = liveBytes.addAndGet(size);
        for (long peak = peakLiveBytes.get(); lb > peak && !peakLiveBytes.compareAndSet(peak, lb); peak = peakLiveBytes.get()) { }
        return Stress.pack(p, size);
    }

    void freeChecked(Stress.Session s, long packed) {
        liveBytes.addAndGet(-Stress.size(packed));
        s.freePacked(packed);
    }
}
