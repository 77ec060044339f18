package dev.hakmem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Test helpers: raw access to allocator blocks and seeded content patterns.
 *
 * <p>A pattern is a window of a fixed pseudo-random byte source ({@value #PERIOD} bytes, repeating),
 * starting at an offset derived from a 64-bit tag. Filling is a memcpy and verifying is a
 * {@link MemorySegment#mismatch}, so whole blocks (also Large and Huge ones) can be written and checked
 * cheaply. Two different tags give different contents with overwhelming probability, so a block
 * overwritten by another block's pattern is detected.
 */
final class TestMemory {
    private TestMemory() {}

    /** The whole address space, for reading and writing raw blocks. */
    static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    static final long KiB = 1024, MiB = 1024 * KiB;

    /** Length of the pattern source; odd so windows of different tags do not line up on page boundaries. */
    static final int PERIOD = (8 << 20) - 4093;

    private static final MemorySegment SOURCE;
    private static final MemorySegment ZEROS;

    static {
        Arena global = Arena.global();
        SOURCE = global.allocate((PERIOD + 15L) & -8L, 16);
        SplittableRandom r = new SplittableRandom(0x5EED_C0DE_2025L);
        for (long i = 0; i + 8 <= SOURCE.byteSize(); i += 8) SOURCE.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        ZEROS = global.allocate(1L << 20, 16); // arenas zero what they allocate
    }

    /** SplitMix64 finaliser. */
    static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    static long tag(long seed, long address, long serial) {
        return mix(seed * 0x9E3779B97F4A7C15L ^ mix(address) ^ (serial * 0xD1B54A32D192ED03L));
    }

    private static long base(long tag) {
        return Math.floorMod(mix(tag), (long) PERIOD);
    }

    /** Writes the pattern of {@code tag} to bytes [0, len) of the block at {@code address}. */
    static void fill(long address, long len, long tag) {
        long src = base(tag);
        long pos = 0;
        while (pos < len) {
            long n = Math.min(len - pos, PERIOD - src);
            MemorySegment.copy(SOURCE, src, ALL, address + pos, n);
            pos += n;
            src = 0;
        }
    }

    /** Offset of the first byte in [0, len) at {@code address} that differs from the pattern of {@code tag}, or -1. */
    static long mismatch(long address, long len, long tag) {
        long src = base(tag);
        long pos = 0;
        while (pos < len) {
            long n = Math.min(len - pos, PERIOD - src);
            long m = MemorySegment.mismatch(SOURCE, src, src + n, ALL, address + pos, address + pos + n);
            if (m >= 0) return pos + m;
            pos += n;
            src = 0;
        }
        return -1;
    }

    /** Fails, naming the first differing byte, unless bytes [0, len) at {@code address} hold the pattern of {@code tag}. */
    static void assertPattern(long address, long len, long tag) {
        long m = mismatch(address, len, tag);
        if (m >= 0) throw new AssertionError(describeMismatch(address, m, tag));
    }

    /** The pattern byte of {@code tag} at {@code offset}. */
    static byte expected(long tag, long offset) {
        return SOURCE.get(ValueLayout.JAVA_BYTE, (base(tag) + offset) % PERIOD);
    }

    /** Offset of the first non-zero byte in [0, len) at {@code address}, or -1. */
    static long firstNonZero(long address, long len) {
        long pos = 0;
        while (pos < len) {
            long n = Math.min(len - pos, ZEROS.byteSize());
            long m = MemorySegment.mismatch(ZEROS, 0, n, ALL, address + pos, address + pos + n);
            if (m >= 0) return pos + m;
            pos += n;
        }
        return -1;
    }

    /** Describes a content mismatch for an assertion message. */
    static String describeMismatch(long address, long offset, long tag) {
        return "content of block " + hex(address) + " differs at offset " + offset + ": expected "
                + (expected(tag, offset) & 0xFF) + ", found " + (ALL.get(ValueLayout.JAVA_BYTE, address + offset) & 0xFF);
    }

    /** The address format of the allocator's messages. */
    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /** Writes one byte to every 4 KiB page of [address, address + len) and to its last byte. */
    static void touchPages(long address, long len) {
        for (long off = 0; off < len; off += 4096) ALL.set(ValueLayout.JAVA_BYTE, address + off, (byte) 1);
        if (len > 0) ALL.set(ValueLayout.JAVA_BYTE, address + len - 1, (byte) 1);
    }
}
