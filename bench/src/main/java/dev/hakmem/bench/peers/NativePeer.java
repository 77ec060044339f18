package dev.hakmem.bench.peers;

/**
 * What the native peers share: a name, and refusing to start (as "unavailable") when their library or
 * symbols are missing.
 *
 * <p>Each subclass keeps its own downcall handles in {@code static final} fields and calls them with
 * {@code invokeExact} in its own {@code malloc}/{@code free}/{@code realloc}: only a constant handle lets the JIT
 * compile the call into a direct downcall, which is why those small methods are not shared here
 * through an instance field.
 */
abstract class NativePeer implements BenchAllocator {
    private final String name;

    /** @throws PeerUnavailableException when {@code functions} could not be bound */
    NativePeer(String name, NativeFunctions.Functions functions) {
        this.name = name;
        if (functions.unavailable() != null) {
            throw new PeerUnavailableException(name + " unavailable: " + functions.unavailable(), null);
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public void close() {
        // Nothing to release: the library stays loaded for the JVM's lifetime (see NativeFunctions).
    }
}
