package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandle;

/**
 * gperftools tcmalloc (minimal) through its {@code tc_malloc}/{@code tc_free} entry points, a second thread-caching native peer. Loaded with {@code dlopen}, it does not replace the JVM's own malloc.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 */
public final class TcmallocPeer extends NativePeer {
    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromLibrary("libtcmalloc_minimal.so.4", new NativeFunctions.Names("tc_malloc", "tc_free", "tc_realloc"), "apt-get install libtcmalloc-minimal4");
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the library or its symbols are missing */
    public TcmallocPeer() {
        super("tcmalloc", FUNCTIONS);
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
