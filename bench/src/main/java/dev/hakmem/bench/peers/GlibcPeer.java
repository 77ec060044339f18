package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandle;

/**
 * glibc's malloc/free through plain downcalls: the baseline every Java program already has via the C library.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 *
 * <p><b>Measured in the state of a process that has freed a large block</b> ({@link #settleMmapThreshold}).
 * glibc serves a request above its mmap threshold with a mapping of its own, and that threshold starts at
 * 128 KiB and rises to the size of the largest mapped block freed so far (at most 32 MiB), the heap's
 * trim threshold with it (twice that). Before such a free, every block above 128 KiB is mapped, grown by
 * {@code mremap} and unmapped when freed, its pages faulted in anew each time; after it, those blocks come
 * from the heap and are reused. Which of the two states a JMH fork measured depended on whether the JVM
 * itself had freed a large mapped block before: reallocGrowth's glibc forks read 0.04 M ops/s in one
 * and 3.1-4.0 M in the other, in one run of the main job and the next (quick-20, and quick-19: 22 K and
 * 3.5 M), and forcing the first state ({@code GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072}) read
 * 0.01-0.02 M (docs/BENCHMARKS-HISTORY.md, session 69). The best native peer of the table, and hakmem's
 * ratio to it, flipped with that. A program that has run for a while is in the second state; so is every
 * glibc peer from its creation.
 */
public final class GlibcPeer extends NativePeer {
    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromDefault(new NativeFunctions.Names("malloc", "free", "realloc"));
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the library or its symbols are missing */
    public GlibcPeer() {
        super("glibc", FUNCTIONS);
        settleMmapThreshold(this);
    }

    /**
     * The block {@link #settleMmapThreshold} mallocs and frees: above the largest request of any
     * default workload (large's 2 MiB), so that afterwards all of them come from glibc's heap.
     */
    static final long SETTLING_BLOCK = 4L << 20;

    /**
     * Puts glibc's malloc, for this process, in the state of a program that has freed a large block
     * (see the class comment): one malloc and free of {@link #SETTLING_BLOCK} bytes, which raises the
     * dynamic mmap threshold to that size unless it is already above. The threshold is glibc's, shared by
     * every glibc peer of the JVM ({@link GlibcCriticalPeer} calls this too); once is enough.
     */
    static void settleMmapThreshold(NativePeer glibc) {
        if (settled) return;
        glibc.free(glibc.malloc(SETTLING_BLOCK));
        settled = true;
    }

    /** Whether {@link #settleMmapThreshold} ran in this JVM; a racing second run is harmless. */
    private static volatile boolean settled;

    @Override
    public long malloc(long size) {
        try {
            return (long) MALLOC.invokeExact(size);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            FREE.invokeExact(address);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
    }

    @Override
    public long realloc(long address, long newSize) {
        try {
            return (long) REALLOC.invokeExact(address, newSize);
        } catch (Throwable t) {
            throw Peers.rethrow(t);
        }
    }
}
