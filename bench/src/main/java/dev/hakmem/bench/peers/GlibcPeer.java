package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandle;

/**
 * glibc's malloc/free through plain downcalls: the baseline every Java program already has via the C library.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 */
public final class GlibcPeer extends NativePeer {
    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromDefault(new NativeFunctions.Names("malloc", "free", "realloc"));
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the library or its symbols are missing */
    public GlibcPeer() {
        super("glibc", FUNCTIONS);
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
