package dev.hakmem;

import dev.hakmem.internal.diag.StatsFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Optional;

/**
 * An off-heap allocator with C's malloc/free semantics and Java's errors.
 *
 * <p>Addresses are plain {@code long}s, like C pointers: reading or writing them is the caller's
 * business (for example through a {@link MemorySegment} made with
 * {@code MemorySegment.ofAddress(p).reinterpret(n)}). Segments returned by
 * {@link #allocate(long, long)} are bound to the allocator's lifetime instead: after {@link #close()}
 * any access to them throws {@link IllegalStateException}.
 *
 * <p>Sizes come first, then alignments: {@code mallocAligned(size, alignment)} takes its arguments in
 * the order of {@link #allocate(long, long) allocate(byteSize, byteAlignment)}, and its name is not C's
 * {@code aligned_alloc(alignment, size)}, whose order is the other way round, so that C habits do not
 * carry over. A swapped call is refused where it can be told apart (an alignment that is not a power
 * of two, such as a size of 100, names the expected order); when both values are powers of two it
 * cannot be, and it allocates a block of the wrong size and alignment.
 *
 * <p>Contract, for every implementation:
 * <ul>
 *   <li>every block is at least 16-byte aligned and {@code usableSize(p) >= size};</li>
 *   <li>{@code malloc(0)} returns a unique minimal block; {@code free(0)} is a no-op;</li>
 *   <li>{@code calloc} zeroes; {@code realloc(0, n)} is {@code malloc(n)}; realloc keeps
 *       {@code min(old, new)} bytes and stays in place when the block's size class allows it;</li>
 *   <li>alignments are powers of two up to at least 2 MiB;</li>
 *   <li>negative sizes, bad alignments, {@code calloc} overflow and frees of addresses this allocator
 *       did not return throw {@link IllegalArgumentException}; a double free and any call after
 *       {@link #close()} (but {@link #stats()}, {@link #dump()} and {@link #leakReport()}) throw
 *       {@link IllegalStateException}; messages name the address in hex and,
 *       where known, its tier and size class (double-free and foreign-address detection need checks
 *       on, see {@link AllocatorConfig.Builder#checks(boolean)});</li>
 *   <li>one exception: a double free of a Tiny, Mid or Large block by two threads at the same moment may
 *       return normally on both; it is then caught when the second free reaches the block's owning
 *       thread: refused (the block is freed once and never handed out twice), counted in
 *       {@link AllocatorStats#racingDoubleFrees()} and logged;</li>
 *   <li>when memory cannot be had, {@link OutOfMemoryError} is thrown with the sizes in its message
 *       and the allocator stays usable;</li>
 *   <li>every method is thread-safe, and any thread may free a block another thread allocated.</li>
 * </ul>
 */
public interface NativeAllocator extends SegmentAllocator, AutoCloseable {

    /**
     * Allocates {@code size} bytes, uninitialised, like C's {@code malloc}.
     *
     * @param size bytes wanted, at least 0 ({@code malloc(0)} returns a unique minimal block)
     * @return the block's address, 16-byte aligned, never 0
     * @throws IllegalArgumentException if {@code size} is negative
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError if the OS refuses the memory or the memory limit is reached, once the
     *     memory kept for reuse has given way; the message names the sizes and the allocator stays usable
     */
    long malloc(long size);

    /**
     * Allocates {@code count * size} bytes, zeroed, like C's {@code calloc}.
     *
     * @param count number of elements, at least 0
     * @param size bytes per element, at least 0
     * @return the block's address, 16-byte aligned, never 0
     * @throws IllegalArgumentException if {@code count} or {@code size} is negative or their product
     *     overflows a {@code long}
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError as {@link #malloc(long)}
     */
    long calloc(long count, long size);

    /**
     * Resizes the block at {@code address} (0 means: allocate) to {@code newSize} bytes, keeping
     * {@code min(old, new)} bytes of content, and returns the (possibly moved) address. A moved block
     * is freed. {@code realloc(p, 0)} returns a minimal block, like {@code malloc(0)}.
     *
     * @param address a live block of this allocator, or 0
     * @param newSize bytes wanted, at least 0
     * @return the block's address: {@code address} when it stays in place, else a new block's
     * @throws IllegalArgumentException if {@code newSize} is negative or {@code address} is not a block
     *     this allocator returned (the block is then unchanged)
     * @throws IllegalStateException if the block was already freed (with checks on), or after {@link #close()}
     * @throws OutOfMemoryError as {@link #malloc(long)}; the old block then stays live and unchanged
     */
    long realloc(long address, long newSize);

    /**
     * Allocates {@code size} bytes aligned to {@code alignment}, uninitialised: C's
     * {@code aligned_alloc} with the arguments in Java's order, size first, as in
     * {@link #allocate(long, long)} (see the class description). Free it with {@link #free(long)}.
     *
     * @param size bytes wanted, at least 0
     * @param alignment a power of two (up to at least 2 MiB); 16 or less is {@code malloc(size)}
     * @return the block's address, a multiple of {@code alignment}
     * @throws IllegalArgumentException if {@code size} is negative or {@code alignment} is not a
     *     positive power of two; the message names the call with both arguments and their order
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError as {@link #malloc(long)}
     */
    long mallocAligned(long size, long alignment);

    /**
     * Frees a block returned by this allocator, like C's {@code free}. Any thread may free any block.
     *
     * @param address a live block's address, or 0 (then nothing happens)
     * @throws IllegalArgumentException if {@code address} is not the start of a block this allocator
     *     returned (a foreign, interior or never-allocated address); nothing changes
     * @throws IllegalStateException on a double free (with checks on; Large and Huge blocks always), or
     *     after {@link #close()}
     */
    void free(long address);

