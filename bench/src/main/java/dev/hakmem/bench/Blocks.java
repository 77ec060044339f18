package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;

/**
 * What the multithreaded workloads do to every block: a malloc that refuses 0, and a two-byte stamp
 * ({@code tag} at the first byte, {@code ~tag} at the last) that is checked before the block is
 * freed. The two ends catch blocks that overlap another live block or are shorter than asked; a
 * mismatch throws, so a broken allocator produces an error instead of a number.
 *
 * <p>Blocks that travel between threads without their size (the footprint workloads) carry a
 * <em>sized</em> stamp instead: the size in bytes 0-2 (little-endian), the tag in byte 3,
 * {@code ~tag} in the last byte, and {@code tag + k} at offset {@code k * 4096} for every further
 * page-sized step into the block, so that a block is resident as if the program used it (what
 * footprint measures). Whoever holds the block's record checks it against the record
 * ({@link #checkSized(BenchAllocator, String, String, long, int, byte)}); whoever got it from another
 * thread reads the size back and checks that the stamp is consistent with it
 * ({@link #readSized}).
 *
 * <p>Public for the workloads of {@code dev.hakmem.bench.mbench}, which verify their blocks the same way.
 */
public final class Blocks {
    private Blocks() {}

    public static long malloc(BenchAllocator a, String peer, long size) {
        long p = a.malloc(size);
        if (p == 0) throw new IllegalStateException(peer + ": malloc(" + size + ") returned 0");
        return p;
    }

    /** Writes the stamp into the {@code size} bytes of block {@code p} ({@code size >= 2}). */
    public static void stamp(BenchAllocator a, long p, long size, byte tag) {
        a.put(p, 0, tag);
        a.put(p, size - 1, (byte) ~tag);
    }

    /** Throws unless the block still holds the stamp written with {@code tag}. */
    public static void check(BenchAllocator a, String peer, String workload, long p, long size, byte tag) {
        byte first = a.get(p, 0);
        byte last = a.get(p, size - 1);
        if (first != tag || last != (byte) ~tag) {
            throw new IllegalStateException(String.format(
                    "%s: %s verification failed at block 0x%x (size %d): read %d/%d, wrote %d/%d",
                    peer, workload, p, size, first, last, tag, (byte) ~tag));
        }
    }

    /** {@link #check}, then frees the block. */
    public static void checkAndFree(BenchAllocator a, String peer, String workload, long p, long size, byte tag) {
        check(a, peer, workload, p, size, tag);
        a.free(p);
    }

    public static final int PAGE = 4096;

    /** Writes the sized stamp into block {@code p} of {@code size} bytes ({@code 5 <= size < 2^24}). */
    public static void stampSized(BenchAllocator a, long p, int size, byte tag) {
        a.put(p, 0, (byte) size);
        a.put(p, 1, (byte) (size >>> 8));
        a.put(p, 2, (byte) (size >>> 16));
        a.put(p, 3, tag);
        for (int k = 1; k * PAGE < size - 1; k++) a.put(p, k * PAGE, (byte) (tag + k));
        a.put(p, size - 1, (byte) ~tag);
    }

    /** Throws unless block {@code p} holds the sized stamp of exactly {@code size} and {@code tag}. */
    public static void checkSized(BenchAllocator a, String peer, String workload, long p, int size, byte tag) {
        int stored = storedSize(a, p);
        byte first = a.get(p, 3);
        byte last = a.get(p, size - 1);
        if (stored != size || first != tag || last != (byte) ~tag) {
            throw new IllegalStateException(String.format(
                    "%s: %s verification failed at block 0x%x (size %d): read size %d, tag %d/%d, wrote %d/%d",
                    peer, workload, p, size, stored, first, last, tag, (byte) ~tag));
        }
        checkPages(a, peer, workload, p, size, tag);
    }

    private static void checkPages(BenchAllocator a, String peer, String workload, long p, int size, byte tag) {
        for (int k = 1; k * PAGE < size - 1; k++) {
            byte got = a.get(p, k * PAGE);
            if (got != (byte) (tag + k)) {
                throw new IllegalStateException(String.format("%s: %s verification failed at block 0x%x (size %d),"
                        + " offset %d: read %d, wrote %d", peer, workload, p, size, k * PAGE, got, (byte) (tag + k)));
            }
        }
    }

    /**
     * Returns the size stored in the sized stamp of block {@code p}, after checking that it lies in
     * {@code [minSize, maxSize]} and that the tag at byte 3 matches the one in the last byte.
     */
    public static int readSized(BenchAllocator a, String peer, String workload, long p, int minSize, int maxSize) {
        int size = storedSize(a, p);
        if (size < minSize || size > maxSize) {
            throw new IllegalStateException(String.format("%s: %s verification failed at block 0x%x: stored size %d"
                    + " is outside [%d, %d]", peer, workload, p, size, minSize, maxSize));
        }
        byte tag = a.get(p, 3);
        byte last = a.get(p, size - 1);
        if (last != (byte) ~tag) {
            throw new IllegalStateException(String.format("%s: %s verification failed at block 0x%x (size %d):"
                    + " tag %d but last byte %d", peer, workload, p, size, tag, last));
        }
        checkPages(a, peer, workload, p, size, tag);
        return size;
    }

    private static int storedSize(BenchAllocator a, long p) {
        return (a.get(p, 0) & 0xFF) | (a.get(p, 1) & 0xFF) << 8 | (a.get(p, 2) & 0xFF) << 16;
    }
}
