package dev.hakmem.bench.peers;

import dev.hakmem.AllocatorConfig;
import dev.hakmem.Hakmem;
import dev.hakmem.NativeAllocator;

/**
 * The allocator under test as a benchmark peer: {@code hakmem} is {@link Hakmem#create()} with its
 * default configuration; {@code hakmem-nochecks} is the same with misuse checks off (to measure what
 * the checks cost).
 *
 * <p>A runtime that is not there yet (create fails, or malloc is still the placeholder that throws
 * {@link UnsupportedOperationException}) is reported as "unavailable" with the cause, so it shows
 * up as a skipped line rather than as a benchmark error. Any other failure (wrong bytes, other
 * exceptions from malloc/free) is a bug and still fails the benchmark loudly.
 */
public final class HakmemPeer implements BenchAllocator {
    private final NativeAllocator allocator;
    private final String name;

    /** The default allocator. */
    public HakmemPeer() {
        this("hakmem", AllocatorConfig.defaults());
    }

    /** @throws PeerUnavailableException when {@link Hakmem#create(AllocatorConfig)} throws */
    public HakmemPeer(String name, AllocatorConfig config) {
        this.name = name;
        try {
            allocator = Hakmem.create(config);
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
        return name;
    }

    @Override
    public void close() {
        allocator.close();
    }
}
