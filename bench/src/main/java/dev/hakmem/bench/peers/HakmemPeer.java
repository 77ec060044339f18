package dev.hakmem.bench.peers;

import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;

/**
 * The allocator under test, {@link Hakmem#create()} with its default configuration, as a benchmark
 * peer.
 *
 * <p>A runtime that is not there yet (create fails, or malloc is still the placeholder that throws
 * {@link UnsupportedOperationException}) is reported as "unavailable" with the cause, so it shows
 * up as a skipped line rather than as a benchmark error. Any other failure (wrong bytes, other
 * exceptions from malloc/free) is a bug and still fails the benchmark loudly.
 */
public final class HakmemPeer implements BenchAllocator {
    private final NativeAllocator allocator;

    /** @throws PeerUnavailableException when {@link Hakmem#create()} throws */
    public HakmemPeer() {
        try {
            allocator = Hakmem.create();
        } catch (RuntimeException | LinkageError e) {
            throw new PeerUnavailableException("hakmem unavailable: Hakmem.create() threw " + e, e);
        }
        try {
            allocator.free(allocator.malloc(16));
        } catch (UnsupportedOperationException e) {
            allocator.close();
            throw new PeerUnavailableException("hakmem unavailable: the runtime is not implemented yet (" + e + ")", e);
        }
    }

    @Override
    public long malloc(long size) {
        return allocator.malloc(size);
    }

    @Override
    public void free(long address) {
        allocator.free(address);
    }

    @Override
    public String name() {
        return "hakmem";
    }

    @Override
    public void close() {
        allocator.close();
    }
}
