package dev.hakmem.internal.registry;

import dev.hakmem.internal.os.OsMemory;
import dev.hakmem.internal.os.RawMemory;
import dev.hakmem.internal.os.RefusedReleases;
import dev.hakmem.internal.os.Reservation;

/**
 * The misuse checks' state bytes of Tiny and Mid blocks, one per granule, in native memory of their
 * own: two flat maps beside the reservation, one byte per 16 bytes of the reservation for Tiny chunks
 * and one per 256 bytes for Mid chunks. The state of the block at {@code p} of a tier with granule
 * {@code 1 << shift} is the byte at {@code map + ((p - base) >>> shift)}: a subtraction, a shift and
 * an add, with no array to load and no bounds to check, which is why the maps are native rather than
 * a Java array per chunk (measured: 0.5 ns per operation on the Tiny hot path, see
 * docs/BENCHMARKS-HISTORY.md). What the bytes mean and who writes them how: {@code internal.small.BlockState}.
 *
 * <p>Out of band all the same: the maps are separate mappings, never handed out, so a user write into
 * or past a block cannot reach them (only a wild pointer could, as it could reach the Java heap).
 *
 * <p>Memory: both maps are reserved as address space only (no access, no swap reservation:
 * {@link OsMemory#reserve}); the part of a chunk is made accessible when the chunk first serves a
 * tier ({@link #commitChunk}, 256 KiB of the Tiny map or 16 KiB of the Mid map per 4 MiB chunk, the
 * same as the Java arrays they replace), and only pages whose bytes are touched become resident.
 * Untouched bytes read 0, {@code NEVER}. A chunk serves one tier for the life of the allocator (spans
 * go back to their tier's span source), so a chunk's part of the other map stays unused.
 *
 * <p>Ordering: {@link #commitChunk} runs under the registry's lock before any block of the chunk is
 * handed out, so every thread that is later given a block's address may access its byte.
 */
public final class StateMap {
    /** Granule shift of the Tiny map (16-byte granules) and of the Mid map (256-byte granules). */
    public static final int TINY_SHIFT = 4, MID_SHIFT = 8;

    /**
     * Address of the state byte of the block at {@code address} in the map at {@code map} of a tier with
     * granules of {@code 1 << shift} bytes, in a reservation starting at {@code base}. The map's address
     * goes through {@link RawMemory#inRange} here, where it is used, so that the access needs no bounds
     * check; a tiny static method, so its callers' state accesses are no deeper for it.
     */
    public static long byteAddress(long map, long base, long address, int shift) {
        return RawMemory.inRange(map) + ((address - base) >>> shift);
    }

    /** Whether {@code address} starts a granule of {@code 1 << shift} bytes: a block start must; an interior address need not. */
    public static boolean isGranuleStart(long address, int shift) {
        return (address & ((1L << shift) - 1)) == 0;
    }

    /** What becomes of a map whose unmap the OS refuses (for the log). */
    private static final String UNREACHABLE = "the block states of an allocator no longer reachable stay mapped";

    private final long base;
    private final long size;
    private final long tinyMap;
    private final long midMap;

    /**
     * Reserves the maps for a reservation of {@code size} bytes at {@code base} (a multiple of the
     * chunk size).
     *
     * @throws OutOfMemoryError when the address space cannot be had
     */
    public StateMap(long base, long size) {
        this.base = base;
        this.size = size;
        OsMemory.Result tiny = OsMemory.reserve(size >>> TINY_SHIFT, OsMemory.PAGE_SIZE);
        if (tiny.value() == 0) throw refused(size >>> TINY_SHIFT, tiny.errno());
        OsMemory.Result mid = OsMemory.reserve(size >>> MID_SHIFT, OsMemory.PAGE_SIZE);
        if (mid.value() == 0) {
            OsMemory.unmapOrReport(tiny.value(), size >>> TINY_SHIFT, UNREACHABLE);
            throw refused(size >>> MID_SHIFT, mid.errno());
        }
        this.tinyMap = tiny.value();
        this.midMap = mid.value();
    }

    private static OutOfMemoryError refused(long bytes, int errno) {
        return new OutOfMemoryError("could not reserve " + bytes + " bytes of address space for the block states of the "
                + "misuse checks: " + OsMemory.describe(errno) + " (AllocatorConfig.addressSpace, or checks(false))");
    }

    /** Address of the Tiny map's byte for reservation offset 0. */
    public long tinyMap() { return tinyMap; }

    /** Address of the Mid map's byte for reservation offset 0. */
    public long midMap() { return midMap; }

    /** Address of the state byte of the granule holding {@code address}, in the map of granule {@code 1 << shift}. */
    public long address(long address, int shift) {
        return byteAddress(requireShift(shift) == TINY_SHIFT ? tinyMap : midMap, base, address, shift);
    }

    /**
     * Returns {@code shift} if it is a map's granule shift ({@link #TINY_SHIFT} or {@link #MID_SHIFT}),
     * else throws. Why check: an address computed in one map with the other's shift lands outside it,
     * and committing a chunk's states there (an {@code mprotect} to read and write) once took the code
     * pages of a library the JVM had mapped next to the maps, which crashed at exit.
     *
     * @throws IllegalArgumentException if {@code shift} is neither
     */
    public static int requireShift(int shift) {
        if (shift != TINY_SHIFT && shift != MID_SHIFT) {
            throw new IllegalArgumentException("no block state map has granules of 1 << " + shift + " bytes (Tiny: 1 << "
                    + TINY_SHIFT + ", Mid: 1 << " + MID_SHIFT + ")");
        }
        return shift;
    }

    /**
     * Makes chunk {@code chunk}'s part of the map of granule {@code 1 << shift} accessible (reading 0).
     *
     * @throws OutOfMemoryError when the OS refuses
     */
    void commitChunk(int chunk, int shift) {
        long bytes = Reservation.CHUNK_SIZE >>> shift;
        int rc = OsMemory.commit(address(base + ((long) chunk << Reservation.CHUNK_SHIFT), shift), bytes);
        if (rc != 0) {
            throw new OutOfMemoryError("could not commit " + bytes + " bytes of block states for a new chunk: " + OsMemory.describe(rc));
        }
    }

    /** Sets the states of the span {@code [spanBase, spanBase + spanSize)} of granule {@code 1 << shift} to 0. */
    void clear(long spanBase, long spanSize, int shift) {
        RawMemory.zero(RawMemory.ANYWHERE, address(spanBase, shift), spanSize >>> shift); // the maps outlive close
    }

    /** Gives the maps' pages back to the OS; they stay mapped and read 0 (for the allocator's close). */
    void decommit() {
        int rc = OsMemory.decommit(tinyMap, size >>> TINY_SHIFT);
        if (rc != 0) RefusedReleases.report("the closed allocator's Tiny block states stay resident until it is unreachable", tinyMap, size >>> TINY_SHIFT, rc);
        rc = OsMemory.decommit(midMap, size >>> MID_SHIFT);
        if (rc != 0) RefusedReleases.report("the closed allocator's Mid block states stay resident until it is unreachable", midMap, size >>> MID_SHIFT, rc);
    }

    /**
     * Unmaps both maps. Only once nothing can access them: run by the registry's cleaner when the
     * registry is unreachable (see {@link ChunkRegistry#close}), so that a call racing with the
     * allocator's close never touches an unmapped page.
     */
    void unmap() {
        OsMemory.unmapOrReport(tinyMap, size >>> TINY_SHIFT, UNREACHABLE);
        OsMemory.unmapOrReport(midMap, size >>> MID_SHIFT, UNREACHABLE);
    }
}
