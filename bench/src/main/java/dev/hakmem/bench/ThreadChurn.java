package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * threadChurn from {@code docs/WORKLOADS.md} (after mimalloc-bench's mleak), without JMH:
 * many short-lived threads each allocate, free most of it themselves, leave one block behind for
 * another thread to free, and end. An allocator with thread caches then holds freed memory in the
 * caches of threads that no longer exist, unless it takes that memory back when a thread ends; this
 * shows as RSS that keeps growing while the live bytes stay flat.
 *
 * <p>Exact definition. One run starts {@code lives} threads, {@code concurrent} at a time (start
 * {@code concurrent} threads, join them, repeat), either platform or virtual threads. Life number
 * {@code n} (counted over the whole object's lifetime) uses an xorshift32 generator seeded with
 * {@code n * 0x9E3779B9 + 1} (0 replaced by 1) and:
 * <ol>
 *   <li>mallocs {@value #BLOCKS} blocks, block {@code i} of {@code 16 + next() % 1009} bytes
 *       (uniform in [16, 1024], unsigned remainder), each with a sized stamp
 *       ({@link Blocks#stampSized});</li>
 *   <li>checks and frees blocks 0 to {@code BLOCKS - 2}, in that order;</li>
 *   <li>leaves its last block behind: swaps it into the one shared hand-off slot and frees the block
 *       that comes out, left there by an earlier life (another thread, most often one that has ended),
 *       after checking that block's stamp is consistent;</li>
 *   <li>ends.</li>
 * </ol>
 * The hand-off slot is filled when the object is made, so every life frees exactly one block it did
 * not make, and {@link #close()} frees the last block left there. <b>One op is one malloc or one
 * free</b>: {@code 2 * BLOCKS} per life. At most {@code concurrent * BLOCKS} blocks are live at once
 * (about {@code concurrent} * 510 KiB); what a thread freed itself is exactly what a thread cache keeps.
 *
 * <p>With virtual threads, the native allocators only see the few carrier threads that run them,
 * which live on; an allocator that keys its caches on the Java thread sees every life.
 */
final class ThreadChurn implements AutoCloseable {
    static final int BLOCKS = 1000;
    static final int MIN_SIZE = 16;
    static final int MAX_SIZE = 1024;
    private static final String WORKLOAD = "threadChurn";

    final String peer;
    private final BenchAllocator allocator;
    private final boolean virtual;
    private final int lives;
    private final int concurrent;
    final LiveBytes live;
    private final AtomicLong handOff = new AtomicLong();
    /** Per concurrent thread, the arrays of its life's blocks, reused by the lives that follow. */
    private final long[][] blocks;
    private final int[][] sizes;
    private final byte[][] tags;
    private int born;

    ThreadChurn(String peer, BenchAllocator allocator, boolean virtual, int lives, int concurrent, long flushAt) {
        if (lives < 1 || concurrent < 1 || lives % concurrent != 0) {
            throw new IllegalArgumentException("lives must be a positive multiple of concurrent: " + lives + ", " + concurrent);
        }
        this.peer = peer;
        this.allocator = allocator;
        this.virtual = virtual;
        this.lives = lives;
        this.concurrent = concurrent;
        this.live = new LiveBytes(flushAt);
        blocks = new long[concurrent][BLOCKS];
        sizes = new int[concurrent][BLOCKS];
        tags = new byte[concurrent][BLOCKS];
        LiveBytes.Local counted = live.local();
        long first = Blocks.malloc(allocator, peer, MIN_SIZE);
        Blocks.stampSized(allocator, first, MIN_SIZE, (byte) 0x5A);
        counted.malloced(MIN_SIZE);
        counted.flush();
        handOff.set(first);
    }

    /** Runs {@code lives} threads, {@code concurrent} at a time. Returns a checksum. */
    long run() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] sums = new long[concurrent];
        Thread[] running = new Thread[concurrent];
        Thread.Builder builder = virtual ? Thread.ofVirtual().name("churn-v") : Thread.ofPlatform().name("churn-p");
        long sum = 0;
        for (int wave = 0; wave < lives / concurrent; wave++) {
            for (int c = 0; c < concurrent; c++) {
                int index = c;
                int seed = ++born * 0x9E3779B9 + 1;
                running[c] = builder.start(() -> {
                    try {
                        sums[index] = life(index, seed == 0 ? 1 : seed);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (int c = 0; c < concurrent; c++) {
                running[c].join();
                sum += sums[c];
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
        return sum;
    }

    /** One thread's life, using the arrays of concurrent slot {@code c}. */
    private long life(int c, int seed) {
        final BenchAllocator a = allocator;
        final long[] b = blocks[c];
        final int[] z = sizes[c];
        final byte[] t = tags[c];
        LiveBytes.Local counted = live.local();
        int x = seed;
        long sum = 0;
        try {
            for (int i = 0; i < BLOCKS; i++) {
                x = Xorshift32.next(x);
                int size = MIN_SIZE + Integer.remainderUnsigned(x, MAX_SIZE - MIN_SIZE + 1);
                byte tag = (byte) (x >>> 16);
                long p = Blocks.malloc(a, peer, size);
                Blocks.stampSized(a, p, size, tag);
                counted.malloced(size);
                b[i] = p;
                z[i] = size;
                t[i] = tag;
                sum += p;
            }
            for (int i = 0; i < BLOCKS - 1; i++) {
                Blocks.checkSized(a, peer, WORKLOAD, b[i], z[i], t[i]);
                a.free(b[i]);
                counted.freed(z[i]);
            }
            int last = BLOCKS - 1;
            Blocks.checkSized(a, peer, WORKLOAD, b[last], z[last], t[last]);
            long out = handOff.getAndSet(b[last]);
            int outSize = Blocks.readSized(a, peer, WORKLOAD, out, MIN_SIZE, MAX_SIZE);
            a.free(out);
            counted.freed(outSize);
        } finally {
            counted.flush();
        }
        return sum;
    }

    /** Lives started so far. */
    int lives() {
        return born;
    }

    /** Checks and frees the block left in the hand-off slot (the allocator stays open). */
    @Override
    public void close() {
        long p = handOff.getAndSet(0);
        if (p == 0) return;
        LiveBytes.Local counted = live.local();
        int size = Blocks.readSized(allocator, peer, WORKLOAD, p, MIN_SIZE, MAX_SIZE);
        allocator.free(p);
        counted.freed(size);
        counted.flush();
    }
}
