package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * xmallocTest's hand-off, without JMH: a producer mallocs batches of blocks ({@value #SIZE} bytes for
 * xmalloc; {@code design.LargeHandoff} uses Large ones) and
 * puts them into a bounded queue; a consumer on another thread takes each batch, checks every block's
 * stamp ({@link Blocks}) and frees it, so every free is remote. One pipe has one producer thread and
 * one consumer thread (the consumer is either a caller of {@link #consume} or the platform thread
 * {@link #startConsumer()} starts).
 *
 * <p>Nobody waits forever: a producer on a full queue and a consumer on an empty one wait in
 * {@value #POLL_MS} ms polls, give up once their {@code stop} condition holds and nothing moved for
 * {@value #GRACE_MS} ms, and a producer throws as soon as the consumer has failed. A batch the
 * producer gave up on is kept aside, and {@link #close()} checks and frees everything still queued
 * or kept aside, then checks that every block made was freed before it closes the allocator.
 */
public final class BatchPipe implements AutoCloseable {
    static final int SIZE = 64;
    static final long POLL_MS = 1, GRACE_MS = 10;

    /** One batch's blocks and its sequence number, which the blocks' stamps derive from. */
    private static final class Batch {
        final long[] blocks;
        int seq;

        Batch(int size) {
            blocks = new long[size];
        }
    }

    final String peer;
    /** The workload's name, as a failed check reports it ({@code xmalloc}, or a design measurement's). */
    private final String workload;
    private final BenchAllocator allocator;
    private final int batchSize;
    /** Bytes per block. */
    private final long blockSize;
    private final ArrayBlockingQueue<Batch> full;
    /** Batches the consumer emptied, for the producer to refill: no garbage per batch. */
    private final ArrayBlockingQueue<Batch> empty;
    private final ConcurrentLinkedQueue<Batch> keptAside = new ConcurrentLinkedQueue<>();
    /**
     * Blocks made (the producer's count, at {@link #MADE}) and freed (the consumer's, at {@link #FREED}),
     * added once per batch. Two slots 128 bytes apart in one array, not two objects: two small objects
     * made together sit in one cache line, wherever the collector copies them, and each batch would
     * then move that line between the producer's and the consumer's processors.
     */
    private final AtomicLongArray counts = new AtomicLongArray(32);
    private static final int MADE = 8, FREED = 24;
    private volatile Throwable failure;
    private volatile boolean closing;
    private Thread consumer;
    private int nextSeq; // the producer's alone

    /** xmalloc's pipe: blocks of {@value #SIZE} bytes. */
    BatchPipe(String peer, BenchAllocator allocator, int batchSize, int capacity) {
        this("xmalloc", peer, allocator, batchSize, capacity, SIZE);
    }

    /**
     * A pipe of batches of {@code batchSize} blocks of {@code blockSize} bytes, {@code capacity} batches
     * queued at most, for the workload named {@code workload} (in the message of a failed check).
     */
    public BatchPipe(String workload, String peer, BenchAllocator allocator, int batchSize, int capacity, long blockSize) {
        this.workload = workload;
        this.peer = peer;
        this.blockSize = blockSize;
        this.allocator = allocator;
        this.batchSize = batchSize;
        full = new ArrayBlockingQueue<>(capacity);
        empty = new ArrayBlockingQueue<>(capacity + 2);
    }

    private static byte tag(int seq, int index) {
        return (byte) (seq * 31 + index);
    }

    /**
     * Mallocs one batch, stamps every block and queues the batch (kept aside instead when the queue
     * stays full and {@code stop} holds). Returns a checksum of the addresses.
     */
    public long produce(BooleanSupplier stop) throws InterruptedException {
        Batch b = empty.poll();
        if (b == null) b = new Batch(batchSize);
        int seq = b.seq = nextSeq++;
        long sum = 0;
        for (int i = 0; i < batchSize; i++) {
            long p = Blocks.malloc(allocator, peer, blockSize);
            Blocks.stamp(allocator, p, blockSize, tag(seq, i));
            b.blocks[i] = p;
            sum += p;
        }
        counts.addAndGet(MADE, batchSize);
        for (long waited = 0; !full.offer(b, POLL_MS, TimeUnit.MILLISECONDS); waited += POLL_MS) {
            rethrowFailure();
            if (waited >= GRACE_MS && stop.getAsBoolean()) {
                keptAside.add(b);
                break;
            }
        }
        return sum;
    }

    /**
     * Takes one batch, checks and frees its blocks; false when none came and {@code stop} holds.
     * A verification failure is also recorded, so the producer stops instead of filling the queue.
     */
    boolean consume(BooleanSupplier stop) throws InterruptedException {
        for (long waited = 0; ; waited += POLL_MS) {
            Batch b = full.poll(POLL_MS, TimeUnit.MILLISECONDS);
            if (b != null) {
                free(b);
                return true;
            }
            if (waited >= GRACE_MS && stop.getAsBoolean()) return false;
        }
    }

    private void free(Batch b) {
        try {
            for (int i = 0; i < batchSize; i++) {
                Blocks.checkAndFree(allocator, peer, workload, b.blocks[i], blockSize, tag(b.seq, i));
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        }
        counts.addAndGet(FREED, batchSize);
        empty.offer(b);
    }

    /**
     * Starts a platform thread that consumes until {@link #close()} and then empties the queue, so
     * that even the last batches are freed remotely.
     */
    public void startConsumer() {
        consumer = Thread.ofPlatform().name(workload + "-consumer").daemon().start(() -> {
            try {
                while (!closing || !full.isEmpty()) consume(() -> closing);
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    private void rethrowFailure() {
        Throwable t = failure;
        if (t != null) throw new IllegalStateException(peer + ": " + workload + " consumer failed: " + t.getMessage(), t);
    }

    /** Blocks made so far; the same as blocks freed once the pipe is closed without error. */
    long made() {
        return counts.get(MADE);
    }

    /**
     * Stops the consumer thread (which empties the queue first), rethrows its failure, frees what is
     * left (on this thread), checks that nothing was lost and closes the allocator (always).
     */
    @Override
    public void close() {
        try {
            finish();
        } finally {
            allocator.close();
        }
    }

    /**
     * {@link #close()} without closing the allocator, which other pipes may share: stops the consumer,
     * rethrows its failure, frees what is left and checks that nothing was lost.
     */
    void finish() {
        closing = true;
        try {
            if (consumer != null) consumer.join();
            rethrowFailure();
            for (Batch b; (b = full.poll()) != null; ) free(b);
            for (Batch b; (b = keptAside.poll()) != null; ) free(b);
            if (counts.get(MADE) != counts.get(FREED)) {
                throw new IllegalStateException(peer + ": " + workload + " made " + counts.get(MADE) + " blocks but freed " + counts.get(FREED));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the " + workload + " consumer", e);
        }
    }
}
