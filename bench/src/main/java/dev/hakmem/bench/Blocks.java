package dev.hakmem.bench;

import dev.hakmem.bench.peers.BenchAllocator;

/**
 * What the multithreaded workloads do to every block: a malloc that refuses 0, and a two-byte stamp
 * ({@code tag} at the first byte, {@code ~tag} at the last) that is checked before the block is
 * freed. The two ends catch blocks that overlap another live block or are shorter than asked; a
 * mismatch throws, so a broken allocator produces an error instead of a number.
 */
final class Blocks {
    private Blocks() {}

    static long malloc(BenchAllocator a, String peer, long size) {
        long p = a.malloc(size);
        if (p == 0) throw new IllegalStateException(peer + ": malloc(" + size + ") returned 0");
        return p;
    }

    /** Writes the stamp into the {@code size} bytes of block {@code p} ({@code size >= 2}). */
    static void stamp(BenchAllocator a, long p, long size, byte tag) {
        a.put(p, 0, tag);
        a.put(p, size - 1, (byte) ~tag);
    }

    /** Throws unless the block still holds the stamp written with {@code tag}. */
    static void check(BenchAllocator a, String peer, String workload, long p, long size, byte tag) {
        byte first = a.get(p, 0);
        byte last = a.get(p, size - 1);
        if (first != tag || last != (byte) ~tag) {
            throw new IllegalStateException(String.format(
                    "%s: %s verification failed at block 0x%x (size %d): read %d/%d, wrote %d/%d",
                    peer, workload, p, size, first, last, tag, (byte) ~tag));
        }
    }

    /** {@link #check}, then frees the block. */
    static void checkAndFree(BenchAllocator a, String peer, String workload, long p, long size, byte tag) {
        check(a, peer, workload, p, size, tag);
        a.free(p);
    }
}
