package dev.hakmem.internal;

import dev.hakmem.internal.os.MemoryBudget;
import dev.hakmem.internal.os.Reservation;
import dev.hakmem.internal.registry.ChunkRegistry;

/**
 * A tier's surroundings for a unit test: an unlimited budget, 256 MiB of reserved address space and a
 * registry over it; {@link #close()} unmaps the space (a test holds it with {@code @AutoClose}).
 */
public final class TestAddressSpace implements AutoCloseable {
    public final MemoryBudget budget = new MemoryBudget(Long.MAX_VALUE);
    public final Reservation reservation = new Reservation(256L << 20, budget);
    public final ChunkRegistry registry = new ChunkRegistry(reservation.base(), reservation.size(), true);

    @Override
    public void close() {
        reservation.unmap();
    }
}
