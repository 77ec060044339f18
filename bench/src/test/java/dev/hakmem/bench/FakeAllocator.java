package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import java.lang.foreign.Arena;
import java.util.HashSet;
import java.util.Set;

/**
 * A test allocator that counts what a workload asks for. Blocks come from a confined arena and are
 * only released at {@link #close()}, so every address is distinct and a double or foreign free is
 * caught. With {@code broken}, every malloc returns the same block, which a workload's verification
 * must notice.
 */
final class FakeAllocator implements BenchAllocator {
    private final Arena arena = Arena.ofConfined();
    private final Set<Long> live = new HashSet<>();
    private final long shared;
    long mallocs, frees, bytes;

    FakeAllocator(boolean broken) {
        shared = broken ? arena.allocate(4096, 16).address() : 0;
    }

    @Override
    public long malloc(long size) {
        mallocs++;
        bytes += size;
        if (shared != 0) return shared;
        long p = arena.allocate(Math.max(size, 1), 16).address();
        live.add(p);
        return p;
    }

    @Override
    public void free(long address) {
        frees++;
        if (shared == 0 && !live.remove(address)) throw new AssertionError("free of a block not live: " + address);
    }

    int live() {
        return live.size();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public void close() {
        arena.close();
    }
}
