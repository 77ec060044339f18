package dev.hakmem.bench.design;

import dev.hakmem.bench.BatchPipe;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Large blocks handed to another thread to free (design benchmark of issue 15, session 67; not in
 * the suite): the JMH thread mallocs batches of 8 MiB of blocks of {@code blockSize} bytes ({@link #batch}),
 * stamps each in its first and last byte and queues the batch (at most {@value #QUEUE} batches); a
 * platform thread takes each batch, checks the stamps and frees the blocks. xmalloc's pipe
 * ({@link BatchPipe}) with Large blocks: what a server does with buffers that one thread fills and
 * another releases. Every free is remote; in hakmem it travels to the allocating thread's inbox and
 * comes back through its cache ({@code internal.large}), where the native allocators take it into the
 * freeing thread's cache or a central heap.
 *
 * <p>One op is one malloc or one free (an invocation makes one batch and counts its mallocs and
 * the frees of one batch, as {@code Xmalloc.oneThread} does); only the producer is timed, the
 * bounded queue holds it to the consumer's pace. Batches are large so that the two threads rarely
 * wait for each other: with batches of 8 blocks, two thirds of the samples were the threads parking
 * and waking, whatever the allocator.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class LargeHandoff {
    static final int QUEUE = 4;
    /** Bytes per batch. */
    static final long BATCH_BYTES = 8L << 20;

    @Param({"hakmem", "glibc", "mimalloc", "tcmalloc", "jemalloc"})
    public String peer;

    /**
     * 128 KiB: a run the thread caches keep in their base; 1 MiB (with {@code -opi 16}): one they keep
     * in borrowed bytes.
     */
    @Param({"131072"})
    public long blockSize;

    private BatchPipe pipe;

    /** Blocks per batch: 8 MiB of them (64 of 128 KiB, 8 of 1 MiB). */
    static int batch(long blockSize) {
        return (int) (BATCH_BYTES / blockSize);
    }

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        int ops = params.getOpsPerInvocation();
        if (ops != 2 * batch(blockSize)) {
            throw new IllegalArgumentException("blockSize " + blockSize + " needs -opi " + 2 * batch(blockSize) + ", got " + ops);
        }
        pipe = new BatchPipe("largeHandoff", peer, Peers.create(peer), batch(blockSize), QUEUE, blockSize);
        pipe.startConsumer();
    }

    /** Checks and frees what is left, checks that every block made was freed, closes the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        pipe.close();
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * 64) // batch(131072); run 1 MiB blocks with -opi 16
    public long handoff() throws InterruptedException {
        return pipe.produce(() -> false);
    }
}
