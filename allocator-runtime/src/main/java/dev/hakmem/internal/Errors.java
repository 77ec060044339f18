package dev.hakmem.internal;

import dev.hakmem.Tier;

/**
 * The allocator's error messages, in one place so they stay uniform: the operation, the address in
 * hex, and what is known of the block (tier, size class, size).
 */
public final class Errors {
    private Errors() {}

    public static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }

    /** A block named by a class: "TINY block of class 3 (64 bytes)". */
    public static String block(Tier tier, int cls, long size) {
        return tier + " block of class " + cls + " (" + size + " bytes)";
    }

    /**
     * A call that passed the allocator's open check while another thread closed it, and found its
     * memory gone: {@code call} names it ("malloc(4096)").
     */
    public static IllegalStateException closedDuringCall(String call) {
        return new IllegalStateException(call + ": the allocator was closed while this call was running");
    }

    public static IllegalStateException doubleFree(String op, long address, String what) {
        String kind = op.equals("free") ? "double free" : "use after free";
        return new IllegalStateException(op + "(" + hex(address) + "): " + kind + ": the " + what + " at this address is already free");
    }

    public static IllegalArgumentException notAllocated(String op, long address, String why) {
        return new IllegalArgumentException(op + "(" + hex(address) + "): not a block allocated by this allocator: " + why);
    }

    public static IllegalArgumentException interior(String op, long address, long blockStart, String what) {
        return new IllegalArgumentException(op + "(" + hex(address) + "): not a block allocated by this allocator: interior pointer, "
                + (address - blockStart) + " bytes into the " + what + " at " + hex(blockStart));
    }

    public static IllegalArgumentException negativeSize(String op, long size) {
        return new IllegalArgumentException(op + ": size must be >= 0, got " + size);
    }

    public static IllegalArgumentException badAlignment(String op, long size, long alignment) {
        return new IllegalArgumentException(op + "(" + size + ", " + alignment + "): the alignment, the second argument,"
                + " must be a positive power of two, got " + alignment + " (the size comes first: " + op + "(size, alignment))");
    }

    public static OutOfMemoryError tooLarge(String op, long size) {
        return new OutOfMemoryError(op + ": cannot allocate " + size + " bytes: larger than any mapping the OS can give");
    }
}
