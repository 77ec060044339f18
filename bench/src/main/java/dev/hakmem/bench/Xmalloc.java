package dev.hakmem.bench;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Control;

/**
 * xmallocTest from {@code docs/WORKLOADS.md} (every free is remote): a producer mallocs
 * batches of {@value #BATCH} blocks of 64 B and hands each batch through a queue of {@value #QUEUE}
 * batches to a consumer thread, which checks every block's stamp and frees it ({@link BatchPipe}).
 * One producer and one consumer, the most a 2-core machine runs side by side; both variants run
 * exactly that, and differ in who drives the consumer:
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
 * JMH's thread count; both variants keep two threads busy.
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

    /** The allocator and the pipe, shared by the producer and the consumer. */
    @State(Scope.Benchmark)
    public static class Pipe {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        BatchPipe pipe;
        TearDownOnce end;

        /** When no JMH thread runs {@link #consume} (oneThread), a platform thread consumes. */
        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            pipe = new BatchPipe(peer, Peers.create(peer), BATCH, QUEUE);
            if (!params.getThreadGroupLabels().contains("consume")) pipe.startConsumer();
            end = new TearDownOnce(pipe::close);
            end.expect(params);
        }

        /** Runs the trial's teardown as the last iteration ends (see {@link TearDownOnce}). */
        @TearDown(Level.Iteration)
        public void afterIteration() {
            end.iterationEnded();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            end.runOnce();
        }
    }

    @Benchmark
    @Threads(1)
    @OperationsPerInvocation(2 * BATCH)
    public long oneThread(Pipe s) throws InterruptedException {
        return s.pipe.produce(NEVER);
    }

    @Benchmark
    @Group("twoThreads")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public long produce(Pipe s, Control control) throws InterruptedException {
        return s.pipe.produce(() -> control.stopMeasurement);
    }

    @Benchmark
    @Group("twoThreads")
    @GroupThreads(1)
    @OperationsPerInvocation(BATCH)
    public boolean consume(Pipe s, Control control) throws InterruptedException {
        return s.pipe.consume(() -> control.stopMeasurement);
    }
}
