package dev.hakmem.bench.peers;

import java.lang.invoke.MethodHandle;

/**
 * jemalloc 5 (Debian's {@code libjemalloc2}) through the {@code malloc}/{@code free}/{@code realloc}
 * that {@code libjemalloc.so.2} itself exports, looked up in that library only: like mimalloc and
 * tcmalloc it serves only this peer's calls, and the JVM's own allocations stay on glibc.
 *
 * <p>Loading it needs one thing from the environment. Debian builds jemalloc with initial-exec TLS
 * (its {@code DT_FLAGS} has {@code STATIC_TLS}, 2632 bytes of thread-locals); a library like that can
 * only be {@code dlopen}ed into the space glibc reserves for it at process start, 512 bytes unless
 * {@code GLIBC_TUNABLES=glibc.rtld.optional_static_tls=N} says more. So the JVM (JMH's forks inherit
 * the environment of the JMH process) must be started with
 * {@code GLIBC_TUNABLES=glibc.rtld.optional_static_tls=4096}, room for jemalloc plus mimalloc's and
 * tcmalloc's few bytes in the same JVM. Starting it with {@code LD_PRELOAD=libjemalloc.so.2} works
 * too (the library is then already loaded and this lookup finds it), but makes jemalloc the JVM's
 * own malloc as well, unlike the other native peers; the tunable is the intended way. Without either,
 * this peer is unavailable with a reason that says so.
 *
 * <p>The handles live in static finals so the JIT treats them as constants and {@code invokeExact}
 * compiles to a direct downcall; they are resolved once per JVM, when this class initialises.
 */
public final class JemallocPeer extends NativePeer {
    /** The environment that lets {@code dlopen} place jemalloc's static TLS. */
    static final String TUNABLE = "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=4096";

    private static final NativeFunctions.Functions FUNCTIONS = NativeFunctions.fromLibrary("libjemalloc.so.2",
            new NativeFunctions.Names("malloc", "free", "realloc"), "apt-get install libjemalloc2",
            "start the JVM with " + TUNABLE + " in its environment (or LD_PRELOAD=libjemalloc.so.2)");
    private static final MethodHandle MALLOC = FUNCTIONS.malloc();
    private static final MethodHandle FREE = FUNCTIONS.free();
    private static final MethodHandle REALLOC = FUNCTIONS.realloc();

    /** @throws PeerUnavailableException when the library is missing, cannot be loaded, or lacks the symbols */
    public JemallocPeer() {
        super("jemalloc", FUNCTIONS);
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
