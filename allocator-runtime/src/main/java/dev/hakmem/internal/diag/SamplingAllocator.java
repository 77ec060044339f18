package dev.hakmem.internal.diag;

import dev.hakmem.AllocatorStats;
import dev.hakmem.LeakReport;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.HakmemAllocator;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * The runtime's allocator with leak sampling on ({@link dev.hakmem.AllocatorConfig#leakSampling()}):
 * every call goes to the allocator, and the allocations and frees also pass through its
 * {@link LeakSampler}.
 *
 * <p>Why a wrapper rather than a branch in the allocator: the Tiny malloc/free fast paths take about
 * 3 ns, and even a never-taken test of a field on each would be measurable there. Built only when the
 * setting is on ({@link #wrapIfSampling}), the wrapper leaves the allocator's code exactly as it is
 * without the feature: off, none of its code runs, and the allocator's callers see only
 * {@code HakmemAllocator} (their call sites stay monomorphic). The Tiny/Mid front
 * ({@code internal.small.SmallFront}) and the thread caches carry nothing for it. On, the cost is an interface call more,
 * a thread-local random draw per allocation and a filter load per free ({@link LeakSampler}).
 *
 * <p>The allocator's own calls of {@code malloc} and {@code free} (a moving {@code realloc},
 * {@code allocate}) do not pass through here; this class samples and drops their blocks itself around
 * the call.
 */
public final class SamplingAllocator implements NativeAllocator {
    private final HakmemAllocator allocator;
    private final LeakSampler sampler;

    private SamplingAllocator(HakmemAllocator allocator, LeakSampler sampler) {
        this.allocator = allocator;
        this.sampler = sampler;
        sampler.markFed();
    }

    /** {@code allocator} wrapped when it samples leaks ({@link HakmemAllocator#leakSampler()}), else itself. */
    public static NativeAllocator wrapIfSampling(HakmemAllocator allocator) {
        LeakSampler s = allocator.leakSampler();
        return s == null ? allocator : new SamplingAllocator(allocator, s);
    }

    /** The sampler (tests). */
    public LeakSampler sampler() {
        return sampler;
    }

    @Override
    public long malloc(long size) {
        long p = allocator.malloc(size);
        sampler.allocated(p, size);
        return p;
    }

    @Override
    public long calloc(long count, long size) {
        long p = allocator.calloc(count, size);
        sampler.allocated(p, count * size); // no overflow: calloc has checked it
        return p;
    }

    @Override
    public long mallocAligned(long size, long alignment) {
        long p = allocator.mallocAligned(size, alignment);
        sampler.allocated(p, size);
        return p;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment s = allocator.allocate(byteSize, byteAlignment);
        sampler.allocated(s.address(), byteSize);
        return s;
    }

    /**
     * The old block's record is taken before the call (a moving realloc frees it, and its address may
     * then be handed out and sampled again at once); it is put back if the block stays where it is or
     * the call fails, and a moved block is sampled afresh, as an allocation at this call.
     */
    @Override
    public long realloc(long address, long newSize) {
        LeakSampler.Sample old = address == 0 ? null : sampler.take(address);
        long q;
        try {
            q = allocator.realloc(address, newSize);
        } catch (RuntimeException | Error e) {
            if (old != null) sampler.restore(address, old);
            throw e;
        }
        if (q == address) {
            if (old != null) sampler.restore(address, new LeakSampler.Sample(newSize, old.site()));
        } else {
            sampler.allocated(q, newSize);
        }
        return q;
    }

    /** The record is dropped before the free, for the reason given at {@link #realloc}; put back if the free throws. */
    @Override
    public void free(long address) {
        LeakSampler.Sample s = sampler.take(address);
        try {
            allocator.free(address);
        } catch (RuntimeException | Error e) {
            if (s != null) sampler.restore(address, s);
            throw e;
        }
    }

    @Override
    public void free(MemorySegment segment) {
        free(Objects.requireNonNull(segment, "segment").address());
    }

    @Override
    public long usableSize(long address) {
        return allocator.usableSize(address);
    }

    @Override
    public void releaseThreadCache() {
        allocator.releaseThreadCache();
    }

    @Override
    public long trim() {
        return allocator.trim();
    }

    @Override
    public AllocatorStats stats() {
        return allocator.stats();
    }

    @Override
    public String dump() {
        return allocator.dump();
    }

    @Override
    public Optional<LeakReport> leakReport() {
        return allocator.leakReport();
    }

    @Override
    public void close() {
        allocator.close();
    }

    @Override
    public String toString() {
        return allocator.toString();
    }
}
