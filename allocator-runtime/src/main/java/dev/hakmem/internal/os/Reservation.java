package dev.hakmem.internal.os;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One contiguous range of reserved address space, handed out in 4 MiB chunks aligned to 4 MiB.
 *
 * <p>All Tiny, Mid and Large memory lives here, so "is this address ours, and in which chunk?" is a
 * subtraction and a shift (see the registry box). The range is reserved {@code PROT_NONE} (no commit
 * charge, nothing resident); a chunk is made read-write when first handed out and is resident only as
 * far as it is touched. Chunks given back are decommitted ({@code MADV_DONTNEED}) and kept on a free
 * stack for reuse, still read-write.
 *
 * <p>Concurrency: {@code nextFresh} is bumped by CAS; the free stack is a Treiber stack of immutable
 * nodes (a node is never reused after it is popped, so the garbage collector rules out ABA). Both are
 * lock-free.
 */
public final class Reservation {
    public static final int CHUNK_SHIFT = 22;
    public static final long CHUNK_SIZE = 1L << CHUNK_SHIFT;

    private static final VarHandle NEXT_FRESH, FREE_HEAD;

    static {
        try {
            var l = MethodHandles.lookup();
            NEXT_FRESH = l.findVarHandle(Reservation.class, "nextFresh", long.class);
            FREE_HEAD = l.findVarHandle(Reservation.class, "freeHead", FreeChunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long base;
    private final long size;
    private final MemoryBudget budget;
    /** Offset of the first chunk never handed out. CAS only. */
    @SuppressWarnings("unused") private volatile long nextFresh;
    /** Top of the stack of given-back chunks (decommitted, read-write). CAS only. */
    @SuppressWarnings("unused") private volatile FreeChunk freeHead;

    private record FreeChunk(long address, FreeChunk next) {}

    public Reservation(long size, MemoryBudget budget) {
        this.size = size;
        this.budget = budget;
        OsMemory.Result r = OsMemory.reserve(size, CHUNK_SIZE);
        if (!r.ok()) {
            throw new OutOfMemoryError("hakmem: cannot reserve " + size + " bytes of address space: "
                    + OsMemory.describe(r.errno()) + " (AllocatorConfig.addressSpace)");
        }
        this.base = r.value();
    }

    public long base() { return base; }

    public long size() { return size; }

    /** Bytes from the base up to the last chunk ever handed out: where resident memory can be. */
    public long usedSpan() { return (long) NEXT_FRESH.getVolatile(this); }

    /** Whether {@code address} lies in the reserved range. */
    public boolean contains(long address) {
        return Long.compareUnsigned(address - base, size) < 0;
    }

    /**
     * Hands out one chunk, read-write and reading as zero where it was never written or was given
     * back. Throws {@link OutOfMemoryError} naming {@code requested} when the limit or the
     * reservation is exhausted; nothing is charged then.
     */
    public long acquireChunk(long requested) {
        return acquireChunk(requested, true);
    }

    /**
     * Like {@link #acquireChunk(long)}; with {@code charge} false the caller charges the budget
     * itself, page by page (the Large tier does, so that decommitted free runs do not count).
     */
    public long acquireChunk(long requested, boolean charge) {
        long charged = charge ? CHUNK_SIZE : 0;
        if (charge) budget.charge(requested, CHUNK_SIZE);
        FreeChunk top;
        while ((top = (FreeChunk) FREE_HEAD.getVolatile(this)) != null) {
            if (FREE_HEAD.compareAndSet(this, top, top.next())) return top.address();
        }
        long offset = (long) NEXT_FRESH.getAndAdd(this, CHUNK_SIZE);
        if (offset + CHUNK_SIZE > size) {
            NEXT_FRESH.getAndAdd(this, -CHUNK_SIZE);
            budget.release(charged);
            throw new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: the reserved address space of "
                    + size + " bytes is used up (raise AllocatorConfig.addressSpace)");
        }
        int err = OsMemory.commit(base + offset, CHUNK_SIZE);
        if (err != 0) {
            // The chunk stays reserved but unusable; keep the bump (others may have moved past it).
            budget.release(charged);
            throw new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: the OS refused to commit a "
                    + CHUNK_SIZE + "-byte chunk: " + OsMemory.describe(err));
        }
        return base + offset;
    }

    /** Gives a chunk back: its pages return to the OS and {@code charged} bytes are uncharged. */
    public void releaseChunk(long chunk, long charged) {
        OsMemory.decommit(chunk, CHUNK_SIZE);
        budget.release(charged);
        FreeChunk top;
        do {
            top = (FreeChunk) FREE_HEAD.getVolatile(this);
        } while (!FREE_HEAD.compareAndSet(this, top, new FreeChunk(chunk, top)));
    }

    /** Unmaps the whole range. The caller guarantees nothing uses it any more. */
    public void unmap() {
        OsMemory.unmap(base, size);
    }
}
