package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandle;

/**
 * mimalloc's {@code mi_malloc}/{@code mi_free}: the reference the reports take ratios against. Its own entry points are called (not an interposed {@code malloc}), so the JVM's own allocations stay on glibc.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 */
public final class MimallocPeer extends NativePeer {
    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromLibrary("libmimalloc.so.2", new NativeFunctions.Names("mi_malloc", "mi_free", "mi_realloc"), "apt-get install libmimalloc2.0");
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the library or its symbols are missing */
    public MimallocPeer() {
        super("mimalloc", FUNCTIONS);
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
