package dev.hakmem.internal.guard;

import dev.hakmem.AllocatorStats;
import dev.hakmem.LeakReport;
import dev.hakmem.NativeAllocator;
import dev.hakmem.internal.OneIn;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.Optional;

/**
 * An allocator that guards one block in {@code rate} ({@link dev.hakmem.AllocatorConfig#guardSampling}):
 * the sampled blocks come from {@link GuardedSlots}, everything else from the allocator it wraps.
 *
 * <p>Why a wrapper and not a branch in the allocator: the default allocator's malloc and free pay
 * nothing for a feature that is off (not even a field load and a branch on the Tiny fast path);
 * {@link dev.hakmem.Hakmem#create(dev.hakmem.AllocatorConfig)} wraps only when sampling is on.
 * The price when on: a random draw per malloc ({@link OneIn}, about a nanosecond), a range
 * check per free, and for each sampled block two or three system calls and, for a segment, a shared
 * arena whose close is a handshake with every thread (tens of microseconds).
 *
 * <p>What is caught: a write or read past the end of a sampled raw block (from its usable size on),
 * or of its memory after it was freed, faults at once: the JVM stops with a crash report whose
 * {@code siginfo} names the address. A sampled segment's accesses after {@code free(segment)} (or
 * after {@code close()}) throw {@link IllegalStateException} in Java. Bytes before a block's start
 * are caught only beyond the block's first page.
 *
 * <p>Sampled blocks are not counted in {@link #stats()}: it reports the wrapped allocator's blocks.
 */
public final class GuardSampling implements NativeAllocator {
    /** All of memory, to copy between raw addresses (realloc). */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final NativeAllocator delegate;
    private final GuardedSlots slots;
    private final int rate;
    private final OneIn oneIn;

    /**
     * @param delegate allocates every block not sampled; closed with this one
     * @param rate one block in {@code rate} is sampled, on average (at least 1: every block)
     */
    public GuardSampling(NativeAllocator delegate, int rate) {
        if (rate < 1) throw new IllegalArgumentException("guardSampling: rate must be >= 1, got " + rate);
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.rate = rate;
        this.oneIn = new OneIn(rate);
        this.slots = new GuardedSlots();
    }

    private boolean sample(long size) {
        return size >= 0 && size <= GuardedSlots.MAX_BLOCK && oneIn.hit();
    }

    @Override
    public long malloc(long size) {
        if (sample(size)) {
            long p = slots.allocate(size, 16, false);
            if (p != 0) return p;
        }
        return delegate.malloc(size);
    }

    @Override
    public long calloc(long count, long size) {
        if (count >= 0 && size >= 0 && (count == 0 || size <= Long.MAX_VALUE / count)) {
            long total = count * size;
            if (sample(total)) {
                long p = slots.allocate(total, 16, false); // fresh or given-back pages read as zero
                if (p != 0) return p;
            }
        }
        return delegate.calloc(count, size); // also every error
    }

    @Override
    public long mallocAligned(long size, long alignment) {
        if (guardable(alignment) && sample(size)) {
            long p = slots.allocate(size, Math.max(16, alignment), false);
            if (p != 0) return p;
        }
        return delegate.mallocAligned(size, alignment);
    }

    /**
     * Whether a block of {@code alignment} can sit in a guarded slot: a power of two of at most a page
     * (anything else, valid or not, goes to the wrapped allocator, which also names the errors).
     */
    private static boolean guardable(long alignment) {
        return alignment > 0 && Long.bitCount(alignment) == 1 && alignment <= GuardedSlots.PAGE;
    }

    @Override
    public long realloc(long address, long newSize) {
        if (!slots.contains(address)) return delegate.realloc(address, newSize);
        if (newSize < 0) return delegate.realloc(address, newSize); // the same error as for any block
        long old = slots.usableSize("realloc", address);
        long q = malloc(newSize);
        MemorySegment.copy(ALL, address, ALL, q, Math.min(old, newSize));
        slots.free("realloc", address);
        return q;
    }

    @Override
    public void free(long address) {
        if (slots.contains(address)) {
            slots.free("free", address);
        } else {
            delegate.free(address);
        }
    }

    @Override
    public long usableSize(long address) {
        return slots.contains(address) ? slots.usableSize("usableSize", address) : delegate.usableSize(address);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (guardable(byteAlignment) && sample(byteSize)) {
            long p = slots.allocate(byteSize, Math.max(16, byteAlignment), true);
            if (p != 0) return MemorySegment.ofAddress(p).reinterpret(byteSize, slots.scopeOf(p), null);
        }
        return delegate.allocate(byteSize, byteAlignment);
    }

    @Override
    public void free(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (slots.contains(segment.address())) {
            slots.free("free", segment.address());
        } else {
            delegate.free(segment);
        }
    }

    @Override
    public void releaseThreadCache() {
        delegate.releaseThreadCache();
    }

    @Override
    public long trim() {
        return delegate.trim();
    }

    @Override
    public AllocatorStats stats() {
        return delegate.stats();
    }

    /** The wrapped allocator's dump (sampled blocks are not in it). */
    @Override
    public String dump() {
        return delegate.dump();
    }

    /** The wrapped allocator's leak report: guarded blocks still live at close are not in it. */
    @Override
    public Optional<LeakReport> leakReport() {
        return delegate.leakReport();
    }

    /** Sampled blocks now live (tests, diagnostics). */
    public long guardedLiveBlocks() {
        return slots.liveBlocks();
    }

    /** Blocks sampled since this allocator was made. */
    public long guardedBlocks() {
        return slots.sampledBlocks();
    }

    /**
     * Closes the wrapped allocator, then the guarded blocks. When the wrapped allocator refuses (one
     * of its segments is held by a native call), nothing is closed, the guarded blocks included: they
     * stay mapped and freeable, and a later close completes.
     */
    @Override
    public void close() {
        delegate.close();
        slots.close();
    }

    @Override
    public String toString() {
        return "GuardSampling[1 in " + rate + ", " + delegate + "]";
    }
}
