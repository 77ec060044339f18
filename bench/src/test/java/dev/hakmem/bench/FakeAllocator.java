package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A test allocator that counts what a workload asks for. Blocks come from a shared arena and are
 * only released at {@link #close()}, so every address is distinct and a double or foreign free is
 * caught; it may be called from several threads, and counts the frees of blocks another thread
 * allocated, and the bytes requested and not yet freed (and their peak). With {@code broken}, every
 * malloc returns the same block (4 KiB unless given), which a workload's verification must notice.
 * Public for the tests of {@code dev.hakmem.bench.mbench}.
 */
@SuppressWarnings("restricted") // reinterpret for realloc's copy
public final class FakeAllocator implements BenchAllocator {
    private final Arena arena = Arena.ofShared();
    /** Live block -> the thread that allocated it. */
    private final Map<Long, Thread> live = new HashMap<>();
    /** Live block -> its size, for realloc's copy. */
    private final Map<Long, Long> sizes = new HashMap<>();
    private final long shared;
    public long mallocs, frees, bytes, remoteFrees, liveBytes, peakLiveBytes;

    public FakeAllocator(boolean broken) {
        this(broken, 4096);
    }

    /** {@code brokenSize}: the size of the one block a broken allocator hands out. */
    public FakeAllocator(boolean broken, long brokenSize) {
        shared = broken ? arena.allocate(brokenSize, 16).address() : 0;
    }

    @Override
    public synchronized long malloc(long size) {
        mallocs++;
        bytes += size;
        if (shared != 0) return shared;
        long p = arena.allocate(Math.max(size, 1), 16).address();
        live.put(p, Thread.currentThread());
        sizes.put(p, size);
        liveBytes += size;
        peakLiveBytes = Math.max(peakLiveBytes, liveBytes);
        return p;
    }

    /** malloc, copy, free: counted as one malloc and one free. */
    @Override
    public synchronized long realloc(long address, long newSize) {
        if (shared != 0) return shared;
        long old = sizes.getOrDefault(address, 0L);
        long p = malloc(newSize);
        MemorySegment.copy(MemorySegment.ofAddress(address).reinterpret(old), 0,
                MemorySegment.ofAddress(p).reinterpret(newSize), 0, Math.min(old, newSize));
        free(address);
        return p;
    }

    @Override
    public synchronized void free(long address) {
        frees++;
        if (shared != 0) return;
        Thread owner = live.remove(address);
        Long size = sizes.remove(address);
        if (owner == null) throw new AssertionError("free of a block not live: " + address);
        liveBytes -= size;
        if (owner != Thread.currentThread()) remoteFrees++;
    }

    public synchronized int live() {
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
