package dev.hakmem.bench.tuning;

import dev.hakmem.bench.peers.BenchAllocator;

/** Runs cycles of the {@code skewed} workload outside JMH (for recording a profile, and for tests). */
public final class SkewedDriver {
    private SkewedDriver() {}

    /** Runs {@code cycles} cycles on {@code allocator}, then closes it. */
    public static void run(BenchAllocator allocator, int cycles) {
        dev.hakmem.bench.Skewed w = new dev.hakmem.bench.Skewed();
        w.peer = allocator.name();
        w.start(allocator);
        try {
            for (int i = 0; i < cycles; i++) w.cycle();
        } finally {
            w.tearDown();
        }
    }
}
