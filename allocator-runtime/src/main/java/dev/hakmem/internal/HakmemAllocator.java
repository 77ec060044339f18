package dev.hakmem.internal;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.AllocatorStats;
import dev.hakmem.NativeAllocator;
import java.lang.foreign.MemorySegment;

/** Placeholder while the tiers land: every call throws. */
public final class HakmemAllocator implements NativeAllocator {
    public HakmemAllocator(AllocatorConfig config) {}
    private static UnsupportedOperationException todo() { return new UnsupportedOperationException("not yet implemented"); }
    @Override public long malloc(long size) { throw todo(); }
    @Override public long calloc(long count, long size) { throw todo(); }
    @Override public long realloc(long address, long newSize) { throw todo(); }
    @Override public long alignedAlloc(long alignment, long size) { throw todo(); }
    @Override public void free(long address) { throw todo(); }
    @Override public long usableSize(long address) { throw todo(); }
    @Override public MemorySegment allocate(long byteSize, long byteAlignment) { throw todo(); }
    @Override public void free(MemorySegment segment) { throw todo(); }
    @Override public AllocatorStats stats() { throw todo(); }
    @Override public void close() {}
}
