package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * xmallocTest from {@code docs/WORKLOADS.md} (every free is remote): a producer mallocs
 * batches of {@value #BATCH} blocks of 64 B and hands each batch through a queue of {@value #QUEUE}
 * batches to a consumer thread, which checks every block's stamp and frees it ({@link BatchPipe}).
 * One producer and one consumer per pipe, the most a 2-core machine runs side by side; both variants
 * run that by default, and differ in who drives the consumer:
 * <ul>
 *   <li>{@code oneThread}: one JMH thread produces (one batch per invocation); the consumer is a
 *       platform thread started in the trial setup and stopped in the teardown. Only the producer is
 *       timed, so an invocation counts its batch's mallocs and the frees of one batch: the bounded
 *       queue holds the producer to the consumer's pace, the two rates can drift apart by at most
 *       the {@value #QUEUE} queued batches.</li>
 *   <li>{@code twoThreads}: a JMH group of one {@code produce} and one {@code consume} thread, each
 *       timed by JMH; an invocation mallocs or frees one batch. The group's score is the sum.</li>
 * </ul>
 * So in both, <b>one op is one malloc or one free</b> of a 64-byte block (a block's round trip is two
 * ops), and the score is blocks malloc'd plus blocks freed per second. "threads" in the report is
 * JMH's thread count; both variants keep two threads busy per pipe.
 *
 * <p>More threads (the scaling run): JMH's {@code -t N} gives {@code oneThread} N producers, each with
 * its own pipe and background consumer, and {@code twoThreads} N/2 groups, each group a producer and a
 * consumer of its own pipe ({@link ThreadParams#getGroupIndex}). Every pipe draws on the one allocator
 * of the trial, so N/2 pairs hand blocks across threads at once, as xmalloc-test's thread pairs do.
 *
 * <p>Ends of iterations: a consumer with an empty queue, or a producer with a full one, gives up
 * once JMH's {@link Control#stopMeasurement} is set (the other side has finished its measured part)
 * and nothing moved for 10 ms, so neither can hang the trial; a producer keeps its batch aside.
 * Since JMH ends both threads' measured parts together, at most the one invocation running then
 * can give up while counted. The background consumer polls the same way and stops at teardown. The
 * trial teardown checks and frees every batch still queued or kept aside, checks that every block
 * made was freed, and only then closes the allocator.
 */
@CrossThreadFrees
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Xmalloc {
    static final int BATCH = 4096;
    static final int QUEUE = 100;
    private static final BooleanSupplier NEVER = () -> false;

    /** The allocator and the pipes, shared by the producers and the consumers. */
    @State(Scope.Benchmark)
    public static class Pipe extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BenchAllocator allocator;
        /** One pipe per producer: per JMH thread of oneThread, per group of twoThreads. */
        BatchPipe[] pipes;

        /** When no JMH thread runs {@link #consume} (oneThread), a platform thread per pipe consumes. */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            boolean grouped = params.getThreadGroupLabels().contains("consume");
            int groupSize = grouped ? java.util.Arrays.stream(params.getThreadGroups()).sum() : 1;
            init(Peers.create(peer), Math.max(1, params.getThreads() / groupSize), !grouped);
            end.expect(params);
        }

        /** Makes {@code count} pipes on {@code a}, each with a consumer thread of its own if asked. */
        void init(BenchAllocator a, int count, boolean backgroundConsumers) {
            allocator = a;
            pipes = new BatchPipe[count];
            for (int i = 0; i < count; i++) {
                pipes[i] = new BatchPipe(peer, allocator, BATCH, QUEUE);
                if (backgroundConsumers) pipes[i].startConsumer();
            }
            end = new TearDownOnce(this::finishAll);
        }

        /** Empties and checks every pipe (all of them, even after one fails), then closes the allocator. */
        void finishAll() {
            RuntimeException first = null;
            try {
                for (BatchPipe p : pipes) {
                    try {
                        p.finish();
                    } catch (RuntimeException e) {
                        if (first == null) first = e; else first.addSuppressed(e);
                    }
                }
            } finally {
                allocator.close();
            }
            if (first != null) throw first;
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * BATCH)
    public long oneThread(Pipe s, ThreadParams t) throws InterruptedException {
        return s.pipes[t.getThreadIndex()].produce(NEVER);
    }

    @Benchmark
    @Group("twoThreads")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public long produce(Pipe s, Control control, ThreadParams t) throws InterruptedException {
        return s.pipes[t.getGroupIndex()].produce(() -> control.stopMeasurement);
    }

    @Benchmark
    @Group("twoThreads")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public boolean consume(Pipe s, Control control, ThreadParams t) throws InterruptedException {
        return s.pipes[t.getGroupIndex()].consume(() -> control.stopMeasurement);
    }
}
