package dev.hakmem.bench.peers;

import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

/**
 * glibc's malloc/free/realloc through downcalls linked with {@link Linker.Option#critical
 * critical(false)}: the same C code as {@link GlibcPeer}, minus the JVM's thread-state transition
 * around each call, so the pair of peers shows what that transition costs per op (and how close an
 * FFM caller of malloc can get to C).
 *
 * <p>A critical downcall keeps the thread "in Java" while the C code runs: a safepoint (a GC, a
 * deoptimisation) waits until the call returns. The JDK asks that such functions be short in all
 * cases; malloc usually is, but not when it maps fresh memory or waits on a contended arena lock.
 * That is the trade a user of this option makes, and nothing here hides it. No heap access is
 * allowed ({@code false}): only addresses cross the call.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 */
public final class GlibcCriticalPeer extends NativePeer {
    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromDefault(
            new NativeFunctions.Names("malloc", "free", "realloc"), Linker.Option.critical(false));
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the C library's symbols are missing */
    public GlibcCriticalPeer() {
        super("glibc-critical", FUNCTIONS);
        GlibcPeer.settleMmapThreshold(this); // the same C heap as GlibcPeer's, measured in the same state
    }

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
