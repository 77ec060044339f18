package dev.hakmem.internal.os;

import dev.hakmem.internal.Errors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One contiguous range of reserved address space, handed out in 4 MiB chunks aligned to 4 MiB.
 *
 * <p>All Tiny, Mid and Large memory lives here, so "is this address ours, and in which chunk?" is a
 * subtraction and a shift (see the registry box). The range is reserved {@code PROT_NONE} (no commit
 * charge, nothing resident); a chunk is made read-write when first handed out and is resident only as
 * far as it is touched. Chunks given back are decommitted ({@code MADV_DONTNEED}) and kept on a free
 * stack for reuse, still read-write.
 *
 * <p>Running out: when the range is used up and the free stack is empty, {@link #acquireChunk} runs
 * the <em>space reclaimer</em> (set by the owner, see {@link #setSpaceReclaimer}) once: the Large tier
 * keeps entirely free chunks for reuse while within its retained limit, and those hold address space
 * that the other tiers may need. The reclaimer gives them back and hands one of them straight to the
 * thread that asked ({@link #handOver}), so that other threads taking chunks meanwhile cannot leave it
 * with nothing; then the free stack is tried once more.
 *
 * <p>Concurrency: {@code nextFresh} is advanced by CAS and never passes the range's end (stats read
 * it as the used span); the free stack is an {@link AddressStack}. Both are lock-free, so a thread holding
 * any lock may call {@link #tryAcquireChunk} and {@link #releaseChunk}. {@link #acquireChunk} is
 * lock-free too except for the reclaimer it may run, hence its precondition.
 *
 * <p>Closing while other threads still call (issue 14, item 6: outside the allocator's contract, but
 * it must never crash the JVM nor touch memory that is no longer ours). Two kinds of access reach the
 * range after a caller's own check that the allocator is open, and {@link #unmap} excludes both before
 * it unmaps:
 * <ul>
 *   <li>Reads and writes of blocks by the allocator (calloc's zeroing, realloc's copy) go through
 *       {@link #memory()}, a segment of a shared arena that {@link #unmap} closes first. Closing a
 *       shared arena is a handshake with every thread: one inside an access of the segment gets an
 *       IllegalStateException, and every later access throws it, so none runs once the range is gone.</li>
 *   <li>System calls on the range ({@link #commit}, {@link #decommit}) are counted in and out
 *       ({@code inFlight}, a sequentially consistent counter read against the volatile {@code closed}
 *       flag, Dekker style): {@link #unmap} sets {@code closed}, then waits until none is in flight;
 *       a call that sees {@code closed} does nothing. Otherwise a late {@code madvise} could zero
 *       memory that the JVM had mapped at the same address meanwhile.</li>
 * </ul>
 */
public final class Reservation {
    public static final int CHUNK_SHIFT = 22;
    public static final long CHUNK_SIZE = 1L << CHUNK_SHIFT;
    /** No chunk: what {@link #tryAcquireChunk} returns when the range is used up (no mapping is ever at address 0). */
    public static final long NO_CHUNK = 0;

    private static final VarHandle NEXT_FRESH;

    static {
        try {
            var l = MethodHandles.lookup();
            NEXT_FRESH = l.findVarHandle(Reservation.class, "nextFresh", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long base;
    private final long size;
    private final MemoryBudget budget;
    /** Offset of the first chunk never handed out. CAS only. */
    @SuppressWarnings("unused") private volatile long nextFresh;
    /** Given-back chunks (decommitted, read-write). */
    private final AddressStack freeChunks = new AddressStack();
    /**
     * Fresh chunks whose commit the OS refused (still {@code PROT_NONE}), tried again before the range
     * is bumped, so refusals do not use the address space up.
     */
    private final AddressStack uncommitted = new AddressStack();
    /** Run by {@link #acquireChunk} when the range is used up; volatile: set once after construction. */
    private volatile LongSupplier spaceReclaimer = () -> NO_CHUNK;
    /** The life of the range's memory for the allocator's own accesses: closed by {@link #unmap}. */
    private final Arena life = Arena.ofShared();
    /** Every address from 0, usable only inside the range while {@link #life} is open. */
    private final MemorySegment memory;
    /** System calls on the range now running: see the class comment. */
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Set once by {@link #unmap}, before it waits for {@link #inFlight} to drain. */
    private volatile boolean closed;

    public Reservation(long size, MemoryBudget budget) {
        this.size = size;
        this.budget = budget;
        OsMemory.Result r = OsMemory.reserve(size, CHUNK_SIZE);
        if (!r.ok()) {
            throw new OutOfMemoryError("hakmem: cannot reserve " + size + " bytes of address space: "
                    + OsMemory.describe(r.errno()) + " (AllocatorConfig.addressSpace)");
        }
        this.base = r.value();
        this.memory = MemorySegment.NULL.reinterpret(Long.MAX_VALUE, life, null);
    }

    /**
     * The allocator's view of the range's memory, for zeroing and copying blocks: a segment that
     * starts at address 0 (so an address is its own offset) and that throws IllegalStateException
     * once the range is unmapped. Never passed to a native call (that would let it hold off {@link #unmap}).
     */
    public MemorySegment memory() {
        return memory;
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
     * Sets what {@link #acquireChunk} runs when the range is used up: something that gives chunks kept
     * for reuse back, all but one through {@link #releaseChunk} and one through {@link #handOver}, and
     * returns that one (or {@link #NO_CHUNK} if it had none). It runs on the acquiring thread and must
     * not acquire chunks; it may take locks, so no caller of {@link #acquireChunk} may hold one of them.
     */
    public void setSpaceReclaimer(LongSupplier reclaimer) {
        this.spaceReclaimer = reclaimer;
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
     *
     * <p>When the range is used up, runs the space reclaimer and takes the chunk it hands over, else
     * tries the free stack once more before throwing; the caller must therefore hold no lock the
     * reclaimer takes (a Large arena's: see {@link #setSpaceReclaimer}). One retry, as for the memory
     * budget, not a loop that could starve; the hand-over makes it enough whenever the reclaimer finds
     * a chunk to give back, however many threads are taking chunks at the same time. (It visits the
     * arenas one at a time, so in a range in constant use other threads can empty and refill arenas
     * behind it: then it finds none and the request fails, though chunks come free a moment later.)
     */
    public long acquireChunk(long requested, boolean charge) {
        long charged = charge ? CHUNK_SIZE : 0;
        if (charge) budget.charge(requested, CHUNK_SIZE);
        try {
            long chunk = tryAcquireChunk(requested);
            if (chunk == NO_CHUNK) chunk = spaceReclaimer.getAsLong();
            if (chunk == NO_CHUNK) chunk = tryAcquireChunk(requested);
            if (chunk == NO_CHUNK) throw exhausted(requested);
            return chunk;
        } catch (RuntimeException | Error e) {
            budget.release(charged);
            throw e;
        }
    }

    /**
     * A chunk from the free stack or fresh from the range, without the reclaimer and without charging;
     * {@link #NO_CHUNK} when the range is used up. Lock-free: callable with any lock held. Throws
     * {@link OutOfMemoryError} naming {@code requested} when the OS refuses to commit a fresh chunk.
     */
    public long tryAcquireChunk(long requested) {
        long chunk = freeChunks.pop();
        if (chunk != NO_CHUNK) return chunk;
        chunk = uncommitted.pop();
        if (chunk == NO_CHUNK) {
            long offset;
            do {
                offset = (long) NEXT_FRESH.getVolatile(this);
                if (offset + CHUNK_SIZE > size) return NO_CHUNK;
            } while (!NEXT_FRESH.compareAndSet(this, offset, offset + CHUNK_SIZE));
            chunk = base + offset;
        }
        int err = commit(chunk, CHUNK_SIZE);
        if (err != 0) {
            uncommitted.push(chunk); // tried again by the next acquisition
            throw new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: the OS refused to commit a "
                    + CHUNK_SIZE + "-byte chunk: " + OsMemory.describe(err));
        }
        return chunk;
    }

    /** The error for a request of {@code requested} bytes that found the range used up. */
    private OutOfMemoryError exhausted(long requested) {
        return new OutOfMemoryError("hakmem: cannot allocate " + requested + " bytes: the reserved address space of "
                + size + " bytes is used up (raise AllocatorConfig.addressSpace)");
    }

    /** Gives a chunk back: its pages return to the OS and {@code charged} bytes are uncharged. */
    public void releaseChunk(long chunk, long charged) {
        decommit(chunk, CHUNK_SIZE);
        budget.release(charged);
        freeChunks.push(chunk);
    }

    /**
     * Gives a chunk back to be handed straight to a thread waiting for one (the space reclaimer's):
     * like {@link #releaseChunk} (its pages go back to the OS, so it reads as zero, and {@code charged}
     * bytes are uncharged) but it does not go onto the free stack; returns it.
     */
    public long handOver(long chunk, long charged) {
        decommit(chunk, CHUNK_SIZE);
        budget.release(charged);
        return chunk;
    }

    /**
     * Makes pages of the range read-write ({@link OsMemory#commit}); returns 0 or the errno. Throws
     * IllegalStateException once the range is unmapped (a call racing the allocator's close).
     */
    public int commit(long address, long bytes) {
        if (!enter()) throw Errors.closedDuringCall("hakmem");
        try {
            return OsMemory.commit(address, bytes);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /**
     * Gives the pages of part of the range back to the OS ({@link OsMemory#decommit}); returns 0 or the
     * errno. Once the range is unmapped, does nothing and returns 0: there is nothing left to give back.
     */
    public int decommit(long address, long bytes) {
        if (!enter()) return 0;
        try {
            return OsMemory.decommit(address, bytes);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Whether {@link #unmap} has run. */
    public boolean isUnmapped() {
        return closed;
    }

    /** Counts a system call in; false (and not counted) once {@link #unmap} has begun. */
    private boolean enter() {
        inFlight.incrementAndGet();
        if (!closed) return true;
        inFlight.decrementAndGet();
        return false;
    }

    /**
     * Unmaps the whole range, once: ends the allocator's accesses through {@link #memory()} (closing
     * its arena: a handshake with every thread), lets system calls on the range that are running now
     * finish and refuses later ones, then unmaps. Calls racing it get IllegalStateException or do
     * nothing (see the class comment); none touches the range afterwards.
     */
    public void unmap() {
        if (closed) return;
        closed = true;
        life.close();
        while (inFlight.get() != 0) Thread.onSpinWait();
        OsMemory.unmapOrReport(base, size, "the closed allocator's reservation stays mapped (its pages were given back)");
    }
}
