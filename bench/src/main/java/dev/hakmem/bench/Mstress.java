package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * mstress from {@code docs/WORKLOADS.md} (after mimalloc's test-stress), without JMH: phases
 * in which all threads are created afresh, small blocks with rare large ones, random frees, and a
 * shared array through which blocks change threads and outlive the threads that made them.
 *
 * <p>Exact definition. A phase starts {@code threads} new platform threads and joins them. Thread
 * {@code t} of phase {@code k} runs {@code steps} steps with its own xorshift32 generator, seeded with
 * {@code (k * 0x9E3779B9) ^ ((t + 1) * 43)} (0 replaced by 1); {@code %} is the unsigned remainder.
 * One step:
 * <ol>
 *   <li>allocate: {@code r = next()}; size {@code 8 << (r % 5)} (8, 16, 32, 64 or 128 bytes), times
 *       1000 if {@code next() % 1000 == 0} (0.1%), else times 100 if that draw is below 11 (1%); the
 *       block gets a sized stamp ({@link Blocks#stampSized}) and joins the thread's own blocks;</li>
 *   <li>with {@code next() % 100 < 66}, and own blocks: free the own block at index
 *       {@code next() % own} (checked against the thread's record of it first);</li>
 *   <li>with {@code next() % 100 < 25}, and own blocks: take the own block at index
 *       {@code next() % own} and swap it into slot {@code next() % 1000} of the shared transfer array
 *       (an atomic exchange); the block that comes out, if any, was made by any thread of this or an
 *       earlier phase: its stamp is checked for consistency and it is freed (a cross-thread free).</li>
 * </ol>
 * Own blocks are kept as a bag (a freed or swapped index takes the last block's place). When its
 * steps are done the thread checks and frees its remaining own blocks, as test-stress does, and ends.
 * The blocks in the transfer array survive: they carry over into the next phase, and every phase, and
 * every JMH invocation, continues with the array as the previous one left it; {@link #close()} frees
 * them. Each step adds one block and removes one with probability 0.66 + 0.25, so a thread's own
 * blocks grow by about 0.09 per step and peak at its end: with the benchmark's 4 threads of 300,000
 * steps that is about 4 * 27,000 blocks of 148 bytes on average (the rare large sizes carry two thirds
 * of the bytes), some 16 MB, plus up to 1000 blocks in the array. Every block has every 4 KiB of it
 * written ({@link Blocks#stampSized}), so the live bytes are resident, as in test-stress, which fills
 * its blocks.
 *
 * <p>One op is one step. (mimalloc's test-stress differs in details that this definition fixes; for
 * one, it keeps the block that comes out of the transfer array among the thread's own blocks instead
 * of freeing it at once.)
 */
final class Mstress implements AutoCloseable {
    static final int TRANSFERS = 1000;
    static final int MIN_SIZE = 8;
    static final int MAX_SIZE = 128 * 1000;
    private static final String WORKLOAD = "mstress";

    final String peer;
    private final BenchAllocator allocator;
    private final int threads;
    private final int steps;
    final LiveBytes live;
    private final AtomicLongArray transfer = new AtomicLongArray(TRANSFERS);
    /** Each thread index's bag, reused by the threads of every phase (grown once, then no garbage). */
    private final Bag[] bags;
    private int phase;
    private long transferFrees;
    private long lastPhasePeakOwnBytes;

    /** A thread's own blocks with their sizes and tags. */
    private static final class Bag {
        int count;
        long transferFrees;
        /** The bytes of the blocks in the bag now, and their most since the phase started (reset at its end). */
        long bytes, peakBytes;

        long[] blocks = new long[1024];
        int[] sizes = new int[1024];
        byte[] tags = new byte[1024];

        void add(long p, int size, byte tag) {
            if (count == blocks.length) {
                blocks = Arrays.copyOf(blocks, 2 * count);
                sizes = Arrays.copyOf(sizes, 2 * count);
                tags = Arrays.copyOf(tags, 2 * count);
            }
            blocks[count] = p;
            sizes[count] = size;
            tags[count] = tag;
            count++;
            bytes += size;
            if (bytes > peakBytes) peakBytes = bytes;
        }

        /** Removes entry {@code i}; the last entry takes its place. */
        void remove(int i) {
            int last = --count;
            bytes -= sizes[i];
            blocks[i] = blocks[last];
            sizes[i] = sizes[last];
            tags[i] = tags[last];
            blocks[last] = 0;
        }
    }

    /**
     * @param flushAt the live-bytes counting granularity ({@link LiveBytes})
     */
    Mstress(String peer, BenchAllocator allocator, int threads, int steps, long flushAt) {
        if (threads < 1 || steps < 1) throw new IllegalArgumentException("threads and steps must be positive");
        this.peer = peer;
        this.allocator = allocator;
        this.threads = threads;
        this.steps = steps;
        this.live = new LiveBytes(flushAt);
        bags = new Bag[threads];
        for (int t = 0; t < threads; t++) bags[t] = new Bag();
    }

    /** Runs one phase: {@code threads} new threads of {@code steps} steps each. Returns a checksum. */
    long phase() throws InterruptedException {
        int k = ++phase;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] sums = new long[threads];
        Thread[] running = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            int seed = (k * 0x9E3779B9) ^ ((t + 1) * 43);
            running[t] = Thread.ofPlatform().name("mstress-" + t).start(() -> {
                try {
                    sums[index] = run(bags[index], seed == 0 ? 1 : seed);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        long sum = 0, peakOwn = 0;
        for (int t = 0; t < threads; t++) {
            running[t].join();
            sum += sums[t];
            transferFrees += bags[t].transferFrees;
            bags[t].transferFrees = 0;
            peakOwn = Math.max(peakOwn, bags[t].peakBytes);
            bags[t].peakBytes = 0;
        }
        lastPhasePeakOwnBytes = peakOwn;
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) throw r;
        if (e instanceof Error err) throw err;
        if (e != null) throw new IllegalStateException(e);
        return sum;
    }

    /** One thread's life. */
    private long run(Bag own, int seed) {
        final BenchAllocator a = allocator;
        final LiveBytes.Local counted = live.local();
        int x = seed;
        long sum = 0;
        try {
            for (int i = 0; i < steps; i++) {
                x = Xorshift32.next(x);
                int size = 8 << Integer.remainderUnsigned(x, 5);
                int tagDraw = x;
                x = Xorshift32.next(x);
                int rare = Integer.remainderUnsigned(x, 1000);
                if (rare == 0) size *= 1000;
                else if (rare < 11) size *= 100;
                long p = Blocks.malloc(a, peer, size);
                byte tag = (byte) (tagDraw >>> 8);
                Blocks.stampSized(a, p, size, tag);
                own.add(p, size, tag);
                counted.malloced(size);
                sum += p;

                x = Xorshift32.next(x);
                if (Integer.remainderUnsigned(x, 100) < 66 && own.count > 0) {
                    x = Xorshift32.next(x);
                    int j = Integer.remainderUnsigned(x, own.count);
                    Blocks.checkSized(a, peer, WORKLOAD, own.blocks[j], own.sizes[j], own.tags[j]);
                    a.free(own.blocks[j]);
                    counted.freed(own.sizes[j]);
                    own.remove(j);
                }
                x = Xorshift32.next(x);
                if (Integer.remainderUnsigned(x, 100) < 25 && own.count > 0) {
                    x = Xorshift32.next(x);
                    int j = Integer.remainderUnsigned(x, own.count);
                    x = Xorshift32.next(x);
                    int slot = Integer.remainderUnsigned(x, TRANSFERS);
                    Blocks.checkSized(a, peer, WORKLOAD, own.blocks[j], own.sizes[j], own.tags[j]);
                    long out = transfer.getAndSet(slot, own.blocks[j]);
                    own.remove(j);
                    if (out != 0) {
                        int outSize = Blocks.readSized(a, peer, WORKLOAD, out, MIN_SIZE, MAX_SIZE);
                        a.free(out);
                        counted.freed(outSize);
                        own.transferFrees++;
                    }
                }
            }
            // The thread is done: check and free its own blocks, as test-stress does at a thread's end.
            for (int j = own.count - 1; j >= 0; j--) {
                Blocks.checkSized(a, peer, WORKLOAD, own.blocks[j], own.sizes[j], own.tags[j]);
                a.free(own.blocks[j]);
                counted.freed(own.sizes[j]);
                own.remove(j);
            }
        } catch (RuntimeException | Error e) {
            own.count = 0; // after a failed check the blocks are abandoned, not freed twice
            own.bytes = 0;
            throw e;
        } finally {
            counted.flush();
        }
        return sum;
    }

    /** Blocks freed so far by a thread that got them from the transfer array. */
    long transferFrees() {
        return transferFrees;
    }

    /**
     * The most bytes one thread of the last phase held in its own blocks at one time. Those blocks
     * were all live then, so the workload's peak live bytes over that phase are at least this much
     * (less {@link LiveBytes}'s counting error): a lower bound derived from what the threads did,
     * whatever the scheduler made of their overlap.
     */
    long lastPhasePeakOwnBytes() {
        return lastPhasePeakOwnBytes;
    }

    /** Blocks in the transfer array now. */
    int inTransfer() {
        int n = 0;
        for (int i = 0; i < TRANSFERS; i++) if (transfer.get(i) != 0) n++;
        return n;
    }

    /** Checks and frees the blocks left in the transfer array (the allocator stays open). */
    @Override
    public void close() {
        LiveBytes.Local counted = live.local();
        try {
            for (int i = 0; i < TRANSFERS; i++) {
                long p = transfer.getAndSet(i, 0);
                if (p != 0) {
                    int size = Blocks.readSized(allocator, peer, WORKLOAD, p, MIN_SIZE, MAX_SIZE);
                    allocator.free(p);
                    counted.freed(size);
                }
            }
        } finally {
            counted.flush();
        }
    }
}
