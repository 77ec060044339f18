package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import dev.hakmem.bench.peers.Peers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * cacheThrash from {@code docs/WORKLOADS.md} (mimalloc-bench's {@code cache-thrash N 1000 1
 * 2000000 N}, Hoard's active false-sharing test), at 1 and 2 threads: each thread mallocs its own
 * small object, writes and reads every byte of it {@value CacheScratch#REPS} times and frees it,
 * over and over. Unlike {@link CacheScratch} no object is handed out by another thread first: the
 * question is only whether the allocator, left to itself, gives two threads objects in one cache
 * line (then their writes thrash the line and the 2-thread score falls far below twice the 1-thread
 * score).
 *
 * <p><b>One op is one object's life</b> (one malloc, {@code REPS * size} writes and reads, one
 * free), as in {@link CacheScratch}, whose loop this shares ({@link CacheScratch#scratch}). The score
 * is summed over threads. {@code size} is 8 by default (cache-thrash itself uses 1 byte; 8 keeps the
 * per-op work comparable with cacheScratch).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CacheThrash {
    /** The allocator the threads share. */
    @State(Scope.Benchmark)
    public static class Shared extends OnceTornDownState {
        @Param({"hakmem", "hakmem-nochecks", "glibc", "mimalloc", "tcmalloc"})
        public String peer;

        @Param({"8"})
        public int size;

        BenchAllocator allocator;

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            if (size < 2) throw new IllegalArgumentException("size must be at least 2: " + size);
            allocator = Peers.create(peer);
            end = new TearDownOnce(allocator::close);
            end.expect(params);
        }
    }

    /** A JMH thread's salt, so the two threads write different bytes. */
    @State(Scope.Thread)
    public static class Worker {
        int salt;

        @Setup(Level.Trial)
        public void setUp(ThreadParams t) {
            salt = 0x55 * t.getThreadIndex();
        }
    }

    @Benchmark
    @Threads(1)
    public long oneThread(Shared s, Worker w) {
        return CacheScratch.scratch(s.peer, s.allocator, s.size, w.salt);
    }

    @Benchmark
    @Threads(2)
    public long twoThreads(Shared s, Worker w) {
        return CacheScratch.scratch(s.peer, s.allocator, s.size, w.salt);
    }
}