    /**
     * The number of bytes usable at {@code address}: at least the size asked for, the whole size class,
     * run or mapping the block occupies (like C's {@code malloc_usable_size}).
     *
     * @param address a live block's address
     * @return the usable bytes, at least the size the block was allocated with
     * @throws IllegalArgumentException if {@code address} is not the start of a live block of this
     *     allocator (with checks off a freed Tiny or Mid block is not detected)
     * @throws IllegalStateException after {@link #close()}
     */
    long usableSize(long address);

    /**
     * Allocates a segment of exactly {@code byteSize} bytes aligned to {@code byteAlignment}. The
     * segment is bound to this allocator: after {@link #close()} accessing it throws
     * {@link IllegalStateException}. Its content is not initialised; free it with
     * {@link #free(MemorySegment)}.
     *
     * @param byteSize bytes wanted, at least 0
     * @param byteAlignment a power of two
     * @return a segment of {@code byteSize} bytes whose address is a multiple of {@code byteAlignment}
     * @throws IllegalArgumentException if {@code byteSize} is negative or {@code byteAlignment} is not a
     *     positive power of two; the message names the call with both arguments and their order
     * @throws IllegalStateException after {@link #close()}
     * @throws OutOfMemoryError as {@link #malloc(long)}
     */
    @Override
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Frees a segment returned by {@link #allocate(long, long)}, by its address: {@code free(segment.address())}.
     * The segment itself stays accessible until {@link #close()}, so do not use it after this call.
     *
     * @param segment a live segment of this allocator
     * @throws NullPointerException if {@code segment} is null
     * @throws IllegalArgumentException if its address is not the start of a block of this allocator
     * @throws IllegalStateException on a double free (as {@link #free(long)}), or after {@link #close()}
     */
    void free(MemorySegment segment);

    /**
     * Empties the calling thread's cache: the free blocks it keeps for its next mallocs, and the blocks
     * other threads freed back to it, move to where memory pressure can return them to the OS (this
     * thread still reuses them first). For a thread about to go idle for long, like tcmalloc's
     * {@code MarkThreadIdle} or jemalloc's {@code thread.tcache.flush}: a living thread's cache is
     * otherwise released only by the thread itself. Cheap to call; a no-op on a virtual thread.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    void releaseThreadCache();

    /**
     * Gives back to the OS the free memory this allocator keeps for reuse, as {@code malloc_trim(0)},
     * mimalloc's {@code mi_collect(true)} or tcmalloc's {@code ReleaseFreeMemory} do: the calling
     * thread's cache and the caches of ended threads are emptied first, then every Tiny/Mid span
     * whose blocks are all free, the freed Large pages kept within {@code largeRetainedBytes} and the
     * retained Huge mappings are returned (what the allocator does by itself only when the memory
     * limit presses). Free Tiny and Mid blocks are otherwise kept for the next mallocs of their
     * class however many there are, so call this after a burst, for example when a server goes idle.
     * Blocks in other living threads' caches keep their spans; they reach the OS after those threads
     * call {@link #releaseThreadCache()} (or end) and this is called again. Safe from any thread, at
     * any time; costs a walk over the free blocks of every class.
     *
     * @return bytes this call gave back to the OS (committed before minus after; other threads'
     *     allocations meanwhile count against it, so it is at least 0 but not exact under load)
     * @throws IllegalStateException after {@link #close()}
     */
    long trim();

    /**
     * A snapshot of the allocator's counters. Cheap enough to call from a metrics loop: the threads'
     * counters are plain per-thread increments, summed when the snapshot is taken.
     *
     * After {@link #close()} it returns the snapshot taken at close, just before the memory went back
     * to the OS: its live figures are what was leaked ({@link #leakReport()}).
     *
     * @return the counters now (approximate while other threads allocate, see {@link AllocatorStats}),
     *     or those at close
     * @throws IllegalStateException after {@link #close()}, only from an implementation that keeps no
     *     final snapshot (the runtime's allocators all keep one)
     */
    AllocatorStats stats();

    /**
     * A readable table of {@link #stats()}: the totals, one row per tier (live blocks and bytes,
     * cached bytes, allocations, frees) and one per Tiny and Mid class that was used. Costs one
     * snapshot; also works after {@link #close()} (the figures at close).
     *
     * @return a multi-line text, for a log or a console
     * @throws IllegalStateException as {@link #stats()}
     */
    default String dump() {
        return StatsFormat.table(stats());
    }

    /**
     * The leak report of {@link #close()}: what was still live then, per tier and class, and with
     * {@link AllocatorConfig.Builder#leakSampling(int)} the top allocation sites of the leaked blocks.
     * The same report is logged at {@code WARNING} when anything was live.
     *
     * @return empty while the allocator is open (and from an implementation that makes no report),
     *     else the report, which may say that nothing leaked
     */
    default Optional<LeakReport> leakReport() {
        return Optional.empty();
    }

    /**
     * Returns all memory to the operating system, after taking a last snapshot of the counters
     * ({@link #stats()} returns it from then on) and, when blocks are still live, logging a
     * {@link LeakReport} at {@code WARNING} ({@link System.Logger} {@code "dev.hakmem"}). Segments from {@link #allocate(long, long)} become
     * inaccessible (their access throws); raw addresses must no longer be used. Idempotent. Other
     * calls should not race with it; those that do complete or throw {@link IllegalStateException},
     * never crash the JVM, and no mapping they make survives the close.
     *
     * @throws IllegalStateException while a native call holds a segment from {@link #allocate(long, long)}:
     *     then nothing is closed and the allocator stays usable; close it again once the call has returned
     */
    @Override
    void close();
}
